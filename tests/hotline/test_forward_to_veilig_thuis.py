"""A helpline operator forwards a report to Veilig Thuis of a region: it arrives there as a
referral, Veilig Thuis is told and sees the signal, someone there takes it on, and the
operator sees that it did. Where that Veilig Thuis is not connected, the operator is told to
phone, and the decision is still recorded."""

import pytest

from patroon.accounts.access import NotVisible
from patroon.accounts.actor import actor_for_user
from patroon.accounts.permissions import API_TOKEN_ROLES, Role
from patroon.audit.models import AuditEntry
from patroon.cases.models import Notification
from patroon.hotline import services
from patroon.signals import selectors
from patroon.signals import services as services_signals
from patroon.signals.models import Referral
from tests import factories
from tests.hotline.conftest import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def vt_utrecht(db):
    return factories.organisation("vt-utrecht", "veilig_thuis", "utrecht")


def _recorded_conversation(operator, text="Mijn zus wordt door haar vriend gewurgd."):
    conversation = report(text).conversation
    services.claim(operator, conversation.pk)
    services.code_conversation(operator, conversation.pk, ["non_fatal_strangulation"], "partner")
    services.record_consent(operator, conversation.pk, True)
    services.convert_to_signal(
        operator, conversation.pk, persons=[{"role": "victim", "given_names": "Sanne"}]
    )
    conversation.refresh_from_db()
    return conversation


def _act(client, conversation, action, **data):
    return client.post(f"/hotline/{conversation.pk}/{action}/", data, follow=True)


def test_a_forwarded_report_reaches_veilig_thuis_of_the_region(hotline_org, vt_utrecht):
    operator_user = factories.user(["hotline_operator"], hotline_org)
    operator = actor_for_user(operator_user)
    worker = factories.user(["professional"], vt_utrecht)
    elsewhere = factories.user(
        ["professional"], factories.organisation("vt-haaglanden", "veilig_thuis", "haaglanden")
    )
    conversation = _recorded_conversation(operator)
    signal_id = conversation.signal_id
    with pytest.raises(NotVisible):
        selectors.signal_detail(actor_for_user(worker), signal_id)

    desk = factories.verified_client(operator_user)
    page = _act(desk, conversation, "forward", region="utrecht")
    assert "doorverwijzingen" in page.content.decode()  # the operator is told where it went

    referral = Referral.objects.get(signal_id=signal_id)
    assert (referral.to_organisation, referral.reference) == (
        vt_utrecht,
        conversation.reference_code,
    )
    notice = Notification.objects.get(user=worker, kind="referral")
    assert conversation.reference_code in notice.subject and notice.url == "/referrals/"
    assert not Notification.objects.filter(user=elsewhere).exists()

    # Veilig Thuis Utrecht now sees the signal and its narrative; Haaglanden does not.
    seen = selectors.signal_detail(actor_for_user(worker), signal_id)
    assert seen.behaviours == ["non_fatal_strangulation"] and seen.narrative
    with pytest.raises(NotVisible):
        selectors.signal_detail(actor_for_user(elsewhere), signal_id)

    vt = factories.verified_client(worker)
    listing = vt.get("/referrals/")
    assert listing.status_code == 200
    assert conversation.reference_code in listing.content.decode()
    assert (
        factories.verified_client(elsewhere).post(f"/referrals/{referral.pk}/accept/").status_code
        == 404
    )
    assert vt.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    referral.refresh_from_db()
    assert referral.accepted_by == worker.username and referral.accepted_at is not None

    # The operator sees that it arrived and who took it on.
    detail = desk.get(f"/hotline/{conversation.pk}/")
    assert vt_utrecht.name in detail.content.decode()
    assert "in behandeling genomen" in detail.content.decode()
    audited = AuditEntry.objects.filter(object_type="signal", object_id=str(signal_id))
    assert {("export", operator_user.username), ("update", worker.username)} <= set(
        audited.values_list("action", "actor")
    )


