"""The steps of a restore (trainer.store.backups.restore): the backup staged as a private copy,
the live database checked, overwritten under SQLite's write lock, or set aside when damaged."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from trainer.files import fsync_folder
from trainer.store.errors import Damaged, StoreError, is_damage, plain_reason


def is_damaged(database: Path) -> bool:
    """SQLite's quick check of the database, read-only (a read-write connection's close
    would fold its WAL into the damaged file): True when it fails or the file is not a
    database; a StoreError when the file cannot be read at all."""
    try:
        con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return bool(con.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok")
        finally:
            con.close()
    except sqlite3.Error as exc:
        if is_damage(exc):
            return True
        raise StoreError(f"{database}: cannot read the database ({plain_reason(str(exc))}); "
                         "nothing was restored") from None


def put_in_place(staging: Path, database: Path) -> None:
    """The staged copy renamed to the database, the rename made durable."""
    os.replace(staging, database)
    fsync_folder(database.parent)


def set_aside(database: Path) -> list[Path]:
    """The database and its -wal and -shm renamed ``<name>.damaged`` (``.damaged-2`` … if
    taken), so that SQLite still reads them together; the renamed files."""
    suffixes = ("", "-wal", "-shm")
    aside = database.with_name(database.name + ".damaged")
    n = 2
    while any(os.path.lexists(f"{aside}{s}") for s in suffixes):
        aside = database.with_name(f"{database.name}.damaged-{n}")
        n += 1
    moved = []
    try:
        for suffix in suffixes:
            source = Path(f"{database}{suffix}")
            if os.path.lexists(source):
                os.rename(source, f"{aside}{suffix}")
                moved.append(Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise StoreError(f"{database}: the database is damaged and cannot be moved aside "
                         f"({exc.strerror}); move it away by hand, then restore") from None
    fsync_folder(database.parent)
    return moved


def stage(backup: Path, staging: Path) -> None:
    """``backup`` copied page by page to a private file: nothing in it runs. SQLite's own
    error when it cannot read the file (the caller asks check_backup why)."""
    try:
        with backup.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{backup}: not a SQLite database")
        os.close(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600))
    except OSError as exc:
        raise StoreError(f"{exc.filename}: cannot restore ({exc.strerror})") from None
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(staging)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        if is_full(exc):
            raise StoreError(f"{staging.parent}: cannot restore: the disk is full") from None
        raise


def is_full(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL


class _GaveUp(Exception):
    pass


def overwrite(database: Path, staging: Path, waiting: Callable[[], None] | None,
              wait: float, save: Callable[[], Path]) -> Path:
    """The staged backup written into the live database under SQLite's write lock; the copy
    of the database as it was (``save``), made while that lock was held. Another program's
    write keeps it waiting (``waiting`` is called once) for up to ``wait`` seconds."""
    live = sqlite3.connect(database, timeout=1.0, isolation_level=None)
    try:
        live.execute("PRAGMA synchronous = FULL")
        src = sqlite3.connect(staging, isolation_level=None)
        try:
            match_page_size(live, src)
            src.execute("BEGIN")  # one read transaction for every step
            total = src.execute("PRAGMA page_count").fetchone()[0]
            if total < 2:  # a checked trainer database has dozens of pages
                raise StoreError(f"{staging}: not a trainer database (too small)")
            deadline = time.monotonic() + wait
            saved: list[Path] = []
            told = False

            def step(status: int, remaining: int, pages: int) -> None:
                nonlocal told
                if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    if waiting is not None and not told:
                        waiting()
                    told = True
                    if time.monotonic() >= deadline:
                        raise _GaveUp
                elif not saved:
                    # The first step took the write lock, and it is held until the last: every
                    # write another program committed is in this copy, and none can follow it.
                    saved.append(save())

            try:
                # steps of at most 1,024 pages, and never the whole file in the first: the
                # copy of the database as it was is made between the first and the second
                src.backup(live, pages=max(1, min(1024, total - 1)), progress=step)
            except _GaveUp:
                raise StoreError(
                    f"{database}: another program is writing to the database and did not "
                    f"finish within {wait:g} s; nothing was restored; try again when "
                    "it has finished") from None
            except sqlite3.Error as exc:
                if is_damage(exc):
                    raise Damaged(f"{database}: damaged ({exc})") from None
                raise StoreError(f"{database}: cannot restore ({plain_reason(str(exc))}); "
                                 "nothing was restored") from None
            return saved[0]
        finally:
            src.close()
    except sqlite3.Error as exc:  # the database's own header or page size unreadable
        if is_damage(exc):
            raise Damaged(f"{database}: damaged ({exc})") from None
        raise StoreError(f"{database}: cannot restore ({plain_reason(str(exc))}); nothing "
                         "was restored") from None
    finally:
        live.close()


def match_page_size(live: sqlite3.Connection, staged: sqlite3.Connection) -> None:
    """SQLite copies into a database in WAL mode only pages of its own size: a backup with
    other pages is rewritten (VACUUM) with the database's."""
    size = live.execute("PRAGMA page_size").fetchone()[0]
    if staged.execute("PRAGMA page_size").fetchone()[0] != size:
        staged.execute(f"PRAGMA page_size = {int(size)}")
        staged.execute("VACUUM")
