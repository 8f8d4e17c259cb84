"""Writes of the hotline: reports and messages from the public, and the operator's acts
(claim, reply, hand over, code, consent, convert into a Signal, forward, close).

Each write is one transaction. Every message is stored, numbered, before it is acknowledged,
and a message resent with the same client id is stored once. Rate limits, size limits, the
honeypot, proof of work and the lock-out on reference codes are enforced here, so the web
form, the API and the WebSocket share them.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import signing
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from patroon.accounts.access import AccessDenied, NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.audit.services import record
from patroon.hotline import codes, workflow
from patroon.hotline.danger import phrasebook
from patroon.hotline.models import Conversation, Handover, Message, OperatorPresence, Throttle
from patroon.security.keys import cipher
from patroon.signals.models import Referral

MESSAGE_PURPOSE = b"hotline.message"
ABOUT_PURPOSE = b"hotline.about"
HANDOVER_PURPOSE = b"hotline.handover_note"
HOTLINE_KIND = "hulplijn"
TOKEN_SALT = "patroon.hotline.thread"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 2 * 60 * 60
MAX_ABOUT = 1000
CLIENT_ID_MAX = 64

# The public acts under this name in the audit trail; nothing identifies the person.
PUBLIC = Actor(username="public", organisation_id=None, organisation_code=None, channel="hotline")


class HotlineError(ValueError):
    code = "invalid"


class RateLimited(HotlineError):
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many requests")
        self.retry_after = retry_after


class Locked(HotlineError):
    code = "locked"

    def __init__(self, retry_after: int) -> None:
        super().__init__("locked after too many failed attempts")
        self.retry_after = retry_after


class BadCredentials(HotlineError):
    code = "bad_credentials"


class Rejected(HotlineError):
    """Honeypot filled, proof of work missing or wrong, text empty or too long."""


class ConsentMissing(HotlineError):
    code = "consent_missing"


class SignalMissing(HotlineError):
    code = "signal_missing"


class ConversionInvalid(HotlineError):
    code = "invalid_signal"

    def __init__(self, errors) -> None:
        super().__init__("the coded signal is invalid")
        self.errors = errors


# ---------------------------------------------------------------- counters and lock-outs


_last_purge = 0.0


def _purge_throttles(now: datetime) -> None:
    """Delete client hashes older than the retention time (at most once a minute)."""
    global _last_purge
    if time.monotonic() - _last_purge < 60:
        return
    _last_purge = time.monotonic()
    purge_expired(now)


def purge_expired(now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.PATROON_HOTLINE_IP_RETENTION_MINUTES)
    deleted, _ = Throttle.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _window(now: datetime, seconds: int) -> int:
    return int(now.timestamp()) // seconds * seconds


def _count(scope: str, key: str, seconds: int, now: datetime) -> int:
    row = Throttle.objects.filter(scope=scope, key=key, window=_window(now, seconds)).first()
    return row.count if row else 0


def _hit(scope: str, key: str, seconds: int, now: datetime) -> int:
    """Add one to the counter of this window and return the new count.

    One upsert (SQLite >= 3.35 and PostgreSQL alike) instead of a select, an insert and an
    update in a transaction: it is on every public write, and two concurrent hits can no
    longer both read the old count.
    """
    connection = connections[router.db_for_write(Throttle)]
    q = connection.ops.quote_name
    table, count = q(Throttle._meta.db_table), q("count")
    unique = ", ".join(q(name) for name in ("scope", "key", "window"))
    # Identifiers from the model, quoted; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({unique}, {count}, {q('created_at')}) VALUES (%s, %s, %s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({unique}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
    )
    created = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, key, _window(now, seconds), created])
        return cursor.fetchone()[0]


def _limit(scope: str, key: str, seconds: int, limit: int, now: datetime) -> None:
    if limit <= 0:
        return
    if _hit(scope, key, seconds, now) > limit:
        raise RateLimited(retry_after=seconds - (int(now.timestamp()) - _window(now, seconds)))


def client_key(address: str) -> str:
    return codes.client_hash(address, settings.PATROON_HOTLINE_IP_SALT.encode())


# ---------------------------------------------------------------- passphrases and tokens


# A generated passphrase carries 76 random bits: no number of hash iterations adds to that,
# so it is hashed with fewer (the public form stays fast). One the reporter chose gets the
# configured, slow count.
GENERATED_ITERATIONS = 2_000


def _hash_passphrase(passphrase: str, *, generated: bool = False) -> str:
    hasher = PBKDF2PasswordHasher()
    iterations = GENERATED_ITERATIONS if generated else settings.PATROON_HOTLINE_PBKDF2_ITERATIONS
    return hasher.encode(passphrase, hasher.salt(), iterations=iterations)


def _check_passphrase(passphrase: str, encoded: str) -> bool:
    return PBKDF2PasswordHasher().verify(passphrase, encoded)


def thread_token(conversation_id: uuid.UUID) -> str:
    """Proves, for two hours, that this browser opened the conversation; kept in the page,
    never in a cookie."""
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(str(conversation_id))


def conversation_for_token(token: str) -> Conversation:
    try:
        value = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token, max_age=TOKEN_MAX_AGE)
        return Conversation.objects.get(pk=uuid.UUID(value))
    except (signing.BadSignature, ValueError, Conversation.DoesNotExist) as exc:
        raise BadCredentials("expired or invalid") from exc


def pow_challenge() -> str:
    """A signed, dated random challenge; the answer must be found within 30 minutes."""
    return signing.TimestampSigner(salt="patroon.hotline.pow").sign(secrets.token_hex(8))


def _check_pow(challenge: str, answer: str, now: datetime) -> None:
    bits = settings.PATROON_HOTLINE_POW_BITS
    if bits <= 0:
        return
    try:
        signing.TimestampSigner(salt="patroon.hotline.pow").unsign(challenge, max_age=1800)
    except signing.BadSignature as exc:
        raise Rejected("proof of work: bad challenge") from exc
    if not codes.pow_ok(challenge, answer, bits):
        raise Rejected("proof of work: wrong answer")
    # One use per challenge.
    if _hit("pow", codes.client_hash(challenge, b"pow"), 3600, now) > 1:
        raise Rejected("proof of work: challenge used before")


# ---------------------------------------------------------------- the public side


@dataclass(frozen=True)
class Submitted:
    conversation: Conversation
    passphrase: str  # shown once when generated; empty when the reporter chose one
    danger: list[str]
    token: str


def _text(value: str, *, required: bool = True, max_chars: int | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Rejected("empty")
    if len(text) > (max_chars or settings.PATROON_HOTLINE_MAX_CHARS):
        raise Rejected("too long")
    return text


def _danger(text: str) -> list[str]:
    return phrasebook().matches(text)


def _priority(danger: list[str], urgency: str) -> int:
    if danger:
        return 0
    return 1 if urgency == Conversation.Urgency.NOW else 2


def submit_report(
    *,
    text: str,
    reporter_kind: str,
    urgency: str,
    about: str = "",
    passphrase: str = "",
    client_address: str = "",
    honeypot: str = "",
    pow_challenge_value: str = "",
    pow_answer: str = "",
    channel: str = "message",
    now: datetime | None = None,
) -> Submitted:
    """Store a new anonymous report as the first message of a conversation."""
    now = now or timezone.now()
    _purge_throttles(now)
    if honeypot:
        raise Rejected("honeypot")
    if reporter_kind not in Conversation.ReporterKind.values:
        raise Rejected("reporter_kind")
    if urgency not in Conversation.Urgency.values:
        raise Rejected("urgency")
    body = _text(text)
    about = _text(about, required=False, max_chars=MAX_ABOUT)
    chosen = codes.normalise_passphrase(passphrase)
    if chosen and len(chosen) < codes.MIN_PASSPHRASE:
        raise Rejected("passphrase_too_short")
    _check_pow(pow_challenge_value, pow_answer, now)
    key = client_key(client_address)
    _limit("report_client", key, 3600, settings.PATROON_HOTLINE_REPORTS_PER_CLIENT_HOUR, now)
    _limit("report_global", "all", 60, settings.PATROON_HOTLINE_REPORTS_GLOBAL_MINUTE, now)
    generated = "" if chosen else codes.new_passphrase()
    danger = _danger(f"{body}\n{about}")
    encrypt = cipher().encrypt
    for _attempt in range(5):
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    reference_code=codes.new_reference_code(),
                    passphrase_hash=_hash_passphrase(chosen or generated, generated=not chosen),
                    reporter_kind=reporter_kind,
                    urgency=urgency,
                    about=encrypt(about, ABOUT_PURPOSE) if about else None,
                    danger=bool(danger),
                    danger_phrases=",".join(danger),
                    priority=_priority(danger, urgency),
                    channel=channel,
                    created_at=now,
                    waiting_since=now,
                    last_seq=1,
                    last_author=Message.Author.REPORTER,
                )
                Message.objects.create(
                    conversation=conversation,
                    seq=1,
                    author=Message.Author.REPORTER,
                    body=encrypt(body, MESSAGE_PURPOSE),
                    client_id="report",
                    created_at=now,
                )
                record(PUBLIC, "create", "hotline_conversation", str(conversation.pk), "report")
            break
        except IntegrityError:  # a reference code drawn twice: draw again
            continue
    else:  # pragma: no cover - 57 random bits
        raise HotlineError("could not draw a free reference code")
    return Submitted(conversation, generated, danger, thread_token(conversation.pk))


def open_thread(code: str, passphrase: str, client_address: str = "", now=None) -> Conversation:
    """The reporter returns with code and passphrase. Failed attempts count per client and
    per code; past the limit both are locked out for a while, whatever is typed."""
    now = now or timezone.now()
    _purge_throttles(now)
    lockout = settings.PATROON_HOTLINE_LOCKOUT_MINUTES * 60
    failures = settings.PATROON_HOTLINE_OPEN_FAILURES
    key = client_key(client_address)
    if _count("open_fail", key, lockout, now) >= failures:
        raise Locked(retry_after=lockout - (int(now.timestamp()) - _window(now, lockout)))
    normal = codes.normalise_code(code)
    conversation = Conversation.objects.filter(reference_code=normal).first() if normal else None
    if conversation and conversation.locked_until and conversation.locked_until > now:
        raise Locked(retry_after=int((conversation.locked_until - now).total_seconds()) + 1)
    phrase = codes.normalise_passphrase(passphrase)
    if conversation is None:
        _check_passphrase(
            phrase, _hash_passphrase("x" * 16, generated=True)
        )  # same time as a real check
        ok = False
    else:
        ok = bool(phrase) and _check_passphrase(phrase, conversation.passphrase_hash)
    if not ok:
        _hit("open_fail", key, lockout, now)
        if conversation is not None:
            with transaction.atomic():
                locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
                locked.failed_opens += 1
                if locked.failed_opens >= failures:
                    locked.failed_opens = 0
                    locked.locked_until = now + timedelta(seconds=lockout)
                locked.save(update_fields=["failed_opens", "locked_until"])
        raise BadCredentials("unknown code or wrong passphrase")
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(failed_opens=0)
        record(PUBLIC, "read", "hotline_conversation", str(conversation.pk), "reporter returned")
    return conversation


def _append(
    conversation_id,
    author: str,
    body: str,
    client_id: str,
    *,
    operator: str = "",
    now: datetime,
    event: str,
) -> tuple[Message, bool]:
    """Store one message with the next sequence number; a known client id stores nothing."""
    client_id = (client_id or uuid.uuid4().hex)[:CLIENT_ID_MAX]
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
        existing = Message.objects.filter(conversation=conversation, client_id=client_id).first()
        if existing is not None:
            return existing, False
        state = workflow.next_state(conversation.state, event)
        seq = conversation.last_seq + 1
        message = Message.objects.create(
            conversation=conversation,
            seq=seq,
            author=author,
            operator=operator,
            body=cipher().encrypt(body, MESSAGE_PURPOSE),
            client_id=client_id,
            created_at=now,
        )
        changes = {"last_seq": seq, "state": state, "last_author": author}
        if author == Message.Author.REPORTER:
            danger = _danger(body)
            if danger:
                known = set(filter(None, conversation.danger_phrases.split(",")))
                changes.update(
                    danger=True,
                    priority=0,
                    danger_phrases=",".join(sorted(known | set(danger)))[:200],
                )
            if conversation.state == workflow.CLOSED:
                changes.update(claimed_by="", claimed_at=None, closed_at=None, outcome="")
            if conversation.last_author != Message.Author.REPORTER:
                changes["waiting_since"] = now
        else:
            if conversation.first_answered_at is None:
                changes["first_answered_at"] = now
        Conversation.objects.filter(pk=conversation.pk).update(**changes)
    message.plain = body
    return message, True


def reporter_message(
    conversation_id, text: str, client_id: str = "", client_address: str = "", now=None
) -> tuple[Message, bool]:
    now = now or timezone.now()
    body = _text(text)
    _limit(
        "message_client",
        client_key(client_address),
        60,
        settings.PATROON_HOTLINE_MESSAGES_PER_CLIENT_MINUTE,
        now,
    )
    return _append(
        conversation_id,
        Message.Author.REPORTER,
        body,
        client_id,
        now=now,
        event="reporter_message",
    )


# ---------------------------------------------------------------- the operator side


def require_operator(actor: Actor) -> None:
    """Hotline work needs the capability and a seat at a helpline organisation."""
    require(actor, Capability.HOTLINE_OPERATE)
    kind = Organisation.objects.filter(pk=actor.organisation_id).values_list("kind", flat=True)
    if kind.first() != HOTLINE_KIND:
        raise AccessDenied(Capability.HOTLINE_OPERATE.value)


def _locked(actor: Actor, conversation_id, event: str) -> Conversation:
    require_operator(actor)
    conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
    if conversation is None:
        raise NotVisible("conversation")
    claimed_by_other = (
        conversation.state == workflow.CLAIMED and conversation.claimed_by != actor.username
    )
    if event != "claim" and claimed_by_other:
        raise workflow.NotAllowed("claimed by a colleague")
    conversation.state = workflow.next_state(conversation.state, event)
    return conversation


def claim(actor: Actor, conversation_id) -> Conversation:
    with transaction.atomic():
        conversation = _locked(actor, conversation_id, "claim")
        conversation.claimed_by = actor.username
        conversation.claimed_at = timezone.now()
        conversation.save(update_fields=["state", "claimed_by", "claimed_at"])
        record(actor, "update", "hotline_conversation", str(conversation.pk), "claimed")
    return conversation


def operator_reply(actor: Actor, conversation_id, text: str, client_id: str = "", now=None):
    now = now or timezone.now()
    body = _text(text)
    require_operator(actor)
    with transaction.atomic():
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None:
            raise NotVisible("conversation")
        if conversation.state != workflow.CLAIMED or conversation.claimed_by != actor.username:
            raise workflow.NotAllowed("claim the conversation before replying")
        message, created = _append(
            conversation_id,
            Message.Author.OPERATOR,
            body,
            client_id,
            operator=actor.username,
            now=now,
            event="reply",
        )
        if created:
            record(actor, "update", "hotline_conversation", str(conversation_id), "replied")
    return message, created


def hand_over(actor: Actor, conversation_id, note: str, to_username: str = "") -> Conversation:
    """At shift change: back to the queue (or to a named colleague) with a note."""
    text = _text(note, max_chars=2000)
    with transaction.atomic():
        conversation = _locked(actor, conversation_id, "hand_to" if to_username else "hand_over")
        sealed = cipher().encrypt(text, HANDOVER_PURPOSE)
        Handover.objects.create(
            conversation=conversation,
            from_operator=actor.username,
            to_operator=to_username,
            note=sealed,
            at=timezone.now(),
        )
        conversation.claimed_by = to_username
        conversation.claimed_at = timezone.now() if to_username else None
        conversation.save(update_fields=["state", "claimed_by", "claimed_at"])
        record(actor, "update", "hotline_conversation", str(conversation.pk), "handed over")
    return conversation


def code_conversation(
    actor: Actor, conversation_id, behaviours: list[str], relationship: str
) -> Conversation:
    from patroon.vocabulary.loader import vocabulary

    vocab = vocabulary()
    unknown = [b for b in behaviours if b not in vocab.active("behaviours")]
    if unknown or not behaviours:
        raise HotlineError("unknown behaviour: " + ", ".join(unknown) if unknown else "none")
    if relationship not in vocab.active("relationships"):
        raise HotlineError("unknown relationship")
    with transaction.atomic():
        conversation = _locked(actor, conversation_id, "code")
        conversation.behaviours = ",".join(dict.fromkeys(behaviours))
        conversation.relationship = relationship
        conversation.save(update_fields=["state", "behaviours", "relationship"])
        record(actor, "update", "hotline_conversation", str(conversation.pk), "coded")
    return conversation


def record_consent(actor: Actor, conversation_id, given: bool) -> Conversation:
    """The reporter's answer to: may we pass this on to the chain partners?"""
    with transaction.atomic():
        conversation = _locked(actor, conversation_id, "consent")
        conversation.consent = "given" if given else "refused"
        conversation.consent_recorded_by = actor.username
        conversation.consent_recorded_at = timezone.now()
        conversation.save(
            update_fields=["state", "consent", "consent_recorded_by", "consent_recorded_at"]
        )
        record(
            actor,
            "update",
            "hotline_conversation",
            str(conversation.pk),
            f"consent {conversation.consent}",
        )
    return conversation


