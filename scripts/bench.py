#!/usr/bin/env python3
"""Benchmarks at scale: what a student with years of history would feel.

    scripts/bench.py            N = 10,000 and 100,000
    scripts/bench.py --quick    N = 10,000 only (under a minute)
    scripts/bench.py --n 500    any N (the test suite runs a tiny one)
    scripts/bench.py --anki     also Anki's own engine on the same work, alternating, with ratios
    scripts/bench.py --scale    also 1,000,000 cards, and each figure's growth from 100,000: the
                                median of --rounds rounds that alternate the two sizes

On a temporary data dir, for each N: generate a deterministic TSV corpus, time `trainer import`
of it, build a reviewed collection (about 10 reviews a card over the last year, made with
sm2.review so that the log replays exactly to the stored states), then time, each in a fresh
process so that memory is the product's own: opening the store, today's queue with limits
lifted, grading 200 cards through the study session (each committed), the whole statistics
figure set, search, `trainer --version`/`--help`, and `trainer` from its start until the deck
list is drawn with its counts; then, in headless Chromium (scripts/bench_browser.py), from
opening `trainer serve`'s page to the deck list and from a grade key to the next card (the
medians of 5). Prints one JSON line per figure ({"name", "n", "value",
"unit"}) and then a table. With --anki, Anki 26.9.3 (in .bench/anki-venv, made once) gets the
same corpus and history (scripts/bench_anki.py) and each side-by-side figure is measured in
fresh processes, trainer and Anki alternating, --rounds times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
RESULTS: list[dict] = []
HISTORY_CHUNK = 100_000  # cards whose histories are written together
SCALE_N = 1_000_000
# --scale: what must grow no faster than linearly from 100,000 to 1,000,000 cards
GROWTH = ("import", "queue", "grade_median", "search_slowest_median", "stats")
GROWTH_PHASES = {"queue": ("queue", "queue_s"), "grade_median": ("grade", "grade_median_s"),
                 "search_slowest_median": ("search", "search_s"), "stats": ("stats", "stats_s")}
# what a student types into the browser, in the syntax trainer and Anki share
SEARCHES = [WORDS[3], f'"{WORDS[5]} {WORDS[7]}"', "is:due", f"tag:{WORDS[9]} prop:ivl>10",
            "rated:7:1", f"{WORDS[11]} -is:new", "deck:bench"]
STATS_TAG = WORDS[11]  # a tag on about a tenth of the cards
ANKI_VERSION = "26.9.3"
ANKI_VENV = ROOT / ".bench" / "anki-venv"
ANKI_MAX_PER_DAY = 9999  # Anki's largest daily limit: both lift theirs to it for the cycle


def emit(name: str, n: int, value: float, unit: str) -> None:
    row = {"name": name, "n": n, "value": round(value, 4), "unit": unit}
    RESULTS.append(row)
    print(json.dumps(row), flush=True)


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


# -- 1. the corpus ----------------------------------------------------------------------------

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
    card_ids = store.card_ids(None)
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


# -- 4. phases, each in a fresh process -------------------------------------------------------

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
        store.find_deck("bench")
        out["open_s"] = time.perf_counter() - t
    else:
        store = open_store(url, settings=settings)
        heap.settle()  # as `trainer` does once the store is open
        if name == "queue":
            queue: list = []

            def build_queue() -> None:
                queue[:] = store.due_queue(None, limits=UNLIMITED)
                if queue:  # a tiny collection graded through has none left
                    store.card(queue[0].card_id)

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

            scope = ({"deck": store.find_deck("bench")} if name == "deck_stats" else
                     {"tag": extra} if name == "tag_stats" else {})
            out["s"] = statistics.median(timed(lambda: compute(store, period="1y", **scope), 5))
        elif name == "cycle":
            # what the study screen does for each card: show it, label the grade keys with
            # their intervals, grade (committed); then memory over 2,000 more, as a long day
            from trainer.sessions import StudySession
            from trainer.store.options import set_deck_options

            deck = store.find_deck("bench")
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
                    lambda node=node: store.search_cards(node), 5))
            out["search_s"] = max(medians.values())
            out["search_each"] = {k: round(v * 1000, 1) for k, v in medians.items()}
        elif name == "replay":
            t = time.perf_counter()
            out["replay_changes"] = store.rebuild_states()
            out["replay_s"] = time.perf_counter() - t
    out["peak_mb"] = peak_mb()
    return out


def run_phase(name: str, url: str, env: dict, extra: str = "") -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--db", url, "--extra", extra],
        capture_output=True, text=True, env=env, check=False,
    )
    if done.returncode:
        raise SystemExit(f"bench: phase {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_launch(url: str, env: dict, runs: int = 3) -> tuple[float, float]:
    """`trainer --exit-after-mount` on a pseudo-terminal: from the process's start until the
    deck list is drawn with every deck's counts (the app writes that moment to a file)."""
    import pty

    times, peaks = [], []
    mark = Path(tempfile.mkdtemp(prefix="trainer-launch-")) / "drawn"
    env = env | {"TRAINER_LAUNCH_MARK": str(mark)}
    trainer = Path(sys.executable).parent / "trainer"
    command = [str(trainer)] if trainer.exists() else [sys.executable, "-m", "trainer"]
    for _ in range(runs + 1):  # the first run loads the bundled decks: not counted
        leader, follower = pty.openpty()
        os.set_blocking(leader, False)
        mark.unlink(missing_ok=True)
        started = time.time()  # the wall clock: the app writes the time it drew the list
        proc = subprocess.Popen(
            [*command, "--db", url, "--exit-after-mount"],
            stdin=follower, stdout=follower, stderr=follower, env=env | {"TERM": "xterm-256color",
                                                                          "COLUMNS": "100",
                                                                          "LINES": "30"},
        )
        os.close(follower)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, peak_mb(proc.pid))
            try:
                os.read(leader, 65536)
            except (BlockingIOError, OSError):
                time.sleep(0.002)
        os.close(leader)
        if proc.returncode or not mark.exists():
            raise SystemExit(f"bench: trainer --exit-after-mount exited {proc.returncode}")
        elapsed = float(mark.read_text()) - started  # to first paint, not to process exit
        times.append(elapsed)
        peaks.append(peak)
        print(f"  launch run: {elapsed:.3f} s, peak {peak:.0f} MB", file=sys.stderr)
    return statistics.median(times[1:]), max(peaks[1:])


