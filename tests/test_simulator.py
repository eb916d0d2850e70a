"""The simulator: its FSRS formulas are the `fsrs` package's, and one seed gives one forecast."""

from __future__ import annotations

import random

import pytest

from trainer.scheduler import fsrs, sm2
from trainer.scheduler.simulator import Model, StartCard, optimal_retention, simulate


@pytest.mark.parametrize("seed", range(5))
def test_the_simulators_fsrs_is_the_packages(seed):
    rng = random.Random(seed)
    # the weights moved a little (w7 sits at its lower bound already)
    weights = tuple(w if i == 7 else w * rng.uniform(0.9, 1.1)
                    for i, w in enumerate(fsrs.DEFAULT_WEIGHTS))
    params, model = fsrs.FSRSParams(weights), Model(weights)
    quality = rng.randint(0, 5)
    state, _ = fsrs.review(fsrs.FSRSState(), quality, 0, params)
    s, d = model.first(quality)
    assert (s, d) == pytest.approx((state.stability, state.difficulty), rel=1e-12)
    for _ in range(12):
        elapsed, quality = rng.randint(1, 60), rng.randint(0, 5)
        assert model.recall(s, elapsed) == pytest.approx(
            fsrs.retrievability(state, elapsed, params), rel=1e-12)
        state, interval = fsrs.review(state, quality, elapsed, params)
        s, d = model.review(s, d, elapsed, quality)
        assert (s, d) == pytest.approx((state.stability, state.difficulty), rel=1e-9)
        assert model.interval(s, 0.9, sm2.MAX_INTERVAL) == interval


def _cards(n_new: int = 30) -> list[StartCard]:
    studied = [StartCard(sm2.SM2State(3, 2.5, 15), 14.0, 5.0, 10, 5, 4),
               StartCard(sm2.SM2State(1, 2.2, 1), 1.5, 7.0, 1, 0, 0)]
    return studied + [StartCard(sm2.SM2State(), None, None, None, 0, 0)] * n_new


def test_one_seed_gives_one_forecast_and_both_schedulers_see_the_same_cards():
    cards = _cards()
    first = simulate(cards, "fsrs", 60, seed=3, new_per_day=5)
    assert simulate(cards, "fsrs", 60, seed=3, new_per_day=5) == first
    assert simulate(cards, "fsrs", 60, seed=4, new_per_day=5) != first
    by_sm2 = simulate(cards, "sm2", 60, seed=3, new_per_day=5)
    assert sum(d.new for d in first) == sum(d.new for d in by_sm2) == 30
    assert first[0].reviews >= 5 and first[-1].remembered > 20


def test_a_higher_retention_asks_more_reviews_and_keeps_more_in_memory():
    cards = _cards(200)
    low = simulate(cards, "fsrs", 120, retention=0.75, new_per_day=10, seed=1)
    high = simulate(cards, "fsrs", 120, retention=0.95, new_per_day=10, seed=1)
    assert sum(d.reviews for d in high) > sum(d.reviews for d in low)
    assert high[-1].remembered > low[-1].remembered
    assert 0.70 <= optimal_retention(cards[:60], 60, new_per_day=5) <= 0.97


def test_a_long_simulation_says_how_far_it_is_on_a_terminal(tmp_path, capsys, monkeypatch):
    """Ten years of 10,000 new cards a day once ran 147 s without a word: each of its twelve
    runs (SM-2, FSRS, FSRS at ten retentions) now says so as it ends."""
    from tests.helpers import basic_deck
    from trainer.cli import main

    deck = tmp_path / "d.toml"
    deck.write_bytes(basic_deck("d", 30))
    assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert main(["simulate", "d", "--days", "10", "--new-per-day", "10000"]) == 0
    err = capsys.readouterr().err
    assert "simulating: 1 of 12 runs" in err and err.endswith("simulating: 12 of 12 runs\n")
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert main(["simulate", "d", "--days", "10", "--json"]) == 0
    assert capsys.readouterr().err == ""  # in a pipe, nothing but the data
