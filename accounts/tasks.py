"""Background work for accounts. Tasks carry ids only, never a secret or any text."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


@task()
def send_password_reset(user_id: int | None, origin: str) -> None:
    """The reset link is made here, in the worker, so no usable token waits in the database.
    A request for an unknown email queues this with no one, so both cost the same."""
    if user_id is None:
        return
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = origin.rstrip("/") + reverse("accounts:reset_confirm", args=[uid, token])
    body = render_to_string("accounts/email/reset.txt", {"user": user, "link": link})
    send_mail(
        "Choosing a new Tending password",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