def time_cli(argument: str, env: dict, runs: int = 5) -> float:
    """`trainer --version` or `--help`, whole process: the median of ``runs``."""
    trainer = Path(sys.executable).parent / "trainer"
    command = [str(trainer)] if trainer.exists() else [sys.executable, "-m", "trainer"]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([*command, argument], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def collection(n: int, workdir: Path) -> tuple[Path, str, dict, Path]:
    """Where the collection of ``n`` cards lives: its database, URL, phases' environment and
    corpus."""
    home = workdir / f"home-{n}"
    # the corpus alone: the bundled decks (152 cards) would add their own first import
    env = os.environ | {"TRAINER_HOME": str(home), "PYTHONPATH": str(ROOT),
                        "TRAINER_BUNDLED_DECKS": "0"}
    db = home / "trainer.db"
    return db, f"sqlite:///{db}", env, workdir / f"corpus-{n}.tsv"


def bench(n: int, workdir: Path, anki_rounds: int = 0) -> None:
    db, url, env, corpus = collection(n, workdir)
    db.parent.mkdir()
    (db.parent / "config.toml").write_text('timezone = "UTC"\n')
    t = time.perf_counter()
    write_corpus(corpus, n)
    emit("generate_corpus", n, time.perf_counter() - t, "s")

    # Every step runs in a child process: this one stays small, so that no child's memory
    # figure can include pages it was forked with.
    imported = run_phase("import", url, env, str(corpus))
    emit("import", n, imported["import_cards_s"], "s")
    emit("import_rate", n, n / imported["import_cards_s"], "cards/s")
    emit("import_peak_memory", n, imported["peak_mb"], "MB")

    built = run_phase("build", url, env)
    emit("build_history", n, built["build_s"], "s")
    emit("reviews", n, built["reviews"], "rows")
    emit("db_size", n, db.stat().st_size / 2**20, "MB")

    if n < SCALE_N:  # replaying ten million rows is minutes, and no student waits on it
        replay = run_phase("replay", url, env)
        emit("replay_changes", n, replay["replay_changes"], "cards")
        emit("replay", n, replay["replay_s"], "s")
    opened = run_phase("open", url, env)
    emit("open", n, opened["open_s"] * 1000, "ms")
    emit("open_peak_memory", n, opened["peak_mb"], "MB")
    queue = run_phase("queue", url, env)
    emit("queue", n, queue["queue_s"] * 1000, "ms")
    emit("queue_due", n, queue["due"], "cards")
    emit("queue_peak_memory", n, queue["peak_mb"], "MB")
    stats = run_phase("stats", url, env)
    emit("stats", n, stats["stats_s"], "s")
    emit("stats_peak_memory", n, stats["peak_mb"], "MB")
    searched = run_phase("search", url, env)
    emit("search_slowest_median", n, searched["search_s"] * 1000, "ms")
    print(f"  search medians (ms): {searched['search_each']}", file=sys.stderr)
    launch, launch_mb = time_launch(url, env)
    emit("launch_to_deck_list", n, launch, "s")
    emit("launch_peak_memory", n, launch_mb, "MB")
    for command in ("--version", "--help"):
        emit(f"cli{command.replace('--', '_')}", n, time_cli(command, env), "s")
    if anki_rounds:
        side_by_side(n, workdir, corpus, db, url, env, anki_rounds)
    grade = run_phase("grade", url, env)  # last: it changes the collection
    emit("grade_median", n, grade["grade_median_s"] * 1000, "ms")
    emit("grade_p99", n, grade["grade_p99_s"] * 1000, "ms")
    emit("grade_peak_memory", n, grade["peak_mb"], "MB")


# -- 5. side by side with Anki ----------------------------------------------------------------

def anki_python() -> Path:
    """The separate virtual environment with Anki's own engine (the `anki` package), made on
    first use and reused: Anki never enters trainer's environment."""
    python = ANKI_VENV / "bin" / "python"
    check = [str(python), "-c", "import importlib.metadata as m; "
             f"assert m.version('anki') == '{ANKI_VERSION}'"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"bench: installing anki {ANKI_VERSION} into {ANKI_VENV}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(ANKI_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"anki=={ANKI_VERSION}"],
                   check=True)
    return python


def run_anki(name: str, col: Path, extra: str = "") -> dict:
    done = subprocess.run(
        [str(anki_python()), str(ROOT / "scripts" / "bench_anki.py"), name, str(col), extra],
        capture_output=True, text=True, env=os.environ | {"TZ": "UTC"}, check=False,
    )
    if done.returncode:
        raise SystemExit(f"bench: Anki's phase {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh_copy(path: Path, to: Path) -> Path:
    """A copy of a database (and its write-ahead log) for a phase that changes it."""
    import shutil

    for suffix in ("", "-wal"):
        target = Path(str(to) + suffix)
        target.unlink(missing_ok=True)
        if Path(str(path) + suffix).exists():
            shutil.copyfile(str(path) + suffix, target)
    return to


SIDE_BY_SIDE = {  # figure -> (goal as a ratio to Anki, what it is)
    "import_tsv": (0.6, "import the TSV into a new collection, whole process"),
    "import_apkg": (1.0, "import Anki's package of it (scheduling, history), whole process"),
    "deck_stats": (0.5, "statistics, the deck (every card), 1 year"),
    "tag_stats": (0.5, "statistics, one tag (a tenth of the cards), 1 year"),
    "all_stats": (0.7, "statistics, all decks, 1 year"),
    "study_cycle": (1.5, "study cycle: next card, grade-key intervals, grade committed"),
    "study_cycle_burst": (None, "  the same, 200 grades without a pause (a fresh log file)"),
    "search": (None, "search, the slowest of 7 browser queries"),
}
DERIVED = {"tag_vs_anki_deck": (0.5, "  the tag's statistics against Anki's of the deck"),
           "import_tsv_memory": (0.8, "  the same, peak memory"),
           "import_apkg_memory": (1.0, "  the same, peak memory"),
           "db_per_review": (1.2, "database size per review (the whole file)"),
           "log_per_review": (None, "  the review log alone (its table and indexes)")}
UNITS = {"import_tsv": (1, "s"), "import_tsv_memory": (1, "MB"), "import_apkg": (1, "s"),
         "import_apkg_memory": (1, "MB"), "db_per_review": (1, "B"),
         "log_per_review": (1, "B")}  # else seconds shown as ms
RATIOS: list[dict] = []


def stored_bytes(path: Path, log: str, indexes: tuple[str, ...]) -> tuple[int, int, int]:
    """(the file's bytes, the log table's and its indexes' bytes, the log's rows), read with
    SQLite's dbstat (pages in use, free pages left out of neither)."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = (log, *indexes)
        marks = ", ".join("?" * len(names))
        log_bytes = con.execute(f"SELECT SUM(pgsize) FROM dbstat WHERE name IN ({marks})",
                                names).fetchone()[0]
        rows = con.execute(f"SELECT COUNT(*) FROM {log}").fetchone()[0]
    finally:
        con.close()
    return path.stat().st_size, int(log_bytes), int(rows)


def size_side_by_side(n: int, db: Path, col: Path) -> None:
    """Bytes per review, trainer's database against Anki's collection of the same cards and
    history: one measurement (sizes do not vary between runs)."""
    ours = stored_bytes(db, "review", ("ix_review_card", "ix_review_day", "ix_review_quiz"))
    theirs = stored_bytes(col, "revlog", ("ix_revlog_cid", "ix_revlog_usn"))
    for name, index in (("db_per_review", 0), ("log_per_review", 1)):
        mine, anki = ours[index] / ours[2], theirs[index] / theirs[2]
        emit(f"{name}_trainer", n, mine, "B")
        emit(f"{name}_anki", n, anki, "B")
        emit(f"{name}_ratio", n, mine / anki, "x")
        RATIOS.append({"figure": name, "n": n, "trainer": mine, "anki": anki, "unit": "B",
                       "ratio": mine / anki})


def side_by_side(n: int, workdir: Path, corpus: Path, db: Path, url: str, env: dict,
                 rounds: int) -> None:
    """Each figure measured by trainer and by Anki on the same collection, alternating which
    goes first, in fresh processes; the ratio is the median of the rounds' ratios."""
    col = workdir / f"anki-{n}.anki2"
    built = run_anki("build", col, f"{corpus}|{db}")
    emit("anki_import", n, built["import_s"], "s")
    print(f"  Anki collection: {built['cards']:,} cards, {built['reviews']:,} reviews",
          file=sys.stderr)
    size_side_by_side(n, db, col)
    package = workdir / f"anki-{n}.apkg"
    exported = run_anki("export_apkg", col, str(package))
    print(f"  Anki package: {exported['notes']:,} notes, {package.stat().st_size / 1e6:.1f} MB",
          file=sys.stderr)

    def whole_process(run: Callable[[], dict]) -> dict:
        t = time.perf_counter()
        out = run()
        return {"s": time.perf_counter() - t, "peak": out["peak_mb"]}

    def trainer_figure(name: str) -> dict:
        if name == "import_tsv":
            fresh = workdir / "import-trainer.db"
            fresh_copy(workdir / "nothing", fresh)  # no database yet
            return whole_process(lambda: run_phase("import", f"sqlite:///{fresh}", env,
                                                   str(corpus)))
        if name == "import_apkg":
            fresh = fresh_copy(workdir / "nothing", workdir / "import-trainer.db")
            return whole_process(lambda: run_phase("import", f"sqlite:///{fresh}", env,
                                                   str(package)))
        if name.startswith("study_cycle"):
            copy = fresh_copy(db, workdir / "cycle-trainer.db")
            out = run_phase("cycle", f"sqlite:///{copy}", env,
                            "" if name == "study_cycle_burst" else "pauses")
            return {"s": out["median_s"], "p99_s": out["p99_s"], "rss": out["rss_growth_mb"]}
        if name == "search":
            return {"s": run_phase("search", url, env)["search_s"]}
        return {"s": run_phase(name, url, env, STATS_TAG if name == "tag_stats" else "")["s"]}

    def anki_figure(name: str) -> dict:
        if name == "import_tsv":
            fresh = fresh_copy(workdir / "nothing", workdir / "import-anki.anki2")
            return whole_process(lambda: run_anki("import", fresh, str(corpus)))
        if name == "import_apkg":
            fresh = fresh_copy(workdir / "nothing", workdir / "import-anki.anki2")
            return whole_process(lambda: run_anki("import_apkg", fresh, str(package)))
        if name.startswith("study_cycle"):
            out = run_anki("cycle", fresh_copy(col, workdir / "cycle-anki.anki2"))
            return {"s": out["median_s"], "p99_s": out["p99_s"], "rss": out["rss_growth_mb"]}
        if name == "search":
            return {"s": run_anki("search", col, json.dumps(SEARCHES))["s"]}
        return {"s": run_anki(name, col, STATS_TAG if name == "tag_stats" else "")["s"]}

    seen: dict[str, list[tuple[dict, dict]]] = {name: [] for name in SIDE_BY_SIDE}
    for r in range(rounds):
        for name in SIDE_BY_SIDE:
            if r % 2 == 0:
                ours = trainer_figure(name)
                theirs = anki_figure(name)
            else:
                theirs = anki_figure(name)
                ours = trainer_figure(name)
            seen[name].append((ours, theirs))
            print(f"  round {r + 1} {name}: trainer {ours['s'] * 1000:.2f} ms, Anki "
                  f"{theirs['s'] * 1000:.2f} ms", file=sys.stderr)
    # the goal for a tag's statistics is stated against Anki's statistics of the deck
    derived = {"tag_stats": ("tag_vs_anki_deck", [
        (o, d) for (o, _), (_, d) in zip(seen["tag_stats"], seen["deck_stats"], strict=True)]),
        "import_tsv": ("import_tsv_memory", [
            ({"s": o["peak"]}, {"s": t["peak"]}) for o, t in seen["import_tsv"]]),
        "import_apkg": ("import_apkg_memory", [
            ({"s": o["peak"]}, {"s": t["peak"]}) for o, t in seen["import_apkg"]])}
    seen = {k: v for name, pairs in seen.items() for k, v in (
        [(name, pairs), derived[name]] if name in derived else [(name, pairs)])}
    for name, pairs in seen.items():
        ours_s = statistics.median(o["s"] for o, _ in pairs)
        theirs_s = statistics.median(t["s"] for _, t in pairs)
        ratio = statistics.median(o["s"] / t["s"] for o, t in pairs)
        scale, unit = UNITS.get(name, (1000, "ms"))
        emit(f"{name}_trainer", n, ours_s * scale, unit)
        emit(f"{name}_anki", n, theirs_s * scale, unit)
        emit(f"{name}_ratio", n, ratio, "x")
        RATIOS.append({"figure": name, "n": n, "trainer": ours_s * scale,
                       "anki": theirs_s * scale, "unit": unit, "ratio": ratio})
        if name.startswith("study_cycle"):
            for key, label, unit in (("p99_s", "grade_cycle_p99", "ms"),
                                     ("rss", "rss_growth_2000_grades", "MB")):
                scale = 1000 if unit == "ms" else 1
                tail = "_burst" if name == "study_cycle_burst" else ""
                emit(f"{label}{tail}_trainer", n,
                     statistics.median(o[key] for o, _ in pairs) * scale, unit)
                emit(f"{label}{tail}_anki", n,
                     statistics.median(t[key] for _, t in pairs) * scale, unit)


def growth_figure(name: str, n: int, workdir: Path) -> float:
    """One --scale figure of the collection of ``n`` cards, in a fresh process (the import into
    a new database, beside the collection)."""
    db, url, env, corpus = collection(n, workdir)
    if name == "import":
        fresh = db.parent / "growth-import.db"
        try:
            return float(run_phase("import", f"sqlite:///{fresh}", env,
                                   str(corpus))["import_cards_s"])
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{fresh}{suffix}").unlink(missing_ok=True)
    phase_name, key = GROWTH_PHASES[name]
    if name == "grade_median":  # each round grades the same cards: a copy's
        url = f"sqlite:///{fresh_copy(db, db.parent / 'growth-grade.db')}"
    return float(run_phase(phase_name, url, env)[key])


def growth_rounds(workdir: Path, low: int, high: int, rounds: int) -> dict[str, list[float]]:
    """Each GROWTH figure at ``low`` and ``high`` cards measured again, the two sizes
    alternating (which goes first swaps every round), as --anki does: minutes apart, this
    machine's drift moved a single run's growth either side of 10. The rounds' ratios."""
    ratios: dict[str, list[float]] = {name: [] for name in GROWTH}
    for r in range(rounds):
        for name in GROWTH:
            order = (low, high) if r % 2 == 0 else (high, low)
            seen = {n: growth_figure(name, n, workdir) for n in order}
            ratios[name].append(seen[high] / seen[low])
            print(f"  growth round {r + 1} {name}: {seen[low]:.4f} -> {seen[high]:.4f} "
                  f"x{seen[high] / seen[low]:.2f}", file=sys.stderr)
    return ratios


def growth_table(low: int, high: int, ratios: dict[str, list[float]]) -> str:
    """Each --scale figure's growth from ``low`` to ``high`` cards (10 is linear from 100,000
    to a million): the median of the alternating rounds' ratios."""
    value = {(r["name"], r["n"]): r["value"] for r in RESULTS}
    rounds = len(next(iter(ratios.values()), []))
    lines = [f"Growth from {low:,} to {high:,} cards ({high // low} would be linear; the median "
             f"of {rounds} alternating rounds' ratios; the values from the run above)"]
    for name in GROWTH:
        if not ratios.get(name):
            continue
        factor = statistics.median(ratios[name])
        emit(f"{name}_growth", high, factor, "x")
        first, last = value.get((name, low), 0.0), value.get((name, high), 0.0)
        lines.append(f"  {name:<24}{first:>12,.3f} -> {last:>12,.3f}   x{factor:.1f}"
                     f"  (rounds: {', '.join(f'{x:.1f}' for x in ratios[name])})"
                     f"{'' if factor <= high / low else '   faster than linear'}")
    return "\n".join(lines)


def ratio_table() -> str:
    lines = [f"{'figure':<62}{'N':>9}{'trainer':>12}{'Anki':>12}{'ratio':>8}{'goal':>8}"]
    for row in RATIOS:
        goal, label = (SIDE_BY_SIDE | DERIVED)[row["figure"]]
        unit = row["unit"]
        lines.append(f"{label:<62}{row['n']:>9,}{row['trainer']:>9.2f} {unit:<2}"
                     f"{row['anki']:>9.2f} {unit:<2}{row['ratio']:>8.2f}"
                     f"{'' if goal is None else '<= ' + str(goal):>8}")
    return "\n".join(lines)


TARGETS = {  # (name, n) -> the target, in the figure's unit
    ("import", 100_000): 2.7, ("queue", 100_000): 65, ("grade_median", 100_000): 1.0,
    ("grade_p99", 100_000): 3.0, ("stats", 100_000): 0.5, ("launch_to_deck_list", 100_000): 1.0,
    ("search_slowest_median", 100_000): 100,
}


def table() -> str:
    names = list(dict.fromkeys(r["name"] for r in RESULTS))
    ns = sorted({r["n"] for r in RESULTS})
    value = {(r["name"], r["n"]): r for r in RESULTS}
    lines = [f"{'figure':<24}" + "".join(f"{'N=' + format(n, ','):>22}" for n in ns)
             + "   target (100k)"]
    for name in names:
        unit = next(r["unit"] for r in RESULTS if r["name"] == name)
        cells = "".join(
            f"{format(value[(name, n)]['value'], ',.2f') + ' ' + unit:>22}"
            if (name, n) in value else f"{'':>22}" for n in ns)
        target = TARGETS.get((name, 100_000))
        lines.append(f"{name:<24}{cells}   {'' if target is None else '<= ' + str(target)}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="trainer benchmarks")
    parser.add_argument("--quick", action="store_true", help="N = 10,000 only")
    parser.add_argument("--n", type=int, action="append", help="a collection size (repeatable)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    parser.add_argument("--anki", action="store_true",
                        help=f"also run Anki {ANKI_VERSION}'s own engine on the same work, "
                             "alternating, and print each figure's ratio")
    parser.add_argument("--scale", action="store_true",
                        help=f"add a {SCALE_N:,}-card point and print each figure's growth "
                             "from 100,000 (linear is 10)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds for --anki and --scale (default 3)")
    # the test suite's --scale: two tiny sizes instead of 100,000 and a million
    parser.add_argument("--scale-between", type=int, nargs=2, default=(100_000, SCALE_N),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    if args.phase:
        print(json.dumps(phase(args.phase, args.db, args.extra)))
        return 0
    sizes = args.n or ([10_000] if args.quick else [10_000, 100_000])
    low, high = args.scale_between
    if args.scale:
        sizes = sorted({*sizes, low, high})
    # Byte-compile trainer as an installed wheel would be, so launch times measure running it,
    # not compiling it (this machine sets PYTHONDONTWRITEBYTECODE).
    import compileall

    compileall.compile_dir(str(ROOT / "trainer"), quiet=1)
    workdir = Path(tempfile.mkdtemp(prefix="trainer-bench-"))
    ratios: dict[str, list[float]] = {}
    try:
        for n in sizes:
            bench(n, workdir, args.rounds if args.anki else 0)
        if args.scale:
            ratios = growth_rounds(workdir, low, high, args.rounds)
        import bench_browser  # the page in headless Chromium (its column: N=5, the rounds)

        bench_browser.report(emit, rounds=5)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
        else:  # TRAINER_HOME=<it>/home-N trainer ... opens the collection of N cards
            print(f"kept {workdir} (home-N: the collection of N cards)", file=sys.stderr)
    print()
    print(table())
    if args.scale:
        print()
        print(growth_table(low, high, ratios))
    if RATIOS:
        print()
        print(f"Side by side with Anki {ANKI_VERSION} (medians of {args.rounds} alternating "
              "rounds; ratio = trainer / Anki, the median of the rounds' ratios)")
        print(ratio_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
