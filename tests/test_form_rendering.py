"""The one-input widgets rendered in Python (tending/forms.py `_quick`) give exactly what
Django's own widget templates give, for any values a form can put in them."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from tending.forms import _ONE_INPUT, _ONE_OPTION, _quick

TEMPLATES = DjangoTemplates()  # Django's stock renderer, templates and all

words = st.text(alphabet=st.sampled_from(list("aZ09 &<>\"'é-_/.")), max_size=12)
plain_or_safe = st.one_of(words, words.map(mark_safe))
values = st.one_of(
    st.none(), plain_or_safe, st.integers(-5, 12), st.booleans(), st.tuples(words, words)
)
attr_values = st.one_of(st.just(True), st.just(False), st.just(0), plain_or_safe, st.integers())
attrs = st.dictionaries(
    st.sampled_from(["id", "class", "required", "data-x", "aria-describedby"]),
    attr_values,
    max_size=4,
)


@st.composite
def widgets(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "name": draw(words),
        "type": draw(st.sampled_from(["text", "radio", "checkbox", "hidden", "number"])),
        "value": draw(values),
        "attrs": draw(attrs),
        "label": draw(plain_or_safe),
        "wrap_label": draw(st.booleans()),
        "is_hidden": False,
        "required": draw(st.booleans()),
        "template_name": "",
    }


@settings(max_examples=examples(300), deadline=None)
@given(widget=widgets(), template=st.sampled_from(sorted(_ONE_INPUT | _ONE_OPTION)))
def test_the_quick_widgets_match_djangos_templates(widget: dict[str, Any], template: str) -> None:
    quick = _quick(template, {"widget": widget})
    found = widget["attrs"].get("id")
    if quick is None:  # left to the template only where a label's `for` isn't plain text
        assert template in _ONE_OPTION and widget["wrap_label"] and not isinstance(found, str)
        assert found
        return
    assert quick == TEMPLATES.render(template, {"widget": widget})


def test_an_ordinary_radio_button_takes_the_quick_way() -> None:
    widget = {
        "name": "safety",
        "type": "radio",
        "value": 3,
        "label": "Safe enough",
        "attrs": {"id": "id_safety_2", "required": True},
        "wrap_label": True,
    }
    quick = _quick("django/forms/widgets/radio_option.html", {"widget": widget})
    assert quick == (
        '<label for="id_safety_2"><input type="radio" name="safety" value="3" '
        'id="id_safety_2" required>\n Safe enough</label>'
    )


def test_anything_else_goes_to_the_template() -> None:
    widget: dict[str, Any] = {"name": "n", "type": "text", "value": None, "attrs": {}, "label": 3}
    assert _quick("django/forms/widgets/radio_option.html", {"widget": widget}) is None
    assert _quick("django/forms/widgets/select.html", {"widget": widget}) is None
    assert _quick("django/forms/widgets/text.html", {"widget": widget, "extra": 1}) is None
