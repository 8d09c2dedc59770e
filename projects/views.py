from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from couples import services as couples
from privacy.access import visible_or_404
from privacy.keyring import keyring_for
from projects import services
from projects.forms import STALE, HeadingForm, ProjectForm, StepForm
from projects.models import Project, Step
from tending.http import HtmxHttpRequest, signed_in_user


def _stale_said(form: ProjectForm | StepForm | HeadingForm) -> None:
    """A hidden field's error (a lost form token) is said above the form, where it's seen."""
    if "token" in form.errors:
        form.add_error(None, STALE)


def _index(request: HtmxHttpRequest, form: ProjectForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "projects": services.ours(keyring_for(request)),
        "partner": couples.partner_of(signed_in_user(request)),
    }
    return render(request, "projects/index.html", context, status=status)


@require_http_methods(["GET", "POST"])
def index(request: HtmxHttpRequest) -> HttpResponse:
    """Our projects, and a form to start one with its first few steps."""
    if request.method != "POST":
        return _index(request, ProjectForm(initial={"token": uuid.uuid4()}))
    form = ProjectForm(request.POST)
    if not form.is_valid():
        _stale_said(form)
        return _index(request, form, status=422)
    steps = [services.NewStep(str(t or ""), d) for t, d in form.step_pairs()]  # type: ignore[arg-type]
    try:
        project = services.start(
            keyring_for(request),
            title=form.cleaned_data["title"],
            steps=steps,
            token=form.cleaned_data["token"],
        )
    except services.ProjectProblem as problem:
        form.add_error(None, str(problem))
        return _index(request, form, status=409)
    messages.success(request, "Started. It's there for both of you now.")
    return redirect("projects:detail", project_id=project.pk)


def _detail(
    request: HtmxHttpRequest, project: Project, form: StepForm, status: int = 200
) -> HttpResponse:
    steps = services.one(keyring_for(request), project)
    context = {
        "project": project,
        "steps": steps,
        "form": form,
        "all_ticked": bool(steps) and all(s.done_at for s in steps),
        "partner": couples.partner_of(signed_in_user(request)),
    }
    return render(request, "projects/detail.html", context, status=status)


@require_http_methods(["GET"])
def detail(request: HtmxHttpRequest, project_id: UUID) -> HttpResponse:
    project = visible_or_404(Project, signed_in_user(request), project_id)
    return _detail(request, project, StepForm(initial={"token": uuid.uuid4()}))


@require_POST
def add_step(request: HtmxHttpRequest, project_id: UUID) -> HttpResponse:
    project = visible_or_404(Project, signed_in_user(request), project_id)
    form = StepForm(request.POST)
    if not form.is_valid():
        _stale_said(form)
        return _detail(request, project, form, status=422)
    try:
        services.add_step(
            keyring_for(request),
            project,
            services.NewStep(form.cleaned_data["title"], form.cleaned_data["due_on"]),
            token=form.cleaned_data["token"],
        )
    except services.ProjectProblem as problem:
        form.add_error(None, str(problem))
        return _detail(request, project, form, status=409)
    messages.success(request, "Added.")
    return redirect("projects:detail", project_id=project.pk)


@require_POST
def tick(request: HtmxHttpRequest, project_step_id: UUID) -> HttpResponse:
    step = visible_or_404(Step, signed_in_user(request), project_step_id)
    done = request.POST.get("done") != "no"
    try:
        changed = services.tick(keyring_for(request), step, done)
    except services.ProjectProblem as problem:
        messages.info(request, str(problem))
    else:
        if not changed:
            messages.info(request, "That was already so. Nothing changed.")
        else:
            messages.success(request, "Ticked off." if done else "Back on the list.")
    return redirect("projects:detail", project_id=step.project_id)


@require_POST
def finish(request: HtmxHttpRequest, project_id: UUID) -> HttpResponse:
    project = visible_or_404(Project, signed_in_user(request), project_id)
    try:
        changed = services.finish(signed_in_user(request), project)
    except services.ProjectProblem as problem:
        messages.info(request, str(problem))
    else:
        if changed:
            messages.success(request, "Done together.")
        else:
            messages.info(request, "It was already done together. Nothing changed.")
    return redirect("projects:detail", project_id=project.pk)


# -- where we're heading -------------------------------------------------------------------


def _heading(request: HtmxHttpRequest, form: HeadingForm | None, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    found = services.heading(keyring_for(request))
    if form is None:
        initial = {
            "token": uuid.uuid4(),
            "text": found.waiting_words or found.words,
            "revision": found.agreement.revision if found.agreement else None,
        }
        form = HeadingForm(initial=initial)
    context = {
        "heading": found,
        "form": form,
        "partner": couples.partner_of(user),
        "may_answer": found.waiting is not None and found.waiting.author_id != user.pk,
        "history": [v for v in found.history if v.state == "accepted"],
    }
    return render(request, "projects/heading.html", context, status=status)


@require_http_methods(["GET", "POST"])
def heading(request: HtmxHttpRequest) -> HttpResponse:
    """Where we're heading: the words both accepted, a proposal waiting, and every version."""
    if request.method != "POST":
        return _heading(request, None)
    form = HeadingForm(request.POST)
    if not form.is_valid():
        _stale_said(form)
        return _heading(request, form, status=422)
    try:
        services.propose_heading(
            keyring_for(request),
            form.cleaned_data["text"],
            expected_revision=form.cleaned_data["revision"],
            token=form.cleaned_data["token"],
        )
    except services.ProjectProblem as problem:
        form.add_error(None, str(problem))
        return _heading(request, form, status=409)
    messages.success(request, "Proposed. It holds once your partner accepts it.")
    return redirect("projects:heading")


@require_POST
def heading_answer(request: HtmxHttpRequest) -> HttpResponse:
    try:
        done = services.answer_heading(
            signed_in_user(request), request.POST.get("version", ""), request.POST.get("action", "")
        )
    except services.ProjectProblem as problem:
        messages.info(request, str(problem))
    else:
        messages.success(request, done)
    return redirect("projects:heading")
