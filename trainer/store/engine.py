"""Open a store: an engine factory with the SQLite durability rules and schema migrations.

Nothing is written to a file that fails the checks: a file that is not SQLite, a truncated one,
one from a newer trainer, or one in a read-only place gives a one-line error and stays as it was.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from trainer.errors import UserError
from trainer.paths import resolve_db_url
from trainer.store.errors import StoreError, is_damage, plain_reason, restore_hint

MIGRATIONS = Path(__file__).parent / "migrations"
REVISION_LINE = re.compile(
    r"""^(down_revision|revision) = (?:["']([^"']*)["']|None)$""", re.MULTILINE)
TRAINER_TABLES = {"deck", "card", "card_state", "review"}
BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"


@cache
def known_revisions() -> tuple[str, ...]:
    """The migration scripts' revisions, oldest first, read from the files themselves.

    Start-up compares the stored revision with the newest and imports Alembic only when they
    differ, so this reads the scripts' ``revision = "…"`` lines instead of asking Alembic (a
    test checks that Alembic sees the same single head)."""
    return revision_chain(MIGRATIONS / "versions")


def revision_chain(folder: Path) -> tuple[str, ...]:
    parents: dict[str, str | None] = {}
    for script in folder.glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in REVISION_LINE.finditer(
            script.read_text(encoding="utf-8")))
        if found.get("revision"):
            parents[str(found["revision"])] = found.get("down_revision")
    children: dict[str | None, str] = {parent: rev for rev, parent in parents.items()}
    chain: list[str] = []
    current = children.get(None)
    while current is not None:
        chain.append(current)
        current = children.get(current)
    return tuple(chain)


def head_revision() -> str:
    return known_revisions()[-1]


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _check_sqlite_file(path: Path) -> None:
    """Refuse, without writing, a file trainer cannot safely open."""
    where = path.parent if str(path.parent) else Path(".")
    if not path.exists():
        if not where.exists():
            try:
                # a student's history is theirs: every folder trainer makes is private
                missing = [where, *(p for p in where.parents if not p.exists())]
                for folder in reversed(missing):
                    folder.mkdir(mode=0o700, exist_ok=True)
            except OSError as exc:
                raise UserError(f"{path}: cannot create its folder: {exc.strerror}") from None
        if not os.access(where, os.W_OK | os.X_OK):
            raise UserError(f"{path}: cannot create the database: folder {where} is read-only")
        # created private before SQLite opens it; SQLite gives its -wal and -shm files the
        # database file's permissions
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as exc:
            raise UserError(f"{path}: cannot create the database: {exc.strerror}") from None
        return
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a database file")
    size = path.stat().st_size
    if size == 0:
        _make_private(path)
        return
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise UserError(
            f"{path}: not a trainer database (not SQLite); move it away or choose another --db"
        )
    if len(header) < 100:
        raise UserError(f"{path}: the database is truncated, damaged; {restore_hint(path)}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size_valid = header[92:96] == header[24:28]
    wal = path.with_name(path.name + "-wal")
    # A process killed while it checkpointed its WAL leaves a main file whose header counts
    # pages still only in the WAL: SQLite replays the WAL on open. Only a file SQLite itself
    # cannot read is called truncated, so that nobody is told to restore an older backup
    # over a healthy database.
    if (size_valid and size < pages * page_size
            and not (wal.exists() and wal.stat().st_size) and not _reads_ok(path)):
        raise UserError(
            f"{path}: the database is truncated ({size} of {pages * page_size} bytes), "
            f"damaged; {restore_hint(path)}"
        )
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(where, os.W_OK | os.X_OK):
        raise UserError(f"{path}: the database or its folder is read-only; trainer needs to write")
    _make_private(path)  # a file refused above is left exactly as it was


def _make_private(path: Path) -> None:
    """A database an earlier trainer (or a copy) left readable by others, with its WAL and
    its index, made readable by its owner only; said once, on stderr (the next open finds
    nothing to do)."""
    changed = []
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            found = file.stat()
            if found.st_mode & 0o077 and found.st_uid == os.getuid():
                file.chmod(found.st_mode & 0o700)
                changed.append(file)
        except OSError:  # gone meanwhile, or not ours to change: the open goes on
            continue
    if changed:
        also = " and its WAL" if len(changed) > 1 else ""
        print(f"trainer: {path}{also} could be read by other users; made private (0600)",
              file=sys.stderr)


def _remove_leftovers(path: Path | None) -> None:
    """What a killed trainer left: its scratch files in the data folder, and the copies it was
    writing beside the database and in backups/ (named with its process id)."""
    from trainer.files import clean_scratch, remove_stale

    clean_scratch()
    if path is not None:
        remove_stale(path.parent, f"{path.name}.*.partial")
        remove_stale(path.parent / "backups")


def _reads_ok(path: Path) -> bool:
    """SQLite's own judgement of a file, read-only: its quick check passes."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(con.execute("PRAGMA quick_check").fetchone()[0] == "ok")
        finally:
            con.close()
    except sqlite3.Error:
        return False


