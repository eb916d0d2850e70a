#!/usr/bin/env python3
"""The trainer in a real browser: `trainer serve` on a free port, the distribution's Chromium
(headless) driven by Selenium through the distribution's chromedriver. Used by the browser
test (tests/test_serve_browser.py) and by scripts/bench.py for two figures, each the median
of --rounds rounds:

    browser_page_to_deck_list   from the page's navigation start to the frame that draws the
                                deck list reaching the page
    browser_grade_to_next_card  from the grade key's keydown to the frame that draws the next
                                card reaching the page

Both are timed inside the page (performance.now()), so Selenium's polling adds nothing.
Run alone: scripts/bench_browser.py [--rounds 5].

The page's terminal is drawn on a canvas, so the text is read where it arrives: a script put
in the page before its own wraps WebSocket and keeps each frame the server sends, with its
time; `Page.text_since` strips the terminal's escape sequences from them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)
DEBIAN_DRIVER = Path("/usr/bin/chromedriver")  # Debian's chromium-driver
WINDOW = (1100, 700)  # the browser's window: about 130 columns by 40 rows at 16 px
# Kept in the page from its first script on: each binary frame's text and arrival time, and
# the time of the latest keydown.
RECORDER = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.__frames = [];
  window.__keyAt = null;
  document.addEventListener("keydown", () => { window.__keyAt = performance.now(); }, true);
  function Recorded(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        const text = decoder.decode(new Uint8Array(event.data), {stream: true});
        window.__frames.push([performance.now(), text]);
      }
    });
    return socket;
  }
  Recorded.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Recorded[name] = Native[name];
  window.WebSocket = Recorded;
})();
"""
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
TIMEOUT = 60.0  # seconds to wait for a screen (a slow, shared machine; never reached when well)


def find_browser() -> tuple[str, str] | str:
    """(chromium, chromedriver), or why they cannot be had."""
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    driver = next((found for name in DRIVERS if (found := shutil.which(name))), None)
    if driver is None and DEBIAN_DRIVER.exists():
        driver = str(DEBIAN_DRIVER)
    if browser is None or driver is None:
        return ("no Chromium and chromedriver on this machine (Debian: apt-get install "
                "chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return browser, driver


class Served:
    """`trainer serve --port 0` in a process of its own, on the environment's database."""

    def __init__(self, env: dict[str, str], *extra: str) -> None:
        trainer = Path(sys.executable).parent / "trainer"
        command = [str(trainer)] if trainer.exists() else [sys.executable, "-m", "trainer"]
        self.process = subprocess.Popen(
            [*command, "serve", "--port", "0", *extra], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.printed: list[str] = []
        self.stderr: str | None = None
        self.url = self._address()
        self.base = self.url.split("?", 1)[0]

    def _address(self) -> str:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.printed.append(line)
            if line.strip().startswith("http"):
                return line.strip()
        self.stop()
        raise RuntimeError(f"trainer serve printed no address: "
                           f"{''.join(self.printed)}{self.log()}")

    def stop(self) -> int:
        """Ctrl+C's signal; the server's exit code. Its pipes are closed, its log kept."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.stderr is None:
            assert self.process.stdout is not None and self.process.stderr is not None
            self.stderr = self.process.stderr.read()
            self.process.stdout.close()
            self.process.stderr.close()
        return self.process.returncode

    def log(self) -> str:
        """What the server wrote to stderr (once stopped)."""
        return self.stderr or ""


class Page:
    """One headless Chromium window, its terminal's frames recorded."""

    def __init__(self, browser: str, driver: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         f"--window-size={WINDOW[0]},{WINDOW[1]}", "--hide-scrollbars",
                         "--no-first-run", "--disable-extensions",
                         "--enable-unsafe-swiftshader"):  # WebGL without a GPU
            options.add_argument(argument)
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=driver))
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                    {"source": RECORDER})

    def open(self, url: str) -> None:
        self.driver.get(url)

    def frames(self) -> int:
        """How many frames have arrived: a mark for ``wait_for``."""
        return int(self.driver.execute_script("return (window.__frames || []).length"))

    def text_since(self, mark: int = 0) -> str:
        """The text of the frames since ``mark``, escape sequences removed."""
        texts = self.driver.execute_script(
            "return (window.__frames || []).slice(arguments[0]).map(f => f[1])", mark)
        return ESCAPES.sub("", "".join(texts))

    def wait_for(self, text: str, mark: int = 0, timeout: float = TIMEOUT) -> float:
        """Until ``text`` arrives in a frame after ``mark``; the page's time (ms) of the frame
        that completed it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frames = self.driver.execute_script(
                "return (window.__frames || []).slice(arguments[0])", mark)
            joined = ""
            for at, chunk in frames:
                joined += ESCAPES.sub("", chunk)
                if text in joined:
                    return float(at)
            time.sleep(0.02)
        raise TimeoutError(f"{text!r} not drawn in {timeout:.0f} s; the page got: "
                           f"{self.text_since(mark)[-1500:]!r}")

    def press(self, *keys: str) -> None:
        """Keys typed into the terminal, as a person types them."""
        from selenium.webdriver.common.action_chains import ActionChains

        # xterm.js reads the keys of a hidden text field; it has the focus after a click
        self.driver.execute_script(
            "document.querySelector('.xterm-helper-textarea').focus()")
        for key in keys:
            ActionChains(self.driver).send_keys(key).perform()

    def key_time(self) -> float:
        """The page's time (ms) of the latest keydown."""
        return float(self.driver.execute_script("return window.__keyAt"))

    def body(self) -> str:
        """The page's text (a refusal's, say; the terminal's is drawn, not text)."""
        return str(self.driver.execute_script("return document.body.innerText"))

    def screenshot(self, path: Path) -> None:
        """The window as a PNG, once what arrived is painted and the terminal faded in."""
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(done));")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not self.driver.execute_script(
                "const t = document.getElementById('terminal');"
                "return !t || getComputedStyle(t).opacity === '1'"):
            time.sleep(0.05)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))

    def close(self) -> None:
        self.driver.quit()


