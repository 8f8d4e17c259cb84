"""Driving an assessment through the services to completion."""

from patroon.risk import services
from patroon.risk.instruments import instrument


def answer_all(actor, assessment, yes=(), value_for=None):
    """Confirm every item: yes to ``yes``, the first option otherwise-named, else no."""
    chosen = instrument(assessment.instrument_id)
    answers = {}
    for item in chosen.items:
        if value_for and item.id in value_for:
            answers[item.id] = (value_for[item.id], True)
        elif item.answer_type == "yes_no":
            answers[item.id] = ("yes" if item.id in yes else "no", True)
    services.answer(actor, assessment.pk, answers)


def assess(actor, victim, instrument_id, yes=(), value_for=None, complete=True):
    assessment = services.start(actor, instrument_id, victim)
    answer_all(actor, assessment, yes, value_for)
    return services.complete(actor, assessment.pk) if complete else assessment