def _reporter_words(conversation: Conversation) -> str:
    decrypt = cipher().decrypt
    texts = [
        decrypt(bytes(m.body), MESSAGE_PURPOSE)
        for m in conversation.messages.filter(author=Message.Author.REPORTER)
    ]
    return "\n\n".join(texts)[:20_000]


def convert_to_signal(
    actor: Actor,
    conversation_id,
    *,
    persons: list[dict],
    occurred_start: str = "",
    narrative: str = "",
) -> uuid.UUID:
    """Record the coded conversation as a Signal of the helpline, with the reporter's consent.

    Persons carry a vocabulary role and only what the reporter chose to tell. The signal goes
    through the one intake path, so it is linked in the vault and lands on the timelines.
    """
    from patroon.signals.services import record_signal

    require(actor, Capability.SIGNAL_CREATE)
    with transaction.atomic():
        conversation = _locked(actor, conversation_id, "convert")
        if conversation.consent != "given":
            raise ConsentMissing("record the reporter's consent first")
        if conversation.signal_id is not None:
            return conversation.signal_id
        if not conversation.behaviours or not conversation.relationship:
            raise HotlineError("code the conversation first")
        local = timezone.localtime(conversation.created_at)
        payload = {
            "source_reference": conversation.reference_code,
            "reported_at": local.isoformat(),  # with its offset: the reporting day is Dutch
            "occurred": {
                "start": occurred_start or local.date().isoformat(),
                "approximate": not occurred_start,
            },
            "relationship": conversation.relationship,
            "behaviours": conversation.behaviours.split(","),
            "persons": persons,
            "narrative": (narrative or _reporter_words(conversation)).strip(),
            "confidentiality": "normal",
        }
        outcome = record_signal(actor, payload, "hotline")
        if outcome.errors:
            raise ConversionInvalid(outcome.errors)
        conversation.signal_id = outcome.signal_id
        conversation.save(update_fields=["state", "signal_id"])
        record(
            actor,
            "update",
            "hotline_conversation",
            str(conversation.pk),
            f"converted into signal {outcome.signal_id}",
        )
    return conversation.signal_id


