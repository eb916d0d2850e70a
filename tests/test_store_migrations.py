"""Upgrades and downgrades: a database an older trainer left opens with every card, state
and review in it."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from tests.helpers import make_store
from trainer.store import open_store
from trainer.store.engine import head_revision
from trainer.store.replay import rebuild_states, rollup_rows

V1_DB = Path(__file__).parent / "data" / "v1.db"


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
    rows = {(r[2], r[3], r[4]): (r[5], r[6]) for r in rollup_rows(store)}
    assert rows == {
        ("new", "scheduled", 5): (1, 2000),
        ("learning", "quiz", 4): (1, 1500),
        ("learning", "scheduled", 4): (1, 3000),
    }
    assert rebuild_states(store) == 0
    assert store.cards.state(1).interval == 6
    store.close()
    # opening again needs no upgrade and makes no second backup
    store = open_store(str(path))
    assert store.backup_path is None
    store.close()


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
        store.reviews.record(cid, 4)
    store.cards.suspend(ids[3])
    states = {cid: store.cards.state(cid) for cid in ids}
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
    assert {cid: store.cards.state(cid) for cid in ids} == states
    store.close()


def test_the_compact_log_migrates_both_ways_and_keeps_every_state_before_and_after(db_url):
    """0017 keeps only each log row's after-state: the state before every row, the review's
    maturity, days and times must come out of the upgrade as they went in, and a downgrade
    must write the old before columns back."""
    from tests.helpers import Clock

    clock = Clock()
    store, ids = make_store(db_url, 4, clock=clock)
    store.reviews.record(ids[0], 5, answer_ms=900, session_id="s")
    store.reviews.record(ids[0], 4, kind="quiz", session_id="q")
    store.reviews.record(ids[1], 1, session_id="s")
    store.reviews.record(ids[1], 2, kind="repeat", session_id="s")
    store.cards.suspend(ids[2])
    clock.advance(days=3)
    store.reviews.record(ids[0], 2, session_id="s")
    store.cards.bury_until_tomorrow(ids[3])
    history = {cid: store.cards.history(cid) for cid in ids}
    header, log = store.reviews.log()
    states = {cid: store.cards.state(cid) for cid in ids}
    rollup = rollup_rows(store)
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
    assert {cid: store.cards.history(cid) for cid in ids} == history
    assert store.reviews.log() == (header, log)
    assert {cid: store.cards.state(cid) for cid in ids} == states
    assert rollup_rows(store) == rollup
    assert rebuild_states(store) == 0
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
    store.reviews.record(ids[0], 5)
    store.close()
    with downgraded(url, "0016") as connection:
        connection.execute(text("UPDATE card_state SET last_reviewed = :w WHERE card_id = :c"),
                           {"w": written, "c": ids[0]})
        connection.execute(text("UPDATE review SET reviewed_at = :w WHERE card_id = :c"),
                           {"w": written.removesuffix("+00:00"), "c": ids[0]})
    store = open_store(url)
    assert rebuild_states(store) == 0
    assert store.cards.state(ids[0]).last_reviewed == datetime(2026, 3, 2, 10, 0, 0, ms * 1000,
                                                               tzinfo=UTC)
    assert store.cards.history(ids[0])[-1].reviewed_at == store.cards.state(ids[0]).last_reviewed
    store.close()


def _indexes(store) -> dict[str, bool]:
    from sqlalchemy import inspect

    found = {}
    for table in ("card", "card_tag"):
        found |= {i["name"]: bool(i["unique"]) for i in inspect(store.engine).get_indexes(table)}
    return found


def test_the_card_key_index_migrates_both_ways(db_url):
    """0018 turns the card key's unique constraint into a unique index: down and up again,
    every card, state and review is kept, and a deck's keys stay unique either way."""
    store, ids = make_store(db_url, 4)
    store.reviews.record(ids[0], 5)
    store.cards.suspend(ids[1])
    cards = [store.cards.get(cid) for cid in ids]
    states = {cid: store.cards.state(cid) for cid in ids}
    history = store.cards.history(ids[0])
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
    assert [store.cards.get(cid) for cid in ids] == cards
    assert {cid: store.cards.state(cid) for cid in ids} == states
    assert store.cards.history(ids[0]) == history
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
    store.reviews.record(ids[0], 5)
    cards = {cid: store.cards.get(cid) for cid in ids}
    assert cards[ids[0]].created_at is not None
    states = {cid: store.cards.state(cid) for cid in ids}
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

    assert {cid: store.cards.get(cid) for cid in ids if cid != ids[1]} == {
        cid: c for cid, c in cards.items() if cid != ids[1]}
    assert {cid: store.cards.state(cid) for cid in ids} == states
    report = reimport(basic_deck("d", 4))
    assert (report.added, report.updated, report.unchanged, report.replaced) == (0, 0, 4, [])
    assert store.cards.get(ids[1]).answer == "a1, edited in the app"
    report = reimport(basic_deck("d", 4).replace(b'"a1"', b'"a1 from the file"'))
    assert (report.updated, report.replaced) == (1, [cards[ids[1]].key])
    assert store.cards.get(ids[1]).answer == "a1 from the file"
    now = {cid: store.cards.get(cid) for cid in ids}
    store.close()

    with downgraded(db_url, "0018"):
        pass
    store = open_store(db_url, clock=clock)
    assert {cid: store.cards.get(cid) for cid in ids} == now
    assert {cid: store.cards.state(cid) for cid in ids} == states
    assert reimport(basic_deck("d", 4).replace(b'"a1"', b'"a1 from the file"')).unchanged == 4
    assert rebuild_states(store) == 0
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
