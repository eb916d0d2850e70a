from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import genanki
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from trainer.cli import main
from trainer.settings import Settings
from trainer.store import open_store
from trainer.store.replay import rebuild_states
from trainer.store.schema import review_t
from trainer.studyday import study_day

DATA = Path(__file__).parent / "data" / "anki"
EXPECTED = json.loads((DATA / "expected.json").read_text())
UTC_SETTINGS = Settings(timezone="UTC", day_start_hour=4)


def run(*argv: str) -> int:
    return main(list(argv))


def imported(db: Path) -> dict[str, dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = con.execute(
        "SELECT c.*, d.name AS deck_name, s.repetitions, s.easiness_x100, s.interval, s.due,"
        " s.reviews, s.lapses, s.suspended, s.buried_until FROM card c JOIN deck d ON"
        " d.id = c.deck_id JOIN card_state s ON s.card_id = c.id").fetchall()
    con.close()
    return {anki_key(r["key"]): dict(r) for r in rows}


def anki_key(key: str) -> str:
    """trainer's key of an Anki card ("anki-<hex guid>-<template>", or "#c<n>" for a cloze
    gap) as Anki's own "<guid>:<template>", as expected.json names the cards."""
    import re

    match = re.fullmatch(r"anki-([0-9a-f]+)(?:-(\d+)|#c(\d+))", key)
    if match is None:
        return key
    order = match.group(2) if match.group(2) is not None else int(match.group(3)) - 1
    return f"{bytes.fromhex(match.group(1)).decode()}:{order}"


@pytest.fixture
def cfg(_isolated_home):
    (_isolated_home / "config.toml").write_text('timezone = "UTC"\n')
    return _isolated_home


@pytest.mark.parametrize("package", ["current.apkg", "legacy.apkg"])
def test_real_anki_packages_import_every_card_and_state(package, cfg, capsys):
    assert run("import", str(DATA / package)) == 0
    out = capsys.readouterr().out
    assert "media referenced but not imported: kremlin.jpg" in out
    assert "image occlusion" in out.lower()
    cards = imported(cfg / "trainer.db")
    expected = [c for c in EXPECTED["cards"] if c["notetype"] != "Image Occlusion"]
    # Anki's own cards: one study card each, plus none for the dummy "please update" note
    assert sorted(cards) == sorted(c["key"] for c in expected)
    for e in expected:
        got = cards[e["key"]]
        assert got["deck_name"] == e["deck"], e["key"]
        assert got["tags"].split() == e["tags"]
        assert got["reviews"] == e["reps"] and got["lapses"] == e["lapses"]
        assert bool(got["suspended"]) == (e["queue"] == -1)
        assert (got["buried_until"] is not None) == (e["queue"] in (-2, -3))
        if e["type"] == 0:
            assert got["due"] is None and got["repetitions"] == 0
        else:
            assert got["easiness_x100"] == e["factor"] // 10
    by_front = {c["fields"][0]: c for c in expected if c["key"].endswith(":0")}
    france = cards[by_front["Capital of France?"]["key"]]
    assert (france["prompt"], france["answer"], france["kind"]) == (
        "Capital of France?", "Paris", "basic")
    # a review card: due is days after the collection's creation day; n from the revlog
    crt_day = (date(1970, 1, 1) + timedelta(seconds=EXPECTED["crt"]))
    assert france["due"] == str(crt_day + timedelta(days=by_front["Capital of France?"]["due"]))
    assert (france["repetitions"], france["interval"], france["easiness_x100"]) == (2, 15, 265)
    moscow = [c for c in expected if c["fields"][0] == "Moscow"]
    fwd, rev = sorted(moscow, key=lambda c: c["key"])
    assert (cards[fwd["key"]]["prompt"], cards[fwd["key"]]["answer"]) == (
        "Moscow", "Capital of Russia")
    assert (cards[rev["key"]]["prompt"], cards[rev["key"]]["answer"]) == (
        "Capital of Russia", "Moscow")
    assert cards[fwd["key"]]["repetitions"] == 1 and cards[fwd["key"]]["interval"] == 1
    beijing = cards[by_front["Beijing"]["key"]]
    assert beijing["lapses"] == 1 and beijing["repetitions"] == 0  # relearning after a lapse
    relearn_at = datetime.fromtimestamp(by_front["Beijing"]["due"], UTC)
    assert beijing["due"] == str(study_day(relearn_at, UTC_SETTINGS))
    typed = cards[by_front["Year the People&#x27;s Republic of China was founded?"]["key"]]
    assert (typed["kind"], typed["prompt"], typed["answer"]) == (
        "typed", "Year the People's Republic of China was founded?", "1949")
    cloze_note = next(c for c in expected if c["fields"][0].startswith("{{c1::Mao"))
    c1 = cards[cloze_note["key"]]
    assert c1["kind"] == "cloze" and c1["cloze_number"] == 1
    assert c1["prompt"] == "[...] met Stalin in 1949.\n[image: kremlin.jpg]"  # shown, not lost
    assert c1["answer"] == "Mao" and c1["explanation"] == "He waited & waited"
    literal = next(c for c in expected if c["fields"][0].startswith("[bold]"))
    assert cards[literal["key"]]["prompt"] == "[bold]Markup[/] stays [...]"
    # nested deck names come across whole
    with sqlite3.connect(cfg / "trainer.db") as con:
        names = {r[0] for r in con.execute("SELECT name FROM deck")}
    assert names == {"Geography::Capitals", "Geography", "History"}


def test_imported_state_is_logged_and_replays(cfg):
    assert run("import", str(DATA / "current.apkg")) == 0
    store = open_store()
    with store.reading() as conn:
        n = conn.execute(select(func.count()).where(review_t.c.kind == "import")).scalar()
    # a row for every card with review state, and for every suspended or buried one, so that
    # replaying the log gives its flags too
    carried = [c for c in EXPECTED["cards"] if c["type"] != 0 or c["queue"] in (-1, -2, -3)]
    assert n == len(carried)
    assert rebuild_states(store) == 0
    store.close()


def test_reimport_keeps_progress_and_changes_nothing(cfg, capsys):
    assert run("import", str(DATA / "current.apkg")) == 0
    store = open_store()
    france = next(c["key"] for c in EXPECTED["cards"] if c["fields"][0] == "Capital of France?")
    guid, order = france.rsplit(":", 1)
    with store.reading() as conn:  # stored under the note's guid as a native id
        cid = conn.execute(text("SELECT id FROM card WHERE key = :k"),
                           {"k": f"anki-{guid.encode().hex()}-{order}"}).scalar()
    store.reviews.record(cid, 5)
    before = store.cards.state(cid)
    store.close()
    capsys.readouterr()
    assert run("import", str(DATA / "current.apkg")) == 0
    out = capsys.readouterr().out
    assert "0 added, 0 updated" in out
    store = open_store()
    assert store.cards.state(cid) == before
    store.close()


def _genanki_package(tmp_path: Path) -> Path:
    model = genanki.Model(
        1607392319, "Simple",
        fields=[{"name": "Question"}, {"name": "Answer"}],
        templates=[{"name": "Card 1", "qfmt": "{{Question}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"}],
    )
    deck = genanki.Deck(2059400110, "Parent::Child")
    deck.add_note(genanki.Note(model=model, fields=["Q &lt;1&gt;", "A<br>two"], tags=["t1"],
                               guid="guid-one"))
    deck.add_note(genanki.Note(model=model, fields=["Q2", "A2"], guid="guid-two"))
    deck.add_note(genanki.Note(model=genanki.CLOZE_MODEL,
                               fields=["{{c1::x}} and {{c2::y}}", ""], guid="guid-cloze"))
    out = tmp_path / "gen.apkg"
    genanki.Package(deck).write_to_file(str(out))
    return out


def test_genanki_package_with_review_state_edited_in(tmp_path, cfg):
    path = _genanki_package(tmp_path)
    # give one card review history, suspend another, as Anki would have written them
    with zipfile.ZipFile(path) as z:
        data = z.read("collection.anki2")
    db = tmp_path / "c.anki2"
    db.write_bytes(data)
    con = sqlite3.connect(db)
    nid = {g: i for i, g in con.execute("SELECT id, guid FROM notes")}
    con.execute("UPDATE cards SET type=2, queue=2, ivl=10, factor=2300, reps=4, lapses=1, due=30"
                " WHERE nid=?", (nid["guid-one"],))
    cid = con.execute("SELECT id FROM cards WHERE nid=?", (nid["guid-one"],)).fetchone()[0]
    for i, (ease, rtype) in enumerate([(3, 0), (3, 1), (1, 1), (3, 2), (3, 1)]):
        con.execute("INSERT INTO revlog VALUES (?,?,0,?,1,1,2300,1000,?)",
                    (1_700_000_000_000 + i * 86_400_000, cid, ease, rtype))
    con.execute("UPDATE cards SET queue=-1 WHERE nid=?", (nid["guid-two"],))
    crt = con.execute("SELECT crt FROM col").fetchone()[0]
    con.commit()
    con.close()
    repacked = tmp_path / "edited.apkg"
    with zipfile.ZipFile(repacked, "w") as z:
        z.write(db, "collection.anki2")
        z.writestr("media", "{}")
    assert run("import", str(repacked)) == 0
    cards = imported(cfg / "trainer.db")
    one = cards["guid-one:0"]
    assert (one["prompt"], one["answer"], one["deck_name"]) == ("Q <1>", "A\ntwo", "Parent::Child")
    # streak since the lapse: relearning pass + one review = 2
    assert (one["repetitions"], one["interval"], one["easiness_x100"]) == (2, 10, 230)
    crt_day = date(1970, 1, 1) + timedelta(seconds=crt)
    if (crt % 86400) < 4 * 3600:
        crt_day -= timedelta(days=1)
    assert one["due"] == str(crt_day + timedelta(days=30))
    assert (one["reviews"], one["lapses"]) == (4, 1)
    assert cards["guid-two:0"]["suspended"] == 1
    assert {cards["guid-cloze:0"]["cloze_number"], cards["guid-cloze:1"]["cloze_number"]} == {1, 2}


def test_prefers_the_real_collection_over_the_dummy(tmp_path):
    with zipfile.ZipFile(DATA / "current.apkg") as z:
        names = z.namelist()
    assert "collection.anki2" in names and "collection.anki21b" in names
    from trainer.formats.apkg import parse_apkg

    decks = parse_apkg((DATA / "current.apkg").read_bytes(), "current.apkg",
                       lambda m: m.date())
    prompts = [c.prompt for d in decks for c in d.cards]
    assert not any("update" in p.lower() and "anki" in p.lower() for p in prompts)
    # while the dummy collection alone says exactly that
    with zipfile.ZipFile(DATA / "current.apkg") as z:
        dummy = z.read("collection.anki2")
    dummy_db = tmp_path / "dummy.anki2"
    dummy_db.write_bytes(dummy)
    with sqlite3.connect(dummy_db) as con:
        assert "Please update" in con.execute("SELECT flds FROM notes").fetchone()[0]


def _streak(reviews: list[tuple[int, int, int]]) -> int:
    """SM-2's n as the importer reads it from a card's revlog, (id, ease, type) oldest first."""
    from trainer.formats.apkg import _Streak

    streak = _Streak()
    for _rid, ease, rtype in reviews:
        streak.add(ease, rtype)
    return streak.n


def test_manual_reschedules_in_the_revlog_are_not_answers():
    # (revlog id, ease, type): learned, then two passed reviews around a manual reschedule
    # (type 4), whose ease must not read as a failure
    history = [(1, 3, 0), (2, 3, 1), (3, 1, 4), (4, 3, 1)]
    assert _streak(history) == 3
    assert _streak([(1, 3, 0), (2, 3, 1), (3, 1, 1), (4, 3, 1)]) == 1  # a real failure


def test_the_cards_of_one_note_share_it_and_older_databases_are_migrated(cfg, capsys):
    import hashlib

    assert run("import", str(DATA / "current.apkg")) == 0
    db = cfg / "trainer.db"
    cards = imported(db)
    by_guid: dict[str, list[str]] = {}
    for key, card in cards.items():
        # the note: "anki-" and its guid in hex
        assert card["entry"] == "anki-" + key.rsplit(":", 1)[0].encode().hex()
        by_guid.setdefault(card["entry"], []).append(key)
    assert any(len(keys) == 2 for keys in by_guid.values())  # a reversed note: siblings
    # An older database stored entry = key and hashed that; revision 0007 mends both, so
    # re-importing the same package changes nothing.
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, key, kind, prompt, answer, accept, distractors, cloze_text,"
                       " cloze_number, explanation, source_quote, source_para, tags FROM card"
                       ).fetchall()
    for cid, key, kind, prompt, answer, accept, distr, cloze, number, expl, quote, para, tags \
            in rows:
        old = "\x1f".join((key, kind, prompt, answer, "\x1e".join(json.loads(accept)),
                           "\x1e".join(json.loads(distr)), cloze, str(number), expl, quote,
                           str(para), "\x1e".join(tags.split())))
        con.execute("UPDATE card SET entry = key, content_hash = ? WHERE id = ?",
                    (hashlib.blake2b(old.encode(), digest_size=16).hexdigest(), cid))
    con.commit()
    con.close()
    _downgrade(db, "0006")
    capsys.readouterr()
    assert run("import", str(DATA / "current.apkg")) == 0
    out = capsys.readouterr().out
    assert " 0 added, 0 updated," in out
    assert {k: c["entry"] for k, c in imported(db).items()} == {
        k: c["entry"] for k, c in cards.items()}


