from django import forms

from couples.models import Role


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Where are you in this?",
        choices=Role.choices,
        widget=forms.RadioSelect,
        initial=Role.BOTH,
        help_text="This only changes which prompts Tending offers you. You can change it later.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Invitation code",
        max_length=20,
        help_text="Eight letters and numbers, like 7KQ2-M9XD.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
