"""Ctrl+C while a command closes the database (SQLite folds its WAL in then): the work was
committed, so the command reports it as done, without a traceback."""

from __future__ import annotations

import os
import signal

from sqlalchemy.engine import Engine

from tests.helpers import basic_deck
from trainer.cli import main
from trainer.store import open_store


def test_ctrl_c_during_the_closing_checkpoint_after_an_import(tmp_path, capsys, monkeypatch):
    from trainer.store import imports
    from trainer.store.operations import Decks, Operation

    deck = tmp_path / "deck.toml"
    deck.write_bytes(basic_deck("d", 50))
    real_write, real_dispose = imports.write_decks, Engine.dispose
    committed, interrupted = [], []

    def write_decks(*args, **kwargs):
        counts = real_write(*args, **kwargs)
        committed.append(True)
        return counts

    def dispose(engine: Engine, close: bool = True) -> None:
        if committed and not interrupted:  # the close after the import's commit
            interrupted.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # as a Ctrl+C in the terminal
        real_dispose(engine, close)

    monkeypatch.setattr(Decks, "write", Operation(write_decks))  # store.decks.write
    monkeypatch.setattr(Engine, "dispose", dispose)
    try:
        code = main(["import", str(deck)])
    finally:
        monkeypatch.setattr(Engine, "dispose", real_dispose)
    assert code == 0
    assert interrupted
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "interrupted" not in captured.err, captured.err
    assert "imported Deck d [d]: 50 added" in captured.out
    store = open_store()
    assert len(store.cards.in_play(None)) == 50
    store.close()


def test_ctrl_c_before_the_import_commits_still_stops_it(tmp_path, capsys, monkeypatch):
    """Only the close is shielded: an interrupt during the import itself stops it, and
    nothing of it is kept."""
    from trainer.store import imports

    deck = tmp_path / "deck.toml"
    deck.write_bytes(basic_deck("d", 50))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    real = imports._write_tags
    monkeypatch.setattr(imports, "_write_tags", interrupted)
    assert main(["import", str(deck)]) == 130
    assert "interrupted" in capsys.readouterr().err
    monkeypatch.setattr(imports, "_write_tags", real)
    store = open_store()
    assert store.cards.in_play(None) == []
    store.close()
