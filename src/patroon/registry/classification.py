"""Classifies one register record by the UNODC / UN Women statistical framework (2022).

Pure Python: the rule that decided and its reason come back with the type, so every label in
the register can be explained. The rules, in order:

- R0 scope: the framework counts women and girls. A victim known to be male (and not a woman
  by gender identity) is out of scope; a victim whose sex and gender are both unknown cannot
  be classified (insufficient information).
- R1 intimate partner: a current or former partner killed her -> intimate partner femicide.
- R2 family: a family member killed her -> family-related femicide.
- R3 criteria: any other (known, unknown or not known) perpetrator -> femicide when one or
  more of the 8 criteria is "yes".
- R4 none: the relationship is known (other known / unknown to the victim) and all 8
  criteria are "no" -> female homicide, not classified as femicide.
- R5 insufficient: otherwise (a criterion is unknown, or the relationship is not known or
  missing so partner or family cannot be ruled out) -> insufficient information.

"unknown" is never read as "no": R4 needs all eight answered "no".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from patroon.registry.framework import Framework, framework

YES, NO, UNKNOWN = "yes", "no", "unknown"
TRISTATE = (YES, NO, UNKNOWN)
FEMALE_IDENTITIES = frozenset({"woman", "trans_woman", "travesti", "lesbian_woman"})


@dataclass(frozen=True)
class Classification:
    type: str
    rule: str
    relationship: str
    criteria_yes: tuple[str, ...]
    criteria_unknown: tuple[str, ...]

    @property
    def femicide(self) -> bool:
        return self.type.startswith("femicide_")


def _in_scope(sex: str, gender_identity: str) -> bool | None:
    if gender_identity in FEMALE_IDENTITIES or sex == "female":
        return True
    if sex == "male" or gender_identity == "man":
        return False
    return None


def classify(record: Mapping[str, str | None], rules: Framework | None = None) -> Classification:
    """``record`` holds ``sex``, ``gender_identity``, ``relationship`` and one entry per
    criterion code (yes / no / unknown; a missing or empty value counts as unknown)."""
    rules = rules or framework()
    answers = {c: (record.get(c) or UNKNOWN) for c in rules.criteria}
    for code, value in answers.items():
        if value not in TRISTATE:
            raise ValueError(f"{code}: {value!r} is not yes, no or unknown")
    yes = tuple(c for c, v in answers.items() if v == YES)
    unknown = tuple(c for c, v in answers.items() if v == UNKNOWN)
    relationship = record.get("relationship") or ""
    if relationship and relationship not in rules.relationships:
        raise ValueError(f"relationship: unknown code {relationship!r}")

    def result(kind: str, rule: str) -> Classification:
        return Classification(kind, rule, relationship, yes, unknown)

    scope = _in_scope(record.get("sex") or "", record.get("gender_identity") or "")
    if scope is False:
        return result("out_of_scope", "R0")
    if scope is None:
        return result("insufficient_information", "R0")
    group = rules.relationships[relationship].group if relationship else "missing"
    if group == "intimate_partner":
        return result("femicide_intimate_partner", "R1")
    if group == "family":
        return result("femicide_family", "R2")
    if yes:
        return result("femicide_other", "R3")
    if group in ("other_known", "unknown_to_victim") and not unknown:
        return result("not_femicide", "R4")
    return result("insufficient_information", "R5")


def explain(
    found: Classification,
    rules: Framework | None = None,
    language: str = "en",
    gettext: Callable[[str], str] = str,
) -> str:
    """The reason in words. ``gettext`` translates the sentence templates for the UI."""
    rules = rules or framework()

    def crit(codes) -> str:
        return "; ".join(rules.label("criteria", c, language) for c in codes)

    relation = (
        rules.label("relationships", found.relationship, language)
        if found.relationship
        else gettext("missing")
    )
    if found.rule == "R0":
        if found.type == "out_of_scope":
            return gettext("The victim is recorded as male: outside the framework's scope.")
        return gettext("Sex and gender identity of the victim are unknown.")
    if found.rule in ("R1", "R2"):
        return gettext("Killed by: %(relation)s. Partner and family killings are femicide.") % {
            "relation": relation
        }
    if found.rule == "R3":
        return gettext("Relationship: %(relation)s; criteria met: %(criteria)s.") % {
            "relation": relation,
            "criteria": crit(found.criteria_yes),
        }
    if found.rule == "R4":
        return gettext("Relationship: %(relation)s; all 8 criteria answered no.") % {
            "relation": relation
        }
    if not found.relationship or rules.relationships[found.relationship].group == "not_known":
        return gettext(
            "Relationship %(relation)s, so partner or family cannot be ruled out, and no "
            "criterion is met (unknown: %(count)d of 8)."
        ) % {"relation": relation, "count": len(found.criteria_unknown)}
    return gettext("Relationship: %(relation)s; no criterion met, but unknown: %(criteria)s.") % {
        "relation": relation,
        "criteria": crit(found.criteria_unknown),
    }
