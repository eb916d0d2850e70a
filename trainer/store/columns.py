"""How the review log keeps its values: small integers, read back as the dates, times and
names the rest of trainer uses.

The log is the one table that grows with every answer (a million rows for a year of 100,000
cards). As ISO text a day took 10 bytes, a time 26 and a kind up to 10, in the row and again
in each index that holds them; as integers they take 2, 6 and 1. Through SQLAlchemy (ORM and
Core, literals included) the conversion is automatic, and DriverStatement applies these types
too (trainer.store.driver); the bulk inserts of plain tuples convert with the functions here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Dialect, Integer, SmallInteger
from sqlalchemy.types import TypeDecorator

from trainer.rules import MATURITIES, REVIEW_KINDS

EPOCH_DAY = date(1970, 1, 1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ORDINAL = EPOCH_DAY.toordinal()

# The codes are written into every log row: append new names, never reorder.
KIND_CODES: dict[str, int] = {
    "scheduled": 0, "repeat": 1, "quiz": 2, "import": 3, "reset": 4, "reschedule": 5,
    "switch": 6, "suspend": 7, "unsuspend": 8, "bury": 9, "unbury": 10, "leech": 11,
}
MATURITY_CODES: dict[str, int] = {"new": 0, "learning": 1, "young": 2, "mature": 3}
assert set(KIND_CODES) == set(REVIEW_KINDS) and set(MATURITY_CODES) == set(MATURITIES)


def day_number(day: date) -> int:
    """Days since 1970-01-01."""
    return day.toordinal() - _ORDINAL


def from_day_number(number: int) -> date:
    return date.fromordinal(number + _ORDINAL)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch; a naive time is UTC, as the store has always kept them."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def from_epoch_ms(ms: int) -> datetime:
    """Aware UTC, as the store's other times are read."""
    return EPOCH + timedelta(milliseconds=ms)


def whole_ms(moment: datetime) -> datetime:
    """``moment`` to the millisecond the log keeps: a card's last review time and its log
    row's must be equal for replay to find nothing changed."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Coded(TypeDecorator[Any]):
    """The log's own column types (the driver's fast paths convert these, and only these):
    ``encode`` a value for the database, ``decode`` it back; None stays None."""

    impl = Integer
    cache_ok = True
    encode: Callable[[Any], int]  # each type's own, a staticmethod
    decode: Callable[[int], Any]

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else self.encode(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.decode(value)


class DayNumber(Coded):
    """A study day as its day number."""

    cache_ok = True
    encode = staticmethod(day_number)
    decode = staticmethod(from_day_number)


class EpochMillis(Coded):
    """A UTC time as milliseconds since the epoch (the log's times: a millisecond is finer
    than any answer)."""

    impl = BigInteger
    cache_ok = True
    encode = staticmethod(epoch_ms)
    decode = staticmethod(from_epoch_ms)


class KindCode(Coded):
    """A log row's kind ("scheduled", "quiz", …) as its code."""

    impl = SmallInteger
    cache_ok = True
    encode = staticmethod(KIND_CODES.__getitem__)
    decode = staticmethod({v: k for k, v in KIND_CODES.items()}.__getitem__)


class MaturityCode(Coded):
    """A review's maturity at the time (rules.maturity of the state before it) as its code."""

    impl = SmallInteger
    cache_ok = True
    encode = staticmethod(MATURITY_CODES.__getitem__)
    decode = staticmethod({v: k for k, v in MATURITY_CODES.items()}.__getitem__)


def stored(value: object) -> object:
    """``value`` as a review column keeps it, for the driver's fast paths: a date as its day
    number, a time as epoch milliseconds (kinds and maturities are coded by the caller, who
    knows which column is which)."""
    if isinstance(value, datetime):
        return epoch_ms(value)
    if isinstance(value, date):
        return day_number(value)
    return value
