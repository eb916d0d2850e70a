"""Backups of a SQLite database, as Anki keeps them: one a day in ``backups/`` beside the
database, the last 7 daily and 4 weekly copies kept; the copies made before a schema upgrade
or a restore are kept there too and never rotated away.

Every copy is made with SQLite's online backup API (safe beside a running session, WAL
included), written under a temporary name, verified (it opens, integrity ok) and only then
renamed, private (0600, in a 0700 folder). A server database is backed up with the server's
own tools.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from trainer.errors import UserError
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


def copy_database(source: Path, target: Path, check: str = "integrity_check", *,
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
                    if dst.execute(f"PRAGMA {check}").fetchone()[0] != "ok":
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


def check_backup(path: Path) -> str:
    """The schema revision of a file that is a sound trainer database; StoreError otherwise."""
    try:
        with path.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{path}: not a SQLite database")
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StoreError(f"{path}: the backup is damaged (integrity check failed)")
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: not a trainer database ({exc})") from None
    if row is None:
        raise StoreError(f"{path}: not a trainer database (no schema version)")
    return str(row[0])


def restore(database: Path, backup: Path) -> Path:
    """Put ``backup`` in the database's place, after copying the current database aside; the
    path of that copy. The caller holds the study lock."""
    check_backup(backup)
    saved = before(database, "restore") if database.exists() else database
    copy_database(backup, database.with_name(database.name + ".restoring"))
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(database.with_name(database.name + ".restoring"), database)
    return saved