def _downgrade(db: Path, revision: str) -> None:
    """Take a database back to an older schema, as an older trainer left it."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from trainer.store.engine import MIGRATIONS

    engine = create_engine(f"sqlite:///{db}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    engine.dispose()


def test_an_anki_deck_round_trips_through_toml_and_csv(cfg, tmp_path, capsys):
    """Exported to TOML or CSV and re-imported, an Anki-imported deck is the same deck with the
    same cards (a reversed card keeps its note), whatever its guids looked like."""
    assert run("import", str(DATA / "current.apkg")) == 0
    capsys.readouterr()
    assert run("decks", "--json") == 0
    decks = [d["key"] for d in json.loads(capsys.readouterr().out)]
    before = imported(cfg / "trainer.db")
    for key in decks:
        for fmt in ("toml", "csv"):
            out = tmp_path / f"{key}.{fmt}"
            assert run("export", key, "-o", str(out)) == 0
            capsys.readouterr()
            assert run("import", str(out)) == 0
            report = capsys.readouterr().out
            assert " 0 added, 0 updated," in report, (key, fmt, report)
    assert run("decks", "--json") == 0
    assert [d["key"] for d in json.loads(capsys.readouterr().out)] == decks
    after = imported(cfg / "trainer.db")
    assert {k: (c["entry"], c["content_hash"], c["repetitions"]) for k, c in after.items()} == {
        k: (c["entry"], c["content_hash"], c["repetitions"]) for k, c in before.items()}


@given(st.lists(st.tuples(st.sampled_from([0, 1, 2, 3, 4]), st.sampled_from([0, 1, 2, 3, 4])),
                max_size=30))
def test_the_streak_read_oldest_first_is_the_rule_read_newest_first(reviews):
    """The revlog streams past oldest first; SM-2's n is defined newest first."""
    def newest_first(rows):
        passed, learned = 0, False
        for _rid, ease, rtype in reversed(rows):
            if rtype in (3, 4) or ease == 0:
                continue
            if ease == 1:
                break
            if rtype == 1:
                passed += 1
            else:
                learned = True
        return passed + learned

    rows = [(i, ease, rtype) for i, (ease, rtype) in enumerate(reviews)]
    assert _streak(rows) == newest_first(rows)


def test_a_package_with_review_state_imports_on_every_backend(db_url):
    """The imported states and their log rows go in by the bulk path on SQLite and
    PostgreSQL alike: every card's state as expected, and the log replays to it."""
    from tests.helpers import import_files
    from trainer.settings import Settings
    from trainer.store import open_store

    store = open_store(db_url, settings=Settings(timezone="UTC"))
    import_files(store, DATA / "current.apkg")
    expected = {c["key"]: c for c in EXPECTED["cards"] if c["notetype"] != "Image Occlusion"}
    seen = 0
    for deck in store.decks.summaries().decks:
        for card in store.cards.of_deck(deck.id):
            e = expected[anki_key(card.key)]
            s = store.cards.state(card.id)
            assert (s.reviews, s.lapses, s.suspended) == (e["reps"], e["lapses"],
                                                          e["queue"] == -1)
            assert (s.buried_until is not None) == (e["queue"] in (-2, -3))
            assert (s.due is None) == (e["type"] == 0)
            seen += 1
    assert seen == len(expected)
    assert rebuild_states(store) == 0
    store.close()
