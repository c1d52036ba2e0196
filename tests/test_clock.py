from datetime import datetime, timedelta

import pytest
import pytz

from eventreg.clock import FixedClock, SystemClock


def test_fixed_clock_moves_only_when_told():
    clock = FixedClock(datetime(2025, 1, 15, 17, tzinfo=pytz.utc))
    assert clock.now() == clock.now() == datetime(2025, 1, 15, 17, tzinfo=pytz.utc)
    clock.advance(minutes=90)
    assert clock.now() == datetime(2025, 1, 15, 18, 30, tzinfo=pytz.utc)
    clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2025, 1, 16, 18, 30, tzinfo=pytz.utc)


def test_fixed_clock_refuses_naive_times():
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2025, 1, 15, 17))  # noqa: DTZ001


def test_fixed_clock_normalises_to_utc():
    clock = FixedClock(pytz.timezone("Asia/Kolkata").localize(datetime(2025, 1, 15, 17, 30)))  # noqa: DTZ001
    assert clock.now() == datetime(2025, 1, 15, 12, tzinfo=pytz.utc)
    assert clock.now().tzinfo is pytz.utc


def test_system_clock_is_aware_utc():
    assert SystemClock().now().utcoffset() == timedelta(0)
