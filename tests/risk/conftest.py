"""The chain of tests/patterns (police, Veilig Thuis, GP in one region) and a victim on it."""

import pytest

from patroon.risk.instruments import instrument
from patroon.signals.models import SignalPerson
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import chain, fresh_rules, signal  # noqa: F401


@pytest.fixture
def strangulation_by_gp(chain):  # noqa: F811
    """A GP records a strangulation: a red alert on her is routed to Veilig Thuis."""
    gp = factories.actor(["intake"], chain["gp"])
    stored = record_signal(gp, signal(5, ["non_fatal_strangulation"], "GP-1"), "web")
    victim = SignalPerson.objects.get(signal_id=stored.signal_id, role="victim").person_ref
    perpetrator = SignalPerson.objects.get(
        signal_id=stored.signal_id, role="alleged_perpetrator"
    ).person_ref
    return {"signal": stored.signal_id, "victim": victim, "perpetrator": perpetrator}


def yes_to(instrument_id: str, items) -> dict[str, str]:
    """Answers for every item of an instrument: yes to these, no to the rest."""
    chosen = instrument(instrument_id)
    items = set(items)
    return {
        i.id: ("yes" if i.id in items else "no") for i in chosen.items if i.answer_type == "yes_no"
    }
