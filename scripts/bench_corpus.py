"""The benchmark's collection: a deterministic TSV corpus of N cards (hierarchical tags, non-ASCII
text, emoji, as real decks have), a year of reviews for it decided with SM-2, and what a student
types into the browser and the statistics screen about it."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

SEED = 20260
TODAY_OFFSET_DUE = (-30, 60)
GRADES = [5, 5, 4, 4, 4, 3, 3, 1]  # one failure in eight: about a third of cards due today
WORDS = [
    "treaty", "border", "alliance", "summit", "yuan", "pipeline", "emperor", "expedition",
    "frontier", "partner", "sanctions", "energy", "river", "capital", "century", "decade",
    "leader", "scholar", "market", "empire",
]
# real decks have emoji (one makes Python hold the whole text at 4 bytes a character) and
# hierarchical tags (a::b::c)
NON_ASCII = ("Пекин", "Москва", "北京", "中国", "Ulaanbaatar–Ürümqi", "Qiánlóng", "Владивосток",
             "Zhōu", "Ærø", "façade", "🐉", "🌏 map", "📜")
HISTORY_CHUNK = 100_000  # cards whose histories are written together
# what a student types into the browser, in the syntax trainer and Anki share
SEARCHES = [WORDS[3], f'"{WORDS[5]} {WORDS[7]}"', "is:due", f"tag:{WORDS[9]} prop:ivl>10",
            "rated:7:1", f"{WORDS[11]} -is:new", "deck:bench"]
STATS_TAG = WORDS[11]  # a tag on about a tenth of the cards


def make_text(rng: random.Random, low: int, high: int, non_ascii: bool) -> str:
    target = rng.randint(low, high)
    words: list[str] = []
    while len(" ".join(words)) < target:
        words.append(rng.choice(NON_ASCII) if non_ascii and rng.random() < 0.3 else
                     rng.choice(WORDS))
    text = " ".join(words)[:target].rstrip()
    return text if len(text) >= low else text + "x" * (low - len(text))


def write_corpus(path: Path, n: int) -> None:
    rng = random.Random(SEED + n)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("#separator:Tab\n#html:false\n#columns:Front\tBack\tTags\n#tags column:3\n")
        for i in range(n):
            non_ascii = i % 4 == 0
            prefix = f"Q{i} "  # keeps fronts unique
            front = prefix + make_text(rng, 40 - len(prefix), 120 - len(prefix), non_ascii)
            back = make_text(rng, 5, 60, non_ascii)
            tags = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
            if i % 2:
                tags += " topic::" + "::".join(rng.sample(WORDS, 2))
            fh.write(f"{front}\t{back}\t{tags}\n")


# -- 3. a reviewed collection -----------------------------------------------------------------

def build_history(store, today: date) -> int:
    """About 10 scheduled reviews a card over the last year, decided with sm2.review and
    written through the store's own bulk path (trainer.store.replay.append_decided)."""
    from trainer import rules
    from trainer.scheduler import sm2
    from trainer.store.records import ReviewRow
    from trainer.store.replay import append_decided

    rng = random.Random(SEED)
    card_ids = store.cards.in_play(None)
    reviews: list[ReviewRow] = []
    first_day = today - timedelta(days=364)
    yesterday = today - timedelta(days=1)
    # A student studies in a session or two a day, not at every hour: each day has its hours.
    session_hours = {first_day + timedelta(days=d): rng.sample(range(7, 23), 2)
                     for d in range(365)}
    written = 0
    for n, cid in enumerate(card_ids):
        if n and n % HISTORY_CHUNK == 0:  # a million cards' ten million rows, in parts
            append_decided(store, reviews)
            written += len(reviews)
            reviews = []
        count = rng.randint(8, 12)
        grades = [rng.choice(GRADES) for _ in range(count)]
        outcomes = []
        state = sm2.SM2State()
        for q in grades:
            state = sm2.review(state, q)
            outcomes.append(state)
        final = outcomes[-1]
        target = today + timedelta(days=rng.randint(*TODAY_OFFSET_DUE))
        # the last review was before today, so today's queue is what the schedule says
        last_day = min(yesterday, max(first_day + timedelta(days=count),
                                      target - timedelta(days=final.interval)))
        span = (last_day - first_day).days
        days = sorted(first_day + timedelta(days=d) for d in rng.sample(range(span), count - 1))
        days.append(last_day)
        before = sm2.SM2State()
        b_due, b_reviews, b_lapses = None, 0, 0
        for day, q, after in zip(days, grades, outcomes, strict=True):
            a_due = day + timedelta(days=after.interval)
            lapse = rules.lapse(q, before.repetitions)
            hour = rng.choice(session_hours[day])
            at = datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=UTC)
            reviews.append(ReviewRow(
                card_id=cid, session_id="bench", reviewed_at=at, study_day=day, hour=hour,
                quality=q, kind="scheduled", answer_ms=rng.randint(1500, 15000),
                before_repetitions=before.repetitions,
                before_easiness_x100=before.easiness_x100, before_interval=before.interval,
                before_due=b_due, before_reviews=b_reviews, before_lapses=b_lapses,
                after_repetitions=after.repetitions, after_easiness_x100=after.easiness_x100,
                after_interval=after.interval, after_due=a_due, after_reviews=b_reviews + 1,
                after_lapses=b_lapses + lapse,
            ))
            before, b_due, b_reviews, b_lapses = after, a_due, b_reviews + 1, b_lapses + lapse
    append_decided(store, reviews)
    return written + len(reviews)
