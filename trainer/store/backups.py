"""Backups of a SQLite database, as Anki keeps them: one a day in ``backups/`` beside the
database, the last 7 daily and 4 weekly copies kept; the copies made before a schema upgrade
or a restore are kept there too and never rotated away.

Every copy is made with SQLite's online backup API (safe beside a running session, WAL
included), written under a temporary name, verified (it opens, integrity ok), fsynced and only
then renamed, private (0600, in a 0700 folder), never through a link nor over the database.

A restore checks that the backup is exactly a trainer database (``check_backup``), then writes
it into the database under SQLite's write lock (``restore``). A server database is backed up
and restored with the server's own tools.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from trainer.errors import UserError
from trainer.files import output, partial_of
from trainer.store.backup_schema import check_schema, interrupt
from trainer.store.errors import Damaged, StoreError, is_damage
from trainer.store.restore_steps import is_damaged, overwrite, put_in_place, set_aside, stage

DAILY = re.compile(r"^(?P<stem>.+)-(?P<day>\d{4}-\d{2}-\d{2})\.db$")
KEEP_DAILY = 7
KEEP_WEEKLY = 4


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    day: date


def backup_dir(database: Path) -> Path:
    folder = database.parent / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def database_files(database: Path) -> list[Path]:
    """The live database and the files SQLite keeps beside it: never a backup's target."""
    return [database.with_name(database.name + suffix)
            for suffix in ("", "-wal", "-shm", "-journal", ".lock")]


def copy_database(source: Path, target: Path, check: str = "integrity_check", *,
                  replace: bool = True) -> Path:
    """A verified private copy of ``source`` at ``target``, or a StoreError and no file;
    ``check`` is the SQLite pragma that verifies it (quick_check where time counts).
    ``replace``: an existing ``target`` is replaced, else refused. Never through a link, never
    over the live database (trainer.files.output)."""
    try:
        with output(target, replace=replace, protected=database_files(source)) as partial:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                dst = sqlite3.connect(partial)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                    if dst.execute(f"PRAGMA {check}").fetchone()[0] != "ok":
                        raise Damaged(f"{source}: the database is damaged (its copy failed "
                                      f"the {check.replace('_', ' ')}); no copy was kept")
                finally:
                    dst.close()
            finally:
                src.close()
    except sqlite3.Error as exc:
        if is_damage(exc):
            raise Damaged(f"{source}: the database is damaged ({exc}); no copy was "
                          "kept") from None
        raise StoreError(f"cannot write a backup to {target} ({exc})") from None
    except StoreError:
        raise
    except UserError as exc:
        raise StoreError(str(exc)) from None
    return target


def dailies(database: Path) -> list[Backup]:
    """This database's daily backups, newest first."""
    folder = database.parent / "backups"
    found = []
    for path in folder.glob(f"{database.stem}-*.db") if folder.is_dir() else ():
        match = DAILY.match(path.name)
        if match and match["stem"] == database.stem:
            try:
                found.append(Backup(path, date.fromisoformat(match["day"])))
            except ValueError:
                continue
    return sorted(found, key=lambda b: b.day, reverse=True)


def keep(backups: list[Backup]) -> set[Path]:
    """The last 7 daily copies, and the newest copy of each of the 4 weeks before them."""
    newest_first = sorted(backups, key=lambda b: b.day, reverse=True)
    kept = {b.path for b in newest_first[:KEEP_DAILY]}
    weeks: list[tuple[int, int]] = []
    for b in newest_first[KEEP_DAILY:]:
        week = b.day.isocalendar()[:2]
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.append(week)
            kept.add(b.path)
    return kept


def daily_backup(database: Path, today: date) -> Path | None:
    """Today's backup, unless there is one already, then the old ones rotated away; the new
    copy's path, or None when there was nothing to do."""
    if not database.exists():
        return None
    target = backup_dir(database) / f"{database.stem}-{today.isoformat()}.db"
    if target.exists():
        return None
    copy_database(database, target)
    backups = dailies(database)
    for old in backups:
        if old.path not in keep(backups):
            old.path.unlink(missing_ok=True)
    return target


def manual_backup(database: Path) -> Path:
    """A backup asked for now (`trainer backup`): a new file named for this second, never
    today's automatic copy (the state before a bad import would be lost with it), and never
    rotated away."""
    return _new_copy(database, "backup")


