"""Backups of a SQLite database, as Anki keeps them: one a day in ``backups/`` beside the
database, the last 7 daily and 4 weekly copies kept; the copies made before a schema upgrade
or a restore are kept there too and never rotated away.

Every copy is made with SQLite's online backup API (safe beside a running session, WAL
included), written under a temporary name, verified (it opens, integrity ok) and only then
renamed, private (0600, in a 0700 folder). A server database is backed up with the server's
own tools.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from trainer.errors import UserError
from trainer.store.engine import head_revision, known_revisions, migrated_schema, schema_entry
from trainer.store.errors import StoreError

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


def copy_database(source: Path, target: Path, check: str | None = "integrity_check", *,
                  replace: bool = True) -> Path:
    """A verified private copy of ``source`` at ``target``, or a StoreError and no file;
    ``check`` is the SQLite pragma that verifies it (quick_check where time counts).
    ``replace``: an existing ``target`` is replaced, else refused. Never through a link, never
    over the live database (trainer.files.output)."""
    from trainer.files import output

    try:
        with output(target, replace=replace, protected=database_files(source)) as partial:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                dst = sqlite3.connect(partial)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                    if check and dst.execute(f"PRAGMA {check}").fetchone()[0] != "ok":
                        raise StoreError(f"{target.name}: the copy did not check out; none "
                                         "was kept")
                finally:
                    dst.close()
            finally:
                src.close()
    except sqlite3.Error as exc:
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
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = backup_dir(database)
    for n in range(1, 100):
        name = f"{database.stem}.backup-{stamp}{'' if n == 1 else f'-{n}'}.db"
        if not (folder / name).exists():
            try:
                return copy_database(database, folder / name, replace=False)
            except StoreError:
                if not (folder / name).exists():  # not taken meanwhile: a real failure
                    raise
    raise StoreError(f"{folder}: too many backups made this second")


def before(database: Path, why: str) -> Path:
    """The copy made before an upgrade or a restore: kept until the student removes it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"{database.stem}.before-{why}-{stamp}.db"
    return copy_database(database, backup_dir(database) / name)


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


def restore(database: Path, backup: Path) -> Path:
    """Put ``backup`` in the database's place, after copying the current database aside; the
    path of that copy. What is checked and put in place is a private copy of ``backup``, so
    that the file cannot change between the two. The caller holds the study lock."""
    staging = database.with_name(database.name + ".restoring")
    try:
        copy_database(backup, staging, check=None)
    except StoreError:
        check_backup(backup)  # what is wrong with the file, named as the student gave it
        raise
    try:
        check_backup(staging, name=backup)
        saved = before(database, "restore") if database.exists() else database
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        os.replace(staging, database)
    finally:
        staging.unlink(missing_ok=True)
    return saved
