"""Entry points for the validation worker process of large imports.

Kept free of model imports at module level: a spawned process imports this module before
Django is set up.
"""

from __future__ import annotations

import os


def start() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
    django.setup()


def prepare(raws: list, now):
    from patroon.signals.store import prepare as prepare_batch

    return prepare_batch(raws, now)
