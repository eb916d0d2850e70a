#!/usr/bin/env python3
"""Anki's side of `scripts/bench.py --anki`: the same work, done by Anki's own engine.

Runs under the separate virtual environment that bench.py creates (the `anki` package, never
trainer's), one phase per process, and prints one JSON object as bench.py's phases do:

    build     import the benchmark TSV into a new collection (deck "bench"), then give every
              card the review history and SM-2 state that trainer's benchmark collection holds
              (read from its database), as Anki's revlog and card columns
    deck_stats / tag_stats / all_stats
              the statistics screen's figures (the `graphs` call Anki's screen makes) for the
              deck, one tag, and the whole collection, over one year
    import    a new collection and the benchmark TSV imported into it (whole process)
    cycle     the reviewer's loop: next card, the four buttons' interval labels, the answer
              committed; median and p99 over 200, and resident memory over 2,000
    search    the browser's searches (the same queries as trainer's, in Anki's syntax)
    open      opening the collection
"""

from __future__ import annotations

import json
import resource
import sqlite3
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

DECK = "bench"


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def ease(quality: int) -> int:
    """trainer's 0-5 grades as Anki's buttons: Again (0-2), Hard (3), Good (4), Easy (5)."""
    return 1 if quality < 3 else quality - 1


def build(col_path: str, corpus: str, trainer_db: str) -> dict:
    from anki.collection import Collection
    from anki.import_export_pb2 import CsvMetadataRequest

    out: dict = {}
    col = Collection(col_path)
    # the collection was "created" before the history began, so that day numbers are positive
    col.db.execute("update col set crt = ?", int(time.time()) - 800 * 86400)
    col.close()
    col = Collection(col_path)
    deck_id = col.decks.id(DECK)
    col.decks.select(deck_id)
    t = time.perf_counter()
    metadata = col._backend.get_csv_metadata(CsvMetadataRequest(path=corpus))
    metadata.deck_id = deck_id
    col._backend.import_csv(path=corpus, metadata=metadata)
    out["import_s"] = time.perf_counter() - t
    # the study cycle answers thousands of cards in one go, as trainer's does: no day limits
    config = col.decks.config_dict_for_deck_id(deck_id)
    config["new"]["perDay"] = config["rev"]["perDay"] = 9999  # its maximum
    col.decks.update_config(config)
    today = col.sched.today
    col.close()

    # The history goes in through SQLite itself: Anki's Python DB proxy takes minutes for a
    # million rows. Cards are matched by the "Q<i> " prefix that keeps every front unique.
    anki_card = {}
    db = sqlite3.connect(col_path)
    for cid, sfld in db.execute("select c.id, n.sfld from cards c join notes n on n.id = c.nid"):
        anki_card[int(str(sfld).split(" ", 1)[0][1:])] = cid
    src = sqlite3.connect(f"file:{trainer_db}?mode=ro", uri=True)
    trainer_card = {cid: int(prompt.split(" ", 1)[0][1:]) for cid, prompt in
                    src.execute("select id, prompt from card")}
    real_today = datetime.now(UTC).date()
    rows = []
    used_ids: set[int] = set()
    # trainer's log keeps times as epoch milliseconds, kinds and maturities as codes, and
    # only the state after each row: the interval before is the previous row's after
    # (the codes of trainer.store.columns, written out: Anki's venv has no SQLAlchemy)
    scheduled, repeat, quiz, new = 0, 1, 2, 0
    for (kind, card_id, reviewed_at, quality, answer_ms, before_interval, after_interval,
         after_easiness, maturity) in src.execute(
            "select kind, card_id, reviewed_at, quality, answer_ms,"
            " lag(after_interval, 1, 0) over (partition by card_id order by id),"
            " after_interval, after_easiness_x100, maturity from review"
            " where kind not in (?, ?) order by card_id, id",
            (repeat, quiz)):
        if kind != scheduled:
            continue
        rid = reviewed_at
        while rid in used_ids:  # revlog ids are unique milliseconds
            rid += 1
        used_ids.add(rid)
        kind = 0 if maturity == new else (2 if quality < 3 else 1)
        rows.append((rid, anki_card[trainer_card[card_id]], -1, ease(quality), after_interval,
                     before_interval, after_easiness * 10, answer_ms, kind))
    db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time,"
                       " type) values (?,?,?,?,?,?,?,?,?)", rows)
    states = []
    for card_id, _repetitions, easiness, interval, due, lapses, reviews in src.execute(
            "select card_id, repetitions, easiness_x100, interval, due, lapses, reviews"
            " from card_state"):
        if due is None or reviews == 0:
            continue
        day = today + (date.fromisoformat(due) - real_today).days
        states.append((max(interval, 1), day, easiness * 10, reviews, lapses,
                       anki_card[trainer_card[card_id]]))
    db.executemany("update cards set type = 2, queue = 2, ivl = ?, due = ?, factor = ?,"
                       " reps = ?, lapses = ? where id = ?", states)
    db.commit()
    db.close()
    out["reviews"] = len(rows)
    out["cards"] = len(anki_card)
    out["peak_mb"] = peak_mb()
    return out


