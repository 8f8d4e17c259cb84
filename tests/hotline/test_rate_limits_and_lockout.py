"""Abuse resistance: rate limits per client and globally, size limits, honeypot, proof of
work, brute force on reference codes locked out, client hashes kept only for a short time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patroon.hotline import codes, services
from patroon.hotline.models import Conversation, Throttle
from tests.hotline.conftest import report

pytestmark = pytest.mark.django_db

REPORT = {"text": "Zorgen om mijn collega.", "reporter_kind": "professional", "urgency": "soon"}


def test_one_client_may_file_only_so_many_reports_an_hour(client, settings):
    settings.PATROON_HOTLINE_REPORTS_PER_CLIENT_HOUR = 3
    codes_seen = [
        client.post("/api/v1/hotline/reports/", REPORT, content_type="application/json")
        for _ in range(3)
    ]
    assert [r.status_code for r in codes_seen] == [201, 201, 201]
    refused = client.post("/api/v1/hotline/reports/", REPORT, content_type="application/json")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    other = client.post(
        "/api/v1/hotline/reports/",
        REPORT,
        content_type="application/json",
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 201


def test_a_global_limit_holds_across_clients(settings):
    settings.PATROON_HOTLINE_REPORTS_GLOBAL_MINUTE = 2
    report(client_address="192.0.2.1")
    report(client_address="192.0.2.2")
    with pytest.raises(services.RateLimited):
        report(client_address="192.0.2.3")


def test_messages_per_client_are_limited(settings, submitted):
    settings.PATROON_HOTLINE_MESSAGES_PER_CLIENT_MINUTE = 2
    services.reporter_message(submitted.conversation.pk, "een", "a", "192.0.2.10")
    services.reporter_message(submitted.conversation.pk, "twee", "b", "192.0.2.10")
    with pytest.raises(services.RateLimited):
        services.reporter_message(submitted.conversation.pk, "drie", "c", "192.0.2.10")


def test_too_long_text_empty_text_and_a_filled_honeypot_are_rejected(settings):
    settings.PATROON_HOTLINE_MAX_CHARS = 50
    with pytest.raises(services.Rejected):
        report("x" * 51)
    with pytest.raises(services.Rejected):
        report("   ")
    with pytest.raises(services.Rejected):
        report(honeypot="http://spam.example")
    assert not Conversation.objects.exists()


def test_proof_of_work_when_switched_on(settings):
    settings.PATROON_HOTLINE_POW_BITS = 8
    with pytest.raises(services.Rejected):
        report()
    challenge = services.pow_challenge()
    answer = codes.solve_pow(challenge, 8)
    assert report(pow_challenge_value=challenge, pow_answer=answer).conversation
    with pytest.raises(services.Rejected, match="used before"):
        report(pow_challenge_value=challenge, pow_answer=answer)


def test_guessing_is_locked_out_per_client_even_with_the_right_passphrase(settings, submitted):
    settings.PATROON_HOTLINE_OPEN_FAILURES = 3
    code = submitted.conversation.reference_code
    for guess in range(3):
        with pytest.raises(services.BadCredentials):
            services.open_thread(f"HL-2222-3333-{guess}444", "raden", "203.0.113.9")
    with pytest.raises(services.Locked):
        services.open_thread(code, submitted.passphrase, "203.0.113.9")
    # Another client is not hindered.
    assert (
        services.open_thread(code, submitted.passphrase, "198.51.100.1") == submitted.conversation
    )


def test_guessing_one_code_from_many_clients_locks_that_code(settings, submitted):
    settings.PATROON_HOTLINE_OPEN_FAILURES = 3
    code = submitted.conversation.reference_code
    for n in range(3):
        with pytest.raises(services.BadCredentials):
            services.open_thread(code, f"fout fout {n}", f"203.0.113.{n}")
    with pytest.raises(services.Locked):
        services.open_thread(code, submitted.passphrase, "198.51.100.50")
    later = timezone.now() + timedelta(minutes=settings.PATROON_HOTLINE_LOCKOUT_MINUTES + 1)
    opened = services.open_thread(code, submitted.passphrase, "198.51.100.50", now=later)
    assert opened == submitted.conversation


def test_lockout_through_the_api_is_429_with_retry_after(client, settings, submitted):
    settings.PATROON_HOTLINE_OPEN_FAILURES = 2
    body = {"reference_code": submitted.conversation.reference_code, "passphrase": "fout fout"}
    statuses = [
        client.post("/api/v1/hotline/thread/", body, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert statuses == [403, 403, 429]


def test_client_addresses_are_kept_only_hashed_and_only_for_the_retention_time(settings):
    settings.PATROON_HOTLINE_IP_RETENTION_MINUTES = 10
    report(client_address="192.0.2.77")
    keys = list(Throttle.objects.values_list("key", flat=True))
    assert keys and all("192.0.2.77" not in k for k in keys)
    assert services.purge_expired(timezone.now()) == 0
    assert services.purge_expired(timezone.now() + timedelta(minutes=11)) == len(keys)
    assert not Throttle.objects.exists()


def test_a_counter_counts_each_hit_once_per_window():
    now = timezone.now()
    assert [services._hit("t", "k", 60, now) for _ in range(3)] == [1, 2, 3]
    assert services._hit("t", "other", 60, now) == 1
    assert services._hit("t", "k", 60, now + timedelta(minutes=2)) == 1
    row = Throttle.objects.get(scope="t", key="k", window=services._window(now, 60))
    assert row.count == 3 and row.created_at == now


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted(settings):
    """The counter is one upsert: hits at the same moment cannot read the same old count."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer anyway; the race needs PostgreSQL")
    now = timezone.now()

    def hits(_n):
        try:
            return [services._hit("race", "all", 60, now) for _ in range(25)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = sorted(c for batch in pool.map(hits, range(8)) for c in batch)
    assert counts == list(range(1, 201))
