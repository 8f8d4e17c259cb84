"""Demo conversations for `make run`: the helpline's queue has something waiting, and one report
was answered, recorded as a signal and forwarded to Veilig Thuis of the demo logins' region, so
that the demo Veilig Thuis professional finds it under Doorverwijzingen."""

from __future__ import annotations

from patroon.accounts.actor import actor_for_user
from patroon.accounts.models import User
from patroon.hotline import services
from patroon.hotline.models import Conversation

OPERATOR = "demo-hulplijn"
WAITING = [
    ("bystander", "soon", "Ik hoor bijna elke avond geschreeuw en gestommel bij de buren."),
    ("victim", "now", "Hij heeft me gisteren gewurgd en zegt dat hij me vindt als ik wegga."),
]
FORWARDED = (
    "victim",
    "soon",
    "Mijn ex volgt me sinds de scheiding overal en staat 's avonds voor mijn deur.",
)
# Documentation addresses (RFC 5737): the public form's counters see three visitors.
ADDRESSES = ("192.0.2.41", "192.0.2.42", "192.0.2.43")


def load_demo(region: str) -> str | None:
    """Once, into an empty helpline: returns the forwarded report's reference code, or None
    when there are conversations already or the demo operator is missing."""
    user = User.objects.filter(username=OPERATOR).first()
    if user is None or Conversation.objects.exists():
        return None
    operator = actor_for_user(user)
    for (kind, urgency, text), address in zip(WAITING, ADDRESSES, strict=False):
        services.submit_report(
            text=text, reporter_kind=kind, urgency=urgency, client_address=address
        )
    kind, urgency, text = FORWARDED
    conversation = services.submit_report(
        text=text, reporter_kind=kind, urgency=urgency, client_address=ADDRESSES[-1]
    ).conversation
    services.claim(operator, conversation.pk)
    services.operator_reply(
        operator,
        conversation.pk,
        "Dank u voor uw bericht. Mogen wij dit aan Veilig Thuis doorgeven?",
    )
    services.code_conversation(operator, conversation.pk, ["stalking"], "ex_partner")
    services.record_consent(operator, conversation.pk, True)
    services.convert_to_signal(operator, conversation.pk, persons=[{"role": "victim"}])
    services.forward_to_veilig_thuis(operator, conversation.pk, region)
    return conversation.reference_code
