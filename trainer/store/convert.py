"""Rows and table models to records, and the value conversions every store module shares."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import RowMapping

from trainer.rules import STATELESS_KINDS, ReviewKind
from trainer.store import schema
from trainer.store.records import LOGGED_FIELDS, NEW_LOGGED, Card, Deck, ReviewRow


def utc(moment: datetime) -> datetime:
    """An aware instant in UTC; naive times are refused, so a local time is never stored."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite gives back the naive UTC it was written as)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def as_date(value: object) -> date:
    """A stored study day: a date, or (from the driver's own cursor on SQLite) ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def json_list(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text or "[]"))


def to_json_list(values: list[str] | tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False) if values else "[]"


def deck(row: schema.Deck | RowMapping) -> Deck:
    get = row.__getitem__ if isinstance(row, RowMapping) else row.__getattribute__
    return Deck(
        id=get("id"), key=get("key"), name=get("name"), description=get("description"),
        source=get("source"), tags=words(get("tags")), created_at=aware(get("created_at")),
        updated_at=aware(get("updated_at")), new_per_day=get("new_per_day"),
        reviews_per_day=get("reviews_per_day"),
    )


def card(row: schema.Card | RowMapping | dict[str, Any]) -> Card:
    get = row.__getitem__ if isinstance(row, RowMapping | dict) else row.__getattribute__
    return Card(
        id=get("id"), deck_id=get("deck_id"), key=get("key"), entry=get("entry"),
        kind=get("kind"), prompt=get("prompt"), answer=get("answer"),
        accept=json_list(get("accept")), distractors=json_list(get("distractors")),
        cloze_text=get("cloze_text"), cloze_number=get("cloze_number"),
        explanation=get("explanation"), source_quote=get("source_quote"),
        source_para=get("source_para"), tags=words(get("tags")),
        content_hash=get("content_hash"), position=get("position"),
        shuffle_seed=get("shuffle_seed"), created_at=aware(get("created_at")),
        flag=get("flag"),
    )


class Befores:
    """The state before each log row, walking the log oldest first: the after-state of its
    card's previous row that changed state (a repeat or quiz answer changes none, so its
    before is its own after), or a new card's. The log keeps only after-states."""

    NEW: tuple[Any, ...] = tuple(NEW_LOGGED.values())

    def __init__(self) -> None:
        self.states: dict[int, tuple[Any, ...]] = {}

    def before(self, card_id: int, kind: ReviewKind, after: tuple[Any, ...]) -> tuple[Any, ...]:
        """``after``: the row's after-state, fields in LOGGED_FIELDS order."""
        if kind in STATELESS_KINDS:
            return after
        before = self.states.get(card_id, self.NEW)
        self.states[card_id] = after
        return before


def reviews(rows: Iterable[schema.Review], names: Mapping[int, str]) -> list[ReviewRow]:
    """Log rows, oldest first, as records with the state before each (Befores) and their
    session's name (``names``: study_sessions.session_names)."""
    befores = Befores()
    out = []
    for row in rows:
        after = tuple(getattr(row, f"after_{f}") for f in LOGGED_FIELDS)
        before = befores.before(row.card_id, row.kind, after)
        out.append(review(row, dict(zip(LOGGED_FIELDS, before, strict=True)),
                          names[row.session_id]))
    return out


def review(row: schema.Review, before: Mapping[str, object], session: str) -> ReviewRow:
    assert row.id is not None
    return ReviewRow(
        id=row.id, card_id=row.card_id, reviewed_at=utc(aware(row.reviewed_at)),  # type: ignore[arg-type]
        study_day=row.study_day, hour=row.hour, quality=row.quality, kind=row.kind,
        after_repetitions=row.after_repetitions,
        after_easiness_x100=row.after_easiness_x100, after_interval=row.after_interval,
        after_due=row.after_due, after_reviews=row.after_reviews, after_lapses=row.after_lapses,
        after_suspended=row.after_suspended, after_buried_until=row.after_buried_until,
        session_id=session, answer_ms=row.answer_ms,
        lapse_updates_easiness=row.lapse_updates_easiness,
        after_stability=row.after_stability, after_difficulty=row.after_difficulty,
        params_id=row.params_id, action_id=row.action_id,
        **{f"before_{f}": v for f, v in before.items()},  # type: ignore[arg-type]
    )


FIELD_SEP, TAGS_SEP = "\x1f", "\x1e"


def searchable(key: str, prompt: str, answer: str, accept: tuple[str, ...] | list[str],
               distractors: tuple[str, ...] | list[str], cloze_text: str, explanation: str,
               source_quote: str, tags: str) -> str:
    """A card's text as free-text search reads it: every field, lower case, separated so that
    no phrase spans two; the card's own tags last, after their own separator (tagging
    rewrites them alone)."""
    content = FIELD_SEP.join((key, prompt, answer, *accept, *distractors, cloze_text,
                              explanation, source_quote))
    return f"{content}{TAGS_SEP}{tags}".lower()


def retagged(search_text: str, tags: str) -> str:
    return search_text.rpartition(TAGS_SEP)[0] + TAGS_SEP + tags.lower()
