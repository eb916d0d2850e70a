from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.cli import main

DECK = """\
schema_version = 1
[deck]
id = "demo"
name = "Demo [bold]deck[/]"
description = "A deck for tests"
source = "tests"
tags = ["demo"]

[[cards]]
id = "mao-waits"
kind = "typed"
prompt = "How many days did Stalin make Mao wait? [@click=app.quit]"
answer = "17"
accept = ["seventeen", "17 days"]
explanation = "At a country house outside Moscow."
tags = ["1949"]
source = { quote = "made him wait for 17 days", para = 5 }

[[cards]]
id = "trip"
kind = "cloze"
text = "In {{c1::1949}} Mao went to {{c2::Moscow::a capital}}."

[[cards]]
id = "who"
kind = "choice"
prompt = "Who lectured Mao?"
answer = "Stalin"
distractors = ["Khrushchev", "Lenin"]

[[cards]]
id = "basic-one"
kind = "basic"
prompt = "[/]"
answer = "[red]not red[/red]"
"""


def run(*argv: str) -> int:
    return main(list(argv))


def db_rows(home: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(home / "trainer.db")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


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
    store.record_review(cid, 5)
    state = store.state(cid)
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
    assert store.state(cid) == state
    assert store.card(cid).answer == "Joseph Stalin"
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


ANKI_TEXT = (
    "\ufeff#separator:Semicolon\n#html:true\n#tags:imported\n#columns:Front;Back;Tags;GUID\n"
    "#deck:Capitals &amp; more\n#tags column:3\n#guid column:4\n"
    'Paris;"Capital of <b>France</b>; the city of light";europe;g-paris\n'
    '"multi\nline";"x&amp;y<br>z";;g-multi\n'
    "{{c1::Moscow}} is in {{c2::Russia}};Back extra;geo;g-cloze\n"
)


def test_anki_text_file_with_every_header(tmp_path, _isolated_home, capsys):
    path = tmp_path / "anki.txt"
    path.write_text(ANKI_TEXT, encoding="utf-8")
    assert run("import", str(path)) == 0
    out = capsys.readouterr().out
    assert "Capitals &amp; more [capitals-amp-more]: 4 added" in out
    rows = db_rows(_isolated_home, "SELECT key, kind, prompt, answer, tags FROM card "
                   "ORDER BY position")
    assert rows == [
        ("g-paris", "basic", "Paris", "Capital of France; the city of light", "imported europe"),
        ("g-multi", "basic", "multi\nline", "x&y\nz", "imported"),
        ("g-cloze#c1", "cloze", "[...] is in Russia", "Moscow", "imported geo"),
        ("g-cloze#c2", "cloze", "Moscow is in [...]", "Russia", "imported geo"),
    ]


def test_tsv_without_headers_guesses_and_keys_by_first_field(tmp_path, _isolated_home, capsys):
    path = tmp_path / "plain.tsv"
    path.write_text("front one\tback one\tt1\nfront two\tback two\n")
    assert run("import", str(path), "--deck", "Plain Deck") == 0
    assert "Plain Deck [plain-deck]: 2 added" in capsys.readouterr().out
    from trainer.store import open_store

    store = open_store()
    cid = db_rows(_isolated_home, "SELECT id FROM card WHERE prompt = 'front one'")[0][0]
    store.record_review(cid, 4)
    state = store.state(cid)
    store.close()
    # editing the answer (and the case and spacing of the front) keeps the card and its progress
    path.write_text("Front  One\tback edited\nfront two\tback two\n")
    assert run("import", str(path), "--deck", "Plain Deck") == 0
    assert "0 added, 1 updated, 1 unchanged" in capsys.readouterr().out
    store = open_store()
    assert store.state(cid) == state
    store.close()


def test_duplicate_rows_are_skipped_with_a_reason(tmp_path, capsys):
    path = tmp_path / "dups.csv"
    path.write_text("a,1\nb,2\nA,3\nonly-one-field\n")
    assert run("import", str(path)) == 0
    out = capsys.readouterr().out
    assert "2 added" in out and "2 skipped" in out
    assert "line 3: skipped: same first field as line 1" in out
    assert "line 4: skipped: needs a prompt and an answer" in out


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_native_export_round_trips_identically(deck_file, tmp_path, fmt, capsys,
                                                monkeypatch):
    assert run("import", str(deck_file)) == 0
    out = tmp_path / f"out.{fmt}"
    assert run("export", "demo", "-o", str(out)) == 0
    from trainer.formats.native import parse_native

    original = parse_native(deck_file.read_bytes(), "a")
    exported = parse_native(out.read_bytes(), "b", fmt)
    exported.origin = original.origin = ""
    assert exported == original
    # and into a fresh database, then out again: the same bytes
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "second"))
    assert run("import", str(out)) == 0
    again = tmp_path / f"again.{fmt}"
    assert run("export", "Demo [bold]deck[/]", "-o", str(again)) == 0
    assert again.read_text() == out.read_text()


