"""The dependency rule is checked, not hoped for: `lint-imports` (pyproject.toml) passes on
the tree as it is, and fails, naming the import, when an app reaches into another's insides."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Each probe names a module that breaks one contract, the contract, and the import it names.
PROBES = [
    (
        "checkins/_contract_probe.py",
        "from bids.models import Bid\n",
        "Feature apps meet only through each other's services BROKEN",
        "checkins._contract_probe -> bids.models",
    ),
    (
        "today/_contract_probe.py",
        "from notes.forms import NoteForm\n",
        "Feature apps meet only through each other's services BROKEN",
        "today._contract_probe -> notes.forms",
    ),
    (
        # A services package's sub-modules are its own: others import `agreements.services`.
        "conversations/_contract_probe.py",
        "from agreements.services import review\n",
        "Feature apps meet only through each other's services BROKEN",
        "conversations._contract_probe -> agreements.services.review",
    ),
    (
        "privacy/_contract_probe.py",
        "from notes import services\n",
        "Core apps import no feature app BROKEN",
        "privacy._contract_probe -> notes.services",
    ),
    (
        "safety/_contract_probe.py",
        "from commitments.models import Commitment\n",
        "Core apps import no feature app BROKEN",
        "safety._contract_probe -> commitments.models",
    ),
    (
        "charts/_contract_probe.py",
        "from bids import services\n",
        "Core apps import no feature app BROKEN",
        "charts._contract_probe -> bids.services",
    ),
    (
        "tending/_contract_probe.py",
        "from commitments import services\n",
        "The project package only wires: URLs, and commands that call services BROKEN",
        "tending._contract_probe -> commitments.services",
    ),
]


def lint_imports() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def with_probe(path: str, source: str) -> subprocess.CompletedProcess[str]:
    """Run the check with one extra module in the tree; the module never outlives the run."""
    probe = ROOT / path
    assert not probe.exists()
    try:
        probe.write_text(source)
        return lint_imports()
    finally:
        probe.unlink(missing_ok=True)


# One test, run in order: under pytest-xdist, a probe written by a parallel test could
# otherwise be in the tree while the clean check runs.
def test_the_contracts_pass_on_the_tree_and_fail_on_a_forbidden_import() -> None:
    clean = lint_imports()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 broken" in clean.stdout

    for path, source, broken, named in PROBES:
        result = with_probe(path, source)
        assert result.returncode != 0, path
        assert broken in result.stdout, result.stdout
        assert named in result.stdout, result.stdout
        assert not (ROOT / path).exists()

    # Another app's services stay open to every feature app.
    allowed = with_probe("checkins/_contract_probe.py", "from bids import services\n")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
