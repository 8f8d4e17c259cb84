"""A zone's distance is exact near the zone and never more than the truth far away, where
the engine takes a cheap lower bound (only "far outside" matters there)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from patroon.proximity.geo import haversine_m, polygon_distance_m
from patroon.proximity.zones import FAR_M, Zone

HOME = Zone("home", center=(52.09, 5.11), radius_m=300)
WORK = Zone("work", vertices=((52.10, 5.10), (52.10, 5.13), (52.12, 5.13), (52.12, 5.10)))

latitudes = st.floats(min_value=50.5, max_value=53.7)
longitudes = st.floats(min_value=3.2, max_value=7.3)


@settings(max_examples=300, deadline=None)
@given(latitudes, longitudes)
def test_distance_is_exact_near_and_a_lower_bound_far(lat, lon):
    exact = {
        HOME: max(0.0, haversine_m(lat, lon, *HOME.center) - HOME.radius_m),
        WORK: polygon_distance_m(lat, lon, WORK.vertices),
    }
    for zone, truth in exact.items():
        found = zone.distance_m(lat, lon)
        if found <= FAR_M:
            assert found == truth
        else:
            assert found <= truth


def test_inside_is_zero():
    assert HOME.distance_m(52.0905, 5.1105) == 0.0
    assert WORK.distance_m(52.11, 5.115) == 0.0