def test_csv_export_reimports(deck_file, tmp_path, capsys, monkeypatch):
    assert run("import", str(deck_file)) == 0
    out = tmp_path / "out.csv"
    assert run("export", "demo", "--format", "csv", "-o", str(out)) == 0
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "second"))
    capsys.readouterr()
    assert run("import", str(out)) == 0
    report = capsys.readouterr().out
    # a new choice card cannot come from a row (no options): skipped, never made basic
    assert "4 added" in report and "a new multiple-choice card needs its distractors" in report
    # a CSV names its deck by name (#deck:), so the re-imported deck is found by that name
    assert run("export", "Demo [bold]deck[/]", "--format", "csv") == 0
    written = [line for line in out.read_text().splitlines() if not line.endswith(",choice")]
    assert capsys.readouterr().out.splitlines() == written


def test_decks_json(deck_file, capsys):
    assert run("decks", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run("import", str(deck_file)) == 0
    capsys.readouterr()
    assert run("decks", "--json") == 0
    # five cards, but the cloze's two gaps are one note: one a day, as studying gives them
    assert json.loads(capsys.readouterr().out) == [
        {"key": "demo", "name": "Demo [bold]deck[/]", "cards": 5, "new": 4, "due": 0}]
    assert run("decks") == 0
    assert "Demo [bold]deck[/]" in capsys.readouterr().out


def test_export_unknown_deck(capsys):
    assert run("export", "nope") == 1
    assert "no deck with key or name 'nope'" in capsys.readouterr().err


def test_schema_is_json_schema_of_deck_files(capsys):
    assert run("schema") == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "trainer deck file"
    assert {"basic", "typed", "cloze", "choice"} <= {
        d["properties"]["kind"]["const"] for d in schema["$defs"].values()
        if "kind" in d.get("properties", {})}


def test_db_flag_before_and_after_subcommand(deck_file, tmp_path, capsys):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert run("--db", str(a), "import", str(deck_file)) == 0
    assert run("import", str(deck_file), "--db", str(b)) == 0
    capsys.readouterr()
    for db in (a, b):
        assert run("decks", "--json", "--db", str(db)) == 0
        assert len(json.loads(capsys.readouterr().out)) == 1


def test_trainer_db_env(deck_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRAINER_DB", str(tmp_path / "env.db"))
    assert run("import", str(deck_file)) == 0
    assert (tmp_path / "env.db").exists()
    assert run("decks", "--json", "--db", str(tmp_path / "flag.db")) == 0
    assert "[]" in capsys.readouterr().out  # --db beats TRAINER_DB


def test_broken_database_is_one_line_error(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    assert run("decks", "--db", str(bad)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a trainer database" in err


def test_deck_and_notetype_columns_split_rows_into_decks(tmp_path, _isolated_home, capsys):
    path = tmp_path / "multi.txt"
    path.write_text(
        "#separator:Pipe\n#columns:Notetype|Deck|Front|Back\n#notetype column:1\n"
        "#deck column:2\n"
        "Basic|Geography|Capital of France?|Paris\n"
        "Cloze|History|{{c1::Mao}} met Stalin in 1949|\n"
        "Basic|History|Year the PRC was founded?|1949\n"
    )
    assert run("import", str(path)) == 0
    out = capsys.readouterr().out
    assert "Geography [geography]: 1 added" in out and "History [history]: 2 added" in out
    rows = db_rows(_isolated_home, "SELECT d.key, c.kind, c.prompt FROM card c JOIN deck d "
                   "ON d.id = c.deck_id ORDER BY d.key, c.position")
    assert rows == [
        ("geography", "basic", "Capital of France?"),
        ("history", "cloze", "[...] met Stalin in 1949"),
        ("history", "basic", "Year the PRC was founded?"),
    ]


def test_a_changed_explanation_is_a_changed_card(deck_file, _isolated_home, capsys):
    assert run("import", str(deck_file)) == 0
    capsys.readouterr()
    deck_file.write_text(DECK.replace("At a country house outside Moscow.",
                                      "At a dacha outside Moscow."))
    assert run("import", str(deck_file)) == 0
    assert "0 added, 1 updated, 4 unchanged" in capsys.readouterr().out
    assert db_rows(_isolated_home, "SELECT explanation FROM card WHERE key = 'mao-waits'") == [
        ("At a dacha outside Moscow.",)]


def test_a_text_file_separated_by_pipes(tmp_path, _isolated_home, capsys):
    path = tmp_path / "pipes.txt"
    path.write_text("Capital of France?|Paris\nCapital of Italy, 1870?|Rome\n")
    assert run("import", str(path), "--deck", "Pipes") == 0
    assert "Pipes [pipes]: 2 added" in capsys.readouterr().out
    assert db_rows(_isolated_home, "SELECT prompt, answer FROM card ORDER BY position") == [
        ("Capital of France?", "Paris"), ("Capital of Italy, 1870?", "Rome")]


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
    card = store.deck_cards(store.find_deck("r").id)[1]
    store.record_review(card.id, 5)
    state = store.state(card.id)
    import_bytes(store, basic_deck("r", 5).replace(b'"a1"', b'"a1, edited"'))
    assert store.card(card.id).answer == "a1, edited" and store.state(card.id) == state
    assert store.rebuild_states() == 0
    store.close()


def test_a_spreadsheet_csv_with_a_header_row(tmp_path, capsys):
    sheet = tmp_path / "capitals.csv"
    sheet.write_text("Answer,Question,Tags\nParis,Capital of France?,europe geo\n"
                     "Tokyo,Capital of Japan?,asia\nLima,Capital of Peru?,\n"
                     "Rome,Capital of Italy?,europe\n")
    assert main(["import", str(sheet), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "4 added" in out
    assert "Capital of France? → Paris  tags: europe geo" in out  # columns by their names
    assert "Capital of Italy" not in out  # three cards shown
    assert "nothing was changed" in out
    assert main(["import", str(sheet)]) == 0
    capsys.readouterr()
    assert main(["cards", "tag:europe", "--json"]) == 0
    import json

    assert [c["answer"] for c in json.loads(capsys.readouterr().out)] == ["Paris", "Rome"]
    assert main(["cards", "Answer"]) == 0  # the header row is not a card
    assert capsys.readouterr().out == ""


def test_a_kind_column_carries_typed_cards(tmp_path, capsys):
    sheet = tmp_path / "k.tsv"
    sheet.write_text("Front\tBack\tKind\nYear of the treaty?\t2001\ttyped\n"
                     "Who signed it?\tPutin\tbasic\nPick one\tA\tchoice\n")
    assert main(["import", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert "2 added" in out and "a new multiple-choice card needs its distractors" in out
    assert main(["cards", "kind:typed"]) == 0
    assert "Year of the treaty?" in capsys.readouterr().out


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


def test_images_and_sounds_show_where_they_were():
    from trainer.formats.html_text import html_to_text

    text, media = html_to_text('Which building?<br><img src="kremlin.jpg"> [sound:bell.mp3]')
    assert text == "Which building?\n[image: kremlin.jpg] [sound: bell.mp3]"
    assert media == ["bell.mp3", "kremlin.jpg"]


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


def test_a_csv_export_reimports_into_its_own_deck(tmp_path, capsys):
    deck = tmp_path / "d.toml"
    deck.write_text(DECK.replace('name = "Demo [bold]deck[/]"', 'name = "Xi & Putin 1: demo"'))
    assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    out = tmp_path / "d.csv"
    assert main(["export", "demo", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["import", str(out)]) == 0
    report = capsys.readouterr().out
    assert "[demo]: 0 added, 0 updated, 5 unchanged" in report, report
    assert main(["decks", "--json"]) == 0
    import json

    assert [d["key"] for d in json.loads(capsys.readouterr().out)] == ["demo"]
    sheet = tmp_path / "more.csv"
    sheet.write_text("Question,Answer\nNew one?,Yes\n")
    assert main(["import", str(sheet), "--deck", "xi & putin 1: DEMO"]) == 0
    assert "[demo]: 1 added" in capsys.readouterr().out


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same_rows_and_line_numbers(ending):
    """Rows are read line by line from the decoded text: LF, CRLF and a bare CR (old Mac)
    give the same cards, a quoted field keeps its line break, and a problem names its line."""
    from trainer.formats.delimited import parse_text

    rows = ["#separator:Tab", "#tags column:3", "one\t1\ta::b::c x", '"two\nlines"\t2\t',
            "🐉 three\t3\t", "only a prompt"]
    data = ending.join(rows).encode() + ending.encode()
    (deck,) = parse_text(data, "d.tsv", "d")
    cards = [(c.prompt, c.answer, c.tags) for c in deck.cards]
    assert cards == [("one", "1", ["a::b::c", "x"]), ("two\nlines", "2", []),
                     ("🐉 three", "3", [])]
    assert deck.notes == ["line 7: skipped: needs a prompt and an answer"]


@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=60))
def test_text_without_markup_reads_as_the_parser_reads_it(text):
    """Plain fields skip the HTML parser; what they read as is what the parser gives."""
    from trainer.formats.html_text import html_to_text

    if "[sound:" in text:
        return
    assert html_to_text(text) == html_to_text(text + "<b></b>")


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


@pytest.mark.parametrize(("first_row", "cards"), [
    ("q\ta", 3),  # a card whose prompt is q: single letters name no column
    ("Q\tA", 3),
    ("Question\tAnswer", 2),
    ("front\tback", 2),
])
def test_only_words_make_a_first_row_a_header(tmp_path, capsys, first_row, cards):
    sheet = tmp_path / "s.tsv"
    sheet.write_text(f"{first_row}\nCapital of France?\tParis\nCapital of Peru?\tLima\n")
    assert main(["import", str(sheet)]) == 0
    assert f"{cards} added" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "message"), [
    ("q,ans\nx\ry,z\n", "a carriage return (CR) inside a field that is not in quotes"),
    ('q,ans\n"x"y,z\n', "a quote inside a field that does not begin with one"),
    ('q,ans\n"' + "x" * 200_000 + '",z\n', "longer than 131,072 characters"),
])
def test_a_csv_problem_is_said_in_plain_words(tmp_path, capsys, content, message):
    sheet = tmp_path / "s.csv"
    sheet.write_text(content, newline="")
    assert main(["import", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert message in err and "universal-newline" not in err and "expected after" not in err
    assert err.startswith(f"trainer: {sheet}:2: ")
