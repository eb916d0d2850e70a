"""The files trainer writes for the student (exports, the review log, backups): whole or not at
all, private, never through a symbolic link and never over the live database."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import basic_deck, import_bytes
from trainer.cli import main
from trainer.paths import default_db_url
from trainer.store import open_store
from trainer.store.backups import daily_backup
from trainer.store.engine import sqlite_path

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


def limited(file_size: int):
    """A child process that may not grow any file beyond ``file_size`` bytes: a write past it
    fails (EFBIG), as a full disk's would."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    return apply


def trainer(*args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trainer", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=limited(limit) if limit else None)


@pytest.mark.parametrize(("command", "cards", "reviews"), [
    (["export", "big", "-o", "{out}"], 1500, 0),
    (["export", "big", "--format", "csv", "-o", "{out}"], 3000, 0),
    (["export-reviews", "-o", "{out}"], 800, 800),
    (["backup", "--force", "{out}"], 1500, 0),
])
def test_a_write_that_fails_half_way_leaves_the_old_file_as_it_was(tmp_path, command, cards,
                                                                    reviews):
    store = open_store()
    import_bytes(store, basic_deck("big", cards))
    for cid in store.cards.in_play(None)[:reviews]:
        store.reviews.record(cid, 4)
    store.close()
    out = tmp_path / "out.file"
    args = [a.format(out=out) for a in command]
    assert main(args) == 0
    before = out.read_bytes()
    assert len(before) > 60_000
    done = trainer(*args, limit=40_000)  # room for the database's 32 KiB index (-shm)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert str(out) in done.stderr
    assert out.read_bytes() == before  # it was truncated and half written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.file"]  # no leftover


@pytest.mark.parametrize("command", [
    ["export", "d", "-o", "{out}"],
    ["export", "d", "-o", "{out}", "--format", "apkg"],
    ["export-reviews", "-o", "{out}"],
    ["backup", "--force", "{out}"],
])
def test_an_output_is_never_written_through_a_symbolic_link(tmp_path, command, capsys):
    seeded()
    precious = tmp_path / "precious.txt"
    precious.write_text("not to be overwritten\n")
    link = tmp_path / "link.out"
    link.symlink_to(precious)
    assert main([a.format(out=link) for a in command]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "symbolic link" in err[0], err
    assert precious.read_text() == "not to be overwritten\n"
    assert link.is_symlink()


@pytest.mark.parametrize("suffix", ["", "-wal"])
@pytest.mark.parametrize("command", [
    ["export", "d", "-o", "{out}", "--format", "toml"],
    ["export", "d", "-o", "{out}", "--format", "apkg"],
    ["export-reviews", "-o", "{out}"],
    ["backup", "--force", "{out}"],
])
def test_the_live_database_is_refused_as_an_output(command, suffix, capsys):
    path = seeded()
    store = open_store()  # keeps a WAL beside the database while the command runs
    store.reviews.record(store.cards.in_play(None)[0], 4)
    try:
        target = path.with_name(path.name + suffix)
        assert target.exists()
        before = target.read_bytes()
        assert main([a.format(out=target) for a in command]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "the database" in err[0], err
        assert target.read_bytes() == before
    finally:
        store.close()
    store = open_store()
    assert len(store.cards.in_play(None)) == 3
    store.close()


@pytest.mark.parametrize("command", [
    ["export", "d", "-o", "{out}.toml"],
    ["export", "d", "-o", "{out}.csv"],
    ["export", "d", "-o", "{out}.apkg"],
    ["export-reviews", "-o", "{out}.csv"],
    ["backup", "{out}.db"],
])
def test_outputs_are_private_whatever_the_umask(tmp_path, command):
    seeded()
    old = os.umask(0o022)
    try:
        assert main([a.format(out=tmp_path / "out") for a in command]) == 0
    finally:
        os.umask(old)
    (written,) = tmp_path.iterdir()
    assert written.stat().st_mode & 0o777 == 0o600


def test_an_export_replaces_an_older_export_of_the_same_name(tmp_path):
    seeded(3)
    out = tmp_path / "d.toml"
    out.write_text("an older export\n")
    assert main(["export", "d", "-o", str(out)]) == 0
    assert 'id = "d2"' in out.read_text()


def test_backup_refuses_to_replace_a_file_unless_forced(tmp_path, capsys):
    seeded()
    out = tmp_path / "mine.db"
    out.write_text("something of mine\n")
    assert main(["backup", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0] and "--force" in err[0], err
    assert out.read_text() == "something of mine\n"
    assert main(["backup", "--force", str(out)]) == 0
    con = sqlite3.connect(out)
    assert con.execute("SELECT count(*) FROM card").fetchone()[0] == 3
    con.close()


def test_backup_without_a_file_never_replaces_todays_automatic_backup(capsys):
    path = seeded()
    store = open_store()
    today = store.today()
    store.close()
    daily = daily_backup(path, today)
    assert daily is not None
    automatic = daily.read_bytes()
    store = open_store()
    import_bytes(store, basic_deck("e", 2))  # "my bad import"
    store.close()
    assert main(["backup"]) == 0
    assert main(["backup"]) == 0  # twice in one second: two files still
    out = capsys.readouterr().out.strip().splitlines()
    written = [Path(line.removeprefix("backed up to ")) for line in out]
    assert len(set(written)) == 2 and daily not in written
    assert daily.read_bytes() == automatic
    for copy in written:
        assert copy.parent == daily.parent and copy.stat().st_mode & 0o777 == 0o600
        con = sqlite3.connect(copy)
        assert con.execute("SELECT count(*) FROM deck").fetchone()[0] == 2
        con.close()
    # a manual copy is never rotated away with the daily ones
    for n in range(1, 40):
        daily_backup(path, date(2030, 1, 1).replace(day=1 + n % 28, month=1 + n // 28))
    assert all(copy.exists() for copy in written)
