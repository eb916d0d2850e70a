"""A student's data stays private: the database and its WAL 0600 even when an earlier version
left them readable, scratch copies of their cards in the data folder (0700) and never in the
system's shared temporary folder, and what a killed process left behind removed."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from tests.helpers import basic_deck, import_bytes
from trainer.cli import main
from trainer.paths import data_dir, default_db_url
from trainer.store import open_store
from trainer.store.engine import sqlite_path


def database() -> Path:
    path = sqlite_path(default_db_url())
    assert path is not None
    return path


def seeded(cards: int = 3) -> Path:
    store = open_store()
    import_bytes(store, basic_deck("d", cards))
    for cid in store.cards.in_play(None)[:2]:
        store.reviews.record(cid, 4)
    store.close()
    return database()


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_a_database_readable_by_others_is_made_private_on_open_and_said_once(capsys):
    path = seeded()
    store = open_store()  # keeps the WAL and its index beside the database
    store.reviews.record(store.cards.in_play(None)[0], 4)
    companions = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    for p in (path, *companions):
        p.chmod(0o644)
    try:
        assert main(["decks"]) == 0
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "private" in err[0] and str(path) in err[0], err
        assert [mode(p) for p in (path, *companions)] == [0o600] * 3
        assert main(["decks"]) == 0
        assert capsys.readouterr().err == ""  # once
    finally:
        store.close()


def test_exports_and_imports_of_anki_packages_use_no_shared_temporary_folder(
        tmp_path, monkeypatch):
    """The package's collection (the cards with their history) is written in the data folder:
    with the system's temporary folder unusable, both still work."""
    seeded(3)
    package = tmp_path / "d.apkg"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such folder"))
    assert main(["export", "d", "-o", str(package)]) == 0
    assert main(["import", str(package), "--deck", "again"]) == 0
    store = open_store()
    assert len(store.cards.of_deck(store.decks.find("again").id)) == 3
    store.close()
    scratch = data_dir() / "tmp"
    assert mode(scratch) == 0o700 and list(scratch.iterdir()) == []


def test_leftovers_of_killed_processes_are_removed_at_start():
    path = seeded()
    dead, alive = dead_pid(), os.getpid()
    scratch = data_dir() / "tmp"
    left = [scratch / f"{dead}-abc.anki2", scratch / f"{dead}-edit.toml",
            path.with_name(f"{path.name}.restoring.{dead}.partial"),
            path.parent / "backups" / f"trainer-2026-01-01.db.{dead}.partial",
            path.parent / "backups" / "trainer-2026-01-02.db.partial"]  # an older trainer's
    kept = [scratch / f"{alive}-abc.anki2",
            path.parent / "backups" / f"trainer-2026-01-03.db.{alive}.partial",
            path.parent / "notes.partial"]  # not trainer's
    (scratch / f"{dead}-export").mkdir(parents=True)
    (scratch / f"{dead}-export" / "collection.anki2").write_bytes(b"cards")
    (path.parent / "backups").mkdir(exist_ok=True)
    for p in left + kept:
        p.write_bytes(b"the student's cards")
    assert main(["decks"]) == 0
    assert [p for p in left if p.exists()] == []
    assert not (scratch / f"{dead}-export").exists()
    assert all(p.exists() for p in kept)


@pytest.mark.asyncio
async def test_the_editor_snippet_is_a_private_file_in_the_data_folder(tmp_path, monkeypatch):
    from tests.tui_helpers import make_app, settle, store_with

    seen = tmp_path / "seen"
    editor = tmp_path / "fake-editor"
    editor.write_text(f"#!/bin/sh\necho \"$1\" > {seen}\nstat -c %a \"$1\" >> {seen}\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such folder"))
    store = store_with()
    import_bytes(store, basic_deck("d", 3))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
    store.close()
    where, permissions = seen.read_text().split()
    assert Path(where).parent == data_dir() / "tmp" and permissions == "600"
    assert not Path(where).exists()


def test_a_file_that_is_refused_keeps_its_mode(tmp_path, capsys):
    """Not trainer's to change: a file that is not a database stays exactly as it was."""
    notes = tmp_path / "notes.db"
    notes.write_text("my notes\n")
    notes.chmod(0o644)
    assert main(["decks", "--db", str(notes)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a trainer database" in err[0], err
    assert mode(notes) == 0o644
