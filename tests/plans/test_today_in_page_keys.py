"""The date in a cached page's key (plans.cache._today) is always timezone.localdate(),
though it is worked out again only when the day ends: across midnights, clock changes,
clocks moved back and forth, and another time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from plans.cache import _Today
from tests.clock import on

LONDON = ZoneInfo("Europe/London")


def moments():
    """Either side of midnight in London, in winter and summer time, and across both clock
    changes of 2026 (29 March, 25 October), in the order a clock moving back and forth
    would give them."""
    for day, hour in [
        (dt.date(2026, 1, 14), 0),
        (dt.date(2026, 3, 29), 0),
        (dt.date(2026, 3, 29), 1),
        (dt.date(2026, 7, 1), 0),
        (dt.date(2026, 10, 25), 0),
        (dt.date(2026, 10, 25), 1),
        (dt.date(2026, 10, 25), 2),
    ]:
        boundary = dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)
        for seconds in (-3600, -1, -0.001, 0, 0.001, 1, 3600):
            yield boundary + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("tick", [False, True])
def test_the_date_is_the_sites_local_date_at_every_moment(settings, tick):
    settings.TIME_ZONE = "Europe/London"
    today = _Today()
    seen = list(moments())
    for moment in seen + seen[::-1]:
        with on(moment, tick=tick):
            assert today() == timezone.localdate().isoformat(), moment


def test_a_new_time_zone_setting_gives_its_own_date(settings):
    today = _Today()
    moment = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)  # already 5 December in Auckland
    settings.TIME_ZONE = "Europe/London"
    with on(moment, tick=False):
        assert today() == "2026-12-04"
        settings.TIME_ZONE = "Pacific/Auckland"
        assert today() == "2026-12-05" == timezone.localdate().isoformat()
