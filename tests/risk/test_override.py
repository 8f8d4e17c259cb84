"""Professional judgement may move the level either way, always with a reason; lowering below
the instrument's level needs a second professional's approval."""

import pytest

from patroon.accounts.access import AccessDenied
from patroon.risk import services
from patroon.risk.models import Assessment
from tests import factories
from tests.risk.helpers import assess

pytestmark = pytest.mark.django_db


@pytest.fixture
def high_draft(chain, strangulation_by_gp):
    vt = factories.actor(["professional"], chain["vt"])
    draft = assess(
        vt, strangulation_by_gp["victim"], "lethality_screen", ["strangulation"], complete=False
    )
    return vt, draft


def test_lowering_without_a_second_approval_is_refused(high_draft):
    vt, draft = high_draft
    services.request_override(vt, draft.pk, "low", "Zij woont inmiddels in een opvang.")
    with pytest.raises(services.ApprovalRequired):
        services.complete(vt, draft.pk)
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


def test_the_same_professional_cannot_approve_their_own_lowering(high_draft):
    vt, draft = high_draft
    services.request_override(vt, draft.pk, "low", "Opvang.")
    with pytest.raises(AccessDenied):
        services.approve_override(vt, draft.pk)


def test_a_second_professional_approves_and_both_levels_are_stored(chain, high_draft):
    vt, draft = high_draft
    services.request_override(vt, draft.pk, "medium", "Opvang, contactverbod wordt nageleefd.")
    colleague = factories.actor(["supervisor"], chain["vt"])
    services.approve_override(colleague, draft.pk)
    done = services.complete(vt, draft.pk)
    assert (done.computed_level, done.final_level) == ("high", "medium")
    assert done.override_approved_by == colleague.username


def test_a_changed_answer_withdraws_the_approval(chain, high_draft):
    vt, draft = high_draft
    services.request_override(vt, draft.pk, "low", "Opvang.")
    services.approve_override(factories.actor(["professional"], chain["vt"]), draft.pk)
    services.answer(vt, draft.pk, {"unemployed": ("yes", True)})
    with pytest.raises(services.ApprovalRequired):
        services.complete(vt, draft.pk)


def test_raising_needs_only_a_reason(high_draft):
    vt, draft = high_draft
    with pytest.raises(ValueError, match="reason_required"):
        services.request_override(vt, draft.pk, "extreme", "  ")
    services.request_override(vt, draft.pk, "extreme", "Hij heeft een vuurwapen gekocht.")
    done = services.complete(vt, draft.pk)
    assert (done.computed_level, done.final_level) == ("high", "extreme")


def test_an_approver_from_another_organisation_cannot_see_the_draft(chain, high_draft):
    from patroon.accounts.access import NotVisible

    vt, draft = high_draft
    services.request_override(vt, draft.pk, "low", "Opvang.")
    with pytest.raises(NotVisible):
        services.approve_override(factories.actor(["professional"], chain["police"]), draft.pk)
