"""The widgets rendered in Python (tending/forms.py `_quick`: one-input widgets, textareas and
selects) give exactly what Django's own widget templates give, for any values a form can put
in them."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from tending.forms import _ONE_INPUT, _ONE_OPTION, _SELECT, _SELECT_OPTION, _TEXTAREA, _quick

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


@settings(max_examples=examples(200), deadline=None)
@given(widget=widgets(), value=st.one_of(st.none(), plain_or_safe, st.integers(0, 3)))
def test_a_quick_textarea_matches_djangos_template(widget: dict[str, Any], value: Any) -> None:
    widget["value"] = value
    quick = _quick(_TEXTAREA, {"widget": widget})
    if quick is None:  # a value that isn't text is left to the template
        assert not isinstance(value, str) and value is not None
        return
    assert quick == TEMPLATES.render(_TEXTAREA, {"widget": widget})


@st.composite
def options(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "name": draw(words),
        "value": draw(st.one_of(plain_or_safe, st.integers(-2, 12), st.none())),
        "label": draw(plain_or_safe),
        "selected": draw(st.booleans()),
        "attrs": draw(attrs),
        "template_name": _SELECT_OPTION,
    }


@settings(max_examples=examples(200), deadline=None)
@given(
    widget=widgets(),
    groups=st.lists(
        st.tuples(
            st.one_of(st.none(), st.just(""), plain_or_safe), st.lists(options(), max_size=4)
        ),
        max_size=3,
    ),
)
def test_a_quick_select_matches_djangos_template(
    widget: dict[str, Any], groups: list[tuple[Any, list[dict[str, Any]]]]
) -> None:
    widget["optgroups"] = [(name, opts, index) for index, (name, opts) in enumerate(groups)]
    quick = _quick(_SELECT, {"widget": widget})
    assert quick is not None
    assert quick == TEMPLATES.render(_SELECT, {"widget": widget})


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
    assert _quick("django/forms/widgets/multiwidget.html", {"widget": widget}) is None
    odd_option = {"value": 1, "label": 2, "attrs": {}, "template_name": _SELECT_OPTION}
    assert _quick(_SELECT, {"widget": {**widget, "optgroups": [(None, [odd_option], 0)]}}) is None
    assert _quick("django/forms/widgets/text.html", {"widget": widget, "extra": 1}) is None
