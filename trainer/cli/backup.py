"""The backup commands: `trainer backup` copies a SQLite database now (a daily copy is
automatic), and `trainer restore` puts a copy back in its place, saving the current one
first. A server database is backed up with the server's own tools."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.cli.common import open_from_args, say
from trainer.errors import UserError

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand


def register(add: AddCommand) -> None:
    """Add backup and restore to the command line."""
    p = add("backup", cmd_backup, "back up the database now (SQLite; a daily one is automatic)")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE",
                   help="where to write it (default: a new file in backups/ beside the "
                   "database)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p = add("restore", cmd_restore, "put a backup in the database's place (the current "
            "database is backed up first)")
    p.add_argument("file", type=Path, metavar="FILE")


def _sqlite_database(args: argparse.Namespace, server: str = "a server database is backed "
                     "up with the server's own tools (for PostgreSQL: pg_dump and pg_restore)"
                     ) -> Path:
    from trainer.paths import resolve_db_url
    from trainer.store import sqlite_path

    path = sqlite_path(resolve_db_url(getattr(args, "db", None)))
    if path is None:
        raise UserError(server)
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database as it is, checked and brought up to date, to FILE or a new file in
    backups/; the bundled decks are not loaded into it first."""
    from trainer.store import copy_database, manual_backup
    from trainer.store.errors import StoreError

    path = _sqlite_database(args)
    if not path.exists():
        raise UserError(f"{path}: no database yet; nothing to back up")
    with open_from_args(args):  # checks the file and brings its schema up to date
        pass
    try:
        if args.file is not None:
            # absolute, but a link is not followed: it is refused
            target = Path(os.path.abspath(args.file.expanduser()))
            written = copy_database(path, target, replace=args.force)
        else:
            written = manual_backup(path)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    say(f"backed up to {written}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in the database's place while no study window has it open, keeping the
    database as it was (or, if damaged, set aside) beside it, and say where."""
    from trainer.store import RESTORE_WAIT, StudyLock, restore
    from trainer.store.errors import StoreError

    path = _sqlite_database(args, "restore a server database with the server's own tools "
                            "(for PostgreSQL: pg_restore, from a dump made by pg_dump); "
                            "trainer restore puts back SQLite files only")
    source = args.file.expanduser().resolve()
    if source == path:
        raise UserError(f"{source} is the database itself")
    if not source.is_file():
        raise UserError(f"{source}: no such file")
    lock = StudyLock(path.with_name(path.name + ".lock"))
    holder = lock.acquire()
    if holder is not None:
        raise UserError(f"a study window ({holder.describe()}) has this database open; close "
                        "it, then restore")

    def waiting() -> None:
        print(f"trainer: another program is writing to the database; waiting up to "
              f"{RESTORE_WAIT:g} s for it to finish", file=sys.stderr, flush=True)

    try:
        restored = restore(path, source, waiting)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    finally:
        lock.release()
    if restored.set_aside:
        main, *rest = restored.set_aside
        log = [p.name for p in rest if p.name.endswith("-wal")]  # the -shm is SQLite's index
        also = f" (with {log[0]})" if log else ""
        say(f"restored {source}; the database was damaged and could not be copied: it was "
            f"set aside, unverified, as {main}{also}")
    elif restored.saved is None:
        say(f"restored {source}; there was no database before it")
    else:
        say(f"restored {source}; the database as it was is in {restored.saved}")
    return 0
