"""The benchmark's figures: each printed as one JSON line when measured, and kept for the
table printed at the end."""

from __future__ import annotations

import json

RESULTS: list[dict] = []


def emit(name: str, n: int, value: float, unit: str) -> None:
    row = {"name": name, "n": n, "value": round(value, 4), "unit": unit}
    RESULTS.append(row)
    print(json.dumps(row), flush=True)


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
