"""The lifecycle of a hotline conversation: its states and the allowed transitions, in one
table, enforced in one place (``services._transition``)."""

from __future__ import annotations

OPEN = "open"  # waiting in the queue for an operator
CLAIMED = "claimed"  # an operator has it
CLOSED = "closed"  # closed with an outcome; a new message from the reporter reopens it

STATES = (OPEN, CLAIMED, CLOSED)

# event -> {from state: to state}
TRANSITIONS: dict[str, dict[str, str]] = {
    "claim": {OPEN: CLAIMED},
    "reply": {CLAIMED: CLAIMED},
    "hand_over": {CLAIMED: OPEN},  # back to the queue with a note for the next shift
    "hand_to": {CLAIMED: CLAIMED},  # straight to a named colleague
    "code": {CLAIMED: CLAIMED},
    "convert": {CLAIMED: CLAIMED},
    "forward": {CLAIMED: CLAIMED},
    "consent": {CLAIMED: CLAIMED},
    "close": {CLAIMED: CLOSED},
    "reporter_message": {OPEN: OPEN, CLAIMED: CLAIMED, CLOSED: OPEN},
}

OUTCOMES = (
    "information_given",
    "referred",
    "signal_recorded",
    "forwarded_veilig_thuis",
    "emergency_services",
    "no_contact",
    "abuse",
)


class NotAllowed(ValueError):
    """The conversation's state does not allow this (answered as 409)."""


def next_state(state: str, event: str) -> str:
    allowed = TRANSITIONS.get(event)
    if allowed is None:
        raise ValueError(f"unknown event {event!r}")
    if state not in allowed:
        raise NotAllowed(f"{event} is not allowed when the conversation is {state}")
    return allowed[state]
