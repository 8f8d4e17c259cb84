"""The operator's side: the lifecycle table, claim, hand-over at shift change with a note,
close with an outcome and reopen on a new message, response-time figures per shift for the
team lead, and the console pages by role."""

from datetime import UTC, datetime, timedelta

import pytest

from patroon.hotline import figures, selectors, services, workflow
from patroon.hotline.models import Conversation
from tests import factories
from tests.hotline.conftest import report

HAPPY = [
    ("open", "claim", "claimed"),
    ("claimed", "reply", "claimed"),
    ("claimed", "hand_over", "open"),
    ("claimed", "close", "closed"),
    ("closed", "reporter_message", "open"),
    ("open", "reporter_message", "open"),
]
UNHAPPY = [("claimed", "claim"), ("open", "reply"), ("closed", "close"), ("open", "convert")]


@pytest.mark.parametrize("state, event, after", HAPPY)
def test_allowed_transitions(state, event, after):
    assert workflow.next_state(state, event) == after


@pytest.mark.parametrize("state, event", UNHAPPY)
def test_refused_transitions(state, event):
    with pytest.raises(workflow.NotAllowed):
        workflow.next_state(state, event)


@pytest.mark.django_db
def test_a_claimed_conversation_is_not_answered_by_a_colleague(operator, colleague, submitted):
    services.claim(operator, submitted.conversation.pk)
    with pytest.raises(workflow.NotAllowed):
        services.claim(colleague, submitted.conversation.pk)
    with pytest.raises(workflow.NotAllowed):
        services.operator_reply(colleague, submitted.conversation.pk, "Hallo")


@pytest.mark.django_db
def test_hand_over_at_shift_change_with_a_note(operator, colleague, submitted):
    services.claim(operator, submitted.conversation.pk)
    services.hand_over(operator, submitted.conversation.pk, "Vraagt naar opvang; bel terug.")
    conversation = Conversation.objects.get(pk=submitted.conversation.pk)
    assert conversation.state == "open" and conversation.claimed_by == ""
    services.claim(colleague, conversation.pk)
    view = selectors.conversation_detail(colleague, conversation.pk)
    assert view.handovers[0].note == "Vraagt naar opvang; bel terug."
    services.hand_over(colleague, conversation.pk, "Voor jou.", operator.username)
    assert Conversation.objects.get(pk=conversation.pk).claimed_by == operator.username


@pytest.mark.django_db
def test_close_with_an_outcome_and_reopen_when_the_reporter_writes(operator, submitted):
    services.claim(operator, submitted.conversation.pk)
    with pytest.raises(services.HotlineError):
        services.close(operator, submitted.conversation.pk, "whatever")
    services.close(operator, submitted.conversation.pk, "information_given")
    assert selectors.queue(operator) == []
    services.reporter_message(submitted.conversation.pk, "Het is weer mis.", "again")
    reopened = Conversation.objects.get(pk=submitted.conversation.pk)
    assert reopened.state == "open" and reopened.outcome == ""
    assert [c.pk for c in selectors.queue(operator)] == [reopened.pk]


def test_figures_per_shift():
    at = datetime(2026, 3, 2, tzinfo=UTC)  # 01:00 in Amsterdam: the night of 1 March
    rows = [
        (at, at + timedelta(minutes=4), True),
        (at + timedelta(minutes=30), at + timedelta(minutes=40), False),
        (at + timedelta(minutes=50), None, False),
        (at + timedelta(hours=10), at + timedelta(hours=10, minutes=2), False),  # 11:00 day
    ]
    (night,) = [f for f in figures.per_shift(rows) if f.shift == "night"]
    assert str(night.shift_date) == "2026-03-01"
    assert (night.conversations, night.answered, night.unanswered, night.danger) == (3, 2, 1, 1)
    assert night.max_minutes == 10.0
    (day,) = [f for f in figures.per_shift(rows) if f.shift == "day"]
    assert day.median_minutes == 2.0
    assert [f.shift for f in figures.per_shift(rows)] == ["day", "night"]


@pytest.mark.django_db
def test_the_team_lead_reads_response_times_only_at_the_helpline(hotline_org, operator):
    submitted = report()
    services.claim(operator, submitted.conversation.pk)
    services.operator_reply(operator, submitted.conversation.pk, "Hallo")
    lead = factories.actor(["supervisor"], hotline_org)
    rows = selectors.response_figures(lead)
    assert sum(r.answered for r in rows) == 1
    from patroon.accounts.access import AccessDenied

    with pytest.raises(AccessDenied):
        selectors.response_figures(operator)
    with pytest.raises(AccessDenied):
        selectors.response_figures(factories.actor(["supervisor"], factories.organisation()))


@pytest.mark.django_db
def test_console_pages_by_role(hotline_org, submitted):
    operator = factories.verified_client(factories.user(["hotline_operator"], hotline_org))
    page = operator.get("/hotline/")
    assert page.status_code == 200
    assert submitted.conversation.reference_code in page.content.decode()
    detail = f"/hotline/{submitted.conversation.pk}/"
    assert operator.get(detail).status_code == 200
    assert operator.post(f"{detail}claim/").status_code == 302
    assert operator.post(f"{detail}reply/", {"text": "Wij lezen mee."}).status_code == 302
    assert "Wij lezen mee." in operator.get(detail).content.decode()
    assert operator.get("/hotline/figures/").status_code == 403

    lead = factories.verified_client(factories.user(["supervisor"], hotline_org))
    assert lead.get("/hotline/figures/").status_code == 200
    assert lead.get("/hotline/").status_code == 403

    police = factories.organisation()
    for role in ("intake", "professional", "hotline_operator"):
        other = factories.verified_client(factories.user([role], police))
        assert other.get("/hotline/").status_code == 403
        assert other.get(detail).status_code == 403
        assert other.post(f"{detail}claim/").status_code == 403
