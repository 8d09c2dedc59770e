from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from accounts import (
            checks,  # noqa: F401  (registers system checks)
            signins,
        )

        def signed_in(sender: object, request: object, **kwargs: object) -> None:
            if request is not None:
                signins.note_sign_in(request)  # type: ignore[arg-type]

        def signed_out(sender: object, request: object, **kwargs: object) -> None:
            if request is not None:
                signins.forget(request)  # type: ignore[arg-type]

        user_logged_in.connect(signed_in, weak=False, dispatch_uid="accounts.signins.in")
        user_logged_out.connect(signed_out, weak=False, dispatch_uid="accounts.signins.out")
