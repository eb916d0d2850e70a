from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select, text

from tests.helpers import make_store
from trainer.errors import UserError
from trainer.store import open_store
from trainer.store.engine import head_revision
from trainer.store.schema import review_t, session_t

ROOT = Path(__file__).resolve().parent.parent
V1_DB = Path(__file__).parent / "data" / "v1.db"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def child(url: str, count: int, tag: str = "child") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reviewer_child", url, str(count), tag],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


RECORDED_BEFORE_KILL = 20


def test_sigkill_never_loses_a_committed_review(tmp_path):
    db = tmp_path / "t.db"
    url = f"sqlite:///{db}"
    store, _ = make_store(url, 20)
    store.close()
    proc = child(url, 100_000)
    # A guard, not a deadline: a child that hangs ends the test instead of the suite.
    guard = threading.Timer(300, proc.kill)
    guard.start()
    printed: list[int] = []
    assert proc.stdout is not None
    # The kill comes at a random moment once the child has recorded enough to prove
    # something, counted from its own progress: a deadline from its start failed on a loaded
    # machine, where the child's start-up (imports, opening the store) took most of it.
    while len(printed) <= RECORDED_BEFORE_KILL:
        line = proc.stdout.readline()
        if not line:
            break
        printed.append(int(line))
    time.sleep(random.Random().uniform(0.0, 1.0))  # it goes on recording meanwhile
    proc.send_signal(signal.SIGKILL)
    rest, err = proc.communicate()
    guard.cancel()
    printed += [int(x) for x in rest.split()]
    assert proc.returncode == -signal.SIGKILL, err
    assert len(printed) > RECORDED_BEFORE_KILL, "the child recorded too little to prove anything"
    con = sqlite3.connect(db)
    stored = {r[0] for r in con.execute("SELECT id FROM review")}
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert set(printed) <= stored
    # and the states still agree with the log
    store = open_store(url)
    assert store.rebuild_states() == 0
    store.close()


@pytest.mark.parametrize("sessions", [("a", "b"), ("same", "same")])
def test_two_processes_recording_at_once_lose_nothing(db_url, sessions):
    """Two writers at once lose no answer; two that name one new session at the same moment
    (the log keeps its number, written by whichever comes first) share it."""
    url = db_url
    store, _ = make_store(url, 10)
    store.close()
    procs = [child(url, 300, tag) for tag in sessions]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    ids = [int(x) for out, _ in outputs for x in out.split()]
    assert len(ids) == 600 == len(set(ids))
    store = open_store(url)
    with store.reading() as conn:
        by_session = dict(conn.execute(
            select(session_t.c.name, func.count())
            .join(session_t, session_t.c.id == review_t.c.session_id)
            .where(review_t.c.kind == "scheduled").group_by(session_t.c.name)).all())
    assert by_session == {tag: 300 * sessions.count(tag) for tag in sessions}
    assert store.rebuild_states() == 0
    store.close()


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("my precious notes\n" * 100)
    before = digest(path)
    with pytest.raises(UserError) as exc:
        open_store(str(path))
    assert str(exc.value).count("\n") == 0
    assert str(path) in str(exc.value) and "not a trainer database" in str(exc.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_sqlite_file_of_another_program_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(UserError, match="not a trainer database"):
        open_store(str(path))
    assert digest(path) == before


def test_a_truncated_database_is_refused_untouched(tmp_path):
    good = tmp_path / "good.db"
    store, _ = make_store(f"sqlite:///{good}", 200)
    store.close()
    data = good.read_bytes()
    bad = tmp_path / "bad.db"
    bad.write_bytes(data[: len(data) // 2])
    before = digest(bad)
    with pytest.raises(UserError) as exc:
        open_store(str(bad))
    message = str(exc.value)
    assert message.startswith(f"{bad}: ")
    # the reason alone: pytest's temporary path says "truncated" too
    assert "the database is truncated" in message.removeprefix(f"{bad}: ")
    assert "\n" not in message
    assert digest(bad) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="read-only"):
            open_store(str(folder / "t.db"))
    finally:
        folder.chmod(0o755)


def test_a_read_only_folder_is_refused_even_for_root(tmp_path, monkeypatch):
    # root can write anywhere, so simulate what os.access reports for a read-only folder
    folder = tmp_path / "ro"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == folder else real_access(p, mode)
    )
    with pytest.raises(UserError, match="read-only"):
        open_store(str(folder / "t.db"))
    assert list(folder.iterdir()) == []


def test_a_database_from_a_newer_trainer_is_refused_untouched(tmp_path):
    path = tmp_path / "t.db"
    store, _ = make_store(f"sqlite:///{path}", 2)
    with store.transaction() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    before = digest(path)
    with pytest.raises(UserError) as exc:
        open_store(str(path))
    assert "newer trainer" in str(exc.value) and str(path) in str(exc.value)
    assert digest(path) == before


def test_upgrade_from_a_committed_v1_database_keeps_history(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1_DB, path)
    store = open_store(str(path))
    assert store.backup_path is not None
    backup = Path(store.backup_path)
    assert backup.exists() and backup.parent == tmp_path / "backups"
    assert backup.stat().st_mode & 0o777 == 0o600  # private, like the database
    assert not list(tmp_path.glob("*.partial"))
    con = sqlite3.connect(backup)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    con.close()
    with store.reading() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision())
        assert conn.execute(text("SELECT COUNT(*) FROM review")).scalar() == 3
    # the new revision filled the rollup from the old log
    rows = {(r[2], r[3], r[4]): (r[5], r[6]) for r in store.rollup_rows()}
    assert rows == {
        ("new", "scheduled", 5): (1, 2000),
        ("learning", "quiz", 4): (1, 1500),
        ("learning", "scheduled", 4): (1, 3000),
    }
    assert store.rebuild_states() == 0
    assert store.state(1).interval == 6
    store.close()
    # opening again needs no upgrade and makes no second backup
    store = open_store(str(path))
    assert store.backup_path is None
    store.close()


