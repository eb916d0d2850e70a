"""FSRS fitted to a student whose memory is known: a simulated student, whose forgetting
curve is FSRS's with weights unlike the defaults, studies a deck under SM-2 through the
product's own grading path; fitting and evaluating then read that history."""

from __future__ import annotations

import json
import math
import random

import pytest
from helpers import Clock, make_store

from trainer.errors import UserError
from trainer.fitting import MIN_REVIEWS, evaluate, optimize, scores
from trainer.scheduler import fsrs
from trainer.scheduler.simulator import Model
from trainer.store.scheduling import param_sets

# a student who forgets new cards fast and then keeps them well
TRUE_WEIGHTS = tuple(w * f for w, f in zip(fsrs.DEFAULT_WEIGHTS, (
    0.3, 0.3, 0.4, 0.5, 1, 1, 1, 1, 1.15, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), strict=True))


@pytest.fixture(scope="module")
def studied(tmp_path_factory):
    """150 cards, 15 new a day, 150 days of every due review, graded by the true memory."""
    path = tmp_path_factory.mktemp("student") / "trainer.db"
    clock = Clock()
    store, ids = make_store(f"sqlite:///{path}", 150, clock)
    rng, model = random.Random(11), Model(TRUE_WEIGHTS)
    memory: dict[int, tuple[float, float, int]] = {}  # card -> stability, difficulty, day
    for day in range(150):
        today = store.today()
        fresh = [c for c in ids if c not in memory][:15]
        due = [c for c in memory if store.cards.state(c).due <= today]
        for cid in due + fresh:
            if cid in memory:
                s, d, seen = memory[cid]
                elapsed = day - seen
                recalled = rng.random() < model.recall(s, elapsed)
                quality = rng.choice([3, 4, 4, 4, 5]) if recalled else 1
                memory[cid] = (*model.review(s, d, elapsed, quality), day)
            else:
                quality = rng.choice([1, 3, 4, 4, 5])
                memory[cid] = (*model.first(quality), day)
            store.reviews.record(cid, quality)
        clock.advance(days=1)
    store.path_url = f"sqlite:///{path}"
    yield store
    store.close()


def test_fitted_fsrs_predicts_the_student_better_than_sm2(studied):
    result = evaluate(studied, None)
    assert result.reviews >= MIN_REVIEWS * 0.8
    fitted, sm2_ = result.models["FSRS (fitted)"], result.models["SM-2"]
    assert fitted.log_loss < sm2_.log_loss
    assert fitted.rmse_bins < sm2_.rmse_bins
    assert set(result.models) == {"SM-2", "FSRS (default)", "FSRS (fitted)"}


def test_optimize_keeps_the_weights_with_their_date_and_reviews(studied):
    deck = studied.decks.find("d")
    done = optimize(studied, [deck.id])
    kept = next(p for p in param_sets(studied) if p.id == done.params_id)
    assert kept.weights == done.weights != fsrs.DEFAULT_WEIGHTS
    assert kept.reviews == done.reviews >= MIN_REVIEWS
    assert kept.fitted_at == studied.now() or kept.fitted_at is not None
    assert studied.options.of(deck.id).fitted_params_id == done.params_id
    # the deck's FSRS now schedules with them
    studied.options.switch_scheduler(deck.id, "fsrs")
    assert studied.scheduling.deck_params(deck.id).weights == done.weights
    studied.options.switch_scheduler(deck.id, "sm2")


def test_too_short_a_history_is_refused_in_one_line(db_url):
    clock = Clock()
    store, ids = make_store(db_url, 5, clock)
    for _ in range(3):
        for cid in ids:
            store.reviews.record(cid, 4)
        clock.advance(days=7)
    for run in (lambda: optimize(store, None), lambda: evaluate(store, None)):
        with pytest.raises(UserError, match=f"at least {MIN_REVIEWS}") as err:
            run()
        assert "\n" not in str(err.value)
    assert param_sets(store) == []
    store.close()


def test_the_scores():
    perfect = scores([0.99, 0.01, 0.98], [True, False, True])
    assert perfect.auc == 1.0 and perfect.log_loss < 0.02
    coin = scores([0.5] * 4, [True, False, True, False])
    assert coin.auc == 0.5 and math.isclose(coin.log_loss, math.log(2))
    assert scores([0.9, 0.9], [True, True]).auc is None
    # one group: 0.9 predicted, half recalled: off by 0.4; two groups each predicted right: 0
    assert math.isclose(scores([0.9, 0.9], [True, False]).rmse_bins, 0.4)
    assert scores([1.0, 0.0], [True, False], [(1,), (2,)]).rmse_bins == 0.0


def test_the_commands_print_their_tables(studied, capsys):
    from trainer.cli import main

    db = ["--db", studied.path_url]
    assert main(["evaluate", "d", *db]) == 0
    out = capsys.readouterr().out
    assert "time-series split" in out
    assert [line.split()[0] for line in out.splitlines()[2:5]] == ["SM-2", "FSRS", "FSRS"]
    assert main(["evaluate", "d", "--json", *db]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["models"]["FSRS (fitted)"]["log_loss"] < found["models"]["SM-2"]["log_loss"]

    assert main(["simulate", "d", "--days", "21", "--seed", "5", "--json", *db]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["simulate", "d", "--days", "21", "--seed", "5", "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out) == first  # one seed, one forecast
    assert len(first["schedulers"]["sm2"]) == len(first["schedulers"]["fsrs"]) == 21
    assert 0.70 <= first["optimal_retention"] <= 0.97
    assert main(["simulate", "d", "--days", "14", "--retention", "0.8", *db]) == 0
    out = capsys.readouterr().out
    assert "FSRS at 0.80" in out and "week" in out

    assert main(["optimize", "d", *db]) == 0
    assert "FSRS fitted to" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["simulate", "--retention", "1.5"],
                                  ["simulate", "--days", "0"], ["evaluate", "nope"]])
def test_bad_input_is_one_line(argv, capsys):
    from trainer.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:  # a usage error: argparse's usage, then one line
        code = exc.code
    assert code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("trainer") and not any("Traceback" in line for line in err)
