"""The dossier for the prosecutor: the pattern of coercive control in one chronology.

``build`` gathers every signal on the victim's timeline (source, date, behaviours), the risk
assessments and their levels, the measures, their breaches and the conference decisions, in
date order. ``as_json`` and ``as_pdf`` render it; both carry the watermark (who exported it,
when and why), and the export itself is audited by the service that calls them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import timezone

from patroon.accounts.catalogue import kind_label
from patroon.accounts.models import Organisation
from patroon.cases import policy
from patroon.cases.models import Case
from patroon.cases.services import unseal
from patroon.vocabulary.loader import vocabulary

FORMAT_VERSION = "patroon-dossier/1"


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # signal | assessment | measure | breach | conference | case
    source: str
    summary: str
    reference: str


@dataclass(frozen=True)
class Watermark:
    exported_by: str
    organisation: str
    exported_at: datetime
    reason: str

    def line(self) -> str:
        return (
            f"VERTROUWELIJK — geëxporteerd door {self.exported_by} ({self.organisation}) "
            f"op {timezone.localtime(self.exported_at):%d-%m-%Y %H:%M} — reden: {self.reason}"
        )


@dataclass(frozen=True)
class Dossier:
    case: Case
    entries: list[Entry]
    watermark: Watermark
    signal_count: int


def build(case: Case, watermark: Watermark, language: str = "nl") -> Dossier:
    from patroon.patterns.models import TimelineEntry
    from patroon.risk.levels import label as level_label
    from patroon.risk.models import Assessment

    orgs = {o.pk: o for o in Organisation.objects.all()}

    def source(org_id) -> str:
        org = orgs.get(org_id)
        return f"{org.name} ({kind_label(org.kind, language)})" if org else "?"

    behaviours = vocabulary().behaviours
    entries: list[Entry] = []
    seen: set = set()
    rows = (
        TimelineEntry.objects.filter(victim_ref=case.victim_ref)
        .order_by("occurred", "reported_at")
        .values_list("signal_id", "occurred", "organisation_id", "behaviours")
    )
    for signal_id, occurred, org_id, codes in rows:
        if signal_id in seen:
            continue
        seen.add(signal_id)
        names = [behaviours[c].label(language) if c in behaviours else c for c in codes.split()]
        entries.append(Entry(occurred, "signal", source(org_id), "; ".join(names), str(signal_id)))
    assessments = Assessment.objects.filter(
        victim_ref=case.victim_ref, status=Assessment.Status.COMPLETED
    ).order_by("completed_at")
    for a in assessments:
        summary = f"{a.instrument_id}: {level_label(a.final_level, language)}"
        if a.override_level:
            summary += (
                f" (professioneel oordeel, berekend: {level_label(a.computed_level, language)})"
            )
        entries.append(
            Entry(
                timezone.localdate(a.completed_at),
                "assessment",
                source(a.organisation_id),
                summary,
                str(a.pk),
            )
        )
    kinds = policy.measures().kinds
    for m in case.measures.all():
        name = kinds[m.kind].label.get(language) if m.kind in kinds else m.kind
        until = f" t/m {m.ends_on:%d-%m-%Y}" if m.ends_on else ""
        entries.append(
            Entry(
                m.starts_on,
                "measure",
                source(m.responsible_organisation_id),
                f"{name} ({m.legal_basis}){until}",
                f"measure-{m.pk}",
            )
        )
    for b in case.breaches.select_related("measure"):
        name = kinds[b.measure.kind].label.get(language) if b.measure.kind in kinds else ""
        term = behaviours.get(b.behaviour)
        entries.append(
            Entry(
                b.occurred,
                "breach",
                source(b.organisation_id),
                f"{term.label(language) if term else b.behaviour} — {name}",
                str(b.signal_id),
            )
        )
    for conf in case.conferences.filter(held_at__isnull=False).prefetch_related("decisions"):
        decisions = [unseal(d.text, "Decision.text") for d in conf.decisions.all()]
        level = conf.risk_picture.get("highest", "")
        summary = f"Multidisciplinair overleg (risico: {level_label(level, language)})"
        if decisions:
            summary += ". Besluiten: " + " | ".join(decisions)
        entries.append(
            Entry(
                timezone.localdate(conf.held_at),
                "conference",
                "Casusregie",
                summary,
                f"conference-{conf.pk}",
            )
        )
    entries.sort(key=lambda e: (e.on, _KIND_ORDER.index(e.kind)))
    return Dossier(case, entries, watermark, len(seen))


_KIND_ORDER = ("signal", "breach", "assessment", "measure", "conference", "case")


def as_json(dossier: Dossier) -> bytes:
    case = dossier.case
    body = {
        "format": FORMAT_VERSION,
        "case": {
            "number": case.number,
            "status": case.status,
            "opened_at": case.opened_at.isoformat(),
            "victim_ref": str(case.victim_ref),
            "perpetrator_ref": str(case.perpetrator_ref) if case.perpetrator_ref else None,
            "combined_handling": case.combined_handling,
        },
        "watermark": {**asdict(dossier.watermark), "text": dossier.watermark.line()},
        "signal_count": dossier.signal_count,
        "entries": [{**asdict(e), "on": e.on.isoformat()} for e in dossier.entries],
    }
    return json.dumps(body, ensure_ascii=False, indent=2, default=str).encode()


def as_pdf(dossier: Dossier) -> bytes:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    html = render_to_string(
        "web/case_dossier_pdf.html",
        {"dossier": dossier, "case": dossier.case, "watermark": dossier.watermark.line()},
    )
    css = CSS(filename=finders.find("patroon/dossier.css"))
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[css])
