"""Projects together and where we're heading: services, pages and bad input."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from activity.models import Notice
from agreements.models import Agreement, AgreementVersion
from commitments.models import Commitment, Kind, Outcome, Status
from conftest import PASSWORD, Cast
from privacy.keyring import PasswordKeyring
from projects import services
from projects.models import Project, State, Step

TRIP = "A weekend by the sea <b>just us</b>"


def start_trip(cast: Cast) -> Project:
    soon = timezone.localdate() + timedelta(days=3)
    return services.start(
        PasswordKeyring(cast.alice.user, PASSWORD),
        title=TRIP,
        steps=[services.NewStep("Book the room", soon), services.NewStep("Pack the kite")],
    )


def form(cast: Cast, **values: str) -> dict[str, str]:
    return {"title": TRIP, "token": str(uuid.uuid4()), **values}


def test_alice_starts_a_project_bob_sees_it_and_its_dated_step_on_his_calendar(
    cast: Cast,
) -> None:
    soon = timezone.localdate() + timedelta(days=2)
    data = form(cast, step_1="Book the room", step_1_on=soon.isoformat(), step_2="Pack")
    response = cast.alice.client.post(reverse("projects:index"), data)
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.is_shared and project.joint
    assert [s.due_on for s in project.steps.order_by("position")] == [soon, None]
    # The words are sealed at rest; the date is clear for the calendar.
    assert TRIP not in str(Project.objects.values_list("title", flat=True).get())
    step_commitment = Commitment.objects.get(kind=Kind.PROJECT)
    assert step_commitment.joint and step_commitment.starts_on == soon
    for who in (cast.alice, cast.bob):
        page = who.client.get(reverse("projects:detail", args=[project.pk])).content.decode()
        assert "A weekend by the sea &lt;b&gt;just us&lt;/b&gt;" in page
        month = who.client.get(
            reverse("commitments:calendar_month", args=[soon.year, soon.month])
        ).content.decode()
        assert "Book the room" in month and "kind-project" in month
    assert Notice.objects.filter(recipient=cast.bob.user, kind="project-started").exists()


def test_bob_ticks_a_step_and_they_finish_it_done_together(cast: Cast) -> None:
    project = start_trip(cast)
    dated = project.steps.get(due_on__isnull=False)
    tick = reverse("projects:tick", args=[dated.pk])
    assert cast.bob.client.post(tick).status_code == 302
    dated.refresh_from_db()
    assert dated.done_at is not None and dated.done_by_id == cast.bob.user.pk
    # The step's day is kept on the calendar, ahead of time.
    assert dated.commitment_id is not None
    assert Outcome.objects.filter(commitment_id=dated.commitment_id).count() == 1
    # A second submit changes nothing.
    assert cast.bob.client.post(tick).status_code == 302
    assert Outcome.objects.filter(commitment_id=dated.commitment_id).count() == 1
    # Not done after all, then done again.
    cast.alice.client.post(tick, {"done": "no"})
    dated.refresh_from_db()
    assert dated.done_at is None and not Outcome.objects.exists()
    cast.alice.client.post(tick)

    finish = reverse("projects:finish", args=[project.pk])
    assert cast.alice.client.post(finish).status_code == 302
    project.refresh_from_db()
    assert project.state == State.DONE and project.done_by_id == cast.alice.user.pk
    page = cast.bob.client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Done together" in page
    # Twice is once; and a done project no longer changes.
    assert cast.bob.client.post(finish, follow=True).status_code == 200
    assert Project.objects.get().done_at == project.done_at
    undated = project.steps.get(due_on__isnull=True)
    response = cast.bob.client.post(reverse("projects:tick", args=[undated.pk]), follow=True)
    assert "done together" in response.content.decode()
    assert Step.objects.get(pk=undated.pk).done_at is None


def test_unticked_dated_steps_leave_the_calendar_when_done(cast: Cast) -> None:
    project = start_trip(cast)
    cast.bob.client.post(reverse("projects:finish", args=[project.pk]))
    assert Commitment.objects.get(kind=Kind.PROJECT).status == Status.RETIRED


def test_another_couple_cannot_tick_or_finish_and_gets_404(cast: Cast) -> None:
    project = start_trip(cast)
    step = project.steps.first()
    assert step is not None
    for who in (cast.carol, cast.erin):
        assert who.client.post(reverse("projects:tick", args=[step.pk])).status_code == 404
        assert who.client.post(reverse("projects:finish", args=[project.pk])).status_code == 404
        assert who.client.get(reverse("projects:detail", args=[project.pk])).status_code == 404
    assert not Step.objects.filter(done_at__isnull=False).exists()
    assert Project.objects.get().state == State.OPEN


def test_bad_input_is_refused_plainly_and_nothing_is_kept(cast: Cast) -> None:
    url = reverse("projects:index")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    cases = [
        (form(cast, title="   "), "Please give the project a few words"),
        (form(cast, title="x" * 121), "up to 120 characters"),
        (form(cast, step_1="y" * 121), "up to 120 characters"),
        (form(cast, step_1="Paint", step_1_on=yesterday), "today or later"),
        (form(cast, step_1="Paint", step_1_on="31/02/2026"), "Please give a date"),
        (form(cast, step_1_on=timezone.localdate().isoformat()), "a step a few words"),
        ({"title": TRIP, "token": "nope"}, "out of date"),
    ]
    for data, words in cases:
        response = cast.alice.client.post(url, data)
        assert response.status_code in (409, 422), words
        assert words in response.content.decode(), words
    assert not Project.objects.exists() and not Commitment.objects.exists()
    # Unpaired: a calm word, nothing kept.
    response = cast.erin.client.post(url, form(cast))
    assert response.status_code == 409
    assert not Project.objects.exists()


def test_the_same_form_twice_starts_one_project(cast: Cast) -> None:
    data = form(cast, step_1="Book")
    cast.alice.client.post(reverse("projects:index"), data)
    cast.alice.client.post(reverse("projects:index"), data)
    assert Project.objects.count() == 1 and Step.objects.count() == 1


def test_either_partner_adds_a_step_once_per_form(cast: Cast) -> None:
    project = start_trip(cast)
    url = reverse("projects:add_step", args=[project.pk])
    data = {"title": "Find the old map", "token": str(uuid.uuid4())}
    assert cast.bob.client.post(url, data).status_code == 302
    assert cast.bob.client.post(url, data).status_code == 302
    assert Step.objects.filter(author=cast.bob.user).count() == 1
    response = cast.bob.client.post(url, {"title": "", "token": str(uuid.uuid4())})
    assert response.status_code == 422
    assert Step.objects.count() == 3


def test_a_step_due_soon_shows_on_both_todays(cast: Cast) -> None:
    start_trip(cast)
    for who in (cast.alice, cast.bob):
        page = who.client.get(reverse("today")).content.decode()
        assert "Coming up in your project" in page and "Book the room" in page
    assert "Book the room" not in cast.carol.client.get(reverse("today")).content.decode()


# -- where we're heading --------------------------------------------------------------------

FUTURE = "A slower home, Sundays with no phones, and the trip we keep talking about."


def heading_form(text: str, revision: str = "") -> dict[str, str]:
    return {"text": text, "token": str(uuid.uuid4()), "revision": revision}


def test_alice_proposes_bob_accepts_and_the_history_keeps_each_version(cast: Cast) -> None:
    url = reverse("projects:heading")
    assert cast.alice.client.post(url, heading_form(FUTURE)).status_code == 302
    agreement = Agreement.objects.get(kind="heading")
    # Waiting for bob: on his Today, worded as what it is.
    today = cast.bob.client.get(reverse("today")).content.decode()
    assert "suggested words for where you" in today
    # Alice can't accept her own.
    pending = agreement.pending
    assert pending is not None
    answer = reverse("projects:heading_answer")
    cast.alice.client.post(answer, {"version": pending.pk, "action": "accept"})
    assert AgreementVersion.objects.get(pk=pending.pk).state == "pending"
    cast.bob.client.post(answer, {"version": pending.pk, "action": "accept"})
    agreement.refresh_from_db()
    assert agreement.current_id == pending.pk and agreement.status == "in_effect"
    page = cast.alice.client.get(url).content.decode()
    assert "Sundays with no phones" in page and "Version 1" in page

    # Bob proposes new words; the first ones hold until alice accepts.
    later = "Sundays with no phones, and a garden."
    cast.bob.client.post(url, heading_form(later, str(agreement.revision)))
    agreement.refresh_from_db()
    assert agreement.current_id == pending.pk and agreement.pending is not None
    cast.alice.client.post(answer, {"version": agreement.pending.pk, "action": "accept"})
    page = cast.bob.client.get(url).content.decode()
    assert "and a garden" in page and "Version 2" in page and "Version 1" in page
    assert Agreement.objects.filter(kind="heading").count() == 1
    # The agreements list leaves it to its own page; the generic form can't start one.
    assert "Where we" not in cast.alice.client.get(reverse("agreements:index")).content.decode()
    assert cast.alice.client.get(reverse("agreements:new") + "?kind=heading").status_code == 400


def test_heading_bad_input_and_a_stale_form(cast: Cast) -> None:
    url = reverse("projects:heading")
    assert cast.alice.client.post(url, heading_form("  ")).status_code == 422
    assert cast.alice.client.post(url, heading_form("x" * 601)).status_code == 422
    assert not Agreement.objects.exists()
    cast.alice.client.post(url, heading_form(FUTURE))
    # Bob's form was opened before alice's proposal: refused, his words kept on the page.
    response = cast.bob.client.post(url, heading_form("Mine instead"))
    assert response.status_code == 409 and "Mine instead" in response.content.decode()
    assert AgreementVersion.objects.count() == 1
    # Carol sees nothing of it, and can't answer it.
    assert "Sundays" not in cast.carol.client.get(url).content.decode()
    version = AgreementVersion.objects.get()
    cast.carol.client.post(
        reverse("projects:heading_answer"), {"version": version.pk, "action": "accept"}
    )
    assert AgreementVersion.objects.get().state == "pending"
