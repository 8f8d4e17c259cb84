"""Calibration of the demo world: pattern mix, organisation profiles and noise rates.

Every number here is documented in docs/demo-world.md with its source, or marked there as an
assumption. Change a number here and the table there together.
"""

from __future__ import annotations

# -- household patterns -------------------------------------------------------------------------
# Share of households (largest-remainder allocation, so a world of N households has exactly
# these counts, rounded). The demo deliberately over-represents escalation and lethal outcomes
# (see docs/demo-world.md, "Calibration").
PATTERN_MIX: tuple[tuple[str, float], ...] = (
    ("single_incident", 0.600),
    ("recurring", 0.160),
    ("escalating", 0.130),
    ("family_violence", 0.045),
    ("honour", 0.020),
    ("attempted_femicide", 0.025),
    ("femicide", 0.020),
)

# Relationship of the perpetrator in the lethal patterns (femicide, attempted_femicide).
# CBS 2020-2024: about half of the women killed were killed by a partner or ex-partner and
# about 20 % by another family member; the demo world only models the domestic circle, so it
# rescales those to 70 : 25, and gives 5 % to honour context (assumption).
LETHAL_RELATIONSHIP: tuple[tuple[str, float], ...] = (
    ("ex_partner", 0.45),
    ("partner", 0.25),
    ("family_member", 0.25),
    ("honour_context", 0.05),
)
# Lethal households whose history is thin (0-1 earlier incidents) instead of an escalation
# (Femicide Monitor, early findings: only a minority fit the "stalking ex" script).
LETHAL_THIN_HISTORY = 0.35
# Prior non-fatal strangulation: 43 % of homicides, 45 % of attempted homicides, 10 % of
# abused controls (Glass et al. 2008). Applied to the partner histories of the lethal patterns
# and to the non-lethal escalations.
STRANGULATION_LETHAL = 0.45
STRANGULATION_ESCALATING = 0.10
# Children present in the household: two thirds of femicide households (Femicide Monitor).
CHILDREN_LETHAL = 0.67
CHILDREN_OTHER = 0.50

# Victims of partner patterns who are male (assumption; lethal patterns are always female).
MALE_VICTIM_SHARE = 0.10
# Same-sex couples among partner patterns (assumption).
SAME_SEX_SHARE = 0.03

# Share of signals that an office-hours organisation records on the same working day.
OFFICE_START = 8 * 60 + 30
OFFICE_END = 17 * 60

# -- organisation recording profiles -------------------------------------------------------------
# Rates at which an organisation records a field for the VICTIM (the person it deals with):
# bsn, date_of_birth, address, phone, email, sex, full surname (else given name only).
# Police, prosecution and probation identify people from documents; the others often lack the
# BSN (assumption, see docs/demo-world.md).
PROFILE_FIELDS = ("bsn", "dob", "address", "phone", "email", "sex", "surname")
VICTIM_PROFILE: dict[str, tuple[float, ...]] = {
    "politie": (0.92, 0.97, 0.92, 0.70, 0.05, 1.00, 1.00),
    "om": (0.97, 0.99, 0.90, 0.30, 0.00, 1.00, 1.00),
    "reclassering": (0.97, 0.99, 0.90, 0.50, 0.05, 1.00, 1.00),
    "veilig_thuis": (0.55, 0.80, 0.85, 0.75, 0.15, 0.95, 0.97),
    "huisarts": (0.60, 0.95, 0.90, 0.60, 0.20, 0.98, 1.00),
    "seh_ziekenhuis": (0.50, 0.90, 0.80, 0.50, 0.05, 0.98, 0.98),
    "gemeente_wijkteam": (0.50, 0.75, 0.90, 0.70, 0.20, 0.90, 0.97),
    "vrouwenopvang": (0.35, 0.85, 0.00, 0.80, 0.10, 0.95, 0.95),
    "jeugdbescherming": (0.85, 0.95, 0.85, 0.60, 0.10, 1.00, 1.00),
    "hulplijn": (0.02, 0.15, 0.10, 0.50, 0.10, 0.60, 0.35),
    "expertisecentrum": (0.00, 0.20, 0.00, 0.00, 0.00, 0.70, 0.15),
}
# Justice organisations identify the alleged perpetrator (the suspect) as well as the victim.
JUSTICE_KINDS = frozenset({"politie", "om", "reclassering"})
# Elsewhere, the perpetrator is known second-hand: each victim rate is multiplied by these.
PERPETRATOR_FACTOR = (0.30, 0.45, 0.55, 0.40, 0.10, 1.00, 0.60)
CHILD_FACTOR = (0.90, 0.95, 0.90, 0.00, 0.00, 1.00, 0.95)
OTHER_FACTOR = (0.10, 0.20, 0.40, 0.80, 0.10, 0.90, 0.60)

# Organisations that keep one spelling per person in their own files: probability that they
# use a variant of a name (different spelling or call name) instead of the register spelling.
VARIANT_GIVEN_JUSTICE = 0.05
VARIANT_GIVEN_OTHER = 0.30
VARIANT_SURNAME_JUSTICE = 0.03
VARIANT_SURNAME_OTHER = 0.15
# Particle notation ("van der Berg" written as "Vanderberg", "Van der Berg", or all in surname).
PARTICLE_NOISE_JUSTICE = 0.05
PARTICLE_NOISE_OTHER = 0.25
# Married victims known by the double surname ("Jansen-de Vries") outside the register.
DOUBLE_SURNAME_OTHER = 0.30
# Given names: justice orgs write all given names; others mostly the first / call name.
ALL_GIVEN_NAMES_JUSTICE = 0.90
ALL_GIVEN_NAMES_OTHER = 0.15
INITIALS_OTHER = 0.05

# Per-mention noise (applied on each mention, not stable per organisation).
TYPO_RATE: dict[str, float] = {
    "politie": 0.015,
    "om": 0.01,
    "reclassering": 0.01,
    "hulplijn": 0.06,
    "expertisecentrum": 0.04,
}
TYPO_RATE_DEFAULT = 0.03
SWAP_NAME_RATE = 0.01  # given name and surname entered in each other's field
DOB_SWAP_RATE = 0.01  # day and month swapped (when the day is 12 or less)
DOB_YEAR_TYPO_RATE = 0.005
POSTCODE_TYPO_RATE = 0.01
OUTDATED_ADDRESS_RATE = 0.15  # non-justice orgs still using the previous address after a move
SEX_UNKNOWN_RATE = 0.02  # "U" instead of the sex
WRONG_BSN_RATE = 0.002  # BSN of another household member entered (valid, but wrong person)
NO_BSN_PERSON_RATE = 0.03  # persons without a BSN at all (e.g. not registered)

# Signals recording the relationship as "unknown" outside justice (assumption).
RELATIONSHIP_UNKNOWN_RATE = 0.03
# Stalking registered as stalking by the police: in reality about 3,600 of ~40,000 stalking
# reports; the demo keeps the behaviour in most police signals so the pattern shows.
POLICE_STALKING_RECORDED = 0.75
