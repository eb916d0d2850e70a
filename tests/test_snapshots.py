"""Snapshots of every screen at 100x30: pinned clock, seeded shuffles, no cursor blink."""

from __future__ import annotations

from tests.tui_helpers import DATA, make_app, store_with

SIZE = (100, 30)


def snap_app(**kw):
    store = store_with(DATA / "snap.toml")
    kw.setdefault("load_bundled_decks", False)
    return make_app(store, **kw)


def study_app():
    return snap_app(start="study", deck_key="snap")


async def _wait(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _pressing(*keys: str):
    """Keys pressed one at a time, each grade's save (a worker) finished before the next key
    and before the picture: snap_compare's own ``press`` takes the picture as soon as the
    last key is sent, and on a loaded machine a grade's save was still running then."""

    async def run(pilot) -> None:
        await _wait(pilot)
        for key in keys:
            await pilot.press(key)
            await _wait(pilot)

    return run


def test_deck_list(snap_compare):
    store = store_with(DATA / "snap.toml", *sorted((DATA / "session").glob("*.toml")))
    app = make_app(store, load_bundled_decks=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_wait)


def test_basic_before(snap_compare):
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_wait)


def test_basic_after(snap_compare):
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_pressing("space"))


BASIC_DONE = ["space", "5"]
TYPED_DONE = [*BASIC_DONE, "1", "9", "5", "0", "enter", "enter"]
CLOZE_DONE = [*TYPED_DONE, "space", "5"]


def test_typed_before(snap_compare):
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_pressing(*BASIC_DONE))


def test_typed_after(snap_compare):
    press = [*BASIC_DONE, "1", "9", "5", "1", "enter"]
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_pressing(*press))


def test_cloze_before(snap_compare):
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_pressing(*TYPED_DONE))


def test_cloze_after(snap_compare):
    press = [*TYPED_DONE, "space"]
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_pressing(*press))


def test_choice_before(snap_compare):
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_pressing(*CLOZE_DONE))


def test_choice_after(snap_compare):
    press = [*CLOZE_DONE, "3"]  # the right option, this showing
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_pressing(*press))


def test_summary(snap_compare):
    press = [*CLOZE_DONE, "3", "5"]
    assert snap_compare(study_app(), terminal_size=SIZE, run_before=_pressing(*press))


def test_quiz_result(snap_compare):
    from trainer.tui.screens.quiz import QuizScreen

    app = snap_app(start="quiz", deck_key="snap", quiz_size=4)

    async def answer_all(pilot) -> None:
        await _wait(pilot)
        while isinstance(pilot.app.screen, QuizScreen):
            view = pilot.app.screen.view
            if view.kind == "typed":
                await pilot.press("1", "9", "5", "1", "enter", "enter")  # wrong
            elif view.kind == "choice":
                await pilot.press(str(view.options.index(view.answer) + 1), "enter")
            else:
                await pilot.press("space", "y" if view.kind == "basic" else "n")
        await _wait(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=answer_all)


def _stats_app():
    from tests.stats_history import build

    store, _, _ = build()
    return make_app(store, load_bundled_decks=False, start="stats")


def test_stats_overview(snap_compare):
    assert snap_compare(_stats_app(), terminal_size=SIZE, run_before=_wait)


def test_stats_forecast_and_history(snap_compare):
    assert snap_compare(_stats_app(), terminal_size=SIZE, run_before=_pressing("2"))


def test_stats_calendar(snap_compare):
    assert snap_compare(_stats_app(), terminal_size=SIZE, run_before=_pressing("3"))


def test_stats_cards(snap_compare):
    assert snap_compare(_stats_app(), terminal_size=SIZE, run_before=_pressing("4"))


def test_source_map(snap_compare):
    async def studied_then_map(pilot) -> None:
        await _wait(pilot)
        await pilot.press("space", "e")  # the first card's paragraph
        await _wait(pilot)

    assert snap_compare(study_app(), terminal_size=SIZE, run_before=studied_then_map)