def _read_revision_readonly(path: Path) -> tuple[str | None, set[str]]:
    """The stored schema revision and table names, read without any chance of a write."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            return revision, tables
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise UserError(f"{path}: the database is damaged ({exc}); {restore_hint(path)}"
                            ) from None
        raise UserError(f"{path}: cannot read the database ({plain_reason(str(exc))})") from None


def _set_sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # The driver's own transaction handling would begin lazily and as DEFERRED; we begin
    # ourselves (see _begin) so that writes take the lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")  # a committed review survives a power cut
    cursor.execute("PRAGMA foreign_keys = ON")
    # 64 MiB of page cache: big imports and the statistics stay in memory
    cursor.execute("PRAGMA cache_size = -65536")
    # The study screen checkpoints in a worker whenever the student pauses (Store.checkpoint);
    # SQLite's own checkpoint, inside the commit that crosses this many pages, is the safety
    # net for a long run without a pause: 40,000 pages, about 5,000 answers (at the default
    # of 1,000 a grade in every 125 waited 7 ms for it). Closing the store checkpoints what is
    # left.
    cursor.execute("PRAGMA wal_autocheckpoint = 40000")
    cursor.close()


def _begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock at once, so a lock upgrade mid-transaction can never
    # fail with "database is locked"; the busy timeout makes a second writer wait its turn.
    # On the driver itself: through exec_driver_sql this BEGIN was 25 µs of a grade's 140 µs
    # of work besides its commit.
    driver = conn.connection.driver_connection
    assert driver is not None, "the connection is closed"
    driver.execute("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate", True)
                   else "BEGIN")


def create_store_engine(url: str) -> Engine:
    """An engine with trainer's connection rules. Never a module-level engine."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def _backup(path: Path, revision: str) -> Path:
    """A verified private copy before an upgrade (backups.copy_database: written under a
    temporary name, checked, then renamed), kept in backups/ and never rotated away."""
    from trainer.store.backups import backup_dir, copy_database

    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = backup_dir(path) / f"{path.stem}.before-upgrade-{revision}-{stamp}.db"
    try:
        # quick_check: the upgrade waits on this copy
        return copy_database(path, target, check="quick_check")
    except StoreError as exc:
        raise UserError(f"{path}: cannot write a backup before upgrading ({exc}); nothing was "
                        "changed") from None


def _upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        driver_connection: Any = connection.connection.driver_connection
        if sqlite:
            # A migration that copies a table (Alembic's batch mode) drops the old one: with
            # foreign keys on, that would cascade to every row that refers to it. The pragma
            # only takes effect outside a transaction, hence the driver connection.
            driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        finally:
            if sqlite:
                connection.rollback()
                driver_connection.execute("PRAGMA foreign_keys=ON")
        if sqlite:
            _give_back_room(driver_connection)
    engine.dispose()  # every later connection starts afresh, with the usual pragmas


