"""Template helpers for the Patroon web pages: vocabulary labels, form errors, field names."""

from __future__ import annotations

import re
from datetime import date

from django import template
from django.template.defaultfilters import date as format_date
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

register = template.Library()

# How each form field is called in the error summary. Same wording as the labels in the
# templates, so one translation serves both.
FIELD_LABELS = {
    "source_reference": _("Reference"),
    "reported_at": _("Reported on"),
    "occurred_start": _("Occurred on (or from)"),
    "occurred_end": _("Occurred until (for a period)"),
    "occurred": _("Occurred on (or from)"),
    "occurred_approximate": _("The date is approximate"),
    "behaviours": _("What happened"),
    "relationship": _("Relationship between the alleged perpetrator and the victim"),
    "persons": _("Persons"),
    "narrative": _("What was reported or observed"),
    "confidentiality": _("Confidentiality"),
}
PERSON_FIELD_LABELS = {
    "role": _("Role"),
    "given_names": _("Given names"),
    "surname_prefix": _("Prefix (e.g. van der)"),
    "surname": _("Surname"),
    "date_of_birth": _("Date of birth"),
    "sex": _("Sex"),
    "bsn": _("BSN"),
    "postcode": _("Postcode"),
    "house_number": _("House number"),
    "street": _("Street"),
    "city": _("City"),
    "phone": _("Phone"),
    "email": _("E-mail"),
}
CHANNELS = {
    "web": pgettext_lazy("channel", "web form"),
    "api": pgettext_lazy("channel", "API (organisation system)"),
    "import": pgettext_lazy("channel", "file import"),
    "cli": pgettext_lazy("channel", "command line"),
    "hotline": pgettext_lazy("channel", "hotline"),
}
SEX_OPTIONS = (
    ("", _("Not known")),
    ("F", _("Female")),
    ("M", _("Male")),
    ("X", _("X (other)")),
)
_PERSON_FIELD = re.compile(r"^persons-(\d+)-(\w+)$")


@register.filter
def label(code: str, mapping: dict) -> str:
    """``{{ code|label:labels.behaviours }}``: the vocabulary label in the active language."""
    return mapping.get(code, code) if mapping else code


@register.simple_tag
def person_errors(errors: dict, index: int, name: str) -> list:
    """Errors for the form field ``persons-<index>-<name>``."""
    return errors.get(f"persons-{index}-{name}", []) if errors else []


@register.filter
def field_errors(errors: dict, name: str) -> list:
    return errors.get(name, []) if errors else []


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def sex_options() -> tuple:
    """The choices for a person's sex, as ``(value, label)`` pairs."""
    return SEX_OPTIONS


@register.filter
def field_label(name: str) -> str:
    """The human name of a signal-form field, for the error summary (``persons-2-bsn`` ->
    ``Person 3: BSN``)."""
    match = _PERSON_FIELD.match(name or "")
    if match:
        index, field = int(match.group(1)), match.group(2)
        person = _("Person %(n)s") % {"n": index + 1}
        return f"{person}: {PERSON_FIELD_LABELS.get(field, field)}"
    return str(FIELD_LABELS.get(name, name))


@register.filter
def channel_label(code: str) -> str:
    """How a signal came in (``web``, ``api``, ``import``), in words."""
    return str(CHANNELS.get(code, code))


@register.filter(expects_localtime=True)
def short_date(value) -> str:
    """A compact date for tables: ``19 Oct 2026`` / ``19 okt 2026`` (format from the catalogue)."""
    if not value:
        return ""
    # Translators: a Django date format for table cells; Dutch uses lower-case months ("j b Y").
    return format_date(value, pgettext("date format", "j M Y"))


@register.filter
def iso_date(value, fmt: str = "j F Y"):
    """Format an ISO date string (as stored in the identity vault) like a date; anything
    that is not a date is shown as it is."""
    if isinstance(value, date):
        return format_date(value, fmt)
    try:
        return format_date(date.fromisoformat(str(value)), fmt)
    except ValueError:
        return value


SEVERITY_LABELS = {
    "red": pgettext_lazy("alert severity", "Red"),
    "orange": pgettext_lazy("alert severity", "Orange"),
    "yellow": pgettext_lazy("alert severity", "Yellow"),
}
STATUS_LABELS = {
    "open": pgettext_lazy("alert status", "Open"),
    "new": pgettext_lazy("alert status", "New"),
    "acknowledged": pgettext_lazy("alert status", "Acknowledged"),
    "handled": pgettext_lazy("alert status", "Handled"),
}
ACTION_LABELS = {
    "raised": _("Raised by the red-flag rule"),
    "evidence_added": _("New evidence added"),
    "acknowledged": _("Acknowledged"),
    "handled": _("Handled"),
    "escalated": _("Escalated to a supervisor (deadline missed)"),
}


