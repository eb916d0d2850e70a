"""The store: the only place with SQL, and its one door. ``open_store`` gives a ``Store``: its
own methods are the connection, the transactions and the clock; its operations come grouped
by what they act on (``store.decks.find(ref)``, ``store.cards.get(id)``,
``store.reviews.record(...)``: trainer.store.operations). The operations on a database's files
(backups, restore, the study lock) and the statistics' row types are named here too.

Outside the store only this package, ``trainer.store.records`` (what crosses the boundary:
frozen records, never table models or dicts) and ``trainer.store.errors`` are imported; an
import-linter contract holds it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlmodel import Session

from trainer.settings import Settings, load_settings
from trainer.store.backups import (
    RESTORE_WAIT,
    copy_database,
    daily_backup,
    database_files,
    manual_backup,
    restore,
)
from trainer.store.engine import prepare_engine, sqlite_path
from trainer.store.errors import (
    CouldNotSave,
    Damaged,
    StoreError,
    database_problem,
    is_damage,
    plain_reason,
    restore_hint,
)
from trainer.store.lock import Holder, StudyLock
from trainer.store.operations import (
    Cards,
    Decks,
    Meta,
    Options,
    Queue,
    Reviews,
    Scheduling,
    Search,
    Stats,
    Undo,
)
from trainer.store.records import (
    UNLIMITED,
    Card,
    CardState,
    Deck,
    DeckOptions,
    DeckSummary,
    DeckTree,
    Limits,
    QueueItem,
    ReviewRow,
    Undone,
    UndoneReview,
)
from trainer.store.reviews import Graded
from trainer.store.stats_rows import (
    CardCounts,
    DayReviews,
    DueDay,
    EasinessCount,
    GradeCell,
    HardCard,
    HistoryCell,
    HourCell,
    QuizRow,
    RetentionCell,
    TodayCell,
)
from trainer.store.stats_sql import StatsQueries
from trainer.store.study_sessions import CACHE as SESSION_NUMBERS
from trainer.studyday import study_day


class Store:
    """An open database plus the settings that interpret it (time zone, day start, lapse rule)."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings | None = None,
        clock: Callable[[], datetime] | None = None,
        backup_path: str | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings or Settings()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.backup_path = backup_path
        self.dialect = engine.dialect.name
        self.cache: dict[object, object] = {}  # statements compiled once per store (hot paths)
        # the database's file (SQLite); None on a server
        self.path = sqlite_path(engine.url.render_as_string(hide_password=False))
        # its operations, grouped by what they act on (trainer.store.operations)
        self.decks = Decks(self)
        self.options = Options(self)
        self.cards = Cards(self)
        self.search = Search(self)
        self.queue = Queue(self)
        self.reviews = Reviews(self)
        self.undo = Undo(self)
        self.scheduling = Scheduling(self)
        self.meta = Meta(self)
        self.stats = Stats(self)
        self._lock = threading.RLock()
        self._conn: Connection | None = None
        self._writes = 0  # write transactions since the last checkpoint()
        self._read_engine = engine.execution_options(immediate=False)
        self._identity = _identity(self.path)
        # set when a read or a write met a damaged page: the next write checks the file first
        self._suspect = False
        event.listen(engine, "handle_error", self._saw_error)

    def _saw_error(self, context: ExceptionContext) -> None:
        if is_damage(context.original_exception):
            self._suspect = True

    def _note(self, exc: BaseException) -> None:
        if isinstance(exc, Exception) and is_damage(exc):
            self._suspect = True

    def check_sound(self) -> None:
        """Refuse to write into a damaged database: SQLite's quick check of the file (on
        SQLite; a server keeps its own). An import calls it before it writes, and every write
        after this process has met a damaged page."""
        if self.dialect != "sqlite":
            return
        with self._lock:
            driver = self._held_connection().connection.driver_connection
            assert driver is not None
            try:
                verdict = str(driver.execute("PRAGMA quick_check(1)").fetchone()[0])
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc):
                    raise
                verdict = str(exc)
            if verdict != "ok":
                self._suspect = True
                found = " ".join(verdict.replace("*** in database main ***", "").split())
                raise Damaged(f"{self.path}: the database is damaged ({found[:100]}); "
                              f"nothing was written; {restore_hint(self.path)}")
            self._suspect = False

    def _check_file(self) -> None:
        """The database file is the one opened: a file deleted or replaced under a running
        window would otherwise take its answers into the void."""
        if self.path is not None and _identity(self.path) != self._identity:
            raise CouldNotSave("could not save: the database file was moved, deleted or "
                               "replaced since trainer opened it; restart trainer")

    def close(self) -> None:
        """Close every connection; the last one folds SQLite's WAL into the file. A Ctrl+C
        meanwhile waits for the close to end and is then dropped: whatever the command
        committed is saved, so it reports it as done (it printed a traceback and
        interrupted after a committed import)."""
        with _ctrl_c_held(), self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction on the held connection: it commits on success, else rolls back."""
        with self._lock:
            if self._suspect:
                self.check_sound()
            conn = self._held_connection()
            try:
                self._check_file()
                with conn.begin():
                    yield conn
                    # and again at the commit: a transaction that began on a file since
                    # replaced (a damaged database set aside by restore) would commit to a
                    # file nobody opens again, and be reported as saved
                    self._check_file()
                self._writes += 1
            except BaseException as exc:
                if conn.in_transaction():
                    conn.rollback()
                # a session name written in it is gone with it: so must its cached number
                self.cache.pop(SESSION_NUMBERS, None)
                detail = database_problem(exc) if isinstance(exc, Exception) else None
                if detail is None or isinstance(exc, StoreError):
                    raise
                if is_damage(exc):
                    self._suspect = True
                    self._forget_connection()
                    raise Damaged(f"could not save: the database is damaged ({detail}); "
                                  f"{restore_hint(self.path)}") from exc
                # a full disk, a lock held too long, a lost server: nothing was kept, and
                # the caller says so in one line (a session keeps the card on screen)
                self._forget_connection()
                raise CouldNotSave(f"could not save: {plain_reason(detail)}") from exc

    def _held_connection(self) -> Connection:
        """The connection every write goes through, opened on first use. On SQLite its page
        cache is 8 MiB, not the 64 MiB the statistics' pooled connections keep: it writes
        and reads single cards, and a long session filled the larger cache (2,000 grades
        grew the process by 10 MB, now 2 MB; an import's peak fell 40 MB; no time lost)."""
        if self._conn is None:
            conn = self.engine.connect()
            if self.dialect == "sqlite":
                driver_connection = conn.connection.driver_connection
                assert driver_connection is not None
                driver_connection.execute(f"PRAGMA cache_size = -{HELD_CACHE_KIB}")
            self._conn = conn
        return self._conn

    def _forget_connection(self) -> None:
        if self._conn is not None:
            with suppress(Exception):
                # dropped, not returned to the pool: it failed, and its cache is the small one
                self._conn.invalidate()
            with suppress(Exception):
                self._conn.close()
            self._conn = None

    @contextmanager
    def held(self) -> Iterator[Connection]:
        """The held (writing) connection, outside any transaction: for a one-statement read
        on SQLite's hot path, where each statement is its own snapshot. A pooled connection's
        page cache is emptied by every write on the held one, so reading there after each
        grade went back to the file: the card a session shows next took 0.12 ms there,
        0.02 ms here (10,000 cards)."""
        with self._lock:
            try:
                yield self._held_connection()
            except BaseException as exc:
                self._note(exc)
                raise

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only snapshot on a pooled connection (never takes the write lock)."""
        try:
            with self._read_engine.connect() as conn, conn.begin():
                yield conn
        except Exception as exc:
            self._note(exc)
            if not isinstance(exc, ValueError):  # a stored date or time that is not one
                raise
            raise StoreError(f"the database holds a value trainer cannot read ({exc}); it may "
                             "be damaged: restore a backup or export what you can") from exc

    def wants_checkpoint(self) -> bool:
        """Whether an idle moment should fold the write-ahead log in (``checkpoint``): after
        CHECKPOINT_EVERY writes. Not after every one: the write after a checkpoint starts the
        log file over, and with synchronous=FULL that costs a second fsync (a grade took
        0.46 ms instead of 0.30); in between, grades reuse the log file's space instead of
        growing it (a grade that grows the file took 0.44 ms, its metadata synced too)."""
        return self.dialect == "sqlite" and self._writes >= CHECKPOINT_EVERY

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file, PASSIVE: never waiting for, nor
        blocking, a reader or a writer. For an idle moment (the study screen calls it in a
        worker after a pause, when ``wants_checkpoint``), so that SQLite's own checkpoint,
        which runs inside the commit that crosses wal_autocheckpoint, stays off the grading
        path. False when there was nothing to do or it could not run now; SQLite only."""
        if self.engine.dialect.name != "sqlite":
            return False
        self._writes = 0
        try:
            with self._read_engine.connect() as conn:
                driver = conn.connection.driver_connection
                assert driver is not None
                # on the driver, outside any transaction: a checkpoint inside one would stop
                # at that transaction's own snapshot
                row = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except Exception:  # a checkpoint that cannot run now runs later, or on close
            return False
        busy, logged, copied = row
        return not busy and logged > 0 and copied == logged

    def session(self) -> Session:
        """An ORM session for the ordinary reads; like ``reading``, it never takes the lock."""
        return Session(self._read_engine)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return study_day(self.now(), self.settings)

    def study_lock(self) -> StudyLock:
        """The lock one study window holds on this database (none on a server database)."""
        return StudyLock(self.path.with_name(self.path.name + ".lock") if self.path else None)

    def hour_of(self, moment: datetime) -> int:
        """The local hour of ``moment`` in the configured zone."""
        return moment.astimezone(self.settings.tzinfo()).hour


HELD_CACHE_KIB = 8192  # the writing connection's SQLite page cache (Store._held_connection)
CHECKPOINT_EVERY = 30  # writes between idle checkpoints (Store.wants_checkpoint)


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """SIGINT ignored for the block, in the main thread (the only one Python lets set it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _identity(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        found = os.stat(path)  # one call: it runs before every write
    except OSError:
        return None
    return found.st_dev, found.st_ino


def open_store(
    url: str | None = None,
    settings: Settings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Store:
    """Open (creating or upgrading) the database at ``url``; None means --db/TRAINER_DB/default."""
    settings = settings or load_settings()
    engine, backup = prepare_engine(url)
    return Store(engine, settings, clock, backup)


__all__ = ["Store", "open_store"]
# records (more in trainer.store.records)
__all__ += [
    "UNLIMITED", "Card", "CardState", "Deck", "DeckOptions", "DeckSummary", "DeckTree",
    "Graded", "Limits",
    "QueueItem", "ReviewRow", "Undone", "UndoneReview",
]
# the database's files, while no store has them open
__all__ += [
    "RESTORE_WAIT", "Holder", "StudyLock", "copy_database", "daily_backup", "database_files",
    "manual_backup", "restore", "sqlite_path",
]
# the statistics' queries and their rows
__all__ += [
    "CardCounts", "DayReviews", "DueDay", "EasinessCount", "GradeCell", "HardCard",
    "HistoryCell", "HourCell", "QuizRow", "RetentionCell", "StatsQueries", "TodayCell",
]