def test_what_trainer_creates_is_private_and_it_never_changes_an_existing_folder(tmp_path):
    fresh = tmp_path / "new" / "home"
    store, _ = make_store(f"sqlite:///{fresh / 'trainer.db'}", 2)
    store.record_review(_[0], 5)
    assert fresh.stat().st_mode & 0o777 == 0o700
    assert (fresh.parent.stat().st_mode & 0o777) == 0o700
    for name in ("trainer.db", "trainer.db-wal"):
        assert (fresh / name).stat().st_mode & 0o777 == 0o600, name
    store.close()
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    store, _ = make_store(f"sqlite:///{shared / 'trainer.db'}", 1)
    store.close()
    assert shared.stat().st_mode & 0o777 == 0o755
    assert (shared / "trainer.db").stat().st_mode & 0o777 == 0o600


def _wal_page_one(wal: Path, page_size: int) -> bytes:
    """The newest copy of page 1 in a WAL file."""
    data = wal.read_bytes()
    found = b""
    for at in range(32, len(data) - 24 - page_size + 1, 24 + page_size):
        if int.from_bytes(data[at:at + 4], "big") == 1:
            found = data[at + 24:at + 24 + page_size]
    return found


def test_a_database_killed_mid_checkpoint_opens_with_everything_in_it(tmp_path):
    # A process killed while it checkpointed: page 1 (whose header counts the pages) already
    # copied into the main file, the pages after it still only in the WAL.
    live = tmp_path / "live.db"
    store, _ids = make_store(f"sqlite:///{live}", 300)
    store.close()
    con = sqlite3.connect(live)
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("CREATE TABLE filler (x BLOB)")
    con.executemany("INSERT INTO filler VALUES (?)", [(b"x" * 3000,) for _ in range(400)])
    con.commit()
    crashed = tmp_path / "crashed.db"
    shutil.copy(live, crashed)  # copied before the connection checkpoints on close
    shutil.copy(live.with_name("live.db-wal"), crashed.with_name("crashed.db-wal"))
    con.close()
    page_size = int.from_bytes(crashed.read_bytes()[16:18], "big")
    page_one = _wal_page_one(crashed.with_name("crashed.db-wal"), page_size)
    assert page_one, "the WAL should hold page 1"
    with crashed.open("r+b") as fh:
        fh.write(page_one)
    header = crashed.read_bytes()[:100]
    assert crashed.stat().st_size < int.from_bytes(header[28:32], "big") * page_size
    store = open_store(str(crashed))  # it was refused as "truncated ... restore a backup"
    assert len(store.deck_cards(store.find_deck("d").id)) == 300
    assert store.rebuild_states() == 0
    store.close()
    con = sqlite3.connect(crashed)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM filler").fetchone()[0] == 400
    con.close()


