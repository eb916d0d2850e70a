"""FSRS fitted to the student's own memory (`trainer optimize`), and which scheduler predicts
that memory best (`trainer evaluate`).

Both read each card's scheduled reviews since it was last new (cards that came with an
imported state are left out: their first learning is not in the log). A review is predicted
from the reviews before it: that is one item, FSRS's unit of training.

SM-2 predicts nothing itself; as srs-benchmark models it, the chance of recall t days after
a review is 0.9^(t / I), I being the interval SM-2 gave (SM-2 aims at about 90 % recall when
a card falls due).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import fsrs_rs_python as rs

from trainer.errors import UserError
from trainer.rules import PASS
from trainer.scheduler import fsrs, sm2
from trainer.store import Store
from trainer.store.records import MemoryHistory

MIN_REVIEWS = 400  # reviews to learn from (each after a card's first) before fitting
SPLITS = 5  # evaluate: the history in time order, in five parts; each part after the first
# is predicted by a model fitted to the parts before it


@dataclass(frozen=True, slots=True)
class Item:
    """A review to predict from the reviews before it."""

    day: date
    history: tuple[tuple[int, int], ...]  # (days since the review before, grade 0-5)
    elapsed: int  # days since the last of them
    grade: int

    @property
    def recalled(self) -> bool:
        return self.grade >= PASS

    @property
    def bin(self) -> tuple[int, int, int]:
        """srs-benchmark's RMSE (bins) groups reviews by the days since the last, the reviews
        before and the lapses, each on a rough scale: (log2 of the days, reviews up to 8,
        lapses up to 4)."""
        lapses = sum(q < PASS for _, q in self.history[1:])
        return (int(math.log2(max(1, self.elapsed))), min(len(self.history), 8), min(lapses, 4))

    def fsrs_item(self, with_target: bool) -> rs.FSRSItem:
        reviews = [rs.FSRSReview(int(fsrs.rating(q)), days) for days, q in self.history]
        if with_target:
            reviews.append(rs.FSRSReview(int(fsrs.rating(self.grade)), self.elapsed))
        return rs.FSRSItem(reviews)


def items(histories: list[MemoryHistory]) -> list[Item]:
    """Every review after a card's first, in time order."""
    out = []
    for h in histories:
        if not h.from_new:
            continue
        steps = [(0 if i == 0 else (day - h.reviews[i - 1][0]).days, q)
                 for i, (day, q) in enumerate(h.reviews)]
        for k in range(1, len(steps)):
            days, q = steps[k]
            if days < 1:
                continue  # the same study day: not a test of memory across days
            out.append(Item(h.reviews[k][0], tuple(steps[:k]), days, q))
    out.sort(key=lambda item: item.day)
    return out


def _too_short(found: int, what: str) -> UserError:
    # the CLI puts "trainer: " before it
    return UserError(f"{what}: {found} reviews to learn from; it needs at least {MIN_REVIEWS} "
                     "(scheduled reviews after each card's first, on a later day)")


def fit(training: list[Item]) -> tuple[float, ...]:
    """FSRS-6's weights fitted to ``training`` (fsrs-rs)."""
    weights = rs.FSRS(list(fsrs.DEFAULT_WEIGHTS)).compute_parameters(
        [i.fsrs_item(with_target=True) for i in training])
    return tuple(float(w) for w in weights)


@dataclass(frozen=True, slots=True)
class Fitted:
    params_id: int
    weights: tuple[float, ...]
    reviews: int
    rescheduled: list[int]  # the decks on FSRS, their cards' memory worked out again


def optimize(store: Store, deck_ids: list[int] | None) -> Fitted:
    """Fit FSRS to the decks' history (every deck's with None) and keep the weights as those
    decks' own; a deck already on FSRS has its cards' memory worked out again with them."""
    found = items(store.scheduling.memory_histories(deck_ids))
    if len(found) < MIN_REVIEWS:
        raise _too_short(len(found), "optimize")
    weights = fit(found)
    targets = deck_ids if deck_ids is not None else [
        d.id for d in store.decks.summaries().decks]
    pid = store.scheduling.keep_fitted(
        deck_ids[0] if deck_ids and len(deck_ids) == 1 else None, weights, len(found), store.now())
    rescheduled = []
    for deck_id in targets:
        store.options.set_fitted_params(deck_id, pid)
        if store.options.of(deck_id).scheduler == "fsrs":
            store.options.switch_scheduler(deck_id, "fsrs", rework=True)  # new weights
            rescheduled.append(deck_id)
    return Fitted(pid, weights, len(found), rescheduled)


