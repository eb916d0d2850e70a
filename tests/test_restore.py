"""`trainer restore`: a backup is data, never code; restore is the one writer while it runs; a
damaged database is no dead end."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers import basic_deck, import_bytes
from trainer.cli import main
from trainer.paths import default_db_url
from trainer.store import open_store
from trainer.store.engine import known_revisions, sqlite_path

ROOT = Path(__file__).resolve().parent.parent


def database() -> Path:
    path = sqlite_path(default_db_url())
    assert path is not None
    return path


def seeded(cards: int = 3, key: str = "d") -> Path:
    store = open_store()
    import_bytes(store, basic_deck(key, cards))
    for cid in store.cards.in_play(None)[:2]:
        store.reviews.record(cid, 4)
    store.close()
    return database()


def folder_state(path: Path) -> dict[str, bytes]:
    """Every file beside the database and in its backups, with its bytes; not the lock, the
    WAL index or an empty WAL, which a read-only connection may leave and the next close
    removes."""
    return {str(p.relative_to(path.parent)): p.read_bytes()
            for p in sorted(path.parent.rglob("*")) if p.is_file() and p.suffix != ".lock"
            and not p.name.endswith("-shm") and not (p.name.endswith("-wal")
                                                     and not p.stat().st_size)}


def a_backup(tmp_path: Path, name: str = "good.db") -> Path:
    out = tmp_path / name
    assert main(["backup", str(out)]) == 0
    return out


def changed(sql: str):
    def make(good: Path, bad: Path) -> None:
        shutil.copy(good, bad)
        con = sqlite3.connect(bad)
        con.executescript(sql)
        con.commit()
        con.close()
    return make


def only_the_version(good: Path, bad: Path) -> None:
    revision = sqlite3.connect(good).execute("SELECT version_num FROM alembic_version").fetchone()
    con = sqlite3.connect(bad)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
    con.execute("INSERT INTO alembic_version VALUES (?)", revision)
    con.commit()
    con.close()


RECURSIVE = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
             "SELECT CAST(x AS TEXT) AS version_num FROM n WHERE x < 0")


def version_as_a_recursive_view(good: Path, bad: Path) -> None:
    shutil.copy(good, bad)
    con = sqlite3.connect(bad)
    con.execute("DROP TABLE alembic_version")
    con.execute(f"CREATE VIEW alembic_version AS {RECURSIVE}")
    con.commit()
    con.close()


def schema_rewritten(good: Path, bad: Path) -> None:
    """The card_state table's definition changed in place (as writable_schema allows): a
    foreign key that deletes every state with its review."""
    shutil.copy(good, bad)
    con = sqlite3.connect(bad)
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'card_state'").fetchone()[0]
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'card_state'",
                (sql.rstrip(")") + ", CHECK (length(card_id) < 0))",))
    con.commit()
    con.close()


HOSTILE = {
    "only alembic_version": only_the_version,
    "a trigger that deletes every card state": changed(
        "CREATE TRIGGER wipe AFTER INSERT ON review BEGIN DELETE FROM card_state; END;"),
    "alembic_version a recursive view": version_as_a_recursive_view,
    "a view": changed(f"CREATE VIEW v AS {RECURSIVE};"),
    "an extra table": changed("CREATE TABLE extra (x);"),
    "an extra index": changed("CREATE INDEX ix_extra ON card (prompt);"),
    "a missing index": changed("DROP INDEX ix_card_note;"),
    "an extra column": changed("ALTER TABLE card ADD COLUMN evil TEXT DEFAULT 'x';"),
    "a virtual table": changed("CREATE VIRTUAL TABLE fts USING fts5(x);"),
    "a table's definition rewritten": schema_rewritten,
    "no schema version": changed("DELETE FROM alembic_version;"),
    "two schema versions": changed("INSERT INTO alembic_version VALUES ('0001');"),
    "a newer schema version": changed("UPDATE alembic_version SET version_num = '9999';"),
    "another program's database": lambda good, bad: sqlite3.connect(bad).executescript(
        "CREATE TABLE t (x);").connection.close(),
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_backup_that_is_not_exactly_a_trainer_database_is_refused(tmp_path, capsys, make):
    path = seeded()
    good = a_backup(tmp_path)
    bad = tmp_path / "bad.db"
    make(good, bad)
    capsys.readouterr()
    before = folder_state(path)
    hostile = bad.read_bytes()
    assert main(["restore", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"trainer: {bad}: "), err
    assert folder_state(path) == before  # nothing changed, nothing left behind
    assert bad.read_bytes() == hostile
    store = open_store()
    assert len(store.cards.in_play(None)) == 3
    store.close()


def test_a_recursive_view_as_the_schema_version_does_not_hang_restore(tmp_path):
    seeded()
    good = a_backup(tmp_path)
    bad = tmp_path / "bad.db"
    version_as_a_recursive_view(good, bad)
    done = subprocess.run([sys.executable, "-m", "trainer", "restore", str(bad)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr


def test_the_check_has_a_time_limit(tmp_path, capsys, monkeypatch):
    from trainer.store import backups

    path = seeded()
    good = a_backup(tmp_path)
    before = folder_state(path)
    monkeypatch.setattr(backups, "CHECK_SECONDS", 0.0)
    assert main(["restore", str(good)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "took longer than" in err[0], err
    assert folder_state(path) == before


def test_a_backup_of_an_older_schema_with_the_planners_statistics_is_restored(tmp_path, capsys):
    """A real backup made by an older trainer (here: the database taken back to 0016 by its
    own migrations) after ANALYZE wrote sqlite_stat1: restored, and upgraded on the next open."""
    from tests.test_store_migrations import downgraded

    seeded(3)
    old = tmp_path / "old.db"
    store = open_store(str(old))
    import_bytes(store, basic_deck("old", 4))
    store.close()
    with downgraded(f"sqlite:///{old}", "0016"):
        pass
    con = sqlite3.connect(old)
    con.execute("ANALYZE")
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    assert "0016" in known_revisions()
    assert main(["restore", str(old)]) == 0
    store = open_store()
    assert [d.key for d in store.decks.summaries().decks] == ["old"]
    store.close()


def _writer(store, started: threading.Event, finish: threading.Event,
            outcome: dict[str, object]) -> threading.Thread:
    """A command writing: inside its transaction (the write lock taken) until ``finish``."""
    def run() -> None:
        try:
            with store.transaction() as conn:
                conn.execute(text("UPDATE card SET prompt = 'written during the restore'"))
                started.set()
                finish.wait(30)
            outcome["saved"] = True
        except Exception as exc:  # the one line a command would print
            outcome["error"] = exc
            started.set()
    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(30)
    return thread


def _prompts(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {row[0] for row in con.execute("SELECT prompt FROM card")}
    finally:
        con.close()


def test_restore_waits_for_a_writer_inside_its_transaction_and_keeps_its_work(tmp_path):
    """A command already writing (an import, a suspend, a watch's re-import) when restore
    starts: restore waits for its commit, so the work it reports as saved is in the copy of
    the database restore keeps, and the backup is what the database then holds."""
    from trainer.store import backups

    path = seeded(3)
    good = a_backup(tmp_path)
    store = open_store()
    started, finish, outcome = threading.Event(), threading.Event(), {}
    writer = _writer(store, started, finish, outcome)
    restored = backups.restore(path, good, waiting=finish.set)
    writer.join()
    store.close()
    assert outcome == {"saved": True}
    assert restored.saved is not None
    assert _prompts(restored.saved) == {"written during the restore"}
    assert _prompts(path) == {"q0", "q1", "q2"}


def test_restore_gives_up_on_a_writer_that_keeps_the_database_and_changes_nothing(
        tmp_path, monkeypatch):
    from trainer.store import backups
    from trainer.store.errors import StoreError

    path = seeded(3)
    good = a_backup(tmp_path)
    before = set(path.parent.rglob("*"))
    store = open_store()
    started, finish, outcome = threading.Event(), threading.Event(), {}
    writer = _writer(store, started, finish, outcome)
    monkeypatch.setattr(backups, "RESTORE_WAIT", 0.0)
    try:
        with pytest.raises(StoreError) as exc:
            backups.restore(path, good)
    finally:
        finish.set()
        writer.join()
        store.close()
    assert "another program is writing" in str(exc.value) and "\n" not in str(exc.value)
    assert outcome == {"saved": True}
    assert _prompts(path) == {"written during the restore"}  # the writer's, not the backup's
    assert set(path.parent.rglob("*")) <= before | {path.with_name("trainer.db.lock")}


def test_a_write_begun_before_the_database_file_was_replaced_fails_at_commit(tmp_path):
    """A transaction that began on the old file commits nowhere it could be found: it fails
    at its commit in one line, and is never reported as saved."""
    from trainer.store.errors import CouldNotSave

    path = seeded(3)
    good = a_backup(tmp_path)
    store = open_store()
    with pytest.raises(CouldNotSave) as exc, store.transaction() as conn:
        conn.execute(text("UPDATE card SET prompt = 'written to the old file'"))
        shutil.copy(good, tmp_path / "new.db")
        os.replace(tmp_path / "new.db", path)  # as a restore of a damaged database does
    store.close()
    assert "replaced" in str(exc.value) and "\n" not in str(exc.value)
    assert _prompts(path) == {"q0", "q1", "q2"}


def test_restore_of_a_server_database_is_the_servers_job(capsys):
    assert main(["restore", "--db", "postgresql+psycopg://nobody@localhost/none",
                 "/dev/null"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pg_restore" in err[0], err


def _damage_pages(path: Path) -> None:
    """Random bytes over pages in the middle of the file (the header stays)."""
    import random

    data = bytearray(path.read_bytes())
    rng = random.Random(5)
    page = int.from_bytes(data[16:18], "big")
    for n in range(2, len(data) // page - 1, 3):
        data[n * page:(n + 1) * page] = rng.randbytes(page)
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _garbage_header(path: Path) -> None:
    """Not a SQLite file any more, and no page 1 in the WAL to read instead."""
    data = bytearray(path.read_bytes())
    data[:100] = bytes(range(100))
    path.write_bytes(bytes(data))
    path.with_name(path.name + "-wal").write_bytes(b"")


@pytest.mark.parametrize("damage", [_damage_pages, _truncate, _garbage_header],
                         ids=["random pages", "truncated", "no SQLite header"])
def test_a_damaged_database_is_set_aside_unverified_and_the_backup_restored(
        tmp_path, capsys, damage):
    """Every command on a damaged database says to restore a backup; restore must then not
    refuse because the damaged file cannot be copied and verified."""
    path = seeded(40)
    good = a_backup(tmp_path)
    store = open_store()
    import_bytes(store, basic_deck("later", 30))  # in the damaged file's WAL, not yet folded in
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_autocheckpoint = 0")
    wal = path.with_name(path.name + "-wal")
    shutil.copy(path, tmp_path / "frozen.db")
    shutil.copy(wal, tmp_path / "frozen.db-wal")
    con.close()
    store.close()
    shutil.copy(tmp_path / "frozen.db", path)
    shutil.copy(tmp_path / "frozen.db-wal", wal)
    damage(path)
    damaged, damaged_wal = path.read_bytes(), wal.read_bytes()
    capsys.readouterr()
    assert main(["restore", str(good)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    aside = path.with_name("trainer.db.damaged")
    assert out == [f"restored {good}; the database was damaged and could not be copied: it "
                   f"was set aside, unverified, as {aside} (with {aside.name}-wal)"]
    assert aside.read_bytes() == damaged
    assert aside.with_name(aside.name + "-wal").read_bytes() == damaged_wal
    store = open_store()
    assert [d.key for d in store.decks.summaries().decks] == ["d"]
    assert len(store.cards.in_play(None)) == 40
    store.close()
    # and a second time: the first set-aside file is kept, the next gets another name
    damage(path)
    assert main(["restore", str(good)]) == 0
    assert aside.read_bytes() == damaged
    assert "trainer.db.damaged-2" in capsys.readouterr().out


def test_a_database_that_cannot_be_copied_for_another_reason_is_not_set_aside(
        tmp_path, capsys, monkeypatch):
    """A full disk while copying the database as it was is not damage: restore refuses."""
    from trainer.store import backups
    from trainer.store.errors import StoreError

    path = seeded(3)
    good = a_backup(tmp_path)
    before = folder_state(path)

    def full(database: Path, why: str) -> Path:
        raise StoreError(f"cannot write a backup to {database} (database or disk is full)")

    monkeypatch.setattr(backups, "before", full)
    assert main(["restore", str(good)]) == 1
    assert "disk is full" in capsys.readouterr().err
    assert folder_state(path) == before


def test_a_backup_with_another_page_size_is_restored(tmp_path, capsys):
    """SQLite writes into a database in WAL mode only pages of its own size."""
    path = seeded(3)
    good = a_backup(tmp_path)
    con = sqlite3.connect(good)
    con.execute("PRAGMA page_size = 8192")
    con.execute("VACUUM")
    assert con.execute("PRAGMA page_size").fetchone()[0] == 8192
    con.close()
    store = open_store()
    import_bytes(store, basic_deck("later", 2))
    store.close()
    assert main(["restore", str(good)]) == 0
    store = open_store()
    assert [d.key for d in store.decks.summaries().decks] == ["d"]
    store.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
