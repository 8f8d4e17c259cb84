"""Labels in the active language, as the templates' ``label`` filter expects them: the shared
vocabulary's, and the hotline's own codes (states, reporters, consent, outcomes)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from patroon.vocabulary.loader import vocabulary


def vocabulary_labels() -> dict:
    vocab = vocabulary()
    language = get_language() or "nl"
    return {
        section: {code: term.label(language) for code, term in getattr(vocab, section).items()}
        for section in ("behaviours", "roles", "relationships", "confidentiality")
    }


HOTLINE_LABELS = {
    "states": {"open": _("waiting"), "claimed": _("being answered"), "closed": _("closed")},
    "reporters": {
        "victim": _("Victim"),
        "bystander": _("Bystander"),
        "professional": _("Professional"),
    },
    "urgency": {"now": _("urgent"), "soon": _("soon"), "no_hurry": _("no hurry")},
    "consent": {"unknown": _("not asked yet"), "given": _("given"), "refused": _("refused")},
    "outcomes": {
        "information_given": _("information given"),
        "referred": _("referred to help"),
        "signal_recorded": _("recorded as a signal"),
        "forwarded_veilig_thuis": _("forwarded to Veilig Thuis"),
        "emergency_services": _("emergency services called"),
        "no_contact": _("no contact"),
        "abuse": _("misuse of the hotline"),
    },
}