@register.filter
def severity_label(code: str) -> str:
    return SEVERITY_LABELS.get(code, code)


@register.filter
def alert_status(code: str) -> str:
    return STATUS_LABELS.get(code, code)


@register.filter
def alert_action(code: str) -> str:
    return ACTION_LABELS.get(code, code)


@register.filter
def org_kind(code: str) -> str:
    from django.utils.translation import get_language

    from patroon.accounts.catalogue import kind_label

    return kind_label(code, (get_language() or "nl")[:2])


@register.filter
def region_label(code: str) -> str:
    from patroon.accounts.catalogue import regions

    return regions().get(code, code)


@register.filter
def short_ref(value) -> str:
    """A pseudonymous reference shortened for reading aloud on the phone: 'a1b2c3d4'."""
    return str(value)[:8]


@register.filter
def split(value: str) -> list[str]:
    return value.split()


LINKAGE_FIELDS = {
    "given_name": _("First name"),
    "surname": _("Surname"),
    "date_of_birth": _("Date of birth"),
    "sex": _("Sex"),
    "address": _("Address"),
    "postcode": _("Postcode"),
    "house_number": _("House number"),
    "street": _("Street"),
    "city": _("Place"),
    "phone": _("Phone"),
    "bsn": _("BSN"),
    "email": _("E-mail"),
}


@register.filter
def linkage_field(name: str) -> str:
    return LINKAGE_FIELDS.get(name, name.replace("_", " "))


@register.filter
def percent(value) -> str:
    return f"{float(value) * 100:.0f}%"


# --- Casusregie labels ---------------------------------------------------------------------

CASE_LABELS = {
    "status": {
        "open": _("open"),
        "active": _("active"),
        "aftercare": _("aftercare"),
        "closed": _("closed"),
    },
    "origin": {
        "alert": _("from an alert"),
        "assessment": _("from a risk assessment"),
        "manual": _("opened by hand"),
    },
    "action_origin": {
        "manual": _("added by hand"),
        "alert": _("from an alert"),
        "protocol": _("from the risk protocol"),
        "conference": _("decided in a case conference"),
    },
    "action_status": {"open": _("open"), "done": _("done"), "cancelled": _("cancelled")},
    "yes_no_unknown": {"yes": _("yes"), "no": _("no"), "unknown": _("unknown")},
    "event": {
        "opened": _("Case opened"),
        "director": _("Case director appointed"),
        "contact_person": _("Contact person set"),
        "member_added": _("Team member added"),
        "member_removed": _("Team member removed"),
        "combined_handling": _("Combined handling changed"),
        "status": _("Status changed"),
        "goal_added": _("Goal added"),
        "action_added": _("Action added"),
        "action_done": _("Action done"),
        "action_cancelled": _("Action cancelled"),
        "measure_registered": _("Measure registered"),
        "measure_ended": _("Measure ended"),
        "breach_acknowledged": _("Breach acknowledged"),
        "conference_scheduled": _("Case conference scheduled"),
        "conference_held": _("Case conference recorded"),
        "child_added": _("Child added"),
        "aftercare_done": _("Aftercare check-in done"),
        "new_signal": _("New signal on the timeline"),
        "person_merged": _("Linked to another person record of the same person"),
        "person_merge_undone": _("Link to another person record undone"),
        "victim_in_other_case": _("The victim also has another open case"),
        "dossier_exported": _("Dossier exported"),
    },
}


def _case_label(group: str):
    def label(code: str) -> str:
        return CASE_LABELS[group].get(code, code)

    return label


register.filter("case_status", _case_label("status"))
register.filter("case_origin", _case_label("origin"))
register.filter("action_origin", _case_label("action_origin"))
register.filter("action_status", _case_label("action_status"))
register.filter("yes_no_unknown", _case_label("yes_no_unknown"))
register.filter("case_event", _case_label("event"))


@register.filter
def case_outcome(code: str) -> str:
    from django.utils.translation import get_language

    from patroon.cases.policy import aftercare

    text = aftercare().outcomes.get(code)
    return text.get(get_language() or "nl") if text else code
