"""One measured phase of the benchmark, run in a fresh process (`bench.py --phase NAME`) so that
its memory is the product's own: it prints one JSON object of figures."""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_corpus import GRADES, SEARCHES, SEED, build_history

ANKI_MAX_PER_DAY = 9999  # Anki's largest daily limit: both lift theirs to it for the cycle


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb(pid: int | str = "self") -> float:
    """The process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited on exec)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, runs: int, until=None) -> list[float]:
    """Seconds for each of ``runs`` calls of ``fn`` (fewer if ``until()`` turns true)."""
    times = []
    for _ in range(runs):
        if until is not None and until():  # a tiny collection runs out of cards first
            break
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def phase(name: str, url: str, extra: str = "") -> dict:
    """Run in a child process: one measured phase; prints a JSON object."""
    from trainer.settings import Settings

    settings = Settings(timezone="UTC")
    out: dict = {}
    t0 = time.perf_counter()
    from trainer.store import UNLIMITED, open_store
    from trainer.store.queue import due_queue
    from trainer.store.replay import rebuild_states

    out["import_s"] = time.perf_counter() - t0
    from trainer import heap

    heap.settle()  # as the CLI does once it has started
    if name == "import":
        # the CLI's own code path, in-process, its output discarded; its modules are loaded
        # first, as start-up is the launch figure's business
        import trainer.formats.delimited
        import trainer.importer  # noqa: F401
        from trainer.cli import main as trainer_main

        devnull = open(os.devnull, "w")  # noqa: SIM115 - closed below
        stdout, sys.stdout = sys.stdout, devnull
        try:
            t = time.perf_counter()
            code = trainer_main(["import", extra, "--deck", "bench", "--db", url])
            out["import_cards_s"] = time.perf_counter() - t
        finally:
            sys.stdout = stdout
            devnull.close()
        if code:
            raise SystemExit("bench: import failed")
    elif name == "build":
        now = datetime.now(UTC)
        today = now.date() if now.hour >= 4 else now.date() - timedelta(days=1)
        store = open_store(url, settings=settings)
        t = time.perf_counter()
        out["reviews"] = build_history(store, today)
        out["build_s"] = time.perf_counter() - t
        store.close()
    elif name == "open":
        t = time.perf_counter()
        store = open_store(url, settings=settings)
        store.decks.find("bench")
        out["open_s"] = time.perf_counter() - t
    else:
        store = open_store(url, settings=settings)
        heap.settle()  # as `trainer` does once the store is open
        if name == "queue":
            queue: list = []

            def build_queue() -> None:
                queue[:] = due_queue(store, None, limits=UNLIMITED)
                if queue:  # a tiny collection graded through has none left
                    store.cards.get(queue[0].card_id)

            out["queue_s"] = statistics.median(timed(build_queue, 7))
            out["due"] = sum(1 for q in queue if q.bucket == "review")
            out["queued"] = len(queue)
        elif name == "grade":
            from trainer.sessions import StudySession

            session = StudySession(store, None)
            rng = random.Random(SEED)
            times = sorted(timed(lambda: session.grade(rng.choice(GRADES), answer_ms=3000),
                                 200, until=lambda: session.finished))
            out["grade_median_s"] = statistics.median(times)
            out["grade_p99_s"] = times[int(len(times) * 0.99) - 1]
        elif name == "stats":
            from trainer.stats import compute

            out["stats_s"] = statistics.median(timed(lambda: compute(store, period="1y"), 5))
        elif name in ("deck_stats", "tag_stats", "all_stats"):
            # the statistics screen's figures for the deck, one tag, all decks; one year
            from trainer.stats import compute

            scope = ({"deck": store.decks.find("bench")} if name == "deck_stats" else
                     {"tag": extra} if name == "tag_stats" else {})
            out["s"] = statistics.median(timed(lambda: compute(store, period="1y", **scope), 5))
        elif name == "cycle":
            # what the study screen does for each card: show it, label the grade keys with
            # their intervals, grade (committed); then memory over 2,000 more, as a long day
            from trainer.sessions import StudySession
            from trainer.store.options import set_deck_options

            deck = store.decks.find("bench")
            set_deck_options(store, deck.id, new_per_day=ANKI_MAX_PER_DAY,
                             reviews_per_day=ANKI_MAX_PER_DAY)
            session = StudySession(store, deck)

            def one(i: int) -> None:
                session.view()
                session.preview()
                session.grade(GRADES[i % len(GRADES)], answer_ms=3000)

            times = []
            for i in range(200):
                if session.finished:  # a tiny collection runs out of cards
                    break
                t = time.perf_counter()
                one(i)
                times.append(time.perf_counter() - t)
                if extra == "pauses" and store.wants_checkpoint():
                    # The student takes 3 s over a card (answer_ms above): the study screen
                    # folds the log in after 2 s without a grade, in a worker, once in
                    # CHECKPOINT_EVERY writes; the grades after it reuse the log file's space.
                    store.checkpoint()
            times.sort()
            out["median_s"] = statistics.median(times)
            out["p99_s"] = times[int(len(times) * 0.99) - 1]
            before = rss_mb()
            for i in range(2000):
                if session.finished:
                    break
                one(i)
            out["rss_growth_mb"] = rss_mb() - before
        elif name == "search":
            from trainer.query import parse

            # what a student types into the browser: a word, a phrase, a field or two; each
            # the first 500 rows sorted, and the count of all
            medians = {}
            for text in SEARCHES:
                node = parse(text)
                medians[text] = statistics.median(timed(
                    lambda node=node: store.search.cards(node), 5))
            out["search_s"] = max(medians.values())
            out["search_each"] = {k: round(v * 1000, 1) for k, v in medians.items()}
        elif name == "replay":
            t = time.perf_counter()
            out["replay_changes"] = rebuild_states(store)
            out["replay_s"] = time.perf_counter() - t
    out["peak_mb"] = peak_mb()
    return out
