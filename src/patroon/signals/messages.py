"""Human messages for validation codes, translated once for the form, the API and the import."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patroon.signals.validation import FieldError

MESSAGES = {
    "required": _("This field is required."),
    "not_text": _("Must be text."),
    "not_object": _("Must be an object."),
    "not_boolean": _("Must be true or false."),
    "too_long": _("Must be at most %(max)s characters."),
    "unknown_field": _("Unknown field; check the spelling against the documentation."),
    "invalid_date": _("Must be a date in the form YYYY-MM-DD."),
    "invalid_datetime": _(
        "Must be a date and time with a time zone, for example 2025-03-01T14:30:00+01:00."
    ),
    "in_future": _("Cannot be in the future."),
    "too_early": _("Cannot be before %(earliest)s."),
    "unknown_code": _("Unknown value '%(value)s'. Allowed: %(allowed)s."),
    "duplicate": _("'%(value)s' is listed twice."),
    "at_least_one": _("At least one is required."),
    "too_many": _("At most %(max)s are allowed."),
    "no_victim": _("At least one person must have the role 'victim'."),
    "invalid_reference": _(
        "Must start with a letter or digit and contain only letters, digits and . _ : / -"
    ),
    "invalid_bsn": _("Not a valid BSN: it must be 9 digits and pass the eleven-test (elfproef)."),
    "invalid_postcode": _("Not a valid Dutch postcode, for example 1234 AB."),
    "invalid_phone": _("Not a valid phone number."),
    "invalid_email": _("Not a valid e-mail address."),
    "end_before_start": _("The end of the period is before its start."),
    "after_reported": _("The incident cannot start after the date it was reported."),
    "reference_conflict": _(
        "This source reference was already used for a different signal of your organisation."
    ),
    "invalid_json": _("Not valid JSON: %(detail)s"),
}


def render(error: FieldError) -> str:
    return str(MESSAGES[error.code]) % error.params if error.params else str(MESSAGES[error.code])