def test_forwarding_to_a_region_whose_veilig_thuis_is_not_connected(hotline_org, vt_utrecht):
    operator_user = factories.user(["hotline_operator"], hotline_org)
    conversation = _recorded_conversation(actor_for_user(operator_user))
    client = factories.verified_client(operator_user)

    page = _act(client, conversation, "forward", region="zeeland")

    assert not Referral.objects.exists()
    conversation.refresh_from_db()
    assert conversation.forwarded_region == "zeeland"  # the decision is recorded
    assert "telefon" in page.content.decode()  # the operator is told to phone
    assert AuditEntry.objects.filter(
        object_type="hotline_conversation", object_id=str(conversation.pk), action="export"
    ).exists()


def test_forwarding_twice_refers_once_and_tells_once(hotline_org, vt_utrecht):
    operator = factories.actor(["hotline_operator"], hotline_org)
    worker = factories.user(["case_director"], vt_utrecht)
    conversation = _recorded_conversation(operator)
    first = services.forward_to_veilig_thuis(operator, conversation.pk, "utrecht")
    again = services.forward_to_veilig_thuis(operator, conversation.pk, "utrecht")
    assert [r.pk for r in first] == [r.pk for r in again]
    assert Notification.objects.filter(user=worker, kind="referral").count() == 1


def test_veilig_thuis_systems_list_and_take_on_referrals_through_the_api(hotline_org, vt_utrecht):
    operator = factories.actor(["hotline_operator"], hotline_org)
    conversation = _recorded_conversation(operator)
    services.forward_to_veilig_thuis(operator, conversation.pk, "utrecht")
    api = factories.api_client(vt_utrecht, role="professional")
    other = factories.api_client(factories.organisation("vt-zeeland", "veilig_thuis", "zeeland"))

    listed = api.get("/api/v1/referrals/").json()["results"]
    assert [(r["reference"], r["from_organisation"], r["accepted_at"]) for r in listed] == [
        (conversation.reference_code, hotline_org.code, None)
    ]
    assert other.get("/api/v1/referrals/").json()["results"] == []
    path = f"/api/v1/referrals/{listed[0]['id']}/accept/"
    missing = other.post(path)
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    taken = api.post(path)
    assert taken.status_code == 200 and taken.json()["accepted_at"]
    signal = api.get(f"/api/v1/signals/{listed[0]['signal']}/")
    assert signal.status_code == 200
    assert other.get(f"/api/v1/signals/{listed[0]['signal']}/").status_code == 404


READS_SIGNALS = {Role.INTAKE, Role.PROFESSIONAL, Role.CASE_DIRECTOR, Role.HOTLINE_OPERATOR}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_referral_pages_by_role(role, hotline_org, vt_utrecht):
    operator = factories.actor(["hotline_operator"], hotline_org)
    conversation = _recorded_conversation(operator)
    [referral] = services.forward_to_veilig_thuis(operator, conversation.pk, "utrecht")
    client = factories.verified_client(factories.user([role.value], vt_utrecht))
    reads = role in READS_SIGNALS
    assert client.get("/referrals/").status_code == (200 if reads else 403)
    assert client.post(f"/referrals/{referral.pk}/accept/").status_code == (302 if reads else 403)


@pytest.mark.parametrize("role", sorted(API_TOKEN_ROLES), ids=lambda r: r.value)
def test_referral_api_by_token_role(role, hotline_org, vt_utrecht):
    operator = factories.actor(["hotline_operator"], hotline_org)
    conversation = _recorded_conversation(operator)
    [referral] = services.forward_to_veilig_thuis(operator, conversation.pk, "utrecht")
    api = factories.api_client(vt_utrecht, role=role.value)
    reads = role in READS_SIGNALS
    assert api.get("/api/v1/referrals/").status_code == (200 if reads else 403)
    accepted = api.post(f"/api/v1/referrals/{referral.pk}/accept/")
    assert accepted.status_code == (200 if reads else 403)


