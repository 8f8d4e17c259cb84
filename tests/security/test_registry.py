"""Every encrypted column is registered, so rotation and retirement cannot miss one."""

from django.apps import apps
from django.db import models

from patroon.security.registry import ENCRYPTED_COLUMNS


def test_every_binary_field_of_a_patroon_model_is_registered():
    binary = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("patroon.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.BinaryField)
    }
    registered = {str(column) for column in ENCRYPTED_COLUMNS}
    assert binary - registered == set(), "encrypted column missing from security/registry.py"
    assert registered - binary == set(), "registry names a column that is not a BinaryField"


def test_purposes_are_distinct():
    assert len({c.purpose for c in ENCRYPTED_COLUMNS}) == len(ENCRYPTED_COLUMNS)
