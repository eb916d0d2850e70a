from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from tests.stats_history import build
from trainer.cli import main
from trainer.render.report import render
from trainer.stats import compute, studied
from trainer.store.replay import rebuild_states
from trainer.store.reviews import reset_card, set_state


@pytest.fixture
def history(db_url):
    store, ids, _clock = build(db_url)
    yield store, ids
    store.close()


def test_every_figure_over_all_time(history):
    store, _ = history
    s = compute(store, period="all")
    assert s["schema"] == 2  # retention, heatmap, leeches and forecast changed meaning
    assert s["study_day"] == "2026-04-02"
    assert s["today"] == {"answers": 2, "time_ms": 4000,
                          "grades": {"0": 0, "1": 0, "2": 1, "3": 0, "4": 1, "5": 0},
                          "accuracy": 0.5, "new_learned": 0}
    assert s["counts"] == {"total": 3, "suspended": 0, "new": 0, "learning": 2, "young": 1,
                           "mature": 0, "buried": 0}
    forecast = {d["day"]: d["due"] for d in s["forecast"] if d["due"]}
    assert len(s["forecast"]) == 30 and s["forecast"][0]["day"] == "2026-04-02"
    assert forecast == {"2026-04-02": 1, "2026-04-03": 1, "2026-04-19": 1}  # C overdue -> today
    assert s["history"] == [
        {"day": "2026-03-26", "new": 3, "learning": 0, "young": 0, "mature": 0, "repeat": 1,
         "time_ms": 7500},
        {"day": "2026-03-27", "new": 0, "learning": 2, "young": 0, "mature": 0, "repeat": 0,
         "time_ms": 5000},  # the 02:00 reviews of 28 March
        {"day": "2026-03-29", "new": 0, "learning": 1, "young": 0, "mature": 0, "repeat": 0,
         "time_ms": 2000},
        {"day": "2026-03-30", "new": 0, "learning": 1, "young": 0, "mature": 0, "repeat": 1,
         "time_ms": 4000},  # the undone repeat is gone
        {"day": "2026-04-02", "new": 0, "learning": 0, "young": 2, "mature": 0, "repeat": 0,
         "time_ms": 4000},
    ]
    assert s["heatmap"] == [  # the history's answers: the quiz of 29 March is not a review
        {"day": "2026-03-26", "reviews": 4}, {"day": "2026-03-27", "reviews": 2},
        {"day": "2026-03-29", "reviews": 1}, {"day": "2026-03-30", "reviews": 2},
        {"day": "2026-04-02", "reviews": 2},
    ]
    assert s["streak"] == {"current": 1, "longest": 2}
    # true retention: every scheduled answer after a card's first (learning ones count as
    # young, as in Anki, by their interval of a day): A 5, B 3 on 27 March, C 5 on the 29th,
    # C 1 on the 30th, A 4 and B 2 today
    young = {"passed": 4, "total": 6, "rate": 0.6667}
    today = {"passed": 1, "total": 2, "rate": 0.5}
    none = {"passed": 0, "total": 0, "rate": None}
    assert s["retention"]["today"] == {"young": today, "mature": none, "all": today}
    for period in ("7d", "30d", "1y", "all"):
        assert s["retention"][period] == {"young": young, "mature": none, "all": young}
    assert {b["bucket"]: b["cards"] for b in s["intervals"] if b["cards"]} == {"1d": 2, "2-3w": 1}
    assert s["easiness"] == [{"easiness": 2.3, "cards": 1}, {"easiness": 2.6, "cards": 1},
                             {"easiness": 2.7, "cards": 1}]
    assert s["grades_by_maturity"] == {
        "new": {"0": 0, "1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
        "learning": {"0": 0, "1": 1, "2": 0, "3": 1, "4": 0, "5": 2},
        "young": {"0": 0, "1": 0, "2": 1, "3": 0, "4": 1, "5": 0},
        "mature": {str(q): 0 for q in range(6)},
    }
    hourly = {h["hour"]: (h["reviews"], h["passed"]) for h in s["hourly"] if h["reviews"]}
    # 10:00 GMT on 26 March and 10:30 BST on 29 March are both hour 10 local
    assert hourly == {2: (2, 2), 9: (2, 1), 10: (5, 4), 11: (2, 1)}
    assert [(h["key"], h["lapses"], h["easiness"], h["leech"]) for h in s["hardest"]] == [
        ("b", 1, 2.36, False), ("c", 1, 2.6, False)]
    assert s["leeches"] == 0
    assert s["decks"] == [{"key": "d", "name": "Deck D", "cards": 3, "mature": 0,
                           "mature_share": 0.0, "retention_30d": 0.6667}]
    assert s["tags"] == [  # t1: A and B, 3 of 4
        {"tag": "deck-tag", "cards": 3, "mature": 0, "mature_share": 0.0,
         "retention_30d": 0.6667},
        {"tag": "t1", "cards": 2, "mature": 0, "mature_share": 0.0, "retention_30d": 0.75},
    ]
    assert s["quizzes"] == {"count": 1, "sessions": [
        {"day": "2026-03-29", "answered": 2, "right": 1, "score": 0.5}]}


def test_a_shorter_period_leaves_out_older_days(history):
    store, _ = history
    s = compute(store, period="7d")
    assert s["scope"]["from"] == "2026-03-27"
    assert next(d["day"] for d in s["history"]) == "2026-03-27"
    assert s["grades_by_maturity"]["new"] == {str(q): 0 for q in range(6)}
    assert {h["hour"]: h["reviews"] for h in s["hourly"] if h["reviews"]} == {
        2: 2, 9: 2, 10: 1, 11: 2}
    today = compute(store, period="today")
    assert [d["day"] for d in today["history"]] == ["2026-04-02"]
    assert today["quizzes"]["count"] == 0


def test_deck_and_tag_scopes_agree_with_the_rollup(history):
    """All decks read the rollup; a deck or tag reads the log: the figures must agree."""
    store, _ = history
    everything = compute(store, period="all")
    one_deck = compute(store, store.decks.find("d"), period="all")
    whole_tag = compute(store, tag="deck-tag", period="all")
    for key in everything:
        if key != "scope":
            assert one_deck[key] == everything[key], key
            assert whole_tag[key] == everything[key], key


def test_tag_scope_counts_only_its_cards(history):
    store, _ = history
    s = compute(store, tag="t1", period="all")
    assert s["counts"]["total"] == 2
    assert s["heatmap"][0] == {"day": "2026-03-26", "reviews": 2}
    assert [h["key"] for h in s["hardest"]] == ["b"]


def test_rebuilt_rollup_gives_the_same_figures(history):
    store, _ = history
    before = compute(store, period="all")
    rebuild_states(store)
    assert compute(store, period="all") == before


def test_text_fits_80_columns(history):
    store, _ = history
    text = render(compute(store, period="all"))
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "2 answers in 0m 04s, accuracy 50%" in text
    assert "True retention" in text and "Deck D" in text


def _cli_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    store, _, _ = build(url)
    store.close()
    return str(tmp_path / "h.db")


def test_cli_json_and_text(tmp_path, capsys, monkeypatch):
    db = _cli_db(tmp_path)
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "config.toml").write_text('timezone = "Europe/London"\n')
    assert main(["stats", "--json", "--period", "all", "--db", db]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["counts"]["total"] == 3 and figures["scope"]["period"] == "all"
    assert main(["stats", "--deck", "Deck D", "--db", db]) == 0
    assert "deck d" in capsys.readouterr().out
    assert main(["stats", "--deck", "d", "--tag", "t1", "--db", db]) == 1
    assert "not both" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["stats", "--period", "2y", "--db", db])
    assert exc.value.code == 2


