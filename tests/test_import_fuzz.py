"""Every import problem is one line: whatever the bytes, a reader either parses them or says
why in DeckError lines; the CLI exits 0 or 1 without a traceback and a failed import changes
nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import basic_deck
from trainer.cli import main
from trainer.errors import UserError
from trainer.importer import load

DATA = Path(__file__).parent / "data"
ANKI = (DATA / "anki" / "current.apkg").read_bytes()
TOML = (DATA / "snap.toml").read_bytes()
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def parses_or_says_why(path: Path) -> None:
    try:
        load([path], None, "Fuzz" if path.suffix in (".csv", ".tsv") else None,
             lambda moment: moment.date())
    except UserError as exc:
        assert exc.lines and all(isinstance(line, str) and line for line in exc.lines)


def flipped(data: bytes, changes: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for at, value in changes:
        out[at % len(out)] = value
    return bytes(out)


CHANGES = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1,
                   max_size=8)


@FUZZ
@given(CHANGES, st.integers(0, len(TOML)))
def test_a_damaged_toml_deck(tmp_path, changes, cut):
    path = tmp_path / "d.toml"
    path.write_bytes(flipped(TOML, changes)[:cut or None])
    parses_or_says_why(path)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["schema_version", "deck", "cards", "id", "kind", "prompt", "answer",
                         "text", "source", "para", "quote", "tags", "name", "x"]), children,
        max_size=5),
    max_leaves=25)


@FUZZ
@given(JSONISH)
def test_any_json_value_as_a_deck(tmp_path, value):
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"schema_version": 1, "deck": {"id": "j", "name": "J"},
                                "cards": value}))
    parses_or_says_why(path)


@FUZZ
@given(st.text(max_size=400), st.sampled_from([".csv", ".tsv", ".txt"]))
def test_any_text_as_a_spreadsheet(tmp_path, text, suffix):
    path = tmp_path / f"d{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    parses_or_says_why(path)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(CHANGES)
def test_a_bit_flipped_anki_package(tmp_path, changes):
    path = tmp_path / "d.apkg"
    path.write_bytes(flipped(ANKI, changes))
    parses_or_says_why(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("deep.toml", "x = " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("dotted.toml", "deck" + ".a" * 100_000 + " = 1\n", "nested too deeply"),
        ("para.toml", basic_deck("p", 1).decode() + '\nsource = { quote = "q", para = '
         + "9" * 30 + " }\n", "para"),
        ("nul.json", json.dumps({"schema_version": 1, "deck": {"id": "n", "name": "N"},
                                 "cards": [{"id": "c", "kind": "basic", "prompt": "a\x00b",
                                            "answer": "x"}]}), "contains a NUL character"),
        ("surrogate.json", '{"schema_version": 1, "deck": {"id": "s", "name": "S"}, "cards": '
         '[{"id": "c", "kind": "basic", "prompt": "\\ud800", "answer": "x"}]}',
         "card c: prompt:"),
        ("digits.toml", 'schema_version = 1\n[deck]\nid = "d"\nname = "D"\n[[cards]]\n'
         'id = "c"\nkind = "basic"\nprompt = "p"\nanswer = "a"\n'
         'source = { quote = "q", para = ' + "9" * 5000 + " }\n",
         "a number too long to be one"),
        ("digits.json", '{"schema_version": 1, "deck": {"id": "d", "name": "D"}, "cards": '
         '[{"id": "c", "kind": "basic", "prompt": "p", "answer": "a", "source": '
         '{"quote": "q", "para": ' + "9" * 5000 + "}}]}", "a number too long to be one"),
        ("tagnul.json", json.dumps({"schema_version": 1, "deck": {"id": "t", "name": "T"},
                                    "cards": [{"id": "ok", "kind": "basic", "prompt": "p",
                                               "answer": "a"},
                                              {"id": "c", "kind": "basic", "prompt": "p2",
                                               "answer": "a", "tags": ["x\x00"]}]}),
         "card c: tags: contains a NUL character"),
        ("choice.json", '{"schema_version": 1, "deck": {"id": "s", "name": "S"}, "cards": '
         '[{"id": "c", "kind": "choice", "prompt": "p", "answer": "a", '
         '"distractors": ["b", "\\udfff"]}]}', "card c: distractors"),
        ("long.json", json.dumps({"schema_version": 1, "deck": {"id": "l", "name": "L"},
                                  "cards": [{"id": "c", "kind": "basic", "prompt": "p",
                                             "answer": "a", "explanation": "e" * 100_001}]}),
         "card c: explanation: longer than 100,000 characters"),
        ("longtag.json", json.dumps({"schema_version": 1, "deck": {"id": "l", "name": "L"},
                                     "cards": [{"id": "c", "kind": "basic", "prompt": "p",
                                                "answer": "a", "tags": ["t" * 201]}]}),
         "card c: tags: a tag over 200 characters"),
        ("gaps.toml", 'schema_version = 1\n[deck]\nid = "g"\nname = "G"\n[[cards]]\n'
         'id = "many"\nkind = "cloze"\ntext = "' + " ".join(
             f"{{{{c{i}::w{i}}}}}" for i in range(1, 402)) + '"\n', "cloze gaps"),
    ],
)
def test_what_would_break_a_database_is_one_line_and_nothing_is_imported(
        tmp_path, capsys, name, content, message, _isolated_home):
    good = tmp_path / "good.toml"
    good.write_bytes(basic_deck("good", 2))
    assert main(["import", str(good)]) == 0
    db = _isolated_home / "trainer.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8", errors="surrogatepass")
    capsys.readouterr()
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.splitlines()) <= 21
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_package_whose_collection_is_damaged_inside_the_zip(tmp_path, capsys):
    import zipfile

    damaged = tmp_path / "damaged.apkg"
    with zipfile.ZipFile(DATA / "anki" / "current.apkg") as src, \
            zipfile.ZipFile(damaged, "w") as out:
        for info in src.infolist():
            out.writestr(info, src.read(info.filename))
    data = bytearray(damaged.read_bytes())
    start = data.find(b"collection.anki21b") + 200  # inside the compressed member
    data[start:start + 64] = bytes(64)
    damaged.write_bytes(bytes(data))
    assert main(["import", str(damaged)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"trainer: {damaged}") and "Traceback" not in err


def test_an_id_is_echoed_cut_and_on_one_line(tmp_path, capsys):
    bad = tmp_path / "long.json"
    long_id = "x" * 5000 + "\ntrainer: forged"
    bad.write_text(json.dumps({"schema_version": 1, "deck": {"id": "l", "name": "L"},
                               "cards": [{"id": long_id, "kind": "basic", "prompt": "p",
                                          "answer": "a"}]}))
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("trainer:") == 1 and "x" * 80 not in err


def test_two_cards_for_one_note_and_template_are_one_skipped_line(tmp_path, capsys):
    package = _damaged_package(tmp_path, (
        "CREATE TEMP TABLE twin AS SELECT * FROM cards LIMIT 1;"
        "UPDATE twin SET id = id + 1000000;"
        "INSERT INTO cards SELECT * FROM twin;"))
    assert main(["import", str(package)]) == 0
    assert "a second card for the same note and template" in capsys.readouterr().out


# what a message must never show: Python's own words about its own objects
PYTHON_INTERNALS = ("bytes-like", "object is required", "concatenate", "NoneType",
                    "Exceeds the limit", "set_int_max_str_digits", "universal-newline",
                    "has no attribute", "not subscriptable", "codec can't", "('")


def _damaged_package(tmp_path: Path, sql: str) -> Path:
    import io
    import sqlite3
    import zipfile

    with zipfile.ZipFile(DATA / "anki" / "legacy.apkg") as src:
        names = src.namelist()
        member = next(n for n in ("collection.anki21", "collection.anki2") if n in names)
        raw = src.read(member)
        others = {n: src.read(n) for n in names if n != member}
    db = tmp_path / "col.db"
    db.write_bytes(raw)
    con = sqlite3.connect(db)
    con.executescript(sql)
    con.commit()
    con.close()
    package = tmp_path / "damaged.apkg"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(member, db.read_bytes())
        for name, data in others.items():
            out.writestr(name, data)
    package.write_bytes(buffer.getvalue())
    return package


@pytest.mark.parametrize("sql", [
    "UPDATE col SET crt = 'x'",
    "UPDATE cards SET ivl = X'00ff'",
    "UPDATE cards SET due = 100000000000000000, type = 2, queue = 2",
    "UPDATE cards SET due = 99999999999999, type = 1, queue = 1",
    "UPDATE col SET models = '{not json'",
    "UPDATE col SET decks = '[1, 2'",
    "UPDATE notes SET tags = ' ' || char(0) || ' t'",
    "UPDATE notes SET tags = ' ' || hex(randomblob(400)) || ' '",
    "UPDATE cards SET factor = 'x', reps = -5",
    "DELETE FROM notes",
    "UPDATE notes SET tags = CAST(' a b ' AS BLOB)",
    "UPDATE notes SET tags = X'00ff'",
    "UPDATE notes SET flds = CAST(flds AS BLOB)",
    "UPDATE notes SET flds = X'ff1fff'",
    "UPDATE notes SET guid = 5",
    "UPDATE col SET decks = json_set(decks, '$.1795925899871.name', 5, "
    "'$.1795925899866.name', json('[1]'))",
    "UPDATE col SET models = (SELECT json_group_object(key, json_set(value, '$.name', 7, "
    "'$.flds[0].name', 3, '$.tmpls[0].qfmt', 4)) FROM json_each(models))",
    "UPDATE col SET models = (SELECT json_group_object(key, json_set(value, '$.flds[0].ord', "
    "'x')) FROM json_each(models))",
    "UPDATE col SET decks = '[]', models = '[]'",
], ids=["crt-text", "ivl-blob", "due-far", "due-stamp-far", "models-json", "decks-json",
        "tag-nul", "tag-huge", "factor-text", "no-notes", "tags-blob", "tags-binary",
        "fields-blob", "fields-binary", "guid-number", "deck-names-not-text",
        "model-names-not-text", "field-order-text", "decks-list"])
def test_an_anki_collection_with_wrong_types_or_absurd_values(tmp_path, capsys, sql,
                                                              _isolated_home):
    good = tmp_path / "good.toml"
    good.write_bytes(basic_deck("good", 2))
    assert main(["import", str(good)]) == 0
    db = _isolated_home / "trainer.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    capsys.readouterr()
    code = main(["import", str(_damaged_package(tmp_path, sql))])
    out, err = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in err
    assert not any(words in err for words in PYTHON_INTERNALS), err
    if code == 1:
        assert err.startswith("trainer: ") and len(err.splitlines()) <= 21
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    else:
        assert len(out.splitlines()) <= 30


async def test_the_import_dialog_says_what_a_damaged_package_is_and_the_app_goes_on(
        tmp_path, monkeypatch):
    from tests.tui_helpers import make_app, settle, store_with, type_text

    package = _damaged_package(tmp_path, "UPDATE notes SET tags = X'00ff'")
    store = store_with()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(package))
        await pilot.press("enter")
        await settle(pilot)
        result = str(app.screen.query_one("#import-result").render())
        assert "Nothing was imported" in result and "NUL" in result
        # a reader's unforeseen failure is a line too
        monkeypatch.setattr("trainer.tui.screens.import_file.load",
                            lambda *a: (_ for _ in ()).throw(TypeError("boom")))
        await pilot.press("ctrl+u")
        await type_text(pilot, str(package))
        await pilot.press("enter")
        await settle(pilot)
        result = str(app.screen.query_one("#import-result").render())
        assert "could not read this file (TypeError)" in result
        assert app.is_running
    store.close()
