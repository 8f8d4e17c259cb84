"""Background work for the audit trail, run by the django-tasks worker."""

from __future__ import annotations

import logging

from django_tasks import task

from patroon.audit.services import verify_chain

log = logging.getLogger("patroon.audit")


@task()
def verify_audit_chain() -> dict:
    """Periodic integrity check; a broken chain is logged at ERROR for the operators."""
    verdict = verify_chain()
    result = {
        "intact": verdict.intact,
        "checked": verdict.checked,
        "broken_seq": verdict.broken_seq,
    }
    if verdict.intact:
        log.info("audit chain intact", extra={"event": "audit.verify", **result})
    else:
        log.error(
            "audit chain broken",
            extra={"event": "audit.verify", **result, "reason": verdict.reason},
        )
    return result
