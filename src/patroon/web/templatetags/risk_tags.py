"""Labels for instrument answers in the risk templates."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

ANSWERS = {
    "yes": _("Yes"),
    "no": _("No"),
    "unknown": _("Unknown"),
    "red": _("Red"),
    "blue": _("Blue"),
    "yellow": _("Yellow"),
    "low": _("Low"),
    "moderate": _("Moderate"),
    "high": _("High"),
    "": "–",
}


@register.filter
def risk_answer(code: str) -> str:
    return ANSWERS.get(code, code)


@register.filter
def localised(owner, field: str) -> str:
    """An instrument's bilingual text in the page's language. Passed as owner and field name:
    the text objects are callable, so the template engine would call them without a language."""
    text = getattr(owner, field, None)
    return text(get_language() or "nl") if text else ""
