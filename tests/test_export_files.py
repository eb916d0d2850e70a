"""`trainer export`: native and CSV exports round-trip through `trainer import`."""

from __future__ import annotations

import json

import pytest

from tests.import_helpers import DECK, run
from trainer.cli import main


@pytest.fixture
def deck_file(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(DECK)
    return path


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


def test_export_unknown_deck(capsys):
    assert run("export", "nope") == 1
    assert "no deck with key or name 'nope'" in capsys.readouterr().err


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

    assert [d["key"] for d in json.loads(capsys.readouterr().out)] == ["demo"]
    sheet = tmp_path / "more.csv"
    sheet.write_text("Question,Answer\nNew one?,Yes\n")
    assert main(["import", str(sheet), "--deck", "xi & putin 1: DEMO"]) == 0
    assert "[demo]: 1 added" in capsys.readouterr().out
