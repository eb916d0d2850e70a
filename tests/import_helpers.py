"""The demo deck file and the CLI runner the import and export tests share."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
