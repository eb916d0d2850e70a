"""Importing text files: Anki's text export, TSV, CSV from a spreadsheet, with or without
headers, in every line ending."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.import_helpers import db_rows, run
from trainer.cli import main

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
    store.reviews.record(cid, 4)
    state = store.cards.state(cid)
    store.close()
    # editing the answer (and the case and spacing of the front) keeps the card and its progress
    path.write_text("Front  One\tback edited\nfront two\tback two\n")
    assert run("import", str(path), "--deck", "Plain Deck") == 0
    assert "0 added, 1 updated, 1 unchanged" in capsys.readouterr().out
    store = open_store()
    assert store.cards.state(cid) == state
    store.close()


def test_duplicate_rows_are_skipped_with_a_reason(tmp_path, capsys):
    path = tmp_path / "dups.csv"
    path.write_text("a,1\nb,2\nA,3\nonly-one-field\n")
    assert run("import", str(path)) == 0
    out = capsys.readouterr().out
    assert "2 added" in out and "2 skipped" in out
    assert "line 3: skipped: same first field as line 1" in out
    assert "line 4: skipped: needs a prompt and an answer" in out


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


def test_a_text_file_separated_by_pipes(tmp_path, _isolated_home, capsys):
    path = tmp_path / "pipes.txt"
    path.write_text("Capital of France?|Paris\nCapital of Italy, 1870?|Rome\n")
    assert run("import", str(path), "--deck", "Pipes") == 0
    assert "Pipes [pipes]: 2 added" in capsys.readouterr().out
    assert db_rows(_isolated_home, "SELECT prompt, answer FROM card ORDER BY position") == [
        ("Capital of France?", "Paris"), ("Capital of Italy, 1870?", "Rome")]


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


def test_images_and_sounds_show_where_they_were():
    from trainer.formats.html_text import html_to_text

    text, media = html_to_text('Which building?<br><img src="kremlin.jpg"> [sound:bell.mp3]')
    assert text == "Which building?\n[image: kremlin.jpg] [sound: bell.mp3]"
    assert media == ["bell.mp3", "kremlin.jpg"]


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
