from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm

from accounts.models import User, time_zone_names

NAME_HELP = "The name your partner will see."
NAME_MISSING = "Please add the name your partner knows you by."
PASSWORD_HELP = "At least 10 characters. A phrase of a few words works well."


def new_password_field(label: str = "New password") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
    )


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class SignUpForm(forms.Form):
    display_name = forms.CharField(
        label="Your name",
        max_length=60,
        help_text=NAME_HELP,
        error_messages={"required": NAME_MISSING},
    )
    email = forms.EmailField(label="Email", max_length=254)
    password = new_password_field("Password")
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=zone_choices,
        initial="UTC",
        help_text="Taken from this device; change it if it's wrong.",
        widget=forms.Select(attrs={"data-guess-time-zone": ""}),
    )

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(NAME_MISSING)
        return name

    def clean_email(self) -> str:
        # Whether the email already has an account is never said here (see services.sign_up).
        email: str = self.cleaned_data["email"].strip().lower()
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            probe = User(email=data.get("email", ""), display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class ConfirmSignUpForm(forms.Form):
    password = forms.CharField(
        label="The password you chose",
        strip=False,
        error_messages={"required": "Please type the password you chose when you signed up."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignInForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# Offered as you type on the settings page; any other zone can still be typed.
COMMON_ZONES = (
    "UTC",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Denver",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Bogota",
    "America/Lima",
    "America/Halifax",
    "America/Santiago",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Reykjavik",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Pacific/Auckland",
)


def resolve_zone(typed: str) -> str | None:
    """The zone someone meant: its exact name in any case, with spaces or underscores, or
    a city's name ("buenos aires", "Tokyo")."""
    wanted = "_".join(typed.split()).casefold()
    if not wanted:
        return None
    names = time_zone_names()
    for name in names:
        if name.casefold() == wanted:
            return name
    cities = [name for name in names if name.rsplit("/", 1)[-1].casefold() == wanted]
    if not cities:
        return None
    # Several names for one city are aliases of one zone (America/Buenos_Aires is
    # America/Argentina/Buenos_Aires): the one offered, else the longer, current name.
    offered = [name for name in cities if name in COMMON_ZONES]
    return offered[0] if offered else max(cities, key=len)


class TimeZoneInput(forms.TextInput):
    """A text box with common zones offered as you type: a few hundred bytes, not the 37 KB
    of a select holding every zone, and no zone is lost (any zone's name can be typed)."""

    template_name = "accounts/time_zone_input.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs']['id']}_list"
        context["widget"]["common_zones"] = COMMON_ZONES
        return context


class TimeZoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", TimeZoneInput(attrs={"autocomplete": "off"}))
        super().__init__(max_length=64, **kwargs)

    def clean(self, value: Any) -> str:
        typed: str = super().clean(value)
        zone = resolve_zone(typed)
        if zone is None:
            raise forms.ValidationError(
                "We couldn't find that time zone. Try a large city near you, like Paris or "
                "Chicago, or a zone name like Europe/Paris."
            )
        return zone


class ProfileForm(forms.ModelForm[User]):
    time_zone = TimeZoneField(
        label="Time zone",
        help_text="Start typing a city or region; any time zone works, not only the ones offered.",
    )

    class Meta:
        model = User
        fields = ("display_name", "time_zone")
        labels = {"display_name": "Your name"}
        help_texts = {"display_name": NAME_HELP}
        error_messages = {"display_name": {"required": NAME_MISSING}}

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(NAME_MISSING)
        return name


class ConfirmPasswordForm(forms.Form):
    """A fresh password prompt before anything that can't be taken back."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        error_messages={"required": "Please enter your password to go on."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password doesn't match. Nothing has changed.")
        return password


def second_code_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label="Code from your authenticator app" + ("" if required else " (if you use one)"),
        max_length=20,
        required=required,
        help_text="Or one of your sign-in recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
    )


class RecoverForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=40,
        help_text="The code Tending showed you when you made your account.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    new_password = new_password_field()
    # Shown to everyone, so the page never says which accounts use two-step sign-in.
    second_code = second_code_field(required=False)


class SecondStepForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six digits from your authenticator app, if you use one, or a recovery code.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": "", "autocapitalize": "none"}
        ),
    )


class ConfirmAuthenticatorForm(forms.Form):
    code = forms.CharField(
        label="The six digits your app shows",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        password_validation.validate_password(password)
        return password


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)


class ResetWithoutCodeForm(forms.Form):
    new_password = new_password_field()
    understood = forms.BooleanField(
        label="I understand that my private entries can't be opened after this.",
        error_messages={"required": "Please confirm you've read what this means."},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        from accounts import two_factor

        self.user = user
        super().__init__(*args, **kwargs)
        # The emailed link alone doesn't replace keys when two-step sign-in is on.
        if two_factor.has_second_step(user):
            self.fields["second_code"] = second_code_field(required=True)

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password

    def clean_second_code(self) -> str:
        from accounts import two_factor

        code: str = self.cleaned_data["second_code"]
        if not two_factor.verify(self.user, code):
            raise forms.ValidationError(two_factor.WRONG_CODE)
        return code


class ChangePasswordForm(PasswordChangeForm):
    """Django's password change, in our words (its checks are unchanged)."""

    error_messages = {
        "password_mismatch": "The two new passwords aren't the same. Please type it once more.",
        "password_incorrect": "That isn't your current password. Nothing has changed.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = PASSWORD_HELP
        self.fields["new_password2"].label = "The new password again"
        self.fields["new_password2"].help_text = "So a typo can't lock you out."


IDLE_LABELS = {0: "Never", 5: "After 5 minutes", 15: "After 15 minutes", 60: "After an hour"}


class LockAndNoticeForm(forms.ModelForm[User]):
    """The idle lock for a shared device, and an email about new sign-ins."""

    idle_lock_minutes = forms.TypedChoiceField(
        label="Lock Tending when I haven't used it for a while",
        choices=list(IDLE_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Then it asks for your password again. Useful on a device others can pick up.",
        error_messages={"invalid_choice": "Please choose one of these times."},
    )

    class Meta:
        model = User
        fields = ("idle_lock_minutes", "tell_new_sign_ins")
        labels = {"tell_new_sign_ins": "Email me when my account is signed in somewhere new"}
        help_texts = {
            "tell_new_sign_ins": "The email says only which kind of device and browser, and when."
        }
