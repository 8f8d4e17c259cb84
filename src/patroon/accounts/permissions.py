"""Roles and the capabilities they grant: the single table every access decision reads.

``docs/permissions.md`` is generated from this table (``patroon docs permissions``) and a
test fails when the two drift apart.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    INTAKE = "intake"
    PROFESSIONAL = "professional"
    CASE_DIRECTOR = "case_director"
    LINK_REVIEWER = "link_reviewer"
    MONITORING_OPERATOR = "monitoring_operator"
    HOTLINE_OPERATOR = "hotline_operator"
    ANALYST = "analyst"
    PRIVACY_OFFICER = "privacy_officer"
    SUPERVISOR = "supervisor"
    PROSECUTOR = "prosecutor"
    REGISTRAR = "registrar"
    ADMIN = "admin"


class Capability(StrEnum):
    SIGNAL_CREATE = "signal.create"
    SIGNAL_READ = "signal.read"
    NARRATIVE_READ = "signal.read_narrative"
    IDENTITY_READ = "identity.read"
    TIMELINE_READ = "timeline.read"
    ALERT_READ = "alert.read"
    ALERT_HANDLE = "alert.handle"
    ALERT_ESCALATIONS = "alert.escalations"
    LINK_REVIEW = "identity.link_review"
    REIDENTIFY = "identity.reidentify"
    AGGREGATES_READ = "aggregates.read"
    AUDIT_READ = "audit.read"
    USERS_MANAGE = "users.manage"
    TOKENS_MANAGE = "tokens.manage"
    RISK_ASSESS = "risk.assess"
    RISK_APPROVE = "risk.approve"
    CASE_OPEN = "case.open"
    CASE_READ = "case.read"
    CASE_CONTRIBUTE = "case.contribute"
    CASE_DIRECT = "case.direct"
    DOSSIER_EXPORT = "case.export_dossier"
    HOTLINE_OPERATE = "hotline.operate"
    HOTLINE_FIGURES = "hotline.figures"
    REGISTRY_WRITE = "registry.write"
    REGISTRY_WHO_KNEW = "registry.who_knew"
    PROXIMITY_MONITOR = "proximity.monitor"
    PROXIMITY_PAIR = "proximity.pair"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.INTAKE: ("Intakemedewerker", "Intake worker"),
    Role.PROFESSIONAL: ("Professional", "Professional"),
    Role.CASE_DIRECTOR: ("Casusregisseur", "Case director"),
    Role.LINK_REVIEWER: ("Koppelbeheerder", "Link reviewer"),
    Role.MONITORING_OPERATOR: ("Operator meldkamer", "Monitoring operator"),
    Role.HOTLINE_OPERATOR: ("Operator hulplijn", "Hotline operator"),
    Role.ANALYST: ("Analist", "Analyst"),
    Role.PRIVACY_OFFICER: ("Privacyfunctionaris", "Privacy officer"),
    Role.SUPERVISOR: ("Leidinggevende", "Supervisor"),
    Role.PROSECUTOR: ("Officier van justitie", "Public prosecutor"),
    Role.REGISTRAR: ("Registrateur Femicide Monitor", "Femicide Monitor registrar"),
    Role.ADMIN: ("Beheerder", "Administrator"),
}

_RECORDING = {
    Capability.SIGNAL_CREATE,
    Capability.SIGNAL_READ,
    Capability.NARRATIVE_READ,
    Capability.IDENTITY_READ,
    Capability.TIMELINE_READ,
}

_ALERTS = {Capability.ALERT_READ, Capability.ALERT_HANDLE, Capability.REIDENTIFY}

_RISK = {Capability.RISK_ASSESS, Capability.RISK_APPROVE}

# Case access also needs membership of the case team: the capability alone opens nothing.
_CASES = {Capability.CASE_OPEN, Capability.CASE_READ, Capability.CASE_CONTRIBUTE}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.INTAKE: frozenset(_RECORDING),
    Role.PROFESSIONAL: frozenset(_RECORDING | _ALERTS | _RISK | _CASES),
    Role.CASE_DIRECTOR: frozenset(
        _RECORDING | _ALERTS | _RISK | _CASES | {Capability.CASE_DIRECT, Capability.DOSSIER_EXPORT}
    ),
    Role.LINK_REVIEWER: frozenset({Capability.IDENTITY_READ, Capability.LINK_REVIEW}),
    Role.MONITORING_OPERATOR: frozenset({Capability.PROXIMITY_MONITOR, Capability.PROXIMITY_PAIR}),
    Role.HOTLINE_OPERATOR: frozenset(
        {
            Capability.SIGNAL_CREATE,
            Capability.SIGNAL_READ,
            Capability.NARRATIVE_READ,
            Capability.HOTLINE_OPERATE,
        }
    ),
    Role.ANALYST: frozenset({Capability.AGGREGATES_READ}),
    Role.PRIVACY_OFFICER: frozenset({Capability.AUDIT_READ}),
    Role.SUPERVISOR: frozenset(
        {
            Capability.TIMELINE_READ,
            Capability.ALERT_ESCALATIONS,
            Capability.RISK_APPROVE,
            Capability.HOTLINE_FIGURES,
            Capability.PROXIMITY_MONITOR,
        }
        | _ALERTS
    ),
    Role.PROSECUTOR: frozenset(
        {Capability.TIMELINE_READ, Capability.CASE_READ, Capability.DOSSIER_EXPORT}
    ),
    Role.REGISTRAR: frozenset(
        {Capability.REGISTRY_WRITE, Capability.REGISTRY_WHO_KNEW, Capability.AGGREGATES_READ}
    ),
    Role.ADMIN: frozenset({Capability.USERS_MANAGE, Capability.TOKENS_MANAGE}),
}

API_TOKEN_ROLES = frozenset({Role.INTAKE, Role.PROFESSIONAL, Role.HOTLINE_OPERATOR})

WHY: dict[Role, str] = {
    Role.INTAKE: "Records signals for their organisation and reads what it recorded.",
    Role.PROFESSIONAL: (
        "Works with their organisation's signals and persons; handles alerts routed to it; "
        "assesses risk and approves a colleague's lowered level."
    ),
    Role.CASE_DIRECTOR: (
        "Leads cases: team, safety plan, measures, conferences, aftercare; exports the dossier "
        "for the prosecutor. Sees a case only while director or member of its team."
    ),
    Role.LINK_REVIEWER: "Reviews uncertain record links in the identity vault; no narratives.",
    Role.MONITORING_OPERATOR: "Watches victim-device alarms; no signal access.",
    Role.HOTLINE_OPERATOR: (
        "Answers hotline reports and chats; with the reporter's consent records them as signals "
        "of the helpline; no identities."
    ),
    Role.ANALYST: "Aggregated and pseudonymised figures only; never personal data.",
    Role.PRIVACY_OFFICER: "Reads and verifies the audit trail; no case content.",
    Role.SUPERVISOR: (
        "Receives alerts nobody acknowledged in time and referrals nobody took on in time; "
        "handles alerts; approves lowered risk levels; at a helpline, reads response times "
        "per shift."
    ),
    Role.PROSECUTOR: (
        "Reads the cases and bundled timelines of the case teams they are on, and exports "
        "those dossiers."
    ),
    Role.REGISTRAR: (
        "Enters and verifies Femicide Monitor records, links a record to a person in the vault "
        "and reads who knew what before a killing (audited); no signal content."
    ),
    Role.ADMIN: "Manages users and API tokens; never reads narratives or identities.",
}


def capabilities_for(roles) -> frozenset[Capability]:
    granted: set[Capability] = set()
    for role in roles:
        granted |= ROLE_CAPABILITIES.get(Role(role), frozenset())
    return frozenset(granted)


def roles_with(capability: Capability) -> list[str]:
    """The codes of the roles that carry ``capability`` (whom to tell about something)."""
    return [role.value for role, granted in ROLE_CAPABILITIES.items() if capability in granted]


def permissions_markdown() -> str:
    caps = list(Capability)
    lines = [
        "# Permissions",
        "",
        "Generated from `src/patroon/accounts/permissions.py` by `patroon docs permissions`;",
        "a test fails when this page and the code drift apart. Access is need-to-know: every",
        "capability is also limited to the user's own organisation's records (and the signals",
        "another organisation referred to it with the reporter's consent).",
        "",
        "| role | " + " | ".join(f"`{c.value}`" for c in caps) + " | why |",
        "|---" * (len(caps) + 2) + "|",
    ]
    for role in Role:
        marks = " | ".join("yes" if c in ROLE_CAPABILITIES[role] else "–" for c in caps)
        lines.append(f"| {role.value} ({ROLE_LABELS[role][0]}) | {marks} | {WHY[role]} |")
    lines += [
        "",
        "API tokens belong to an organisation and act with the role(s): "
        + ", ".join(sorted(r.value for r in API_TOKEN_ROLES))
        + ".",
        "",
    ]
    return "\n".join(lines)
