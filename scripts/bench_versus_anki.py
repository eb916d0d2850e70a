"""Side by side with Anki: each figure measured by trainer and by Anki's own engine (in its own
virtual environment, scripts/bench_anki.py) on the same collection, alternating, and the
ratios' table."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench_corpus import SEARCHES, STATS_TAG
from bench_processes import fresh_copy, run_phase
from bench_report import emit

ROOT = Path(__file__).resolve().parent.parent
ANKI_VERSION = "26.9.3"
ANKI_VENV = ROOT / ".bench" / "anki-venv"


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


def ratio_table() -> str:
    lines = [f"{'figure':<62}{'N':>9}{'trainer':>12}{'Anki':>12}{'ratio':>8}{'goal':>8}"]
    for row in RATIOS:
        goal, label = (SIDE_BY_SIDE | DERIVED)[row["figure"]]
        unit = row["unit"]
        lines.append(f"{label:<62}{row['n']:>9,}{row['trainer']:>9.2f} {unit:<2}"
                     f"{row['anki']:>9.2f} {unit:<2}{row['ratio']:>8.2f}"
                     f"{'' if goal is None else '<= ' + str(goal):>8}")
    return "\n".join(lines)
