"""A file trainer cannot use is refused in one line and left untouched; what trainer
creates is private."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers import make_store
from trainer.errors import UserError
from trainer.store import open_store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("my precious notes\n" * 100)
    before = digest(path)
    with pytest.raises(UserError) as exc:
        open_store(str(path))
    assert str(exc.value).count("\n") == 0
    assert str(path) in str(exc.value) and "not a trainer database" in str(exc.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_sqlite_file_of_another_program_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(UserError, match="not a trainer database"):
        open_store(str(path))
    assert digest(path) == before


def test_a_truncated_database_is_refused_untouched(tmp_path):
    good = tmp_path / "good.db"
    store, _ = make_store(f"sqlite:///{good}", 200)
    store.close()
    data = good.read_bytes()
    bad = tmp_path / "bad.db"
    bad.write_bytes(data[: len(data) // 2])
    before = digest(bad)
    with pytest.raises(UserError) as exc:
        open_store(str(bad))
    message = str(exc.value)
    assert message.startswith(f"{bad}: ")
    # the reason alone: pytest's temporary path says "truncated" too
    assert "the database is truncated" in message.removeprefix(f"{bad}: ")
    assert "\n" not in message
    assert digest(bad) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="read-only"):
            open_store(str(folder / "t.db"))
    finally:
        folder.chmod(0o755)


def test_a_read_only_folder_is_refused_even_for_root(tmp_path, monkeypatch):
    # root can write anywhere, so simulate what os.access reports for a read-only folder
    folder = tmp_path / "ro"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == folder else real_access(p, mode)
    )
    with pytest.raises(UserError, match="read-only"):
        open_store(str(folder / "t.db"))
    assert list(folder.iterdir()) == []


def test_a_database_from_a_newer_trainer_is_refused_untouched(tmp_path):
    path = tmp_path / "t.db"
    store, _ = make_store(f"sqlite:///{path}", 2)
    with store.transaction() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    before = digest(path)
    with pytest.raises(UserError) as exc:
        open_store(str(path))
    assert "newer trainer" in str(exc.value) and str(path) in str(exc.value)
    assert digest(path) == before


def test_what_trainer_creates_is_private_and_it_never_changes_an_existing_folder(tmp_path):
    fresh = tmp_path / "new" / "home"
    store, _ = make_store(f"sqlite:///{fresh / 'trainer.db'}", 2)
    store.reviews.record(_[0], 5)
    assert fresh.stat().st_mode & 0o777 == 0o700
    assert (fresh.parent.stat().st_mode & 0o777) == 0o700
    for name in ("trainer.db", "trainer.db-wal"):
        assert (fresh / name).stat().st_mode & 0o777 == 0o600, name
    store.close()
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    store, _ = make_store(f"sqlite:///{shared / 'trainer.db'}", 1)
    store.close()
    assert shared.stat().st_mode & 0o777 == 0o755
    assert (shared / "trainer.db").stat().st_mode & 0o777 == 0o600
