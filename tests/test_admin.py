"""The operator's admin, when enabled, shows accounts and never entry text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = """
import json
from django.contrib import admin
from privacy.entries import entry_models, EncryptedField
from privacy.models import PersonKeys, CoupleKeyCopy
registered = {m._meta.label: [f.name for f in m._meta.get_fields()] for m in admin.site._registry}
shown = {}
for model, model_admin in admin.site._registry.items():
    fields = set(model_admin.get_fields(None)) | set(model_admin.list_display)
    shown[model._meta.label] = sorted(str(f) for f in fields)
print(json.dumps({
    "registered": sorted(registered),
    "entries": sorted(m._meta.label for m in entry_models()),
    "keys": [PersonKeys._meta.label, CoupleKeyCopy._meta.label],
    "shown": shown,
}))
"""


def test_admin_registers_no_entry_or_key_model(tmp_path: Path) -> None:
    env = {**os.environ, "TENDING_ADMIN": "1", "TENDING_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert "accounts.User" in found["registered"], "the admin really was mounted"
    assert found["entries"], "there is at least one entry kind to protect"
    for label in found["entries"] + found["keys"]:
        assert label not in found["registered"], f"{label} must never be in the admin"
    assert "password" not in found["shown"]["accounts.User"]


def test_admin_is_off_unless_asked_for() -> None:
    assert settings.ADMIN_ENABLED is False
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
