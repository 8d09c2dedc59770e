"""Measures the wording aid on its labelled set: precision and recall per pattern and
overall, and how long one check takes.

    .venv/bin/python -m bench.wording                 (the held-out part: the figures to report)
    .venv/bin/python -m bench.wording --split tune    (the part the rules were shaped on)
    .venv/bin/python -m bench.wording --split tune --misses   (what it got wrong there)

The set is `conversations/data/wording_set.tsv`: one sentence a line, labelled with the
pattern a kind coach would gently point at (criticism, contempt, defensiveness,
stonewalling) or `none` when it must be left alone. "held" lines were written before any
rule was tuned and are never looked at line by line; `--misses` refuses them.

A sentence counts as flagged when `hints()` returns anything. Overall precision is the share
of flagged sentences that carry a pattern; overall recall the share of pattern sentences
flagged. Per pattern, a hint counts only when it names that pattern. Latency is measured on
every sentence of the set, and on a long letter, with `time.perf_counter`; nothing here
judges the numbers (the test in conversations/tests/test_wording_measured.py holds the
held-out figures to the bar).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SET = Path(__file__).resolve().parent.parent / "conversations" / "data" / "wording_set.tsv"
PATTERN_NAMES = ("criticism", "contempt", "defensiveness", "stonewalling")
BAR_PRECISION = 0.8
BAR_RECALL = 0.6


@dataclass(frozen=True)
class Line:
    split: str
    pattern: str  # one of PATTERN_NAMES, or "none"
    kind: str
    text: str


@dataclass(frozen=True)
class Score:
    flagged_right: int
    flagged: int
    to_find: int
    found: int

    @property
    def precision(self) -> float:
        return self.flagged_right / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.to_find if self.to_find else 1.0


def load(split: str | None = None) -> list[Line]:
    lines = []
    for raw in SET.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#") or raw.startswith("split\t"):
            continue
        part, pattern, kind, text = raw.split("\t")
        if pattern not in (*PATTERN_NAMES, "none"):
            raise ValueError(f"unknown pattern {pattern!r} in {SET.name}")
        if split is None or part == split:
            lines.append(Line(part, pattern, kind, text))
    return lines


def measure(lines: list[Line]) -> dict[str, Score]:
    """Scores per pattern and "overall" (any hint at all against any pattern at all)."""
    from conversations.wording import hints

    seen = [(line, {hint.pattern for hint in hints(line.text)}) for line in lines]
    scores = {}
    for name in PATTERN_NAMES:
        scores[name] = Score(
            flagged_right=sum(1 for line, got in seen if name in got and line.pattern == name),
            flagged=sum(1 for _, got in seen if name in got),
            to_find=sum(1 for line, _ in seen if line.pattern == name),
            found=sum(1 for line, got in seen if line.pattern == name and name in got),
        )
    scores["overall"] = Score(
        flagged_right=sum(1 for line, got in seen if got and line.pattern != "none"),
        flagged=sum(1 for _, got in seen if got),
        to_find=sum(1 for line, _ in seen if line.pattern != "none"),
        found=sum(1 for line, got in seen if got and line.pattern != "none"),
    )
    return scores


def misses(lines: list[Line]) -> list[tuple[str, Line, list[str]]]:
    from conversations.wording import hints

    wrong = []
    for line in lines:
        got = hints(line.text)
        if line.pattern == "none" and got:
            wrong.append(("flagged, should be left alone", line, [h.key for h in got]))
        elif line.pattern != "none" and line.pattern not in {h.pattern for h in got}:
            wrong.append(("missed" if not got else "other pattern", line, [h.key for h in got]))
    return wrong


def latency_ms(texts: list[str], rounds: int = 5) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per check. On a shared machine the two differ by the
    time other processes had the CPU; the CPU figure is what the check itself costs."""
    from conversations.wording import hints

    wall, cpu = [], []
    for _ in range(rounds):
        for text in texts:
            start, start_cpu = time.perf_counter(), time.process_time()
            hints(text)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def _line(label: str, samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    return (
        f"  {label:<34} median {statistics.median(samples):7.2f} ms, p95 {p95:7.2f} ms, "
        f"max {max(samples):7.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wording", description=__doc__)
    parser.add_argument("--split", choices=("held", "fresh", "tune", "all"), default="held")
    parser.add_argument("--misses", action="store_true", help="list what went wrong (tune only)")
    args = parser.parse_args(argv)
    lines = load(None if args.split == "all" else args.split)
    if args.misses and args.split != "tune":
        print("--misses shows the tune part only: the held-out part is never tuned on.")
        return 2
    scores = measure(lines)
    positives = sum(1 for line in lines if line.pattern != "none")
    print(
        f"wording aid on the {args.split} part of {SET.name}: {len(lines)} sentences, "
        f"{positives} to flag, {len(lines) - positives} to leave alone"
    )
    print(f"{'pattern':<15}{'precision':>10}{'recall':>8}   flags right/all, found/to find")
    for name, score in scores.items():
        print(
            f"{name:<15}{score.precision:>10.2f}{score.recall:>8.2f}   "
            f"{score.flagged_right}/{score.flagged}, {score.found}/{score.to_find}"
        )
    print(f"bar: precision >= {BAR_PRECISION}, recall >= {BAR_RECALL} overall")

    print(f"latency per check (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    everything = [line.text for line in load()]
    wall, cpu = latency_ms(everything)
    print(_line(f"one sentence, wall clock ({len(wall)})", wall))
    print(_line("one sentence, CPU time", cpu))
    for size in (500, 2000):  # a paragraph; a full box, the most the aid reads
        letter = " ".join(everything)[:size]
        wall, cpu = latency_ms([letter], rounds=20)
        print(_line(f"{size:,} characters, wall clock", wall))
        print(_line(f"{size:,} characters, CPU time", cpu))
    if args.misses:
        for why, line, keys in misses(lines):
            print(f"  {why:<30} [{line.pattern}/{line.kind}] {line.text}  {keys or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
