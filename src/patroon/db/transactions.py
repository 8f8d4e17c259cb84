"""One transaction across every configured database.

With the identity vault in its own database (``DATABASE_URL_VAULT``), storing a signal
writes to both: its identity records to the vault, the signal, timeline and audit to the
main database. Both transactions open together and commit one after the other at the end;
a failure before that rolls both back. (A crash between the two commits can leave identity
records without their signal: harmless, since nothing refers to them, and a re-delivery of
the signal links to them again.)
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import transaction


@contextmanager
def atomic_everywhere():
    with ExitStack() as stack:
        for alias in settings.DATABASES:
            stack.enter_context(transaction.atomic(using=alias))
        yield
