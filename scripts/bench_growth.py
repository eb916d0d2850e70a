"""--scale: each figure's growth from 100,000 to a million cards, measured again at both sizes
in alternating rounds, and its table."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from bench_processes import collection, fresh_copy, run_phase
from bench_report import RESULTS, emit

# --scale: what must grow no faster than linearly from 100,000 to 1,000,000 cards
GROWTH = ("import", "queue", "grade_median", "search_slowest_median", "stats")
GROWTH_PHASES = {"queue": ("queue", "queue_s"), "grade_median": ("grade", "grade_median_s"),
                 "search_slowest_median": ("search", "search_s"), "stats": ("stats", "stats_s")}


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
