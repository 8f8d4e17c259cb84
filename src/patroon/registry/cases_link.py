"""Whether a case (casusregie) was open for the victim on the day of the killing, and which
protective measures were active then.

Read from ``patroon.cases``: only the case's dates and the measures' kinds, never its content.
Without a date of the killing the measures are "unknown", never "no": not knowing is not the
same as there being none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

UNKNOWN = "unknown"


@dataclass(frozen=True)
class CaseStatus:
    case_open: str  # "yes" / "no" / "unknown"
    measures: tuple[str, ...] | str  # measure kinds active then, or "unknown"


def case_status(person_ref: uuid.UUID, on: date | None) -> CaseStatus:
    return case_statuses([(person_ref, on)])[0]


def case_statuses(pairs: list[tuple[uuid.UUID, date | None]]) -> list[CaseStatus]:
    """Case status for many victims with two queries."""
    from patroon.cases.models import Case, Measure

    refs = {ref for ref, _ in pairs}
    cases: dict = {}
    for case_id, ref, opened, closed in Case.objects.filter(victim_ref__in=refs).values_list(
        "id", "victim_ref", "opened_at", "closed_at"
    ):
        cases.setdefault(ref, []).append((case_id, opened, closed))
    ids = [c[0] for found in cases.values() for c in found]
    measures: dict = {}
    for case_id, kind, starts, ends, ended in Measure.objects.filter(case_id__in=ids).values_list(
        "case_id", "kind", "starts_on", "ends_on", "ended_at"
    ):
        measures.setdefault(case_id, []).append((kind, starts, ends, ended))
    out = []
    for ref, on in pairs:
        found = cases.get(ref, [])
        if on is None:
            out.append(CaseStatus("yes" if found else "no", UNKNOWN))
            continue
        end_of_day = timezone.make_aware(datetime.combine(on, time.max))
        start_of_day = timezone.make_aware(datetime.combine(on, time.min))
        open_then = [
            c for c in found if c[1] <= end_of_day and (c[2] is None or c[2] >= start_of_day)
        ]
        kinds = {
            kind
            for c in open_then
            for kind, starts, ends, ended in measures.get(c[0], ())
            if starts <= on
            and (ends is None or ends >= on)
            and (ended is None or ended >= start_of_day)
        }
        out.append(CaseStatus("yes" if open_then else "no", tuple(sorted(kinds))))
    return out
