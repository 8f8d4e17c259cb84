"""The dossier for the prosecutor: every signal of the case in date order, the watermark, the
export in the audit trail, and only for roles allowed to."""

import io
import json
import re

import pytest
from pypdf import PdfReader

from patroon.audit.models import AuditEntry
from patroon.cases import services
from tests import factories

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_holds_every_signal_in_order_with_the_watermark_and_is_audited(world, case):
    director = factories.verified_client(world["users"]["director"])
    response = director.post(
        f"/cases/{case.pk}/dossier/", {"reason": "Aangifte stalking", "format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    found = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text)
    signals = [str(s) for s in world["signals"]]  # recorded 60, 40 and 20 days ago
    assert [ref for ref in found if ref in signals] == signals
    compact = re.sub(r"\s+", " ", text)
    assert "geëxporteerd door regisseur" in compact and "Aangifte stalking" in compact
    assert "Bedreiging met wapen" in compact
    entry = AuditEntry.objects.filter(
        action="export", object_type="case", object_id=str(case.pk)
    ).get()
    assert entry.actor == "regisseur" and "Aangifte stalking" in entry.purpose
    assert case.events.filter(kind="dossier_exported").count() == 1


def test_json_dossier_through_the_api_and_who_may_export(world, case):
    services.add_member(world["actors"]["director"], case.pk, world["users"]["officer"].pk)
    services.add_member(world["actors"]["director"], case.pk, world["users"]["agent"].pk)

    officer = factories.personal_api_client(world["users"]["officer"])
    body = officer.post(
        f"/api/v1/cases/{case.pk}/dossier/",
        {"reason": "Beoordeling vervolging", "format": "json"},
        content_type="application/json",
    )
    assert body.status_code == 200
    data = json.loads(body.content)
    signals = [e["reference"] for e in data["entries"] if e["kind"] == "signal"]
    assert signals == [str(s) for s in world["signals"]]
    assert data["watermark"]["exported_by"] == "officier"
    # A police professional on the team may read the case but not export its dossier.
    agent = factories.personal_api_client(world["users"]["agent"])
    refused = agent.post(
        f"/api/v1/cases/{case.pk}/dossier/", {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    # Without a reason nothing is exported.
    missing = officer.post(
        f"/api/v1/cases/{case.pk}/dossier/", {"reason": ""}, content_type="application/json"
    )
    assert missing.status_code == 400
