"""Vocabulary labels in the active language, as the templates' ``label`` filter expects them."""

from __future__ import annotations

from django.utils.translation import get_language

from patroon.vocabulary.loader import vocabulary


def vocabulary_labels() -> dict:
    vocab = vocabulary()
    language = get_language() or "nl"
    return {
        section: {code: term.label(language) for code, term in getattr(vocab, section).items()}
        for section in ("behaviours", "roles", "relationships", "confidentiality")
    }
