"""Exports are byte for byte what they always were: a deck file written in the export's own
form (every field an entry can have, notes, clozes, sources, limits, non-ASCII, a multi-line
explanation) imports and exports to the same bytes, in TOML and in JSON."""

from __future__ import annotations

import json
import tomllib

import pytest

from trainer.cli import main

CANONICAL = '''\
schema_version = 1

[deck]
id = "golden"
name = "Golden «deck» 🐉"
description = "Every field an export writes"
source = "tests"
tags = [
    "golden",
    "topic::sub",
]
new_per_day = 7
reviews_per_day = 0

[[cards]]
id = "mao-waits"
kind = "typed"
prompt = "How many days did Stalin make Mao wait?"
answer = "17"
accept = [
    "seventeen",
    "17 days",
]
explanation = """
At a country house
outside Moscow."""
tags = [
    "1949",
]

[cards.source]
quote = "made him wait for 17 days"
para = 5

[[cards]]
id = "plain-typed"
kind = "typed"
prompt = "Capital of Mongolia?"
answer = "Ulaanbaatar"

[[cards]]
id = "trip"
kind = "cloze"
text = "In {{c1::1949}} Mao went to {{c2::Moscow::a capital}}."
explanation = "His first trip abroad."
tags = [
    "travel",
]

[cards.source]
quote = "his first trip abroad"
para = 2

[[cards]]
id = "who"
kind = "choice"
prompt = "Who lectured Mao?"
answer = "Stalin"
distractors = [
    "Khrushchev",
    "Lenin",
]
explanation = "Famously."

[[cards]]
id = "front"
kind = "basic"
note = "pair"
prompt = "Пекин"
answer = "Beijing"

[[cards]]
id = "back"
kind = "basic"
note = "pair"
prompt = "Beijing"
answer = "Пекин"
tags = [
    "reverse",
]
'''


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "golden.toml"
    path.write_text(CANONICAL, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    return tmp_path


def test_a_toml_export_is_the_file_it_was_imported_from(imported, capsys):
    capsys.readouterr()
    assert main(["export", "golden", "--format", "toml"]) == 0
    assert capsys.readouterr().out == CANONICAL


def test_a_json_export_is_the_same_document_as_json(imported, capsys):
    capsys.readouterr()
    assert main(["export", "golden", "--format", "json"]) == 0
    expected = json.dumps(tomllib.loads(CANONICAL), ensure_ascii=False, indent=2) + "\n"
    assert capsys.readouterr().out == expected


def test_an_empty_deck_exports_its_empty_card_list(capsys):
    assert main(["deck", "create", "empty-one", "--name", "Empty"]) == 0
    capsys.readouterr()
    assert main(["export", "empty-one"]) == 0
    assert capsys.readouterr().out == (
        'schema_version = 1\ncards = []\n\n[deck]\nid = "empty-one"\nname = "Empty"\n')
    assert main(["export", "empty-one", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "schema_version": 1, "deck": {"id": "empty-one", "name": "Empty"}, "cards": []}
