"""Backups: one a day kept 7 days and 4 weeks, pre-upgrade and pre-restore copies kept, and a
restore that checks the file, saves the current database first and respects a study window."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from tests.helpers import basic_deck, import_bytes
from trainer.cli import main
from trainer.paths import default_db_url
from trainer.store import open_store
from trainer.store.backups import dailies, daily_backup
from trainer.store.engine import sqlite_path


def database() -> Path:
    path = sqlite_path(default_db_url())
    assert path is not None
    return path


def seeded(cards: int = 2) -> Path:
    store = open_store()
    import_bytes(store, basic_deck("d", cards))
    store.close()
    return database()


def test_one_backup_a_day_with_7_daily_and_4_weekly_kept():
    path = seeded()
    start = date(2026, 1, 1)  # a Thursday
    for n in range(60):
        day = start + timedelta(days=n)
        assert daily_backup(path, day) is not None
        assert daily_backup(path, day) is None  # one a day
    kept = [b.day for b in dailies(path)]
    last = start + timedelta(days=59)
    assert kept[:7] == [last - timedelta(days=i) for i in range(7)]
    weekly = kept[7:]
    assert len(weekly) == 4
    assert len({d.isocalendar()[:2] for d in weekly}) == 4  # one a week
    assert all(b.path.stat().st_mode & 0o777 == 0o600 for b in dailies(path))
    assert (path.parent / "backups").stat().st_mode & 0o777 == 0o700


def test_backup_and_restore_round_trip(tmp_path, capsys):
    path = seeded(2)
    assert main(["backup", str(tmp_path / "copy.db")]) == 0
    assert "backed up to" in capsys.readouterr().out
    store = open_store()
    import_bytes(store, basic_deck("e", 3))  # a change after the backup
    store.close()
    assert main(["restore", str(tmp_path / "copy.db")]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and ".before-restore-" in out
    store = open_store()
    assert [d.key for d in store.decks.summaries().decks] == ["d"]
    store.close()
    saved = next((path.parent / "backups").glob("*.before-restore-*.db"))
    con = sqlite3.connect(saved)
    assert con.execute("SELECT count(*) FROM deck").fetchone()[0] == 2  # what was replaced
    con.close()


def test_a_damaged_backup_is_refused_in_one_line_and_nothing_changes(tmp_path, capsys):
    path = seeded(2)
    before = path.read_bytes()
    damaged = tmp_path / "damaged.db"
    data = bytearray(before)
    data[200:4000] = b"\x00" * 3800
    damaged.write_bytes(bytes(data[:len(data) // 2]))
    assert main(["restore", str(damaged)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"trainer: {damaged}")
    (tmp_path / "text.db").write_text("not a database")
    assert main(["restore", str(tmp_path / "text.db")]) == 1
    assert "not a SQLite database" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_restore_waits_for_the_study_window(tmp_path, capsys):
    seeded(1)
    assert main(["backup", str(tmp_path / "copy.db")]) == 0
    store = open_store()
    lock = store.study_lock()
    assert lock.acquire() is None
    try:
        assert main(["restore", str(tmp_path / "copy.db")]) == 1
        assert "close it, then restore" in capsys.readouterr().err
    finally:
        lock.release()
        store.close()


def test_a_server_database_is_backed_up_by_the_server(capsys):
    assert main(["backup", "--db", "postgresql+psycopg://nobody@localhost/none"]) == 1
    assert "pg_dump" in capsys.readouterr().err


def test_the_pre_upgrade_copy_goes_to_backups_and_is_never_rotated(tmp_path):
    path = seeded()
    folder = path.parent / "backups"
    keepsake = folder / f"{path.stem}.before-upgrade-0008-20260101-000000.db"
    folder.mkdir(exist_ok=True)
    keepsake.write_bytes(path.read_bytes())
    for n in range(20):
        daily_backup(path, date(2026, 1, 1) + timedelta(days=n))
    assert keepsake.exists()
