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
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.helpers import make_store
from trainer.store import open_store
from trainer.store.replay import rebuild_states
from trainer.store.schema import review_t, session_t

ROOT = Path(__file__).resolve().parent.parent


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
    assert rebuild_states(store) == 0
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
    assert rebuild_states(store) == 0
    store.close()


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
    assert len(store.cards.of_deck(store.decks.find("d").id)) == 300
    assert rebuild_states(store) == 0
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
    assert len(store.cards.of_deck(store.decks.find("big").id)) == 3000
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
    assert rebuild_states(store) == 0
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
        assert len(store.cards.of_deck(store.decks.find("big").id)) == 20_000
        store.close()
        (tmp_path / "k.db").unlink()
        for suffix in ("-wal", "-shm", ".lock"):
            (tmp_path / f"k.db{suffix}").unlink(missing_ok=True)


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
    deck = store.decks.find("big")
    assert [c.key for c in store.cards.of_deck(deck.id)] == [f"big{i}" for i in range(8)]
    assert len(store.search.cards(parse("tag:odd")).cards) == 4
    import_bytes(store, _tagged_deck("big", 8))  # unchanged: nothing added twice
    assert len(store.cards.of_deck(deck.id)) == 8
    card = store.cards.of_deck(deck.id)[0]
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
    assert [d.key for d in store.decks.summaries().decks] == ["d"]
    assert store.cards.in_play(None) == ids
    monkeypatch.setattr(imports, "_write_tags", real)
    import_bytes(store, _tagged_deck("big", 8))
    assert len(store.cards.in_play(None)) == 10 and _indexes(store) == before
    store.close()