def _new_copy(database: Path, label: str) -> Path:
    """A verified copy in backups/ named ``<stem>.<label>-<time>.db``, never replacing one."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = backup_dir(database)
    for n in range(1, 100):
        target = folder / f"{database.stem}.{label}-{stamp}{'' if n == 1 else f'-{n}'}.db"
        if not target.exists():
            try:
                return copy_database(database, target, replace=False)
            except StoreError:
                if not target.exists():  # not taken meanwhile: a real failure
                    raise
    raise StoreError(f"{folder}: too many backups made this second")


def before(database: Path, why: str) -> Path:
    """The copy made before an upgrade or a restore: kept until the student removes it."""
    return _new_copy(database, f"before-{why}")


CHECK_SECONDS = 120.0  # the most a backup's checks may take before restore gives up


def check_backup(path: Path, name: Path | None = None) -> str:
    """The schema revision of a file that is exactly a trainer database: one of trainer's
    schema revisions, with exactly the tables, indexes and columns a database migrated to
    that revision has (no trigger, no view, nothing else: a backup is data, never code),
    and whole (integrity check). A StoreError naming the file (``name``, if the file is a
    copy of it) otherwise. Nothing in the file is run before its schema is known to be
    trainer's (a view named alembic_version would be), and every check stops after
    CHECK_SECONDS."""
    name = name or path
    try:
        with path.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{name}: not a SQLite database")
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except OSError as exc:
        raise StoreError(f"{name}: cannot read ({exc.strerror})") from None
    except sqlite3.Error as exc:
        raise StoreError(f"{name}: not a trainer database ({exc})") from None
    # the time limit: the progress handler stops SQLite's statements between steps, the
    # timer its long single steps (the integrity check of one b-tree)
    deadline = time.monotonic() + CHECK_SECONDS
    con.set_progress_handler(lambda: time.monotonic() > deadline, 100)
    timer = threading.Timer(CHECK_SECONDS, interrupt, (con,))
    timer.start()
    try:
        con.execute("PRAGMA query_only = ON")
        con.execute("PRAGMA trusted_schema = OFF")
        return check_schema(con, name)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise StoreError(f"{name}: checking it took longer than {CHECK_SECONDS:g} s; "
                             "nothing was restored") from None
        raise StoreError(f"{name}: not a trainer database ({exc})") from None
    except sqlite3.Error as exc:
        raise StoreError(f"{name}: not a trainer database ({exc})") from None
    finally:
        timer.cancel()
        timer.join()
        con.close()


RESTORE_WAIT = 30.0  # seconds restore waits for another program's write to finish


@dataclass(frozen=True, slots=True)
class Restored:
    saved: Path | None = None  # the database as it was, copied and verified
    set_aside: list[Path] | None = None  # a damaged database moved away unverified, its WAL


def restore(database: Path, backup: Path,
            waiting: Callable[[], None] | None = None) -> Restored:
    """Put ``backup``'s content in the database, after copying the database as it was aside.

    What is checked and restored is a private copy of ``backup``, so the file cannot change
    between the two. The database file itself stays (no other program keeps writing to a
    file that is no longer the database): the backup's pages are written into it by SQLite's
    backup API, in one transaction under SQLite's write lock, and the copy of the database as
    it was is made once that lock is held, so every write another program committed before
    is in that copy and none can commit after it. A program in the middle of a write keeps
    restore waiting (``waiting`` is called once) for up to RESTORE_WAIT seconds, then restore
    gives up and changes nothing. Readers see the old database or the restored one, never a
    mixture. The caller holds the study lock."""
    staging = partial_of(database.with_name(database.name + ".restoring"))
    try:
        try:
            stage(backup, staging)
        except sqlite3.Error as exc:  # SQLite could not read it
            check_backup(backup)  # what is wrong with the file, named as the student gave it
            raise StoreError(f"{backup}: cannot be read ({exc})") from None
        check_backup(staging, name=backup)
        if not database.exists() or database.stat().st_size == 0:
            put_in_place(staging, database)
            return Restored()
        try:
            if is_damaged(database):  # read-only: a damaged file is set aside as it is
                raise Damaged(f"{database}: damaged")
            return Restored(saved=overwrite(database, staging, waiting, RESTORE_WAIT,
                                             lambda: before(database, "restore")))
        except Damaged:
            # The state every command pointed to ("restore it from a backup"): a damaged
            # database cannot be copied and verified, so it is moved away as it is, and the
            # backup takes its place. A command whose write began on it fails at its commit
            # (Store.transaction checks the file's identity there).
            aside = set_aside(database)
            put_in_place(staging, database)
            return Restored(set_aside=aside)
    finally:
        staging.unlink(missing_ok=True)