@contextmanager
def page(browser: str, driver: str) -> Iterator[Page]:
    opened = Page(browser, driver)
    try:
        yield opened
    finally:
        opened.close()


DECK_KEY = "bench-browser"


def deck_file(path: Path, cards: int) -> Path:
    """A native deck of ``cards`` basic cards whose prompts are told apart by their number."""
    lines = ["schema_version = 1", "", "[deck]", f'id = "{DECK_KEY}"', 'name = "Browser bench"']
    for i in range(cards):
        lines += ["", "[[cards]]", f'id = "c{i}"', 'kind = "basic"',
                  f'prompt = "Question number {i:03d}"', f'answer = "Answer number {i:03d}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def trainer_command() -> list[str]:
    trainer = Path(sys.executable).parent / "trainer"
    return [str(trainer)] if trainer.exists() else [sys.executable, "-m", "trainer"]


def measure(rounds: int = 5) -> dict[str, list[float]] | str:
    """Each figure's times (seconds) over ``rounds`` rounds, or why there is no browser. One
    data dir with one deck, one server, one browser; each round opens the page afresh (a new
    app process, as a reload is), studies the deck's next new card and grades it."""
    found = find_browser()
    if isinstance(found, str):
        return found
    browser, driver = found
    times: dict[str, list[float]] = {"browser_page_to_deck_list": [],
                                     "browser_grade_to_next_card": []}
    with tempfile.TemporaryDirectory(prefix="trainer-browser-") as home:
        env = os.environ | {"TRAINER_HOME": home, "TRAINER_BUNDLED_DECKS": "0",
                            "PYTHONPATH": str(ROOT)}
        deck = deck_file(Path(home) / "deck.toml", rounds + 1)
        subprocess.run([*trainer_command(), "import", str(deck)], env=env, check=True,
                       capture_output=True)
        served = Served(env)
        try:
            with page(browser, driver) as p:
                for i in range(rounds):
                    p.open(served.url)
                    drawn = p.wait_for("Browser bench")  # ms since the navigation started
                    times["browser_page_to_deck_list"].append(drawn / 1000)
                    p.press("\ue007")  # enter: study the selected deck
                    p.wait_for(f"Question number {i:03d}")
                    p.press(" ")  # show the answer
                    p.wait_for(f"Answer number {i:03d}")
                    mark = p.frames()
                    p.press("4")  # right, after hesitation: not due again today
                    shown = p.wait_for(f"Question number {i + 1:03d}", mark)
                    times["browser_grade_to_next_card"].append((shown - p.key_time()) / 1000)
        finally:
            served.stop()
    return times


def report(emit: Callable[[str, int, float, str], None], rounds: int = 5) -> None:
    """scripts/bench.py's browser figures: each the median of ``rounds`` (n: the rounds), or
    a line on stderr saying why there are none."""
    result = measure(rounds)
    if isinstance(result, str):
        print(f"bench: no browser figures: {result}", file=sys.stderr)
        return
    for name, values in result.items():
        emit(name, rounds, statistics.median(values), "s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = measure(args.rounds)
    if isinstance(result, str):
        print(f"bench_browser: skipped: {result}", file=sys.stderr)
        return 0
    for name, values in result.items():
        print(json.dumps({"name": name, "n": args.rounds,
                          "value": round(statistics.median(values), 4), "unit": "s",
                          "rounds": [round(v, 4) for v in values]}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
