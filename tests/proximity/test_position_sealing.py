"""A sealed position opens to exactly the numbers that went in: the evidence log must not
round a coordinate, whatever encoder writes the plaintext."""

from hypothesis import given
from hypothesis import strategies as st

from patroon.proximity import store


def finite(low, high):
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


@given(
    finite(-90, 90),
    finite(-180, 180),
    finite(0, 100_000),
    st.none() | finite(0, 1_000),
)
def test_a_sealed_position_opens_to_the_same_floats(lat, lon, accuracy, speed):
    envelope = store.seal_position(lat, lon, accuracy, speed)
    assert store.open_position(envelope) == (lat, lon, accuracy, speed)


def test_positions_sealed_before_the_encoder_changed_still_open():
    from patroon.security.keys import cipher

    legacy = cipher().encrypt("[51.92, 4.47, 12.0, null]", store.POSITION_PURPOSE)
    assert store.open_position(legacy) == (51.92, 4.47, 12.0, None)
