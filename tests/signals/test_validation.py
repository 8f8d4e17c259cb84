"""The shared validation core: every problem reported, with a field path and a code."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from patroon.identity.normalise import bsn_is_valid, fold, postcode, surname_key
from patroon.signals.validation import validate
from patroon.vocabulary.loader import vocabulary
from tests import factories

NOW = datetime.now(UTC)


def _codes(data) -> dict:
    _, errors = validate(data, vocabulary(), NOW)
    return {e.field: e.code for e in errors}


def test_a_good_signal_validates():
    item, errors = validate(factories.payload("OK-1"), vocabulary(), NOW)
    assert errors == [] and item.persons[0].postcode == "3511AB"
    assert item.behaviours == ("threat_to_kill", "stalking")


def test_every_problem_is_reported_at_once():
    data = factories.payload("x y")
    data["occurred"] = {"start": "2099-01-01", "end": "2000-01-01", "approximate": "maybe"}
    data["persons"] = [{"role": "alleged_perpetrator", "sex": "Q", "email": "nope"}]
    data["colour"] = "blue"
    assert _codes(data) == {
        "source_reference": "invalid_reference",
        "occurred.start": "in_future",
        "occurred.approximate": "not_boolean",
        "persons[0].sex": "unknown_code",
        "persons[0].email": "invalid_email",
        "colour": "unknown_field",
    }


def test_today_in_amsterdam_is_not_the_future_just_after_midnight():
    late = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # 00:30 on 29 November in Amsterdam
    amsterdam = late.astimezone(ZoneInfo("Europe/Amsterdam"))
    data = factories.payload("TZ-1", reported_at=amsterdam.isoformat())
    data["occurred"] = {"start": "2026-11-29"}
    _, errors = validate(data, vocabulary(), late)
    assert errors == []
    data["occurred"] = {"start": "2026-11-30"}
    assert {e.field: e.code for e in validate(data, vocabulary(), late)[1]} == {
        "occurred.start": "in_future"
    }


def test_a_signal_needs_a_victim_and_a_behaviour():
    data = factories.payload("NV-1", behaviours=[])
    data["persons"] = [{"role": "alleged_perpetrator", "surname": "Jansen"}]
    assert _codes(data) == {"behaviours": "at_least_one", "persons": "no_victim"}


def test_occurred_period_must_be_ordered_and_before_reporting():
    data = factories.payload("P-1")
    data["occurred"] = {"start": "2024-05-10", "end": "2024-05-01"}
    data["reported_at"] = "2024-05-05T10:00:00+02:00"
    assert _codes(data) == {"occurred.end": "end_before_start", "occurred.start": "after_reported"}


def test_reported_at_needs_a_time_zone():
    assert _codes(factories.payload("T-1", reported_at="2024-05-05T10:00:00")) == {
        "reported_at": "invalid_datetime"
    }


def test_duplicate_behaviours_are_refused():
    data = factories.payload("D-1", behaviours=["stalking", "stalking"])
    assert _codes(data) == {"behaviours[1]": "duplicate"}


def test_not_an_object():
    assert _codes(["a list"]) == {"": "not_object"}


def _with_check_digit(first8: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(first8, range(9, 1, -1), strict=True))
    check = total % 11
    return None if check == 10 else first8 + str(check)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_bsn_eleven_test(first8):
    bsn = _with_check_digit(first8)
    if bsn is None or bsn == "000000000":
        return
    assert bsn_is_valid(bsn)
    wrong = bsn[:8] + str((int(bsn[8]) + 1) % 10)
    assert not bsn_is_valid(wrong)


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_plain(text):
    once = fold(text)
    assert fold(once) == once
    assert once == once.strip() and "  " not in once


def test_dutch_name_forms_compare_equal():
    assert surname_key("van der", "Berg") == surname_key("", "Van Der Berg") == "vanderberg"
    assert fold("IJzerman") == fold("Yzerman")
    assert fold("Müller-Özdemir") == "muller ozdemir"
    assert postcode("3511ab") == "3511AB" and postcode("0123 AB") is None


def test_the_reporting_day_is_the_senders_local_day():
    data = factories.payload("TZ-1", reported_at="2024-03-02T00:30:00+01:00")
    data["occurred"] = {"start": "2024-03-02"}
    item, errors = validate(data, vocabulary(), NOW)
    assert errors == []
    assert item.reported_at.isoformat() == "2024-03-01T23:30:00+00:00"
