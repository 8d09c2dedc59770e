"""What happens to a person's entries when they export, leave or delete their account."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from couples import services as couples
from privacy.entries import Entry, entry_models, reveal
from privacy.keyring import Keyring

REMOVED_PART = "what this answered was removed when its author deleted their account"


def _describe(entry: Entry, mine: bool) -> dict[str, Any]:
    return {
        "id": str(entry.pk),
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "shared": entry.is_shared,
        "author": "me" if mine else entry.author.display_name,
        "readable": not (entry.unreadable or entry.waiting),
        "waiting_for_couple_key": entry.waiting,
        **({"part_removed": REMOVED_PART} if entry.parent_removed else {}),
        "fields": entry.plain,
        **{k: _plain(v) for k, v in entry.export_extra().items()},
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def build_export(user: User, ring: Keyring) -> dict[str, Any]:
    """Everything this person wrote, plus what their partner shares with them now."""
    mine: dict[str, list[dict[str, Any]]] = {}
    shared_with_me: dict[str, list[dict[str, Any]]] = {}
    for model in entry_models():
        label = model.export_label()
        visible = model.objects.visible_to(user).select_related("author").order_by("created_at")
        for entry in reveal(list(visible), ring):
            own = entry.author_id == user.pk
            (mine if own else shared_with_me).setdefault(label, []).append(_describe(entry, own))
    partner = couples.partner_of(user)
    return {
        "format": "tending-export-1",
        "exported_at": timezone.now().isoformat(),
        "person": {"name": user.display_name, "email": user.email, "time_zone": user.time_zone},
        "partner": partner.display_name if partner else None,
        "my_entries": mine,
        "shared_with_me": shared_with_me,
    }


def export_markdown(data: dict[str, Any]) -> str:
    lines = [
        f"# Tending export for {data['person']['name']}",
        "",
        f"Made {data['exported_at']}.",
        "",
    ]
    for heading, groups in (
        ("What I wrote", data["my_entries"]),
        ("Shared with me", data["shared_with_me"]),
    ):
        lines += [f"## {heading}", ""]
        if not groups:
            lines += ["Nothing yet.", ""]
        for label, items in groups.items():
            lines += [f"### {label}", ""]
            for item in items:
                who = "" if item["author"] == "me" else f" by {item['author']}"
                state = "shared" if item["shared"] else "private"
                lines.append(f"- {item['created_at'][:16].replace('T', ' ')}{who} ({state})")
                if item.get("part_removed"):
                    lines.append(f"  - ({item['part_removed']})")
                if not item["readable"]:
                    lines.append(
                        "  - (can no longer be opened: written under a key that was reset)"
                    )
                for name, value in item["fields"].items():
                    text = str(value).replace("\n", "\n    ")
                    lines.append(f"  - {name}: {text}")
            lines.append("")
    return "\n".join(lines)


def export_zip(user: User, ring: Keyring) -> bytes:
    data = build_export(user, ring)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tending-export.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("tending-export.md", export_markdown(data))
    return buffer.getvalue()


@transaction.atomic
def delete_account(user: User) -> None:
    """Everything the person owns goes, keys first: their private text stays unreadable even
    in an old backup that lacks their password."""
    if couples.current_membership(user) is not None:
        couples.leave(user)
    for model in entry_models():
        model.objects.authored_by(user).delete()
    user.delete()  # cascades to keys, key copies, memberships and invitations
