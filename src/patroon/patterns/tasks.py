"""Background work for the pattern engine, run by the django-tasks worker."""

from __future__ import annotations

import dataclasses
import logging

from django_tasks import task

from patroon.patterns.sweep import sweep

log = logging.getLogger("patroon.patterns")


@task()
def sweep_all() -> dict:
    """Re-evaluate every victim for time-based rules and escalate overdue alerts."""
    result = dataclasses.asdict(sweep())
    log.info("pattern sweep done", extra={"event": "patterns.sweep", **result})
    return result
