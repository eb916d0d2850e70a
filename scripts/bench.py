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

Its parts, beside it in scripts/: bench_corpus (the corpus and its year of reviews),
bench_phase (one phase, in its child process), bench_processes (the child processes),
bench_versus_anki (--anki), bench_growth (--scale), bench_report (the JSON lines and tables).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench_corpus import write_corpus
from bench_growth import growth_rounds, growth_table
from bench_phase import phase
from bench_processes import collection, run_phase, time_cli, time_launch
from bench_report import emit, table
from bench_versus_anki import ANKI_VERSION, RATIOS, ratio_table, side_by_side

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALE_N = 1_000_000


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
