"""The comparison between two versions: every field of the kind in reading order, and
within a changed field word by word, saying in words what was added and removed."""

from __future__ import annotations

from typing import Any

from agreements.compare import FieldChange, Piece, compare, shown, words_diff
from agreements.models import Area, Kind
from agreements.services import FIELD_LABELS

TRANSPARENCY = FIELD_LABELS[Kind.TRANSPARENCY]
BOUNDARY = FIELD_LABELS[Kind.BOUNDARY]

BEFORE = {
    "title": "Phone stays open",
    "what": "Who I message",
    "how_often": "Every evening",
    "channel": "Face to face",
    "notes": "",
}


def by_name(changes: list[FieldChange]) -> dict[str, FieldChange]:
    return {change.name: change for change in changes}


def ops(pieces: list[Piece]) -> list[tuple[str, str]]:
    return [(piece.op, piece.text) for piece in pieces]


def test_words_added_at_the_end_are_marked_added() -> None:
    assert ops(words_diff("Every evening", "Every evening and Sunday")) == [
        ("same", "Every evening"),
        ("added", " and Sunday"),
    ]


def test_words_removed_are_marked_removed() -> None:
    assert ops(words_diff("Who I message and call", "Who I message")) == [
        ("same", "Who I message"),
        ("removed", " and call"),
    ]


def test_a_replaced_word_is_removed_then_added() -> None:
    assert ops(words_diff("Every evening at dinner", "Every morning at dinner")) == [
        ("same", "Every "),
        ("removed", "evening"),
        ("added", "morning"),
        ("same", " at dinner"),
    ]


def test_whole_words_change_not_letters() -> None:
    pieces = words_diff("message", "messages")
    assert ops(pieces) == [("removed", "message"), ("added", "messages")]


def test_from_nothing_and_to_nothing() -> None:
    assert ops(words_diff("", "Ask first")) == [("added", "Ask first")]
    assert ops(words_diff("Ask first", "")) == [("removed", "Ask first")]
    assert words_diff("", "") == []


def test_the_pieces_rebuild_both_texts() -> None:
    before, after = "We talk on  Sunday,\nface to face", "We talk on Monday,\nface to face, calmly"
    pieces = words_diff(before, after)
    assert "".join(p.text for p in pieces if p.op != "added") == before
    assert "".join(p.text for p in pieces if p.op != "removed") == after


def test_every_field_of_the_kind_in_reading_order_unchanged_ones_without_pieces() -> None:
    after = {**BEFORE, "how_often": "Every Sunday evening", "notes": "Look again in May"}
    changes = compare(TRANSPARENCY, BEFORE, after)
    assert [c.name for c in changes] == ["title", "what", "how_often", "channel", "notes"]
    assert [c.label for c in changes] == [label for _, label in TRANSPARENCY]
    fields = by_name(changes)
    assert [name for name, c in fields.items() if c.changed] == ["how_often", "notes"]
    for name in ("title", "what", "channel"):
        assert not fields[name].changed and fields[name].pieces == []
        assert fields[name].before == fields[name].after == BEFORE[name]
    assert ops(fields["how_often"].pieces) == [
        ("same", "Every "),
        ("added", "Sunday "),
        ("same", "evening"),
    ]
    assert ops(fields["notes"].pieces) == [("added", "Look again in May")]


def test_a_field_emptied_is_shown_removed() -> None:
    after: dict[str, Any] = {**BEFORE, "channel": None}  # an emptied field opens as None
    channel = by_name(compare(TRANSPARENCY, BEFORE, after))["channel"]
    assert (channel.before, channel.after) == ("Face to face", "")
    assert ops(channel.pieces) == [("removed", "Face to face")]


def test_a_boundarys_area_is_compared_by_its_label() -> None:
    before = {"title": "Evenings", "area": Area.DEVICES, "text": "Phones away at nine"}
    after = {**before, "area": Area.TIME}
    area = by_name(compare(BOUNDARY, before, after))["area"]
    assert (area.before, area.after) == ("Devices", "Time")
    assert ops(area.pieces) == [("removed", "Devices"), ("added", "Time")]
    assert "devices" not in {p.text for p in area.pieces}


def test_the_area_label_reads_whole_and_other_text_is_left_alone() -> None:
    assert shown("area", Area.PEOPLE) == "Contact with particular people"
    assert shown("area", "made-up") == "made-up"
    assert shown("title", "people") == "people"


def test_a_first_version_is_shown_whole_without_pieces() -> None:
    changes = compare(BOUNDARY, None, {"title": "Evenings", "area": Area.SOCIAL, "text": "No DMs"})
    assert [(c.name, c.before, c.after, c.pieces) for c in changes] == [
        ("title", "", "Evenings", []),
        ("area", "", "Social media", []),
        ("text", "", "No DMs", []),
        ("notes", "", "", []),
    ]


def test_fields_of_other_kinds_are_left_out() -> None:
    after = {**BEFORE, "text": "stray", "area": Area.TIME}
    assert [c.name for c in compare(TRANSPARENCY, BEFORE, after)] == [n for n, _ in TRANSPARENCY]
    assert not any(c.changed for c in compare(TRANSPARENCY, BEFORE, after))
