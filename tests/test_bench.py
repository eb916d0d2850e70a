"""The benchmark script must not rot: run its generator and every phase at a tiny N."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a minute or two: scripts/test runs them, -m "not slow" not

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_at_tiny_n(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--n", "300"],
        capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    figures = {r["name"]: r for r in rows}
    for name in ("import", "queue", "grade_median", "grade_p99", "stats", "open",
                 "launch_to_deck_list", "replay_changes", "stats_peak_memory"):
        assert name in figures, name
        assert figures[name]["n"] == 300
    assert figures["replay_changes"]["value"] == 0  # the generated log replays exactly
    assert 2500 <= figures["reviews"]["value"] <= 3700  # about 10 reviews a card
    assert figures["queue_due"]["value"] > 0
    assert "figure" in out.stdout  # the readable table
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from bench_browser import find_browser
    finally:
        sys.path.pop(0)
    if not isinstance(find_browser(), str):  # the page in Chromium: opened, and a grade
        assert 0 < figures["browser_page_to_deck_list"]["value"] < 60
        assert 0 < figures["browser_grade_to_next_card"]["value"] < 60


def test_corpus_is_deterministic_and_shaped(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    bench.write_corpus(a, 400)
    bench.write_corpus(b, 400)
    assert a.read_bytes() == b.read_bytes()
    rows = [line.split("\t") for line in a.read_text().splitlines() if not line.startswith("#")]
    assert len(rows) == 400
    fronts = [r[0] for r in rows]
    assert len(set(fronts)) == 400
    assert all(40 <= len(f) <= 120 for f in fronts)
    assert all(5 <= len(r[1]) <= 60 for r in rows)
    tags = [r[2].split() for r in rows]
    assert all(1 <= len(t) <= 4 for t in tags)
    hierarchical = [t for ts in tags for t in ts if "::" in t]
    assert len(hierarchical) == 200 and all(t.count("::") == 2 for t in hierarchical)
    non_ascii = sum(1 for r in rows if not (r[0] + r[1]).isascii())
    assert 60 <= non_ascii <= 110  # about a quarter
    assert any(ord(ch) > 0xFFFF for r in rows for ch in r[0] + r[1])  # emoji, as real decks


def test_scale_growth_is_the_median_of_alternating_rounds(tmp_path):
    """--scale measures each figure at both sizes again, alternating, and prints the median
    of the rounds' ratios (the sizes here tiny, by a hidden option)."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--n", "1000", "--scale",
         "--scale-between", "1000", "2000", "--rounds", "2"],
        capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    growth = {r["name"]: r["value"] for r in rows if r["name"].endswith("_growth")}
    assert set(growth) == {f"{name}_growth" for name in (
        "import", "queue", "grade_median", "search_slowest_median", "stats")}
    assert all(value > 0 for value in growth.values())
    assert out.stderr.count("growth round 2 import") == 1
    assert "the median of 2 alternating rounds" in out.stdout
