from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from trainer import __version__, paths
from trainer.cli import main
from trainer.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"trainer {__version__}"
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "usage: trainer" in capsys.readouterr().out


def test_unknown_flag_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--no-such-flag"])
    assert exc.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_python_dash_m_runs():
    out = subprocess.run(
        [sys.executable, "-m", "trainer", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("trainer ")


def test_trainer_home_overrides_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path))
    assert paths.data_dir() == tmp_path
    assert paths.default_db_url() == f"sqlite:///{tmp_path / 'trainer.db'}"


def test_db_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path))
    assert paths.resolve_db_url(None) == f"sqlite:///{tmp_path / 'trainer.db'}"
    monkeypatch.setenv("TRAINER_DB", "sqlite:///from-env.db")
    assert paths.resolve_db_url(None) == "sqlite:///from-env.db"
    assert paths.resolve_db_url("postgresql://x/y") == "postgresql://x/y"
    assert paths.resolve_db_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"


def test_settings_defaults_without_file():
    s = load_settings()
    assert (s.day_start_hour, s.new_per_day, s.reviews_per_day) == (4, 20, 200)
    assert s.lapse_updates_easiness is False


def test_settings_from_file(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('day_start_hour = 5\ntimezone = "Europe/London"\nnew_per_day = 7\n')
    s = load_settings(cfg)
    assert s == Settings(day_start_hour=5, timezone="Europe/London", new_per_day=7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day_start_hr = 5\n", "day_start_hr: unknown key"),
        ("day_start_hour = 25\n", "day_start_hour: Input should be less than or equal to 23"),
        ('timezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
        ("day_start_hour = \n", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_key(tmp_path, text, message):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    with pytest.raises(SettingsError) as exc:
        load_settings(cfg)
    assert str(cfg) in str(exc.value) and message in str(exc.value)


def test_bundled_decks_dir_exists():
    assert paths.bundled_decks_dir().is_dir()


def test_a_damaged_database_is_one_line_not_a_traceback(tmp_path, capsys):
    import sqlite3

    db = tmp_path / "t.db"
    assert main(["decks", "--db", str(db)]) == 0
    con = sqlite3.connect(db)
    con.execute("DROP TABLE card_tag")
    con.commit()
    con.close()
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("trainer: database error:") and "card_tag" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "trainer works with SQLite and PostgreSQL databases only"),
        ("postgresql://u@h:notaport/db", "not a database URL"),
        ("postgresql+psycopg://nobody@/nodb?host=/nonexistent",
         'cannot open the database: connection is bad: connection to server on socket '
         '"/nonexistent/.s.PGSQL.5432" failed'),
        ("postgresql+nodriver://x/y", "install trainer[postgresql]"),
    ],
)
def test_a_url_trainer_cannot_use_is_one_line_saying_why(url, message, capsys):
    assert main(["decks", "--db", url]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('timezone = "America"\n', "timezone: unknown time zone 'America'"),
        ("day_start_hour = true\n", "day_start_hour: Input should be a valid integer"),
        ("new_per_day = 100000000000000000000\n", "new_per_day:"),
        ("[decks.x]\nbury_new_siblings = 1\n", "decks.x.bury_new_siblings:"),
        # nested 100,000 deep: a RecursionError in the TOML reader, or in the model
        ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
        ("x = " + "{a = " * 100_000 + "1" + "}" * 100_000 + "\n", "nested too deeply"),
        ("decks" + ".a" * 100_000 + " = 1\n", "config.toml"),
        ("[decks" + ".a" * 100_000 + "]\n", "config.toml"),
        ("new_per_day = " + "9" * 5000 + "\n", "a number too long to be one"),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else v,
)
def test_settings_are_strict_and_name_the_key(tmp_path, text, message, capsys,
                                              monkeypatch):
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path))
    (tmp_path / "config.toml").write_text(text)
    assert main(["decks"]) == 1
    err = capsys.readouterr().err
    assert message in err and "database error" not in err
    assert len(err.splitlines()) <= 20 and "Traceback" not in err


def test_a_damaged_stored_time_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    import sqlite3

    monkeypatch.setenv("TRAINER_HOME", str(tmp_path))
    deck = tmp_path / "d.toml"
    from tests.helpers import basic_deck

    deck.write_bytes(basic_deck("d", 2))
    assert main(["import", str(deck)]) == 0
    con = sqlite3.connect(tmp_path / "trainer.db")
    con.execute("UPDATE card_state SET last_reviewed = 'garbage'")
    con.commit()
    con.close()
    capsys.readouterr()
    assert main(["decks"]) == 1
    err = capsys.readouterr().err
    assert "cannot read" in err and err.count("\n") == 1


def test_an_interrupted_report_of_a_committed_import_is_a_success(tmp_path, capsys,
                                                                   monkeypatch):
    from tests.helpers import basic_deck
    from trainer.cli import importing

    monkeypatch.setenv("TRAINER_HOME", str(tmp_path))
    deck = tmp_path / "d.toml"
    deck.write_bytes(basic_deck("d", 2))

    def interrupted(*_a: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importing, "_report_import", interrupted)
    assert main(["import", str(deck)]) == 0
    assert "imported; the report was interrupted" in capsys.readouterr().out
