"""Text reaches the terminal only as text: a shared deck cannot retitle the terminal, write the
clipboard or clear the screen, from the TUI or the CLI; --json stays byte-exact."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.tui_helpers import make_app, settle, store_with
from trainer.cli import main
from trainer.render.words import echo, visible

ROOT = Path(__file__).resolve().parent.parent
EVIL_NAME = "Evil \x1b]0;pwned\x07 \x1b]52;c;aGk=\x07 deck"
EVIL = f"""schema_version = 1
[deck]
id = "evil"
name = {json.dumps(EVIL_NAME)}

[[cards]]
id = "e1"
kind = "basic"
prompt = "Clear \\u001b[2J\\u001b[H the screen?"
answer = "no \\u009b31m"
"""


@pytest.fixture
def evil(tmp_path):
    path = tmp_path / "evil.toml"
    path.write_text(EVIL)
    return path


def test_control_characters_are_made_visible_and_echoes_cut():
    assert visible("a\x1b[2Jb\x07\x7f\x9b\tc\n") == "a␛[2Jb␇␡\\x9b\tc\n"
    assert echo("id\nwith a newline" + "x" * 500, 80).count("\n") == 0
    assert len(echo("x" * 10_000_000, 80)) == 80


def test_the_cli_shows_names_and_errors_without_obeying_them(evil, capsys):
    assert main(["import", str(evil)]) == 0
    assert main(["decks"]) == 0
    assert main(["stats", "--deck", "evil"]) == 0
    assert main(["export", "evil\ntrainer: forged line"]) == 1
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err and "\x9b" not in out + err
    assert "Evil ␛]0;pwned␇" in out
    assert err.count("\n") == 1  # one line: the id's newline forges nothing
    assert main(["decks", "--json"]) == 0  # data stays exact
    assert json.loads(capsys.readouterr().out)[0]["name"] == EVIL_NAME


async def test_the_tui_shows_them_as_text(evil):
    store = store_with(evil)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        cell = str(app.screen.query_one(DataTable).get_row("evil")[0])
        assert "\x1b" not in cell and "␛" in cell
        await pilot.press("enter")
        await settle(pilot)
        prompt = str(app.screen.query_one("#prompt").render())
        assert prompt == "Clear ␛[2J␛[H the screen?"
    store.close()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_in_a_real_terminal_the_title_and_clipboard_stay_unchanged(evil, tmp_path):
    socket = f"trainer-test-{os.getpid()}"
    tmux = ["tmux", "-L", socket]
    env = os.environ | {"TRAINER_HOME": str(tmp_path / "home")}
    trainer = [sys.executable, "-m", "trainer"]
    subprocess.run([*trainer, "import", str(evil)], env=env, check=True, capture_output=True,
                   cwd=ROOT)
    # the pane stays open after the commands (its content is read until "done" shows)
    command = " ".join([*trainer, "decks", ";", *trainer, "stats", "--deck", "evil", ";",
                        "echo", "trainer-test-done", ";", "sleep", "600"])
    try:
        subprocess.run([*tmux, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y",
                        "30", "-e", f"TRAINER_HOME={env['TRAINER_HOME']}", "-c", str(ROOT),
                        command], check=True, env=env)
        subprocess.run([*tmux, "set-option", "-g", "set-clipboard", "on"], check=True)
        subprocess.run([*tmux, "set-option", "-g", "allow-rename", "on"], check=True)
        # both commands have run when the mark shows: a fixed wait failed on a loaded machine
        screen = ""
        for _ in range(1200):  # a guard against a hang, not a deadline
            screen = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True,
                                    text=True, check=True).stdout
            if "trainer-test-done" in screen:
                break
            time.sleep(0.1)
        assert "trainer-test-done" in screen, screen
        title = subprocess.run([*tmux, "display-message", "-p", "#{pane_title}"],
                               capture_output=True, text=True, check=True).stdout
        buffers = subprocess.run([*tmux, "list-buffers"], capture_output=True,
                                 text=True).stdout
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
    assert "pwned" not in title
    assert "hi" not in buffers and not buffers.strip()
    assert "Evil ␛]0;pwned␇" in screen  # still on screen: nothing cleared it


@pytest.mark.parametrize("argv", [["schema"], ["decks", "--json"], ["cards", ""]])
def test_a_closed_pipe_ends_output_quietly(argv, tmp_path):
    import subprocess
    import sys

    from tests.helpers import basic_deck

    deck = tmp_path / "d.toml"
    deck.write_bytes(basic_deck("d", 3000))
    env = {**__import__("os").environ}
    subprocess.run([sys.executable, "-m", "trainer", "import", str(deck)], env=env,
                   capture_output=True, check=True)
    proc = subprocess.Popen([sys.executable, "-m", "trainer", *argv], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert err == b"" or err.decode().strip().endswith("cards"), err


def test_bash_completion_offers_subcommands_and_deck_keys(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from tests.helpers import basic_deck

    deck = tmp_path / "history-of-x.toml"
    deck.write_bytes(basic_deck("history-of-x", 1))
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"}
    subprocess.run([sys.executable, "-m", "trainer", "import", str(deck)], env=env,
                   check=True, capture_output=True)
    script = subprocess.run([sys.executable, "-m", "trainer", "completion", "bash"], env=env,
                            check=True, capture_output=True, text=True).stdout
    (tmp_path / "trainer.bash").write_text(script)

    def complete(line: str) -> list[str]:
        words = line.split(" ")
        probe = (f"source {tmp_path / 'trainer.bash'}; COMP_WORDS=({line}); "
                 f"COMP_CWORD={len(words) - 1}; COMP_LINE='{line}'; COMP_POINT={len(line)}; "
                 "_shtab_trainer; printf '%s\\n' \"${COMPREPLY[@]}\"")
        done = subprocess.run(["bash", "-c", probe], env=env, capture_output=True, text=True)
        return done.stdout.split()

    assert "browse" in complete("trainer bro")
    assert complete("trainer study hist") == ["history-of-x"]
    assert "--reviews-per-day" in complete("trainer deck options history-of-x --rev")


RAW = ("\x1b", "\x07", "\x9b")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


@pytest.mark.parametrize(("argv", "read"), [
    (["export", "evil"], "toml"),
    (["export", "evil", "--format", "toml"], "toml"),
    (["export", "evil", "--format", "json"], "json"),
    (["card", "evil/e1", "--json"], "json"),
    (["cards", "", "--json"], "json"),
    (["decks", "--json"], "json"),
    (["stats", "--deck", "evil", "--json"], "json"),
    (["map", "evil", "--json"], "json"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_data_on_stdout_escapes_every_control_character_and_stays_exact(evil, capsys, argv,
                                                                        read):
    import tomllib

    assert main(["import", str(evil)]) == 0
    capsys.readouterr()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in RAW), "a control character reached the terminal raw"
    data = tomllib.loads(out) if read == "toml" else json.loads(out)
    text = "\n".join(strings(data))
    if argv[0] in ("export", "card", "cards"):
        assert "no \x9b31m" in text  # the same answer, read back
    if argv[0] in ("export", "decks"):
        assert EVIL_NAME in text


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
def test_csv_on_a_terminal_shows_controls_and_in_a_pipe_stays_exact(evil, capsys, monkeypatch,
                                                                    terminal):
    assert main(["import", str(evil)]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdout.isatty", lambda: terminal)
    assert main(["export", "evil", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    if terminal:
        assert not any(c in out for c in RAW) and "no \\x9b31m" in out
    else:
        assert "no \x9b31m" in out  # data for the program reading it, exactly


def test_a_file_keeps_the_exact_text(evil, tmp_path, capsys):
    assert main(["import", str(evil)]) == 0
    for fmt in ("toml", "json", "csv"):
        out = tmp_path / f"out.{fmt}"
        assert main(["export", "evil", "-o", str(out)]) == 0
        assert main(["import", str(out), "--dry-run"] + (["--deck", "evil"] if fmt == "csv"
                                                         else [])) == 0
        if fmt == "csv":
            assert "no \x9b31m" in out.read_text()
    assert "0 updated" in capsys.readouterr().out


def test_export_reviews_into_a_closed_pipe_ends_quietly(tmp_path):
    """`trainer export-reviews | head -1` printed 'None: cannot write: Broken pipe' and
    exited 1; like every other command it ends quietly with 0."""
    from tests.helpers import basic_deck

    deck = tmp_path / "d.toml"
    deck.write_bytes(basic_deck("d", 3000))
    env = {**os.environ}
    for argv in (["import", str(deck)], ["suspend", "", "--yes"]):  # a log row a card
        subprocess.run([sys.executable, "-m", "trainer", *argv], env=env, capture_output=True,
                       check=True)
    proc = subprocess.Popen([sys.executable, "-m", "trainer", "export-reviews"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, b"")
