from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from accounts import throttle
from accounts.forms import ConfirmPasswordForm
from couples import services
from couples.forms import CodeForm, RoleForm
from couples.models import Invite
from privacy.access import current_membership_or_404, own_invite_or_404
from tending.http import HtmxHttpRequest, signed_in_user

PENDING = "pending_invite"


@require_POST
def start_space(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose one of the three options.")
        return redirect("today")
    try:
        services.create_couple_space(user, form.cleaned_data["role"])
    except services.CoupleProblem as problem:
        messages.error(request, str(problem))
    return redirect("today")


@require_POST
def make_invite(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        new = services.create_invite(user)
    except services.CoupleProblem as problem:
        messages.error(request, str(problem))
        return redirect("today")
    link = request.build_absolute_uri(reverse("couples:join_link", args=[new.token]))
    # Shown once, straight from the POST: only hashes are stored, so it can't be shown again.
    response = render(request, "couples/invite_made.html", {"new": new, "link": link})
    add_never_cache_headers(response)
    return response


@require_POST
def withdraw_invite(request: HtmxHttpRequest, invite_id: UUID) -> HttpResponse:
    invite = own_invite_or_404(signed_in_user(request), invite_id)
    services.revoke_invite(invite)
    messages.info(request, "The invitation is withdrawn. Its link and code no longer work.")
    return redirect("today")


@require_http_methods(["GET", "POST"])
def couple_page(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    membership = current_membership_or_404(user)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    saved = False
    if request.method == "POST" and form.is_valid():
        services.set_role(membership, form.cleaned_data["role"])
        saved = True
        if not request.htmx:
            messages.success(request, "Your role is saved.")
            return redirect("couples:couple")
    context = {
        "membership": membership,
        "partner": services.partner_membership(membership),
        "form": form,
        "saved": saved,
    }
    template = "couples/couple.html#role-form" if request.htmx else "couples/couple.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def leave(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    membership = current_membership_or_404(user)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.leave(user)
        messages.info(request, "You've left the couple space. Your account is still yours.")
        return redirect("today")
    partner = services.partner_membership(membership)
    return render(request, "couples/leave.html", {"form": form, "partner": partner})


@require_POST
def start_over(request: HtmxHttpRequest) -> HttpResponse:
    try:
        services.start_over(signed_in_user(request))
    except services.CoupleProblem as problem:
        messages.error(request, str(problem))
    return redirect("today")


def _remember(request: HtmxHttpRequest, invite: Invite) -> HttpResponse:
    request.session[PENDING] = str(invite.pk)
    return redirect("couples:accept")


@login_not_required
@require_http_methods(["GET"])
def join_link(request: HtmxHttpRequest, invite_token: str) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    try:
        invite = services.find_invite(token=invite_token)
        services.check_invite(invite, None)
    except services.CoupleProblem as problem:
        return render(request, "couples/join_problem.html", {"problem": problem}, status=410)
    if user is not None:
        return _remember(request, invite)
    request.session[PENDING] = str(invite.pk)
    return render(request, "couples/join_welcome.html", {"inviter": invite.created_by})


@login_not_required
@require_http_methods(["GET", "POST"])
def join_with_code(request: HtmxHttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = throttle.client_address(request)
        if throttle.is_blocked("invite-code", "", address):
            form.add_error(None, "Too many tries from this device. Please wait a few minutes.")
        else:
            try:
                invite = services.find_invite(code=form.cleaned_data["code"])
                services.check_invite(invite, None)
            except services.CoupleProblem as problem:
                throttle.record_failure("invite-code", "", address)
                form.add_error("code", str(problem))
            else:
                return _remember(request, invite)
    return render(request, "couples/join_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def accept(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    pending = request.session.get(PENDING)
    invite = services.pending_invite(pending)
    if invite is None:
        return redirect("couples:join_code")
    try:
        services.check_invite(invite, user)
    except services.CoupleProblem as problem:
        return render(request, "couples/join_problem.html", {"problem": problem}, status=409)
    leaving = services.what_joining_leaves(user)
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invite(user, invite.pk, form.cleaned_data["role"])
        except services.CoupleProblem as problem:
            return render(request, "couples/join_problem.html", {"problem": problem}, status=409)
        request.session.pop(PENDING, None)
        messages.success(request, f"You and {invite.created_by.display_name} now share a space.")
        return redirect("today")
    context = {
        "form": form,
        "inviter": invite.created_by,
        "leaves_ended_space": leaving == services.Leaving.ENDED,
        "leaves_unused_space": leaving == services.Leaving.UNUSED,
    }
    return render(request, "couples/accept.html", context)
