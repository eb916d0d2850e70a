"""A damaged or hostile .apkg (not a zip, a zip bomb, names that escape, garbage inside) is
refused in one line and imports nothing; nothing extracted stays behind."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from tests.import_helpers import run

DATA = Path(__file__).parent / "data" / "anki"


@pytest.fixture
def cfg(_isolated_home):
    (_isolated_home / "config.toml").write_text('timezone = "UTC"\n')
    return _isolated_home


def _zip(tmp_path: Path, members: dict[str, bytes], name: str = "x.apkg",
         compression: int = zipfile.ZIP_DEFLATED) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


def assert_refused(path: Path, message: str, capsys, home: Path) -> None:
    assert run("import", str(path)) == 1
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err
    con = sqlite3.connect(home / "trainer.db")
    assert con.execute("SELECT COUNT(*) FROM card").fetchone()[0] == 0
    con.close()


def test_a_zip_that_is_not_an_apkg(tmp_path, cfg, capsys):
    assert_refused(_zip(tmp_path, {"readme.txt": b"hello"}), "not an Anki package", capsys, cfg)


def test_not_a_zip_at_all(tmp_path, cfg, capsys):
    path = tmp_path / "x.apkg"
    path.write_bytes(b"PK\x03\x04 this is not really a zip" * 10)
    assert_refused(path, "not a zip file", capsys, cfg)


def test_a_zip_bomb_is_refused(tmp_path, cfg, capsys):
    path = _zip(tmp_path, {"collection.anki2": b"\0" * 50_000_000})
    assert_refused(path, "zip bomb", capsys, cfg)


def test_member_names_that_escape_are_refused(tmp_path, cfg, capsys):
    path = _zip(tmp_path, {"../../evil": b"x", "collection.anki2": b"x"})
    assert_refused(path, "tries to escape", capsys, cfg)


def test_garbage_collection_inside_a_zip(tmp_path, cfg, capsys):
    path = _zip(tmp_path, {"collection.anki2": b"not sqlite at all" * 100},
                compression=zipfile.ZIP_STORED)
    assert_refused(path, "not a readable Anki collection", capsys, cfg)


def test_the_extracted_collection_never_stays_behind(tmp_path, monkeypatch):
    """The collection is read from a private temporary file, unlinked once open: nothing is
    left in the temporary directory, whether the package reads or not."""
    import tempfile

    from trainer.formats.apkg import parse_apkg
    from trainer.formats.errors import DeckError

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    decks = parse_apkg((DATA / "current.apkg").read_bytes(), "current.apkg",
                       lambda m: m.date())
    assert decks and list(scratch.iterdir()) == []
    bad = _zip(tmp_path, {"collection.anki2": b"not sqlite at all" * 100},
               compression=zipfile.ZIP_STORED)
    with pytest.raises(DeckError):
        parse_apkg(bad.read_bytes(), "bad.apkg", lambda m: m.date())
    assert list(scratch.iterdir()) == []