def test_a_referral_nobody_takes_on_is_reminded_to_both_sides_once(hotline_org, vt_utrecht):
    from datetime import timedelta

    from patroon.accounts.models import User
    from patroon.cases.reminders import remind

    operator = factories.actor(["hotline_operator"], hotline_org)
    worker = factories.user(["professional"], vt_utrecht)
    calm = "Haar vriend bepaalt met wie ze omgaat en leest haar berichten."
    [taken] = services.forward_to_veilig_thuis(
        operator, _recorded_conversation(operator, calm).pk, "utrecht"
    )
    [waiting] = services.forward_to_veilig_thuis(
        operator, _recorded_conversation(operator, calm).pk, "utrecht"
    )
    acute = report("Hij dreigt haar te doden en heeft een mes.", urgency="now").conversation
    services.claim(operator, acute.pk)
    services.code_conversation(operator, acute.pk, ["threat_to_kill"], "partner")
    services.record_consent(operator, acute.pk, True)
    services.convert_to_signal(operator, acute.pk, persons=[{"role": "victim"}])
    [urgent] = services.forward_to_veilig_thuis(operator, acute.pk, "utrecht")
    assert urgent.urgent and not waiting.urgent
    services_signals.accept_referral(actor_for_user(worker), taken.pk)
    sender = User.objects.get(username=operator.username)
    start = waiting.referred_at

    def reminded(user):
        kinds = ["referral_waiting", "referral_unanswered"]
        rows = Notification.objects.filter(user=user, kind__in=kinds)
        return sorted(rows.values_list("reference", flat=True))

    remind(now=start + timedelta(hours=3))
    assert reminded(worker) == []
    remind(now=start + timedelta(hours=5))  # the urgent one is due
    assert reminded(worker) == reminded(sender) == [acute.reference_code]
    remind(now=start + timedelta(hours=25))  # and the other one not taken on
    remind(now=start + timedelta(hours=26))  # once per person and referral
    expected = sorted([acute.reference_code, waiting.reference])
    assert reminded(worker) == reminded(sender) == expected


def test_a_referral_still_waiting_at_its_second_deadline_goes_to_the_supervisors(
    hotline_org, vt_utrecht
):
    from datetime import timedelta

    from patroon.cases.reminders import remind

    operator = factories.actor(["hotline_operator"], hotline_org)
    supervisor = factories.user(["supervisor"], vt_utrecht)
    worker = factories.user(["professional"], vt_utrecht)
    elsewhere = factories.user(
        ["supervisor"], factories.organisation("vt-haaglanden", "veilig_thuis", "haaglanden")
    )
    calm = "Haar vriend bepaalt met wie ze omgaat en leest haar berichten."
    [waiting] = services.forward_to_veilig_thuis(
        operator, _recorded_conversation(operator, calm).pk, "utrecht"
    )
    [taken] = services.forward_to_veilig_thuis(
        operator, _recorded_conversation(operator, calm).pk, "utrecht"
    )
    services_signals.accept_referral(actor_for_user(worker), taken.pk)
    start = waiting.referred_at

    def escalated(user):
        rows = Notification.objects.filter(user=user, kind="referral_escalated")
        return sorted(rows.values_list("reference", flat=True))

    remind(now=start + timedelta(hours=71))  # reminded, not yet escalated
    assert escalated(supervisor) == [] and escalated(worker) == []
    remind(now=start + timedelta(hours=72))
    remind(now=start + timedelta(hours=73))  # once per supervisor and referral
    assert escalated(supervisor) == [waiting.reference]
    assert escalated(worker) == escalated(elsewhere) == []  # supervisors of its receiver only
    notice = Notification.objects.get(user=supervisor, kind="referral_escalated")
    assert notice.url == "/inbox/"  # a supervisor does not read the report itself
    inbox = factories.verified_client(supervisor).get("/inbox/").content.decode()
    assert f"(kenmerk {waiting.reference}) op tijd opgepakt: beslis wie" in inbox
