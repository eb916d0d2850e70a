from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from trainer.settings import Settings
from trainer.studyday import study_day

LONDON = Settings(timezone="Europe/London")
TOKYO = Settings(timezone="Asia/Tokyo", day_start_hour=0)


def at(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2026, 1, 10, 23, 59), date(2026, 1, 10)),
        ((2026, 1, 11, 0, 0), date(2026, 1, 10)),  # midnight is still yesterday
        ((2026, 1, 11, 3, 59), date(2026, 1, 10)),
        ((2026, 1, 11, 4, 0), date(2026, 1, 11)),  # the day starts at 04:00
    ],
)
def test_day_boundary_at_four(local, expected):
    assert study_day(at("Europe/London", *local), LONDON) == expected


def test_day_start_hour_zero_is_midnight():
    assert study_day(at("Asia/Tokyo", 2026, 1, 11, 0, 0), TOKYO) == date(2026, 1, 11)
    assert study_day(at("Asia/Tokyo", 2026, 1, 10, 23, 59), TOKYO) == date(2026, 1, 10)


def test_utc_instant_is_read_in_the_configured_zone():
    # 20:00 UTC is 05:00 next day in Tokyo (day start 4): that next day.
    now = datetime(2026, 1, 10, 20, 0, tzinfo=UTC)
    assert study_day(now, Settings(timezone="Asia/Tokyo")) == date(2026, 1, 11)
    assert study_day(now, LONDON) == date(2026, 1, 10)


def test_spring_forward_in_london():
    # 29 March 2026: clocks go 01:00 GMT -> 02:00 BST. 02:59 UTC is 03:59 BST: still the 28th.
    assert study_day(datetime(2026, 3, 29, 2, 59, tzinfo=UTC), LONDON) == date(2026, 3, 28)
    # 03:00 UTC is 04:00 BST: the 29th begins, an hour earlier in UTC than the day before.
    assert study_day(datetime(2026, 3, 29, 3, 0, tzinfo=UTC), LONDON) == date(2026, 3, 29)
    assert study_day(datetime(2026, 3, 28, 3, 59, tzinfo=UTC), LONDON) == date(2026, 3, 27)


def test_fall_back_in_london():
    # 25 October 2026: clocks go 02:00 BST -> 01:00 GMT; 01:30 happens twice, both before 04:00.
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    second = first + timedelta(hours=1)  # 01:30 GMT
    assert study_day(first, LONDON) == study_day(second, LONDON) == date(2026, 10, 24)
    assert study_day(datetime(2026, 10, 25, 3, 59, tzinfo=UTC), LONDON) == date(2026, 10, 24)
    assert study_day(datetime(2026, 10, 25, 4, 0, tzinfo=UTC), LONDON) == date(2026, 10, 25)


def test_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        study_day(datetime(2026, 1, 1, 12), LONDON)
