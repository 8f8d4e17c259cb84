"""Puts the identity vault in its own database when ``DATABASE_URL_VAULT`` is set.

Only the ``identity`` app lives there; no other app joins into it (they hold pseudonymous
person references, not foreign keys), so every other query stays on the main database.
"""

from __future__ import annotations

VAULT = "vault"
VAULT_APPS = frozenset({"identity"})


class VaultRouter:
    def db_for_read(self, model, **hints):
        return VAULT if model._meta.app_label in VAULT_APPS else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        in_vault = {obj._meta.app_label in VAULT_APPS for obj in (obj1, obj2)}
        return len(in_vault) == 1

    def allow_migrate(self, db, app_label, **hints):
        return (db == VAULT) == (app_label in VAULT_APPS)
