"""Every encrypted column and the purpose (associated data) its ciphertexts are bound to.

Key rotation re-encrypts exactly these columns and ``keys retire`` counts them, so a column
missing here would be left under a retired key. A test fails when a patroon model gains a
BinaryField that is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from patroon.cases import services as cases_services
from patroon.hotline.services import ABOUT_PURPOSE as HOTLINE_ABOUT_PURPOSE
from patroon.hotline.services import HANDOVER_PURPOSE as HOTLINE_HANDOVER_PURPOSE
from patroon.hotline.services import MESSAGE_PURPOSE as HOTLINE_MESSAGE_PURPOSE
from patroon.identity.moves import REASON_PURPOSE
from patroon.identity.resolution import IDENTIFIERS_PURPOSE
from patroon.identity.reviews import REVIEW_REASON_PURPOSE
from patroon.patterns.services import NOTE_PURPOSE
from patroon.proximity import store as proximity_store
from patroon.registry.services import RESTRICTED_PURPOSE as REGISTRY_RESTRICTED_PURPOSE
from patroon.risk.services import REASON_PURPOSE as RISK_REASON_PURPOSE
from patroon.signals.store import NARRATIVE_PURPOSE


@dataclass(frozen=True)
class EncryptedColumn:
    model_label: str
    field: str
    purpose: bytes

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def __str__(self) -> str:
        return f"{self.model_label}.{self.field}"


ENCRYPTED_COLUMNS = (
    EncryptedColumn("identity.IdentityRecord", "identifiers", IDENTIFIERS_PURPOSE),
    EncryptedColumn("signals.Signal", "narrative", NARRATIVE_PURPOSE),
    EncryptedColumn("patterns.AlertEvent", "note", NOTE_PURPOSE),
    EncryptedColumn("identity.PersonChange", "reason", REASON_PURPOSE),
    EncryptedColumn("identity.ReviewItem", "reason", REVIEW_REASON_PURPOSE),
    EncryptedColumn("risk.Assessment", "override_reason", RISK_REASON_PURPOSE),
    EncryptedColumn("hotline.Conversation", "about", HOTLINE_ABOUT_PURPOSE),
    EncryptedColumn("hotline.Message", "body", HOTLINE_MESSAGE_PURPOSE),
    EncryptedColumn("hotline.Handover", "note", HOTLINE_HANDOVER_PURPOSE),
    EncryptedColumn("registry.Victim", "restricted", REGISTRY_RESTRICTED_PURPOSE),
    EncryptedColumn("proximity.Ping", "position", proximity_store.POSITION_PURPOSE),
    EncryptedColumn("proximity.Zone", "geometry", proximity_store.GEOMETRY_PURPOSE),
    EncryptedColumn("proximity.OperatorAction", "note", proximity_store.NOTE_PURPOSE),
    *(
        EncryptedColumn(
            f"cases.{column.split('.')[0]}", column.split(".")[1], cases_services.purpose(column)
        )
        for column in cases_services.ENCRYPTED_COLUMNS
    ),
)
