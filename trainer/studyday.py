"""The study day: a day that starts at ``day_start_hour`` local time, not at midnight.

A review at 02:00 belongs to the day before, as in Anki's "next day starts at" and
Mnemosyne's "day starts at".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.settings import Settings


def study_day(now: datetime, settings: Settings) -> date:
    """The study day that the aware instant ``now`` falls in."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(settings.tzinfo())
    day = local.date()
    if local.hour < settings.day_start_hour:
        day -= timedelta(days=1)
    return day


def day_start(day: date, settings: Settings) -> datetime:
    """The aware instant the study day ``day`` begins (with no zone configured, in the
    system's own: a naive time there ended the app at a search for `added:`)."""
    local = datetime(day.year, day.month, day.day, settings.day_start_hour,
                     tzinfo=settings.tzinfo())
    return local if local.tzinfo is not None else local.astimezone()
