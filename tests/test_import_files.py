from __future__ import annotations

import pytest

from tests.import_helpers import DECK, db_rows, run
from trainer.cli import main
from trainer.store.replay import rebuild_states


@pytest.fixture
def deck_file(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(DECK)
    return path


def test_native_import_creates_every_study_card(deck_file, _isolated_home, capsys):
    assert run("import", str(deck_file)) == 0
    assert "5 added, 0 updated, 0 unchanged, 0 pruned, 0 skipped" in capsys.readouterr().out
    rows = db_rows(_isolated_home, "SELECT key, kind, prompt, answer, accept, cloze_number, "
                   "source_quote, source_para FROM card ORDER BY position")
    assert rows == [
        ("mao-waits", "typed", "How many days did Stalin make Mao wait? [@click=app.quit]", "17",
         '["seventeen", "17 days"]', None, "made him wait for 17 days", 5),
        ("trip#c1", "cloze", "In [...] Mao went to Moscow.", "1949", "[]", 1, "", None),
        ("trip#c2", "cloze", "In 1949 Mao went to [a capital].", "Moscow", "[]", 2, "", None),
        ("who", "choice", "Who lectured Mao?", "Stalin", "[]", None, "", None),
        ("basic-one", "basic", "[/]", "[red]not red[/red]", "[]", None, "", None),
    ]
    tags = db_rows(_isolated_home, "SELECT c.key, t.tag FROM card_tag t JOIN card c ON "
                   "c.id = t.card_id WHERE c.key = 'mao-waits' ORDER BY t.tag")
    assert tags == [("mao-waits", "1949"), ("mao-waits", "demo")]


def test_reimport_unchanged_updated_missing_pruned(deck_file, _isolated_home, capsys):
    assert run("import", str(deck_file)) == 0
    # study a card, then change its answer: progress must stay
    from trainer.store import open_store

    store = open_store()
    cid = db_rows(_isolated_home, "SELECT id FROM card WHERE key = 'who'")[0][0]
    store.reviews.record(cid, 5)
    state = store.cards.state(cid)
    store.close()
    capsys.readouterr()
    assert run("import", str(deck_file)) == 0
    assert "0 added, 0 updated, 5 unchanged" in capsys.readouterr().out
    edited = DECK.replace('answer = "Stalin"', 'answer = "Joseph Stalin"')
    edited = edited.split("[[cards]]\nid = \"basic-one\"")[0]
    deck_file.write_text(edited)
    assert run("import", str(deck_file)) == 0
    out = capsys.readouterr().out
    assert "0 added, 1 updated, 3 unchanged, 0 pruned" in out
    assert "1 not in the file" in out and "not in the file: basic-one" in out
    store = open_store()
    assert store.cards.state(cid) == state
    assert store.cards.get(cid).answer == "Joseph Stalin"
    store.close()
    assert run("import", str(deck_file), "--prune", "--yes") == 0
    assert "1 pruned" in capsys.readouterr().out
    # retired, as the browser's delete retires: the card and its history stay
    assert db_rows(_isolated_home, "SELECT s.retired FROM card c JOIN card_state s "
                   "ON s.card_id = c.id WHERE c.key = 'basic-one'") == [(1,)]


def test_dry_run_changes_nothing(deck_file, _isolated_home, capsys):
    assert run("import", str(deck_file), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "would import Demo [bold]deck[/] [demo]: 5 added" in out
    assert "nothing was changed" in out
    assert db_rows(_isolated_home, "SELECT COUNT(*) FROM deck") == [(0,)]


def test_errors_all_at_once_with_line_card_field(tmp_path, _isolated_home, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(DECK.replace('answer = "17"', 'answr = "17"')
                   .replace('distractors = ["Khrushchev", "Lenin"]',
                            'distractors = ["Stalin", "Lenin"]')
                   .replace('id = "basic-one"', 'id = "who"'))
    assert run("import", str(bad)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"trainer: {bad}:9: card mao-waits: answer: Field required",
        f"trainer: {bad}:9: card mao-waits: answr: unknown field (a typo?)",
        f"trainer: {bad}:24: card who: distractors: a distractor equals the answer",
        f"trainer: {bad}:31: card who: id: duplicate card id (also card #3)",
    ]
    assert db_rows(_isolated_home, "SELECT COUNT(*) FROM card") == [(0,)]


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        (b"", ".toml", "the file is empty"),
        (b"\x00\x01\x02binary\x00" * 20, ".csv", "a binary file"),
        ("caf\u00e9,x\n".encode("latin-1"), ".csv", "not UTF-8 text"),
        (b'a,b\n"never closed,x\nc,d\n', ".csv", ':2: a quoted field is never closed'),
        (b"schema_version = 1\n[deck\n", ".toml", "not valid TOML"),
        (b'{"schema_version": 1, "deck": {"id": "Bad Id", "name": "x"}}', ".json",
         "deck.id: String should match pattern"),
        (b"schema_version = 2\n[deck]\nid='x'\nname='x'\n", ".toml", "schema_version"),
        (b'[[cards]]\nid = "x"\nkind = "clozee"\n', ".toml", "kind must be one of"),
        (b"#separator:Tab\n#bogus header:1\n", ".txt", "unknown header #bogus header:"),
    ],
)
def test_bad_input_one_line_each_nothing_changed(tmp_path, _isolated_home, capsys, content,
                                                 suffix, message):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    assert run("import", str(path)) == 1
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err
    assert all(line.startswith("trainer: ") for line in err.strip().splitlines())
    assert db_rows(_isolated_home, "SELECT COUNT(*) FROM card") == [(0,)]


def test_one_bad_file_among_good_ones_imports_nothing(deck_file, tmp_path, _isolated_home,
                                                      capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    assert run("import", str(deck_file), str(bad)) == 1
    assert db_rows(_isolated_home, "SELECT COUNT(*) FROM deck") == [(0,)]


def test_missing_file_and_unknown_format(tmp_path, capsys):
    assert run("import", str(tmp_path / "nope.toml")) == 1
    assert "no such file" in capsys.readouterr().err
    other = tmp_path / "deck.xyz"
    other.write_text("x")
    assert run("import", str(other)) == 1
    assert "--format" in capsys.readouterr().err


def test_a_changed_explanation_is_a_changed_card(deck_file, _isolated_home, capsys):
    assert run("import", str(deck_file)) == 0
    capsys.readouterr()
    deck_file.write_text(DECK.replace("At a country house outside Moscow.",
                                      "At a dacha outside Moscow."))
    assert run("import", str(deck_file)) == 0
    assert "0 added, 1 updated, 4 unchanged" in capsys.readouterr().out
    assert db_rows(_isolated_home, "SELECT explanation FROM card WHERE key = 'mao-waits'") == [
        ("At a dacha outside Moscow.",)]


def test_more_than_twenty_notes_of_a_deck_are_counted_not_listed(tmp_path, capsys):
    path = tmp_path / "dups.tsv"
    path.write_text("same front\tback\n" * 30)
    assert run("import", str(path), "--deck", "Dups") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 22 and out[-1] == "  ... and 9 more notes like these"


def test_reimport_through_the_store_on_every_backend(db_url):
    from tests.helpers import basic_deck, import_bytes
    from trainer.settings import Settings
    from trainer.store import open_store

    store = open_store(db_url, settings=Settings(timezone="UTC"))
    import_bytes(store, basic_deck("r", 5))
    card = store.cards.of_deck(store.decks.find("r").id)[1]
    store.reviews.record(card.id, 5)
    state = store.cards.state(card.id)
    import_bytes(store, basic_deck("r", 5).replace(b'"a1"', b'"a1, edited"'))
    assert store.cards.get(card.id).answer == "a1, edited" and store.cards.state(card.id) == state
    assert rebuild_states(store) == 0
    store.close()


def test_import_a_folder_of_decks(tmp_path, capsys):
    folder = tmp_path / "decks"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    (folder / "a.toml").write_text(DECK)
    (folder / "sub" / "b.csv").write_text("Question,Answer\nQ1,A1\n")
    (folder / ".hidden" / "c.csv").write_text("Question,Answer\nQ2,A2\n")
    (folder / "notes.md").write_text("not a deck")
    assert main(["import", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.count("imported ") == 2 and "[b]" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["import", str(empty)]) == 1
    assert "no deck files in this folder" in capsys.readouterr().err


def test_watch_reimports_a_saved_file_and_reports_a_bad_one(tmp_path):
    import os
    import queue
    import subprocess
    import sys
    import threading

    folder = tmp_path / "decks"
    folder.mkdir()
    env = {**os.environ, "TRAINER_WATCH_POLL": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "trainer", "watch", str(folder)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True
                     ).start()

    def saved(text: str) -> str:
        """Save until the watcher reports (its first scan may not have begun yet)."""
        for _ in range(20):
            (folder / "a.toml").write_text(text)
            try:
                return lines.get(timeout=1.5)
            except queue.Empty:
                continue
        raise AssertionError("the watcher never reported")

    try:
        assert lines.get(timeout=30).startswith("watching ")
        assert "a.toml: Demo [bold]deck[/] [demo]: 5 added" in saved(DECK)
        assert "a.toml: not imported:" in saved(DECK.replace('answer = "Stalin"', 'answer = ""'))
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_the_progress_bar_ends_once(tmp_path, monkeypatch, capsys):
    """On a terminal a big import shows one bar, ended once: the last chunk and the deck's
    end both reported the same count, and the full bar was printed twice."""
    import sys

    rows = "".join(f"q{i}\ta{i}\n" for i in range(2500))
    (tmp_path / "big.tsv").write_text(rows)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert run("import", str(tmp_path / "big.tsv")) == 0
    err = capsys.readouterr().err
    assert err.count("2500/2500") == 1, err[-300:]
