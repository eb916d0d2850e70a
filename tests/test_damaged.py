"""A damaged database is never written to: an import checks it first, and so does any write in
a process that has seen it malformed; one line points to `trainer restore`."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import basic_deck, import_bytes
from trainer.cli import main
from trainer.store import open_store
from trainer.store.errors import Damaged

PAGE = 4096


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of 3,000 cards and 300 reviews, its WAL folded in (one file)."""
    path = tmp_path_factory.mktemp("healthy") / "trainer.db"
    store = open_store(str(path))
    import_bytes(store, basic_deck("d", 3000))
    for cid in store.cards.in_play(None)[:300]:
        store.reviews.record(cid, 4)
    store.close()
    assert not path.with_name("trainer.db-wal").exists()
    return path


def pages_of(path: Path, name: str) -> list[int]:
    con = sqlite3.connect(path)
    try:
        return [n for (n,) in con.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (name,))]
    finally:
        con.close()


def overwrite(data: bytearray, page: int, content: bytes) -> None:
    data[(page - 1) * PAGE:page * PAGE] = content


def random_page(name: str) -> Callable[[Path, bytearray], None]:
    def damage(path: Path, data: bytearray) -> None:
        pages = pages_of(path, name)
        overwrite(data, pages[len(pages) // 2], random.Random(name).randbytes(PAGE))
    return damage


def zeroed_page(name: str) -> Callable[[Path, bytearray], None]:
    def damage(path: Path, data: bytearray) -> None:
        pages = pages_of(path, name)
        overwrite(data, pages[len(pages) // 3], bytes(PAGE))
    return damage


def swapped_pages(path: Path, data: bytearray) -> None:
    a, b = pages_of(path, "card")[3], pages_of(path, "card_state")[1]
    first = bytes(data[(a - 1) * PAGE:a * PAGE])
    overwrite(data, a, data[(b - 1) * PAGE:b * PAGE])
    overwrite(data, b, first)


def every_seventh_page(path: Path, data: bytearray) -> None:
    rng = random.Random(7)
    for page in range(3, len(data) // PAGE, 7):
        overwrite(data, page, rng.randbytes(PAGE))


def truncated(path: Path, data: bytearray) -> None:
    del data[len(data) - 3 * PAGE:]


def page_count_wrong(path: Path, data: bytearray) -> None:
    """The header's page count and its valid-for number both raised: SQLite believes it."""
    count = int.from_bytes(data[28:32], "big") + 40
    data[28:32] = count.to_bytes(4, "big")


DAMAGE = {
    "random bytes over a card page": random_page("card"),
    "random bytes over an index page": random_page("uq_card_deck_key"),
    "random bytes over a review page": random_page("review"),
    "a zeroed card state page": zeroed_page("card_state"),
    "a card page swapped with a state page": swapped_pages,
    "random bytes over every seventh page": every_seventh_page,
    "truncated": truncated,
    "the page count raised": page_count_wrong,
}


def damaged_copy(healthy: Path, folder: Path, damage: Callable[[Path, bytearray], None]
                 ) -> Path:
    path = folder / "trainer.db"
    shutil.copy(healthy, path)
    data = bytearray(path.read_bytes())
    damage(healthy, data)
    path.write_bytes(bytes(data))
    return path


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()
            if p.is_file() and not p.name.endswith((".lock", "-shm"))
            and not (p.name.endswith("-wal") and not p.stat().st_size)}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
@pytest.mark.parametrize("deck", ["new", "d"], ids=["a new deck", "a re-import"])
def test_an_import_into_a_damaged_database_is_refused_and_changes_nothing(
        healthy, tmp_path, capsys, damage, deck):
    (tmp_path / "db").mkdir()
    path = damaged_copy(healthy, tmp_path / "db", damage)
    deck_file = tmp_path / "deck.toml"
    deck_file.write_bytes(basic_deck(deck, 3100) if deck == "d" else basic_deck(deck, 50))
    before = files(path.parent)
    assert main(["import", "--db", str(path), str(deck_file)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "trainer restore" in err[0], err
    assert files(path.parent) == before


def test_a_write_after_a_read_that_saw_the_damage_is_refused(healthy, tmp_path):
    """A process that has read a malformed page checks the database before its next write."""
    path = damaged_copy(healthy, tmp_path, random_page("card"))
    store = open_store(str(path))
    deck = store.decks.find("d")
    with pytest.raises(Exception, match="malformed"):
        store.cards.of_deck(deck.id)
    before = files(tmp_path)
    with pytest.raises(Damaged) as exc:
        store.cards.suspend(3000)  # a card whose own pages are sound
    store.close()
    assert "trainer restore" in str(exc.value) and "\n" not in str(exc.value)
    assert files(tmp_path) == before


@pytest.mark.parametrize(("damage", "command"), [
    (every_seventh_page, ["decks"]),  # met on open: the schema's pages
    (random_page("card"), ["export", "d"]),  # met reading the cards
    (random_page("card"), ["cards", "q1"]),
], ids=["decks, on open", "export, on a read", "cards, on a read"])
def test_a_command_that_meets_the_damage_points_to_restore(healthy, tmp_path, capsys, command,
                                                          damage):
    path = damaged_copy(healthy, tmp_path, damage)
    assert main([*command, "--db", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "damaged" in err[0] and "trainer restore" in err[0], err
