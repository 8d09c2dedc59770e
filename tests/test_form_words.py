"""Forms speak in Tending's voice, and a text limit is stated, counted and never cuts.

Issue 13: bug 6 (pasted text silently cut by `maxlength`) and the copy item (stock
"This field is required." and password-rule texts).
"""

from __future__ import annotations

import html
import re

import pytest
from django import forms

from conftest import PASSWORD, Cast
from notes.models import Note

RSQUO = "\u2019"  # Django's texts use a typographic apostrophe
STOCK = (
    "This field is required.",
    "Ensure this value",
    "Enter a valid",
    "Select a valid choice",
    f"password can{RSQUO}t be too similar",
    "password must contain at least",
    f"password can{RSQUO}t be a commonly used",
    f"password can{RSQUO}t be entirely numeric",
    "Enter the same password as before",
    f"didn{RSQUO}t match",
)

# Pages with forms that limit text: each must state its limits and never set maxlength.
LIMITED_PAGES = [
    "/notes/",
    "/check-in/",
    "/journal/",
    "/commitments/new/",
    "/agreements/new/?kind=transparency",
    "/agreements/new/?kind=boundary",
    "/account/settings/",
]


def page_of(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def assert_no_stock_words(page: str) -> None:
    for words in STOCK:
        assert words not in page, words


@pytest.mark.parametrize("url", LIMITED_PAGES)
def test_limited_fields_state_their_limit_and_never_cut(cast: Cast, url: str) -> None:
    page = page_of(cast.alice.client.get(url))
    assert "maxlength" not in page
    limits = re.findall(r'data-limit="(\d+)"', page)
    assert limits, "no limited field found"
    for limit in limits:
        assert f"Up to {int(limit):,} characters." in page


def test_an_over_long_note_is_refused_with_every_character_kept(cast: Cast) -> None:
    pasted = (
        "I want to say this properly. " * 172
    )  # 4,988 characters; 4,987 once the last space is trimmed
    response = cast.alice.client.post("/notes/", {"body": pasted})
    assert response.status_code == 422
    page = page_of(response)
    assert pasted in page  # the whole text is back in the box
    assert "Notes can be up to 2,000 characters; this one has 4987." in page
    assert "Up to 2,000 characters." in page
    assert not Note.objects.exists()
    assert_no_stock_words(page)


def test_an_over_long_name_is_refused_with_the_name_kept(cast: Cast) -> None:
    long_name = "Alexandra " * 7  # 70 characters
    response = cast.alice.client.post(
        "/account/settings/", {"display_name": long_name, "time_zone": "Europe/Amsterdam"}
    )
    page = page_of(response)
    assert response.status_code == 200
    assert f'value="{long_name.strip()}"' in page or f'value="{long_name}"' in page
    assert "the limit here is 60. Nothing was cut" in page
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.display_name == "Alice"


def test_a_field_without_words_of_its_own_speaks_ours() -> None:
    class Plain(forms.Form):
        text = forms.CharField(max_length=5)
        when = forms.DateField()
        count = forms.IntegerField(max_value=3)
        pick = forms.ChoiceField(choices=[("a", "A")])

    empty = Plain({})
    assert not empty.is_valid()
    assert empty.errors["text"] == ["Please fill this in."]
    wrong = Plain({"text": "abcdefg", "when": "soon", "count": "9", "pick": "z"})
    assert not wrong.is_valid()
    assert wrong.errors["text"] == [
        "This is 7 characters; the limit here is 5. Nothing was cut: shorten it a little "
        "and save again."
    ]
    assert wrong.errors["when"] == ["Please choose a date (like 2026-03-14)."]
    assert wrong.errors["count"] == ["Please choose 3 or less."]
    assert wrong.errors["pick"] == ["Please choose one of the options shown."]


@pytest.mark.parametrize(
    "url",
    ["/account/settings/password/", "/account/export/", "/account/settings/sign-out-everywhere/"],
)
def test_password_pages_say_it_our_way(cast: Cast, url: str) -> None:
    page = page_of(cast.alice.client.get(url))
    assert_no_stock_words(page)
    fields = {"password": ""} if "password/" not in url else {"old_password": ""}
    refused = page_of(cast.alice.client.post(url, fields))
    assert_no_stock_words(refused)
    assert "Please" in refused


def test_a_new_password_that_wont_do_is_refused_in_our_words(cast: Cast) -> None:
    response = cast.alice.client.post(
        "/account/settings/password/",
        {"old_password": PASSWORD, "new_password1": "12345678901", "new_password2": "1234567890"},
    )
    page = page_of(response)
    assert "The two new passwords aren't the same" in page
    assert_no_stock_words(page)
    response = cast.alice.client.post(
        "/account/settings/password/",
        {"old_password": PASSWORD, "new_password1": "1234567890", "new_password2": "1234567890"},
    )
    page = page_of(response)
    assert "Numbers alone are easy to guess" in page
    assert "At least 10 characters. A phrase of a few words works well." in page
    assert_no_stock_words(page)
