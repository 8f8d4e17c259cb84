"""A model trained before the comparison levels changed meaning is not used for intake."""

from datetime import date

import pytest

from patroon.accounts.actor import SYSTEM
from patroon.demo.load import load_world
from patroon.demo.world import generate_world
from patroon.identity import scoring, services
from patroon.identity.linkage import MODEL_VERSION
from patroon.identity.models import LinkageModel

pytestmark = pytest.mark.django_db


def test_an_outdated_model_falls_back_to_the_rules_until_retrained():
    load_world(generate_world(households=30, years=2, seed=5, end=date(2026, 11, 1)))
    trained = services.train_model(SYSTEM)
    assert scoring.scorer().model is not None

    old = dict(trained.parameters, model_version="patroon-linkage/1")
    LinkageModel.objects.filter(pk=trained.pk).update(version="patroon-linkage/1", parameters=old)
    fallback = scoring.scorer()
    assert fallback.model is None and fallback.version == scoring.DETERMINISTIC

    retrained = services.train_model(SYSTEM)
    assert retrained.version == MODEL_VERSION
    assert scoring.scorer().version == f"{MODEL_VERSION}#{retrained.pk}"