def test_export_reviews_csv(tmp_path, capsys):
    db = _cli_db(tmp_path)
    out = tmp_path / "log.csv"
    assert main(["export-reviews", "-o", str(out), "--db", db]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 13
    assert rows[0]["deck"] == "d" and rows[0]["card"] == "a" and rows[0]["kind"] == "scheduled"
    assert {r["kind"] for r in rows} == {"scheduled", "repeat", "quiz"}


def test_the_streak_counts_back_from_yesterday_until_today_is_studied(history):
    store, _ = history
    # 2 April was studied; on 3 April, with nothing answered yet, the streak still stands
    s = compute(store, period="all", today=date(2026, 4, 3))
    assert s["streak"] == {"current": 1, "longest": 2}
    # a day missed ends it
    assert compute(store, period="all", today=date(2026, 4, 4))["streak"]["current"] == 0


def test_deck_figures_are_the_same_however_they_are_computed(db_url):
    """A deck's figures are read as the whole collection's when the deck holds every card,
    and from its own cards and answers when it does not: on a random history they agree."""
    import random

    from tests.helpers import Clock, basic_deck, import_bytes, make_store
    from trainer.stats import compute

    clock = Clock()
    store, ids = make_store(db_url, n_cards=30, clock=clock)
    rng = random.Random(7)
    for _ in range(40):
        for cid in rng.sample(ids, 8):
            store.reviews.record(cid, rng.randint(0, 5), answer_ms=rng.randint(500, 9000))
        clock.advance(hours=rng.choice([5, 19, 24, 30]))
    deck = store.decks.find("d")
    whole = compute(store, deck)  # every card is in d: read as the whole collection
    import_bytes(store, basic_deck("other", 2))  # now d holds part of the collection
    grouped = compute(store, deck)
    for key in whole:  # every figure, the answers' and the cards'
        assert whole[key] == grouped[key], key
    assert whole["history"] and whole["retention"]  # the history is not empty
    assert whole["intervals"] and whole["hardest"] and whole["decks"]
    store.close()


def test_each_tags_mature_cards_and_30_day_retention_agree_with_the_cards_histories(db_url):
    """Per tag, in every scope: the mature cards and the last 30 days' true retention
    answers of the scope's cards, counted here from each card's state and history (the store
    counts them from the tag index and the study-day index). A deck's statistics once showed
    its tags' retention over every deck's cards."""
    import random
    from datetime import timedelta

    from tests.helpers import Clock, import_bytes
    from trainer.rules import MATURE_DAYS, PASS, maturity, retention_group
    from trainer.store import open_store

    def deck(key: str, n: int, tags: list[list[str]]) -> bytes:
        lines = ["schema_version = 1", "", "[deck]", f'id = "{key}"', f'name = "{key}"']
        for i in range(n):
            lines += ["", "[[cards]]", f'id = "{key}{i}"', 'kind = "basic"',
                      f'prompt = "q{key}{i}"', f'answer = "a{i}"',
                      "tags = [" + ", ".join(f'"{t}"' for t in tags[i % len(tags)]) + "]"]
        return "\n".join(lines).encode()

    clock = Clock()
    store = open_store(db_url, clock=clock)
    import_bytes(store, deck("a", 12, [["t1"], ["t1", "t2"], ["t3"]]))
    import_bytes(store, deck("b", 8, [["t2"], ["t2", "t3"]]))
    a, b = store.decks.find("a"), store.decks.find("b")
    cards = {c.id: c for d in (a, b) for c in store.cards.of_deck(d.id)}
    rng = random.Random(7)
    for _ in range(90):  # three months: some cards grow mature, some lapse
        for cid in cards:
            s = store.cards.state(cid)
            if s.due is None or s.due <= store.today():
                store.reviews.record(cid, rng.choice([5, 5, 4, 3, 1]))
        clock.advance(days=1)
    today = store.today()

    def expected(scope: set[int]) -> dict[str, tuple[int, float | None]]:
        out = {}
        for tag in {t for cid in scope for t in cards[cid].tags}:
            tagged = [cid for cid in cards if tag in cards[cid].tags]
            mature = sum(1 for cid in tagged if scope.issuperset({cid}) and (
                s := store.cards.state(cid)).repetitions >= 2 and s.interval >= MATURE_DAYS)
            answers = [r for cid in tagged if cid in scope for r in store.cards.history(cid)
                       if r.kind == "scheduled" and retention_group(maturity(
                           r.before_repetitions, r.before_interval, r.before_reviews,
                           r.before_due)) is not None
                       and today - timedelta(days=29) <= r.study_day <= today]
            passed = sum(1 for r in answers if r.quality >= PASS)
            out[tag] = (mature, round(passed / len(answers), 4) if answers else None)
        return out

    def shown(figures) -> dict[str, tuple[int, float | None]]:
        return {t["tag"]: (t["mature"], None if t["retention_30d"] is None
                           else round(t["retention_30d"], 4)) for t in figures["tags"]}

    mine = expected(set(cards))
    assert any(m for m, _ in mine.values())  # the history made some cards mature
    assert shown(compute(store)) == mine
    assert shown(compute(store, deck=a)) == expected({c.id for c in store.cards.of_deck(a.id)})
    assert shown(compute(store, tag="t2")) == expected(
        {cid for cid, c in cards.items() if "t2" in c.tags})
    store.close()


def test_the_leech_count_follows_each_decks_own_threshold(db_url):
    """A deck's leech threshold at 2: the second lapse makes the card a leech for grading
    (tagged, suspended), the search and the statistics alike; another deck keeps the default."""
    from tests.helpers import Clock, basic_deck, import_bytes, make_store
    from trainer.query import parse

    clock = Clock()
    store, ids = make_store(db_url, n_cards=2, clock=clock)
    import_bytes(store, basic_deck("other", 1))
    other = store.cards.of_deck(store.decks.find("other").id)[0].id
    store.options.set(store.decks.find("d").id, leech_lapses=2)
    for quality in (5, 1, 5, 1):  # passed, lapsed, passed, lapsed: 2 lapses each
        for card in (ids[0], other):
            store.reviews.record(card, quality)
        clock.advance(days=1)
    assert store.cards.state(ids[0]).suspended  # grading made it a leech
    assert store.cards.state(other).lapses == 2 and not store.cards.state(other).suspended
    found = store.search.cards(parse("is:leech")).cards
    assert [c.id for c in found] == [ids[0]]
    s = compute(store, period="all")
    assert s["leeches"] == 1
    assert {h["key"]: h["leech"] for h in s["hardest"]} == {"d0": True, "other0": False}
    assert compute(store, store.decks.find("other"), period="all")["leeches"] == 0
    store.close()


def test_true_retention_counts_second_and_later_reviews_by_the_interval_before(db_url):
    """Three study days of a new deck: the second day's reviews fill true retention (young),
    as Anki's "True retention" counts them; an interval of 20 days before the answer is young,
    21 mature. New cards' first answers, same-day repeats and quizzes are not retention."""
    from tests.helpers import Clock, make_store
    from trainer.scheduler.sm2 import SM2State

    clock = Clock()
    store, ids = make_store(db_url, n_cards=6, clock=clock)
    for cid in ids[:4]:
        store.reviews.record(cid, 5)  # day 1: four new cards
    store.reviews.record(ids[3], 4, "repeat")
    store.reviews.record(ids[3], 2, "quiz", session_id="quiz1")
    day1 = compute(store, period="all")["retention"]["all"]
    assert day1["all"]["total"] == 0
    clock.advance(days=1)
    for cid, quality in zip(ids[:4], (5, 4, 3, 1), strict=True):  # day 2: second reviews
        store.reviews.record(cid, quality)
    today = store.today()
    for cid, interval in ((ids[4], 20), (ids[5], 21)):
        set_state(store, cid, SM2State(3, 2.5, interval), today, kind="reschedule", reviews=3)
    store.reviews.record(ids[4], 5)  # interval 20 before: young
    store.reviews.record(ids[5], 2)  # interval 21 before: mature, failed
    figures = compute(store, period="all")
    retention = figures["retention"]
    assert retention["today"] == retention["all"] == {
        "young": {"passed": 4, "total": 5, "rate": 0.8},
        "mature": {"passed": 0, "total": 1, "rate": 0.0},
        "all": {"passed": 4, "total": 6, "rate": 0.6667},
    }
    assert figures["decks"][0]["retention_30d"] == 0.6667
    text = render(figures)
    assert "-" not in text.split("True retention")[1].splitlines()[2]  # the "today" row
    store.close()


def test_todays_forecast_leaves_out_buried_cards_until_their_burying_ends(db_url):
    """Three cards due today, one buried until tomorrow: the forecast says 2 today (as the
    deck list and is:due do) and counts the buried one tomorrow."""
    from tests.helpers import Clock, make_store
    from trainer.query import parse

    clock = Clock()
    store, ids = make_store(db_url, n_cards=3, clock=clock)
    for cid in ids:
        store.reviews.record(cid, 5)  # due tomorrow
    clock.advance(days=1)
    store.cards.bury_until_tomorrow(ids[0])
    forecast = compute(store)["forecast"]
    assert [d["due"] for d in forecast[:2]] == [2, 1]
    assert store.search.cards(parse("is:due")).total == 2
    assert store.decks.summaries().due == 2
    assert "today 2, tomorrow 1" in render(compute(store))
    store.close()


def test_the_heatmap_and_the_history_count_the_same_answers_every_day(history):
    """Both count reviews (scheduled answers and same-day repeats), as Anki's do; a quiz's
    answers change no schedule and are counted under quizzes only."""
    store, _ = history
    for scope in ({}, {"deck": store.decks.find("d")}, {"tag": "deck-tag"}):
        s = compute(store, period="all", **scope)
        assert {d["day"]: d["reviews"] for d in s["heatmap"]} == {
            d["day"]: studied(d) for d in s["history"]}
        assert s["quizzes"]["sessions"][0]["answered"] == 2


def test_rows_that_are_not_answers_carry_no_grade(tmp_path, capsys):
    """An import, a suspension, a leech, a burying, a reset…: `trainer card --json` gives
    them grade null and export-reviews an empty quality, so that a script counting grades
    never reads one as a blackout (0) or a wrong answer (1). Answers keep theirs."""
    from tests.helpers import Clock, make_store

    clock = Clock()
    db = tmp_path / "g.db"
    store, ids = make_store(f"sqlite:///{db}", n_cards=1, clock=clock)
    card = ids[0]
    store.options.set(store.decks.find("d").id, leech_lapses=1)
    store.reviews.record(card, 5)
    store.reviews.record(card, 2, "quiz", session_id="q")
    clock.advance(days=1)
    store.reviews.record(card, 0)  # a lapse: a leech at 1, tagged and suspended
    store.reviews.record(card, 4, "repeat")
    store.cards.change_many([card], "unsuspend")
    store.cards.bury_until_tomorrow(card)
    store.cards.change_many([card], "unbury")
    reset_card(store, card)
    store.cards.suspend(card)
    store.close()
    answers = {"scheduled", "repeat", "quiz"}
    assert main(["card", "d/d0", "--json", "--db", str(db)]) == 0
    history = json.loads(capsys.readouterr().out)["history"]
    assert [(h["kind"], h["grade"]) for h in history] == [
        ("scheduled", 5), ("quiz", 2), ("scheduled", 0), ("leech", None), ("repeat", 4),
        ("unsuspend", None), ("bury", None), ("unbury", None), ("reset", None),
        ("suspend", None)]
    out = tmp_path / "log.csv"
    assert main(["export-reviews", "-o", str(out), "--db", str(db)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["kind"], r["quality"]) for r in rows] == [
        (h["kind"], "" if h["kind"] not in answers else str(h["grade"])) for h in history]