# -- evaluation ----------------------------------------------------------------------------

def _fsrs_predictions(weights: tuple[float, ...], test: list[Item]) -> list[float]:
    model = rs.FSRS(list(weights))
    states = model.memory_state_batch([i.fsrs_item(with_target=False) for i in test])
    decay = -weights[20]
    factor = 0.9 ** (1 / decay) - 1
    return [(1 + factor * i.elapsed / max(s.stability, 0.001)) ** decay
            for i, s in zip(test, states, strict=True)]


def _sm2_prediction(item: Item) -> float:
    state = sm2.SM2State()
    for _, q in item.history:
        state = sm2.review(state, q)
    return float(0.9 ** (item.elapsed / max(1, state.interval)))


@dataclass(frozen=True, slots=True)
class Scores:
    log_loss: float
    rmse_bins: float
    auc: float | None  # None when every review was recalled (or none was)


def scores(predicted: list[float], recalled: list[bool],
           bins: list[tuple[int, ...]] | None = None) -> Scores:
    """Log loss; RMSE (bins): over groups of like reviews (``bins``, one key per review; one
    group when None), the root mean square of predicted minus actual recall, weighted by each
    group's reviews; and AUC."""
    n = len(predicted)
    loss = 0.0
    for p, y in zip(predicted, recalled, strict=True):
        p = min(max(p, 1e-6), 1 - 1e-6)
        loss -= math.log(p) if y else math.log(1 - p)
    groups: dict[tuple[int, ...], list[float]] = {}
    for p, y, key in zip(predicted, recalled, bins or [()] * n, strict=True):
        b = groups.setdefault(key, [0.0, 0.0, 0.0])
        b[0] += 1
        b[1] += p
        b[2] += y
    rmse = math.sqrt(sum((b[1] - b[2]) ** 2 / b[0] for b in groups.values()) / n)
    return Scores(loss / n, rmse, _auc(predicted, recalled))


def _auc(predicted: list[float], recalled: list[bool]) -> float | None:
    """The chance that a recalled review was predicted above a forgotten one (ties half)."""
    positives = sum(recalled)
    negatives = len(recalled) - positives
    if not positives or not negatives:
        return None
    order = sorted(range(len(predicted)), key=predicted.__getitem__)
    rank_sum, i = 0.0, 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and predicted[order[j + 1]] == predicted[order[i]]:
            j += 1
        average = (i + j) / 2 + 1
        rank_sum += average * sum(recalled[order[k]] for k in range(i, j + 1))
        i = j + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


@dataclass(frozen=True, slots=True)
class Evaluation:
    reviews: int  # predicted (every part but the first)
    models: dict[str, Scores]  # "SM-2", "FSRS (default)", "FSRS (fitted)"


def evaluate(store: Store, deck_ids: list[int] | None) -> Evaluation:
    found = items(store.scheduling.memory_histories(deck_ids))
    if len(found) < MIN_REVIEWS:
        raise _too_short(len(found), "evaluate")
    size = math.ceil(len(found) / SPLITS)
    predicted: dict[str, list[float]] = {"SM-2": [], "FSRS (default)": [], "FSRS (fitted)": []}
    recalled: list[bool] = []
    bins: list[tuple[int, ...]] = []
    for start in range(size, len(found), size):
        train, test = found[:start], found[start:start + size]
        predicted["SM-2"] += [_sm2_prediction(i) for i in test]
        predicted["FSRS (default)"] += _fsrs_predictions(fsrs.DEFAULT_WEIGHTS, test)
        predicted["FSRS (fitted)"] += _fsrs_predictions(fit(train), test)
        recalled += [i.recalled for i in test]
        bins += [i.bin for i in test]
    return Evaluation(len(recalled), {name: scores(p, recalled, bins)
                                      for name, p in predicted.items()})