def import_only(col_path: str, corpus: str) -> dict:
    """A new collection and the TSV imported into deck "bench", as `trainer import` does."""
    from anki.collection import Collection
    from anki.import_export_pb2 import CsvMetadataRequest

    col = Collection(col_path)
    metadata = col._backend.get_csv_metadata(CsvMetadataRequest(path=corpus))
    metadata.deck_id = col.decks.id(DECK)
    col._backend.import_csv(path=corpus, metadata=metadata)
    cards = col.card_count()
    col.close()
    return {"cards": cards, "peak_mb": peak_mb()}


def export_package(col_path: str, out: str) -> dict:
    """The collection as an Anki package with its scheduling and review history, written by
    Anki's own exporter: the package a student brings from Anki."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    col = Collection(col_path)
    notes = col.export_anki_package(out_path=out, options=ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=False, with_media=False, legacy=False),
        limit=None)
    col.close()
    return {"notes": notes, "peak_mb": peak_mb()}


def import_package(col_path: str, package: str) -> dict:
    """A new collection and the package imported with its scheduling, as Anki's File ›
    Import does."""
    from anki.collection import (
        Collection,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    col = Collection(col_path)
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=package, options=ImportAnkiPackageOptions(with_scheduling=True)))
    cards = col.card_count()
    col.close()
    return {"cards": cards, "peak_mb": peak_mb()}


def phase(name: str, col_path: str, extra: str) -> dict:
    if name == "export_apkg":
        return export_package(col_path, extra)
    if name == "import_apkg":
        return import_package(col_path, extra)
    if name == "build":
        corpus, trainer_db = extra.split("|")
        return build(col_path, corpus, trainer_db)
    if name == "import":
        return import_only(col_path, extra)
    from anki.collection import Collection

    out: dict = {}
    t = time.perf_counter()
    col = Collection(col_path)
    out["open_s"] = time.perf_counter() - t
    if name in ("deck_stats", "tag_stats", "all_stats"):
        search = {"deck_stats": f"deck:{DECK}", "tag_stats": f"tag:{extra}",
                  "all_stats": "deck:*"}[name]
        out["s"] = statistics.median(timed(
            lambda: col._backend.graphs(search=search, days=365), 5))
    elif name == "cycle":
        from anki.cards import Card

        grades = [5, 5, 4, 4, 4, 3, 3, 1]

        def one(i: int) -> bool:
            found = col.sched.get_queued_cards(fetch_limit=1).cards
            if not found:  # a tiny collection runs out of cards
                return False
            queued = found[0]
            card = Card(col, backend_card=queued.card)
            card.start_timer()
            col.sched.describe_next_states(queued.states)
            answer = col.sched.build_answer(card=card, states=queued.states,
                                            rating=ease(grades[i % len(grades)]) - 1)
            col.sched.answer_card(answer)
            return True

        times = []
        for i in range(200):
            t = time.perf_counter()
            if not one(i):
                break
            times.append(time.perf_counter() - t)
        times.sort()
        out["median_s"] = statistics.median(times)
        out["p99_s"] = times[int(len(times) * 0.99) - 1]
        before = rss_mb()
        for i in range(2000):
            if not one(i):
                break
        out["rss_growth_mb"] = rss_mb() - before
    elif name == "search":
        queries = json.loads(extra)
        medians = {}
        for text in queries:
            medians[text] = statistics.median(timed(
                lambda text=text: col.find_cards(text, order=True), 5))
        out["s"] = max(medians.values())
        out["each"] = {k: round(v * 1000, 1) for k, v in medians.items()}
    col.close()
    out["peak_mb"] = peak_mb()
    return out


if __name__ == "__main__":
    name, col_path, extra = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
    print(json.dumps(phase(name, col_path, extra)))
