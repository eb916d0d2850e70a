"""`trainer serve` in a real browser: the distribution's Chromium, headless, driven by
Selenium through the distribution's chromedriver (no browser download, no network). It loads
the page, waits for the deck list, studies and grades a card with the keys a student presses,
and the review is in the database; without the token, or with a wrong one, the page is
refused. Screenshots of the deck list and of the card go to tests/artifacts/ for a person to
look at. scripts/test installs Chromium where it can; without it this test is skipped (and
fails instead when TRAINER_REQUIRE_BROWSER is set, as in CI once the install succeeded)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers import basic_deck
from trainer.cli import main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_browser import Served, find_browser, page  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.slow  # a browser and a server start: several seconds
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ENTER = "\ue007"  # selenium's Keys.ENTER


@pytest.fixture(scope="module")
def chromium() -> tuple[str, str]:
    found = find_browser()
    if isinstance(found, str):
        if os.environ.get("TRAINER_REQUIRE_BROWSER"):
            pytest.fail(found)
        pytest.skip(found)
    return found


def test_a_card_studied_in_chromium_is_in_the_database(chromium, tmp_path, capsys):
    deck = tmp_path / "deck.toml"
    deck.write_bytes(basic_deck("web", 3, name="Web deck"))
    assert main(["import", str(deck)]) == 0
    server = Served(dict(os.environ))
    try:
        with page(*chromium) as browser:
            for refused in (server.base, server.base + "?token=wrong"):
                browser.open(refused)
                assert browser.body().startswith("403: this trainer needs the address")
            browser.open(server.url)
            browser.wait_for("your decks for today")
            browser.wait_for("Web deck")
            # the page gives the terminal the focus: the keys' line shows, no click needed
            browser.wait_for("Study all")
            browser.screenshot(ARTIFACTS / "serve-deck-list.png")
            browser.press(ENTER)  # study the selected deck
            browser.wait_for("q0")
            browser.press(" ")  # show the answer
            browser.wait_for("a0")
            browser.screenshot(ARTIFACTS / "serve-card.png")
            mark = browser.frames()
            browser.press("4")  # right, after hesitation
            browser.wait_for("q1", mark)  # the next card: the grade is committed
    finally:
        assert server.stop() == 0
    log = server.log()
    assert "refused GET / from 127.0.0.1: no token" in log
    assert "refused GET / from 127.0.0.1: wrong token" in log
    capsys.readouterr()
    assert main(["cards", "rated:1"]) == 0
    out = capsys.readouterr().out
    assert "web/web0" in out and "web/web1" not in out
    assert (ARTIFACTS / "serve-card.png").stat().st_size > 10_000
