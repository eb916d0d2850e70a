"""`trainer decks`, `trainer schema`, and which database a command opens (--db,
TRAINER_DB, a broken file)."""

from __future__ import annotations

import json

import pytest

from tests.import_helpers import DECK, run


@pytest.fixture
def deck_file(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(DECK)
    return path


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
