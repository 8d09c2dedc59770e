from conftest import Cast


def test_partners_see_each_other_on_today(cast: Cast) -> None:
    page = cast.alice.client.get("/")
    assert page.status_code == 200
    assert "You and Bob" in page.content.decode()
    page = cast.bob.client.get("/")
    assert "You and Alice" in page.content.decode()
