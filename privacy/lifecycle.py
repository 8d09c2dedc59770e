"""What happens to a person's entries when they export, leave or delete their account."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.request_scope import one_call_scope
from couples import services as couples
from privacy.entries import Entry, ExportContext, entry_models, reveal
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


def _collect(
    user: User, ring: Keyring, *, withheld: bool = False
) -> list[tuple[type[Entry], list[Entry]]]:
    """Every kind, with the entries this person may see: their own, and what is shared with
    them now (the one reading rule, `visible_to`, decides). Kinds kept out of an export by
    default (`IN_EXPORT = False`, the safety check) come only when the person asks."""
    kinds = []
    # Every kind asks "whose entries may this person read?": with the pair looked up once
    # for the whole export, each asks it with plain values instead of building the same
    # subqueries again (half the export's time outside a request).
    with one_call_scope():
        couples.pair_of(user)
        for model in entry_models():
            if not model.EXPORTED:
                continue
            if not model.IN_EXPORT and not withheld:
                continue
            visible = model.objects.visible_to(user).select_related("author")
            kinds.append((model, reveal(list(visible.order_by("created_at")), ring)))
    return kinds


def build_export(
    user: User, ring: Keyring, kinds: list[tuple[type[Entry], list[Entry]]] | None = None
) -> dict[str, Any]:
    """Everything this person wrote, plus what their partner shares with them now."""
    mine: dict[str, list[dict[str, Any]]] = {}
    shared_with_me: dict[str, list[dict[str, Any]]] = {}
    for model, entries in kinds if kinds is not None else _collect(user, ring):
        label = model.export_label()
        for entry in entries:
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


def _sort_key(entry: Entry) -> datetime:
    when = entry.export_when()
    if not isinstance(when, datetime):
        when = datetime.combine(when, time.min, tzinfo=UTC)
    return when


def _entry_markdown(entry: Entry, ctx: ExportContext) -> list[str]:
    when = entry.export_when()
    dated = ctx.moment(when) if isinstance(when, datetime) else ctx.day(when)
    title = _one_line(entry.export_title(ctx))
    head = f"- **{dated} \u00b7 {title}** ({entry.export_visibility(ctx)})"
    if entry.unreadable:
        return [
            head,
            "  - This can no longer be opened: it was written under a key that was reset.",
        ]
    if entry.waiting:
        return [head, "  - This opens once the couple key reaches this account."]
    lines = [head]
    if entry.parent_removed:
        lines.append(f"  - ({REMOVED_PART})")
    for label, words in entry.export_lines(ctx):
        body = _indent(words)
        lines.append(f"  - {label}: {body}" if label else f"  - {body}")
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _indent(text: str) -> str:
    return text.strip().replace("\r\n", "\n").replace("\n", "\n    ")


def export_markdown(user: User, kinds: list[tuple[type[Entry], list[Entry]]]) -> str:
    """The same entries as the JSON, for a person to read: every kind in plain words,
    grouped, dated in their own time zone, oldest first."""
    partner = couples.partner_of(user)
    every = [entry for _, entries in kinds for entry in entries]
    names = {e.author_id: e.author.display_name for e in every if e.author_id != user.pk}
    ctx = ExportContext(user=user, entries=every, names=names)
    with timezone.override(user.time_zone):
        lines = [
            f"# Tending: what {user.display_name} wrote",
            "",
            f"Downloaded on {ctx.moment(timezone.now())} ({user.time_zone}).",
            "",
            "Everything you wrote in Tending, and what "
            + (f"{partner.display_name} shares" if partner else "your partner shared")
            + " with you now. The same entries, complete, are in tending-export.json.",
            "",
        ]
        for heading, own in (("What I wrote", True), ("Shared with me", False)):
            lines += [f"## {heading}", ""]
            empty = True
            for model, entries in kinds:
                chosen = [e for e in entries if (e.author_id == user.pk) == own]
                if not chosen:
                    continue
                empty = False
                lines += [f"### {model.export_label()}", ""]
                for entry in sorted(chosen, key=_sort_key):
                    lines += _entry_markdown(entry, ctx)
                lines.append("")
            if empty:
                lines += ["Nothing here.", ""]
    return "\n".join(lines)


def export_zip(user: User, ring: Keyring, *, withheld: bool = False) -> bytes:
    kinds = _collect(user, ring, withheld=withheld)
    data = build_export(user, ring, kinds)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tending-export.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("tending-export.md", export_markdown(user, kinds))
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