def forward_to_veilig_thuis(actor: Actor, conversation_id, region: str) -> list[Referral]:
    """Pass the conversation's signal on to Veilig Thuis of ``region``: only with consent, and
    only once it is recorded as a signal, which is what Veilig Thuis receives. Returns the
    referrals made: none when that Veilig Thuis is not connected to Patroon, and then the
    operator passes the report on by phone (the decision is recorded either way)."""
    from patroon.accounts.catalogue import regions
    from patroon.cases import notify
    from patroon.signals.services import refer

    if region not in regions():
        raise HotlineError("unknown region")
    with transaction.atomic():
        conversation = _locked(actor, conversation_id, "forward")
        if conversation.consent != "given":
            raise ConsentMissing("record the reporter's consent first")
        if conversation.signal_id is None:
            raise SignalMissing("record the conversation as a signal first: that is what is sent")
        conversation.forwarded_region = region
        conversation.save(update_fields=["state", "forwarded_region"])
        record(
            actor,
            "export",
            "hotline_conversation",
            str(conversation.pk),
            f"forwarded to Veilig Thuis {region} with consent",
        )
        recipients = list(
            Organisation.objects.filter(kind="veilig_thuis", region=region, active=True)
        )
        urgent = conversation.danger or conversation.urgency == Conversation.Urgency.NOW
        referrals = refer(
            actor, conversation.signal_id, recipients, conversation.reference_code, urgent=urgent
        )
        for referral in referrals:
            notify.referral_received(referral)
    return referrals


def close(actor: Actor, conversation_id, outcome: str) -> Conversation:
    if outcome not in workflow.OUTCOMES:
        raise HotlineError("unknown outcome")
    with transaction.atomic():
        conversation = _locked(actor, conversation_id, "close")
        conversation.outcome = outcome
        conversation.closed_at = timezone.now()
        conversation.closed_by = actor.username
        conversation.save(update_fields=["state", "outcome", "closed_at", "closed_by"])
        record(actor, "update", "hotline_conversation", str(conversation.pk), f"closed {outcome}")
    return conversation


def touch_presence(actor: Actor, now=None) -> None:
    """The operator has the console open: chat is offered to the public while anyone does."""
    now = now or timezone.now()
    OperatorPresence.objects.update_or_create(username=actor.username, defaults={"last_seen": now})


def operators_online(now=None) -> bool:
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.PATROON_HOTLINE_PRESENCE_SECONDS)
    return OperatorPresence.objects.filter(last_seen__gte=since).exists()