SchemaEntry = tuple[str, str, str, str | None]
SPACING = re.compile(r"\s*([(),])\s*")


def schema_entry(kind: str, name: str, table: str, sql: str | None) -> SchemaEntry:
    """One row of sqlite_master, its SQL with whitespace and identifier quotes evened out:
    SQLite keeps a statement's text as it was given (a table rebuilt by a migration's batch
    mode is spaced otherwise), and a rename may quote a name anew."""
    if sql is not None:
        sql = SPACING.sub(r"\1", " ".join(sql.replace('"', "").split()))
    return kind, name, table, sql


@cache
def migrated_schema(revision: str) -> frozenset[SchemaEntry]:
    """What a trainer database of ``revision`` holds, exactly: the sqlite_master of a new
    in-memory database taken to that revision by the migrations themselves (a backup is
    compared with it before it is restored)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy.pool import StaticPool

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        with engine.connect() as connection:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
            rows = connection.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    finally:
        engine.dispose()
    return frozenset(schema_entry(*row) for row in rows)


def _give_back_room(driver_connection: Any) -> None:
    """A migration that rebuilds a table leaves the old one's pages free inside the file: a
    million cards' upgrade to 0019 grew the file from 734 MB to 1.2 GB. When a quarter of the
    file is free, VACUUM writes it again without them (outside any transaction, as it must).
    One that cannot run (no room for its copy, another program writing) is no error: the
    upgrade is done, and the free pages are used again as the store grows."""
    free = driver_connection.execute("PRAGMA freelist_count").fetchone()[0]
    pages = driver_connection.execute("PRAGMA page_count").fetchone()[0]
    if free * 4 > pages:
        with suppress(sqlite3.Error):
            driver_connection.execute("VACUUM")


def _stored_revision(engine: Engine) -> tuple[str | None, set[str]]:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        revision = None
        if "alembic_version" in tables:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.rollback()
    return revision, tables


def prepare_engine(url: str | None = None) -> tuple[Engine, str | None]:
    """Check, back up and migrate the database; return its engine and any backup's path."""
    url = resolve_db_url(url)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise UserError(f"{url!r}: not a database URL; use a file path or a URL such as "
                        "postgresql+psycopg://user@host/trainer") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise UserError(f"{parsed.render_as_string(hide_password=True)}: trainer works with "
                        "SQLite and PostgreSQL databases only")
    path = sqlite_path(url)
    name = str(path) if path else parsed.render_as_string(hide_password=True)
    if path is not None:
        _check_sqlite_file(path)
        revision: str | None = None
        tables: set[str] = set()
        if path.exists() and path.stat().st_size:
            revision, tables = _read_revision_readonly(path)
    _remove_leftovers(path)
    try:
        engine = create_store_engine(url)
    except (ArgumentError, ImportError) as exc:  # a driver that is not installed
        raise UserError(f"{name}: cannot open the database: {exc}; for PostgreSQL, install "
                        "trainer[postgresql]") from None
    if path is None:
        try:
            revision, tables = _stored_revision(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise UserError(f"{name}: cannot open the database: {reason}") from None
    user_tables = {t for t in tables if not t.startswith("sqlite_")}
    if revision is None and user_tables:
        engine.dispose()
        raise UserError(f"{name}: not a trainer database; move it away or choose another --db")
    if revision is not None and revision not in known_revisions():
        engine.dispose()
        raise UserError(
            f"{name}: written by a newer trainer (schema {revision}); upgrade trainer to open it"
        )
    backup = None
    if revision != head_revision():
        if revision is not None and path is not None:
            backup = str(_backup(path, revision))
        try:
            _upgrade(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise UserError(f"{name}: could not upgrade the database: {exc}") from None
    return engine, backup
