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

import contextlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from trainer.errors import UserError
from trainer.files import fsync_folder, output, partial_of
from trainer.store.engine import head_revision, known_revisions, migrated_schema, schema_entry
from trainer.store.errors import Damaged, StoreError, is_damage, plain_reason

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
# Tables SQLite makes itself: the planner's statistics (ANALYZE) and AUTOINCREMENT's counters.
# Data, never code; a backup may hold them.
SQLITE_OWN = frozenset(schema_entry("table", name, name, sql) for name, sql in (
    ("sqlite_stat1", "CREATE TABLE sqlite_stat1(tbl,idx,stat)"),
    ("sqlite_stat4", "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)"),
    ("sqlite_sequence", "CREATE TABLE sqlite_sequence(name,seq)"),
))


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
    timer = threading.Timer(CHECK_SECONDS, _interrupt, (con,))
    timer.start()
    try:
        con.execute("PRAGMA query_only = ON")
        con.execute("PRAGMA trusted_schema = OFF")
        return _check_objects(con, name)
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


def _interrupt(con: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        con.interrupt()


def _check_objects(con: sqlite3.Connection, name: Path) -> str:
    found = {schema_entry(*row) for row in con.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master")}
    version_table = {e for e in migrated_schema(head_revision()) if e[2] == "alembic_version"}
    if {e for e in found if e[2] == "alembic_version"} != version_table:
        raise StoreError(f"{name}: not a trainer database (no schema version table)")
    rows = con.execute("SELECT version_num FROM alembic_version LIMIT 2").fetchall()
    if len(rows) != 1:
        raise StoreError(f"{name}: not a trainer database (no single schema version)")
    revision = rows[0][0]
    if revision not in known_revisions():
        raise StoreError(f"{name}: written by a newer trainer (schema {revision!r}), or not "
                         "by trainer; nothing was restored")
    expected = migrated_schema(revision)
    extra = sorted(e for e in found - expected - SQLITE_OWN)
    missing = sorted(e for e in expected - found)
    if extra or missing:
        changed = {e[:2] for e in extra} & {e[:2] for e in missing}
        parts = [f"{kind} {obj} defined otherwise" for kind, obj in sorted(changed)]
        parts += [f"an extra {kind} {obj}"
                  for kind, obj, _t, _s in extra if (kind, obj) not in changed]
        parts += [f"no {kind} {obj}"
                  for kind, obj, _t, _s in missing if (kind, obj) not in changed]
        more = f" (and {len(parts) - 3} more)" if len(parts) > 3 else ""
        raise StoreError(f"{name}: not exactly a trainer database of schema {revision} "
                         f"({', '.join(parts[:3])}{more}); nothing was restored")
    verdict = con.execute("PRAGMA integrity_check(1)").fetchone()[0]
    if verdict != "ok":
        raise StoreError(f"{name}: the backup is damaged (integrity check failed)")
    return str(revision)


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
        _stage(backup, staging)
        check_backup(staging, name=backup)
        if not database.exists() or database.stat().st_size == 0:
            _put_in_place(staging, database)
            return Restored()
        try:
            if _damaged(database):  # read-only: a damaged file is set aside as it is
                raise Damaged(f"{database}: damaged")
            return Restored(saved=_overwrite(database, staging, waiting))
        except Damaged:
            # The state every command pointed to ("restore it from a backup"): a damaged
            # database cannot be copied and verified, so it is moved away as it is, and the
            # backup takes its place. A command whose write began on it fails at its commit
            # (Store.transaction checks the file's identity there).
            aside = _set_aside(database)
            _put_in_place(staging, database)
            return Restored(set_aside=aside)
    finally:
        staging.unlink(missing_ok=True)


def _damaged(database: Path) -> bool:
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


def _put_in_place(staging: Path, database: Path) -> None:
    os.replace(staging, database)
    fsync_folder(database.parent)


def _set_aside(database: Path) -> list[Path]:
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


def _stage(backup: Path, staging: Path) -> None:
    """``backup`` copied page by page to a private file: nothing in it runs."""
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
        if _is_full(exc):
            raise StoreError(f"{staging.parent}: cannot restore: the disk is full") from None
        check_backup(backup)  # what is wrong with the file, named as the student gave it
        raise StoreError(f"{backup}: cannot be read ({exc})") from None


def _is_full(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL


class _GaveUp(Exception):
    pass


def _overwrite(database: Path, staging: Path, waiting: Callable[[], None] | None) -> Path:
    """The staged backup written into the live database under SQLite's write lock; the copy
    of the database as it was, made while that lock was held."""
    live = sqlite3.connect(database, timeout=1.0, isolation_level=None)
    try:
        live.execute("PRAGMA synchronous = FULL")
        src = sqlite3.connect(staging, isolation_level=None)
        try:
            _match_page_size(live, src)
            src.execute("BEGIN")  # one read transaction for every step
            total = src.execute("PRAGMA page_count").fetchone()[0]
            if total < 2:  # a checked trainer database has dozens of pages
                raise StoreError(f"{staging}: not a trainer database (too small)")
            deadline = time.monotonic() + RESTORE_WAIT
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
                    saved.append(before(database, "restore"))

            try:
                # steps of at most 1,024 pages, and never the whole file in the first: the
                # copy of the database as it was is made between the first and the second
                src.backup(live, pages=max(1, min(1024, total - 1)), progress=step)
            except _GaveUp:
                raise StoreError(
                    f"{database}: another program is writing to the database and did not "
                    f"finish within {RESTORE_WAIT:g} s; nothing was restored; try again when "
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


def _match_page_size(live: sqlite3.Connection, staged: sqlite3.Connection) -> None:
    """SQLite copies into a database in WAL mode only pages of its own size: a backup with
    other pages is rewritten (VACUUM) with the database's."""
    size = live.execute("PRAGMA page_size").fetchone()[0]
    if staged.execute("PRAGMA page_size").fetchone()[0] != size:
        staged.execute(f"PRAGMA page_size = {int(size)}")
        staged.execute("VACUUM")
