"""A small synthetic history with known answers, for the statistics tests and snapshots.

Europe/London, day starts at 04:00. Three cards A, B, C in deck "d" (deck tag "deck-tag"; A and
B also tagged "t1"). The clock crosses the spring DST change (29 March 2026).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers import DATA, LONDON, Clock, import_files
from trainer.store import Store, open_store


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def build(url: str | None = None) -> tuple[Store, dict[str, int], Clock]:
    clock = Clock(at(3, 26, 10))
    store = open_store(url, settings=LONDON, clock=clock)
    import_files(store, DATA / "history.toml")
    ids = {c.key: c.id for c in store.cards.of_deck(store.decks.find("d").id)}
    a, b, c = ids["a"], ids["b"], ids["c"]

    def review(when: datetime, card: int, q: int, ms: int, kind: str = "scheduled",
               session: str = "s") -> None:
        clock.now = when
        store.reviews.record(card, q, kind, answer_ms=ms, session_id=session)

    review(at(3, 26, 10), a, 5, 1000)                   # new
    review(at(3, 26, 10), b, 4, 2000)                   # new
    review(at(3, 26, 10), c, 2, 3000)                   # new, failed: not a lapse
    review(at(3, 26, 10), c, 4, 1500, "repeat")
    review(at(3, 28, 2), a, 5, 1000)                    # 02:00: still study day 27 March
    review(at(3, 28, 2), b, 3, 4000)
    review(at(3, 29, 9, 30), c, 5, 2000)                # 10:30 BST, after the change
    review(at(3, 29, 9, 40), a, 4, 500, "quiz", "quiz1")
    review(at(3, 29, 9, 41), b, 1, 700, "quiz", "quiz1")
    review(at(3, 30, 10), c, 1, 3000)                   # a lapse
    review(at(3, 30, 10), c, 3, 1000, "repeat")
    review(at(3, 30, 10), c, 5, 1000, "repeat")
    store.undo.last_review()                            # ... taken back
    review(at(4, 2, 8), a, 4, 1500)                     # young, passed
    review(at(4, 2, 8), b, 2, 2500)                     # young, lapsed
    clock.now = at(4, 2, 10)
    return store, {"a": a, "b": b, "c": c}, clock