def test_two_imports_into_one_deck_at_once_serialise(db_url, tmp_path):
    store, _ = make_store(db_url, 1, deck_key="big")
    store.close()
    deck = tmp_path / "big.toml"
    from tests.helpers import basic_deck

    deck.write_bytes(basic_deck("big", 3000))
    env = os.environ | {"TRAINER_DB": db_url, "TRAINER_HOME": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-m", "trainer", "import", str(deck)], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0 and "Traceback" not in err, err
    added = sorted(int(out.split(" added")[0].split()[-1]) for out, _ in results)
    assert added == [0, 2999]  # one imported the new cards, the other found them there
    store = open_store(db_url)
    assert len(store.deck_cards(store.find_deck("big").id)) == 3000
    store.close()


def test_a_disk_that_fills_up_while_grading_loses_nothing_and_says_so(tmp_path):
    db = tmp_path / "t.db"
    url = f"sqlite:///{db}"
    store, _ = make_store(url, 3000)
    store.close()
    limit = db.stat().st_size + 300_000  # room for a few hundred grades in the WAL
    done = subprocess.run([sys.executable, "-m", "tests.full_disk_child", url, str(limit)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    lines = done.stdout.split()
    assert "FULL:" in done.stdout and "could not save" in done.stdout, done.stdout[-300:]
    printed = {int(x) for x in lines if x.isdigit()}
    assert len(printed) > 10
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {r[0] for r in con.execute("SELECT id FROM review")}
    con.close()
    assert printed <= stored  # every grade reported as saved is there
    store = open_store(url)
    assert store.rebuild_states() == 0
    store.close()


@pytest.mark.slow  # four imports of 20,000 cards
def test_killed_while_checkpointing_after_an_import_the_database_opens(tmp_path):
    import textwrap

    deck = tmp_path / "big.tsv"
    deck.write_text("".join(f"front {i} {'x' * 80}\tback {i}\n" for i in range(20_000)))
    child = textwrap.dedent(f"""
        import sys
        from trainer.importer import day_function, import_decks, load
        from trainer.store import open_store
        store = open_store("sqlite:///{tmp_path / 'k.db'}")
        import_decks(store, load([{str(deck)!r}], None, "Big", day_function(store)))
        print("imported", flush=True)
        store.close()  # checkpoints the WAL into the main file
        print("closed", flush=True)
    """)
    rng = random.Random(11)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", child], cwd=ROOT, stdout=subprocess.PIPE,
                                text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "imported"
        time.sleep(rng.uniform(0, 0.05))
        proc.kill()
        proc.wait()
        proc.stdout.close()
        store = open_store(str(tmp_path / "k.db"))  # never "truncated … restore a backup"
        assert len(store.deck_cards(store.find_deck("big").id)) == 20_000
        store.close()
        (tmp_path / "k.db").unlink()
        for suffix in ("-wal", "-shm", ".lock"):
            (tmp_path / f"k.db{suffix}").unlink(missing_ok=True)


@contextmanager
def downgraded(url: str, revision: str) -> Iterator[Connection]:
    """The database taken back to ``revision`` by its own migrations, as an older trainer
    left it; the connection is inside the downgrade's transaction, to change it further."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from trainer.store.engine import MIGRATIONS

    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
            yield connection
    finally:
        engine.dispose()


@pytest.mark.parametrize("revision", [r for r in __import__(
    "trainer.store.engine", fromlist=["known_revisions"]).known_revisions()[:-1]])
def test_an_upgrade_from_any_older_revision_keeps_every_card_state_and_review(
        tmp_path, revision):
    """A database left by an older trainer, with studied cards, opened by this one: nothing is
    lost (a migration that copied a table once took every row that referred to it)."""
    path = tmp_path / "old.db"
    store, ids = make_store(f"sqlite:///{path}", 6)
    for cid in ids[:3]:
        store.record_review(cid, 4)
    store.suspend(ids[3])
    states = {cid: store.state(cid) for cid in ids}
    store.close()

    def count(table: str) -> int:
        con = sqlite3.connect(path)
        try:
            return int(con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        finally:
            con.close()

    before = {t: count(t) for t in ("deck", "card", "card_state", "card_tag", "review")}
    with downgraded(f"sqlite:///{path}", revision):
        pass
    store = open_store(f"sqlite:///{path}")
    after = {t: count(t) for t in before}
    assert {t: after[t] for t in ("deck", "card", "card_state", "card_tag")} == {
        t: before[t] for t in ("deck", "card", "card_state", "card_tag")}
    assert after["review"] >= before["review"]
    assert {cid: store.state(cid) for cid in ids} == states
    store.close()


def test_the_compact_log_migrates_both_ways_and_keeps_every_state_before_and_after(db_url):
    """0017 keeps only each log row's after-state: the state before every row, the review's
    maturity, days and times must come out of the upgrade as they went in, and a downgrade
    must write the old before columns back."""
    from tests.helpers import Clock

    clock = Clock()
    store, ids = make_store(db_url, 4, clock=clock)
    store.record_review(ids[0], 5, answer_ms=900, session_id="s")
    store.record_review(ids[0], 4, kind="quiz", session_id="q")
    store.record_review(ids[1], 1, session_id="s")
    store.record_review(ids[1], 2, kind="repeat", session_id="s")
    store.suspend(ids[2])
    clock.advance(days=3)
    store.record_review(ids[0], 2, session_id="s")
    store.bury_until_tomorrow(ids[3])
    history = {cid: store.card_history(cid) for cid in ids}
    header, log = store.review_log()
    states = {cid: store.state(cid) for cid in ids}
    rollup = store.rollup_rows()
    store.close()

    with downgraded(db_url, "0016") as connection:
        old = [tuple(r) for r in connection.execute(text(
            "SELECT card_id, kind, before_repetitions, before_interval, before_due, "
            "before_suspended, before_buried_until, after_repetitions, study_day "
            "FROM review ORDER BY id"))]
    expected = [(r.card_id, r.kind, r.before_repetitions, r.before_interval, r.before_due,
                 r.before_suspended, r.before_buried_until, r.after_repetitions, r.study_day)
                for r in sorted((r for h in history.values() for r in h), key=lambda r: r.id)]
    as_text = [tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row)
               for row in expected]
    assert [tuple(bool(v) if i == 5 else v for i, v in enumerate(row)) for row in old] in (
        expected, as_text)

    store = open_store(db_url)  # upgrades again
    assert {cid: store.card_history(cid) for cid in ids} == history
    assert store.review_log() == (header, log)
    assert {cid: store.state(cid) for cid in ids} == states
    assert store.rollup_rows() == rollup
    assert store.rebuild_states() == 0
    store.close()


@pytest.mark.parametrize(("written", "ms"), [
    ("2026-03-02 10:00:00.123456+00:00", 123), ("2026-03-02 10:00:00.123456", 123),
    ("2026-03-02 10:00:00.123", 123), ("2026-03-02 10:00:00+00:00", 0),
    ("2026-03-02 10:00:00", 0)])
def test_the_compact_log_upgrade_reads_every_form_of_a_last_review_time(tmp_path, written, ms):
    """Older stores wrote a card's last review time with and without an offset and with
    microseconds; after 0017 it must equal its log row's millisecond time (replay finds
    nothing changed) and read back as the same moment."""
    from datetime import UTC, datetime

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store, ids = make_store(url, 2)
    store.record_review(ids[0], 5)
    store.close()
    with downgraded(url, "0016") as connection:
        connection.execute(text("UPDATE card_state SET last_reviewed = :w WHERE card_id = :c"),
                           {"w": written, "c": ids[0]})
        connection.execute(text("UPDATE review SET reviewed_at = :w WHERE card_id = :c"),
                           {"w": written.removesuffix("+00:00"), "c": ids[0]})
    store = open_store(url)
    assert store.rebuild_states() == 0
    assert store.state(ids[0]).last_reviewed == datetime(2026, 3, 2, 10, 0, 0, ms * 1000,
                                                         tzinfo=UTC)
    assert store.card_history(ids[0])[-1].reviewed_at == store.state(ids[0]).last_reviewed
    store.close()


def _tagged_deck(key: str, n_cards: int) -> bytes:
    lines = ["schema_version = 1", "", "[deck]", f'id = "{key}"', f'name = "Deck {key}"']
    for i in range(n_cards):
        lines += ["", "[[cards]]", f'id = "{key}{i}"', 'kind = "basic"', f'prompt = "q{i}"',
                  f'answer = "a{i}"', f'tags = ["{"even" if i % 2 == 0 else "odd"}"]']
    return "\n".join(lines).encode()


def _indexes(store) -> dict[str, bool]:
    from sqlalchemy import inspect

    found = {}
    for table in ("card", "card_tag"):
        found |= {i["name"]: bool(i["unique"]) for i in inspect(store.engine).get_indexes(table)}
    return found


def test_a_big_import_builds_its_indexes_after_its_rows_and_keeps_them(db_url, monkeypatch):
    """An import that at least doubles the card table drops the random-order indexes and
    builds them after its rows (SQLite): afterwards the deck's keys are still unique, a
    re-import finds every card, and a tag search finds its cards."""
    from tests.helpers import import_bytes
    from trainer.query import parse
    from trainer.store import imports

    monkeypatch.setattr(imports, "DEFER_AT_LEAST", 3)
    store, _ = make_store(db_url, 2)
    before = _indexes(store)
    assert before["uq_card_deck_key"] is True
    import_bytes(store, _tagged_deck("big", 8))
    assert _indexes(store) == before
    deck = store.find_deck("big")
    assert [c.key for c in store.deck_cards(deck.id)] == [f"big{i}" for i in range(8)]
    assert len(store.search_cards(parse("tag:odd")).cards) == 4
    import_bytes(store, _tagged_deck("big", 8))  # unchanged: nothing added twice
    assert len(store.deck_cards(deck.id)) == 8
    card = store.deck_cards(deck.id)[0]
    with pytest.raises(Exception, match=r"(?i)unique"), store.transaction() as conn:
        conn.execute(text(
            "INSERT INTO card (deck_id, key, entry, kind, prompt, answer, accept, distractors,"
            " cloze_text, explanation, source_quote, tags, content_hash, position,"
            " shuffle_seed, search_text) VALUES (:d, :k, :k, 'basic', 'p', 'a', '[]', '[]',"
            " '', '', '', '', 0, 99, 1, '')"), {"d": deck.id, "k": card.key})
    store.close()


def test_a_big_import_that_fails_leaves_the_store_and_its_indexes_as_they_were(
        db_url, monkeypatch):
    """The indexes are dropped inside the import's transaction: a failure after its rows went
    in (a full disk, here) rolls them back with everything else, and the next import works."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from tests.helpers import import_bytes
    from trainer.store import imports
    from trainer.store.errors import CouldNotSave

    monkeypatch.setattr(imports, "DEFER_AT_LEAST", 3)
    store, ids = make_store(db_url, 2)
    before = _indexes(store)
    real = imports._write_tags

    def full_disk(*args, **kwargs):
        real(*args, **kwargs)
        raise OperationalError("INSERT", {}, sqlite3.OperationalError(
            "database or disk is full"))

    monkeypatch.setattr(imports, "_write_tags", full_disk)
    with pytest.raises(CouldNotSave):
        import_bytes(store, _tagged_deck("big", 8))
    assert _indexes(store) == before
    assert [d.key for d in store.deck_summaries().decks] == ["d"]
    assert store.card_ids(None) == ids
    monkeypatch.setattr(imports, "_write_tags", real)
    import_bytes(store, _tagged_deck("big", 8))
    assert len(store.card_ids(None)) == 10 and _indexes(store) == before
    store.close()


def test_the_card_key_index_migrates_both_ways(db_url):
    """0018 turns the card key's unique constraint into a unique index: down and up again,
    every card, state and review is kept, and a deck's keys stay unique either way."""
    store, ids = make_store(db_url, 4)
    store.record_review(ids[0], 5)
    store.suspend(ids[1])
    cards = [store.card(cid) for cid in ids]
    states = {cid: store.state(cid) for cid in ids}
    history = store.card_history(ids[0])
    store.close()
    duplicate = text(
        "INSERT INTO card (deck_id, key, entry, kind, prompt, answer, accept, distractors,"
        " cloze_text, explanation, source_quote, tags, content_hash, position, shuffle_seed,"
        " search_text) SELECT deck_id, key, entry, kind, prompt, answer, accept, distractors,"
        " cloze_text, explanation, source_quote, tags, content_hash, 99, 1, '' FROM card"
        " WHERE id = :c")
    with (downgraded(db_url, "0017") as connection, pytest.raises(Exception, match=r"(?i)unique"),
          connection.begin_nested()):
        connection.execute(duplicate, {"c": ids[0]})
    store = open_store(db_url)
    assert [store.card(cid) for cid in ids] == cards
    assert {cid: store.state(cid) for cid in ids} == states
    assert store.card_history(ids[0]) == history
    assert _indexes(store)["uq_card_deck_key"] is True
    store.close()


def _migration(name: str):
    import importlib.util

    from trainer.store.engine import MIGRATIONS

    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / "versions" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_card_hashes_and_times_as_numbers_keep_every_edit_and_a_reimport_changes_nothing(
        db_url):
    """0019 keeps a card's content hashes as 64-bit numbers and its creation time as
    milliseconds. A store an older trainer left (hexadecimal digests, one card edited in the
    app since its import) upgrades, and re-importing the unchanged file then changes nothing
    and keeps the edit; a changed file still wins and says so. Down and up again, nothing
    is lost."""
    from types import SimpleNamespace

    from tests.helpers import Clock, basic_deck
    from trainer.formats.native import parse_native
    from trainer.importer import import_decks

    clock = Clock()
    store, ids = make_store(db_url, 4, clock=clock)
    store.record_review(ids[0], 5)
    cards = {cid: store.card(cid) for cid in ids}
    assert cards[ids[0]].created_at is not None
    states = {cid: store.state(cid) for cid in ids}
    store.close()
    old = _migration("0019_card_numbers")
    with downgraded(db_url, "0018") as connection:  # as the older trainer kept the cards
        rows = {r.id: r for r in connection.execute(text("SELECT * FROM card"))}
        assert all(len(r.content_hash) == 32 and r.import_hash == r.content_hash
                   for r in rows.values())
        edited = rows[ids[1]]._asdict() | {"answer": "a1, edited in the app"}
        connection.execute(text("UPDATE card SET answer = :a, content_hash = :h WHERE id = :i"),
                           {"a": edited["answer"], "i": ids[1],
                            "h": old.content_hash(SimpleNamespace(**edited))})

    store = open_store(db_url, clock=clock)

    def reimport(data: bytes):
        return import_decks(store, [parse_native(data, "test.toml", "toml")])[0]

    assert {cid: store.card(cid) for cid in ids if cid != ids[1]} == {
        cid: c for cid, c in cards.items() if cid != ids[1]}
    assert {cid: store.state(cid) for cid in ids} == states
    report = reimport(basic_deck("d", 4))
    assert (report.added, report.updated, report.unchanged, report.replaced) == (0, 0, 4, [])
    assert store.card(ids[1]).answer == "a1, edited in the app"
    report = reimport(basic_deck("d", 4).replace(b'"a1"', b'"a1 from the file"'))
    assert (report.updated, report.replaced) == (1, [cards[ids[1]].key])
    assert store.card(ids[1]).answer == "a1 from the file"
    now = {cid: store.card(cid) for cid in ids}
    store.close()

    with downgraded(db_url, "0018"):
        pass
    store = open_store(db_url, clock=clock)
    assert {cid: store.card(cid) for cid in ids} == now
    assert {cid: store.state(cid) for cid in ids} == states
    assert reimport(basic_deck("d", 4).replace(b'"a1"', b'"a1 from the file"')).unchanged == 4
    assert store.rebuild_states() == 0
    store.close()


def test_an_upgrade_that_rebuilds_a_table_gives_its_room_back(tmp_path):
    """0019 writes the card table anew; the old one's pages would stay inside the file,
    free, and the upgrade meant to make the database smaller would make it larger. (1,000
    cards: at 400 the card table was a quarter of the file only just, and the next migration's
    new table's page tipped it under.)"""
    path = tmp_path / "old.db"
    store, _ = make_store(f"sqlite:///{path}", 1000)
    store.close()
    with downgraded(f"sqlite:///{path}", "0018"):
        pass
    con = sqlite3.connect(path)
    con.execute("VACUUM")  # as compact as the older trainer's own file
    con.close()
    before = path.stat().st_size
    open_store(f"sqlite:///{path}").close()
    assert path.stat().st_size < before


def test_giving_the_room_back_is_no_error_when_it_cannot_run():
    """VACUUM needs room for a copy of the file: a full disk after a finished upgrade must
    not stop the store from opening."""
    from trainer.store.engine import _give_back_room

    class FullDisk:
        def execute(self, sql: str):
            if sql == "VACUUM":
                raise sqlite3.OperationalError("database or disk is full")
            return sqlite3.connect(":memory:").execute("SELECT 10")  # 10 free of 10 pages

    _give_back_room(FullDisk())
