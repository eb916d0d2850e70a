"""A backup's schema checked against trainer's own: the tables, indexes and columns a database
migrated to the backup's revision has, and nothing else (no trigger, no view: a backup is data,
never code), read without running anything in the file."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from trainer.store.engine import head_revision, known_revisions, migrated_schema, schema_entry
from trainer.store.errors import StoreError

# Tables SQLite makes itself: the planner's statistics (ANALYZE) and AUTOINCREMENT's counters.
# Data, never code; a backup may hold them.
SQLITE_OWN = frozenset(schema_entry("table", name, name, sql) for name, sql in (
    ("sqlite_stat1", "CREATE TABLE sqlite_stat1(tbl,idx,stat)"),
    ("sqlite_stat4", "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)"),
    ("sqlite_sequence", "CREATE TABLE sqlite_sequence(name,seq)"),
))


def interrupt(con: sqlite3.Connection) -> None:
    """Stop ``con``'s running statement (from the check's timer, on another thread)."""
    with contextlib.suppress(sqlite3.Error):
        con.interrupt()


def check_schema(con: sqlite3.Connection, name: Path) -> str:
    """The schema revision of the open file ``con``, when its schema is exactly trainer's at
    that revision and the file is whole (integrity check); a StoreError naming ``name``
    otherwise."""
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

