"""Project-wide form behaviour: stated text limits that never cut, and messages in our voice.

A browser's `maxlength` silently drops whatever is pasted past the limit. Tending never
drops words without saying so: every limited field is rendered without `maxlength`, with
`data-limit` and a line that states the limit (so it's said even without JavaScript).
`static/tending/limits.js` turns that line into a live "n of max" count. The form's own
max-length check then refuses over-long text with a clear message, and the bound form
keeps every character for the person to shorten.
"""

from __future__ import annotations

from typing import Any

from django.core import validators
from django.forms import fields
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

# The words a field with no message of its own says. Each form may still say it better.
REQUIRED = "Please fill this in."
MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": REQUIRED},
    fields.CharField: {},
    fields.IntegerField: {"invalid": "Please use a whole number here."},
    fields.FloatField: {"invalid": "Please use a number here."},
    fields.DecimalField: {"invalid": "Please use a number here."},
    fields.DateField: {"invalid": "Please choose a date (like 2026-03-14)."},
    fields.TimeField: {"invalid": "Please choose a time (like 08:30)."},
    fields.DateTimeField: {"invalid": "Please choose a day and a time."},
    fields.ChoiceField: {"invalid_choice": "Please choose one of the options shown."},
    fields.MultipleChoiceField: {
        "invalid_choice": "Please choose from the options shown.",
        "invalid_list": "Please choose from the options shown.",
    },
    fields.UUIDField: {"invalid": "This form is out of date. Please reload the page."},
    fields.BooleanField: {"required": REQUIRED},
}
TOO_LONG = (
    "This is %(show_value)d characters; the limit here is %(limit_value)d. "
    "Nothing was cut: shorten it a little and save again."
)
TOO_SHORT = "This needs at least %(limit_value)d characters; it has %(show_value)d."


def use_our_words() -> None:
    """Replace Django's stock messages ("This field is required.") once, at start-up."""
    for field_class, messages in MESSAGES.items():
        field_class.default_error_messages.update(messages)
    validators.MaxLengthValidator.message = TOO_LONG
    validators.MinLengthValidator.message = TOO_SHORT
    validators.EmailValidator.message = "Please check the email address; it doesn't look complete."
    validators.MaxValueValidator.message = "Please choose %(limit_value)s or less."
    validators.MinValueValidator.message = "Please choose %(limit_value)s or more."


def limit_note(field_id: str, limit: int) -> SafeString:
    return format_html(
        '<span class="limit" id="{}_limit" data-limit-note>Up to {} characters.</span>',
        field_id,
        f"{limit:,}",
    )


# Django's own widget templates that are one <input> (`input.html` included once), the
# two that are one <input> in a <label> (`input_option.html`), a <textarea> and a <select>
# of plain options: rendered here in Python
# with exactly the same output (tests/test_form_rendering.py compares them with Django's
# templates), because a page of radio buttons rendered one small template per option
# spent a third of its time there (issue 18, bench.pages: the check-in page).
_ONE_INPUT = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in [
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    ]
)
_ONE_OPTION = frozenset(
    ("django/forms/widgets/radio_option.html", "django/forms/widgets/checkbox_option.html")
)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: "%s", escaped unless it was already safe."""
    text = "%s" % (value,)  # noqa: UP031 (what the filter does)
    return text if isinstance(value, SafeData) else str(escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'
    )


_TEXTAREA = "django/forms/widgets/textarea.html"
_SELECT = "django/forms/widgets/select.html"
_SELECT_OPTION = "django/forms/widgets/select_option.html"


def _plain_attrs(widget: Any) -> bool:
    return isinstance(widget, dict) and (
        isinstance(widget.get("attrs"), dict)
        and all(isinstance(name, str) for name in widget["attrs"])
    )


def _textarea(widget: dict[str, Any]) -> str | None:
    """`textarea.html`: the value only when there is one, on the line after the tag."""
    value = widget.get("value")
    if value is not None and not isinstance(value, str):
        return None
    shown = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{shown}</textarea>"
    )


def _select(widget: dict[str, Any]) -> str | None:
    """`select.html` with its `select_option.html` options (and named groups)."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group in widget.get("optgroups") or ():
        if not (isinstance(group, (tuple, list)) and len(group) == 3):
            return None
        group_name, options, _ = group
        if group_name and not isinstance(group_name, str):
            return None
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if (
                not _plain_attrs(option)
                or option.get("template_name") != _SELECT_OPTION
                or not isinstance(option.get("label"), str)
            ):
                return None
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the template's own end
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _quick(template_name: str, context: dict[str, Any]) -> str | None:
    """The widget as Django's template would render it, or None to let the template do it
    (anything not plainly a string where Django would format it, a label, a type, a name)."""
    widget = context.get("widget")
    if not isinstance(widget, dict) or len(context) != 1 or not _plain_attrs(widget):
        return None
    if template_name in (_TEXTAREA, _SELECT):
        if not isinstance(widget.get("name"), str):
            return None
        made = _textarea(widget) if template_name == _TEXTAREA else _select(widget)
        return None if made is None else made.strip()
    if not all(isinstance(widget.get(k), str) for k in ("type", "name")):
        return None
    # Django's renderer strips what a widget template gives (forms/renderers.py).
    if template_name in _ONE_INPUT:
        return _input(widget).strip()
    if template_name not in _ONE_OPTION or not isinstance(widget.get("label"), str):
        return None
    if not widget.get("wrap_label"):
        return _input(widget).strip()
    found = widget["attrs"].get("id")
    if found and not isinstance(found, str):
        return None
    label_for = f' for="{conditional_escape(found)}"' if found else ""
    label = conditional_escape(widget["label"])
    return f"<label{label_for}>{_input(widget)} {label}</label>".strip()


class TendingFormRenderer(DjangoTemplates):
    """Django's renderer, except that a text limit is stated instead of enforced by cutting,
    and the one-input widgets are rendered without a template (same output, see `_quick`)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        attrs = widget.get("attrs") if isinstance(widget, dict) else None
        if (
            not isinstance(widget, dict)
            or not attrs
            or "maxlength" not in attrs
            or widget.get("is_hidden")
            or widget.get("type") in ("email", "password")  # a typo'd address isn't "too long"
        ):
            return self._render(template_name, context, request)
        attrs = dict(attrs)
        limit = int(attrs.pop("maxlength"))
        attrs["data-limit"] = str(limit)
        field_id = str(attrs.get("id") or widget.get("name", ""))
        described = [*str(attrs.get("aria-describedby", "")).split(), f"{field_id}_limit"]
        attrs["aria-describedby"] = " ".join(described)
        context = {**context, "widget": {**widget, "attrs": attrs}}
        rendered = self._render(template_name, context, request)
        return mark_safe(rendered + limit_note(field_id, limit))  # noqa: S308 (both parts escaped)

    def _render(self, template_name: str, context: dict[str, Any], request: Any) -> str:
        quick = _quick(template_name, context)
        if quick is not None:
            return mark_safe(quick)  # noqa: S308 (every part escaped as the template does)
        return super().render(template_name, context, request)
