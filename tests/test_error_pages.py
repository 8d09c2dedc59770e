"""Error pages are Tending's own: styled, readable on a phone, with a way back to Today."""

from __future__ import annotations

import pytest
from django.template import Context, Engine
from django.test import Client, RequestFactory, override_settings
from django.views import defaults
from django.views.csrf import csrf_failure

from conftest import Cast

OURS = ('name="viewport"', 'href="/"', "Go to Today", "tending/app.css")


def assert_ours(page: str) -> None:
    for piece in OURS:
        assert piece in page, piece
    assert "Not Found" not in page and "Server Error" not in page and "Forbidden" not in page


def test_a_missing_page_is_ours(cast: Cast) -> None:
    response = cast.alice.client.get("/no/such/page/")
    assert response.status_code == 404
    assert_ours(response.content.decode())


@pytest.mark.parametrize(
    ("view", "status"),
    [(defaults.bad_request, 400), (defaults.permission_denied, 403)],
)
def test_bad_request_and_forbidden_are_ours(db: None, view: object, status: int) -> None:
    request = RequestFactory().get("/")
    response = view(request, Exception("no"))  # type: ignore[operator]
    assert response.status_code == status
    assert_ours(response.content.decode())


def test_the_server_error_page_needs_no_database_nor_request() -> None:
    # No `db` fixture: any query would fail the test. Django renders it with an empty Context.
    page = Engine.get_default().get_template("500.html").render(Context())
    assert_ours(page)
    assert "ours, not yours" in page
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_ours(response.content.decode())


def test_a_refused_form_without_csrf_token_is_ours(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice.user)
    response = client.post("/couple/leave/", {"password": "x"})
    assert response.status_code == 403
    assert_ours(response.content.decode())
    direct = csrf_failure(RequestFactory().post("/"), reason="no token")
    assert_ours(direct.content.decode())


@override_settings(DEBUG=False)
def test_error_pages_use_no_inline_script_or_style() -> None:
    engine = Engine.get_default()
    for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html"):
        page = engine.get_template(name).render(Context())
        assert "<script" not in page and "style=" not in page and "<style" not in page


def test_a_long_right_to_left_name_keeps_its_own_direction_and_a_round_avatar(cast: Cast) -> None:
    from accounts.models import User

    User.objects.filter(pk=cast.bob.user.pk).update(display_name="ליאור " + "בן-דוד" * 8)
    page = cast.alice.client.get("/").content.decode()
    assert '<span class="avatar" aria-hidden="true" dir="auto">ל</span>' in page
    assert "ליאור" in page
    # The avatar never shrinks in its row, so a long name can't squeeze it into an oval.
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "tending/static/tending/app.css").read_text()
    avatar = css[css.index(".avatar {") :]
    avatar = avatar[: avatar.index("}")]
    assert "flex: 0 0 2.5rem" in avatar and "aspect-ratio: 1" in avatar
