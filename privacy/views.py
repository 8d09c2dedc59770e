from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from accounts.forms import ConfirmPasswordForm
from privacy import lifecycle
from privacy.keyring import PasswordKeyring
from tending.http import signed_in_user


@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        ring = PasswordKeyring(user, form.cleaned_data["password"])
        # The safety check is the person's own too (rule 4: a full export), but an export
        # file often lands on a shared device, so it comes only when asked for.
        withheld = request.POST.get("include_withheld") == "on"
        archive = lifecycle.export_zip(user, ring, withheld=withheld)
        response = HttpResponse(archive, content_type="application/zip")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="tending-export-{stamp}.zip"'
        add_never_cache_headers(response)
        return response
    return render(request, "privacy/export.html", {"form": form})


@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        lifecycle.delete_account(user)
        logout(request)
        messages.info(request, "Your account and everything in it are deleted.")
        return redirect("accounts:sign_in")
    return render(request, "privacy/delete_account.html", {"form": form})
