"""Where trainer keeps its files. The one place that knows; tests point TRAINER_HOME elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "trainer"
HOME_ENV = "TRAINER_HOME"
DB_ENV = "TRAINER_DB"


def data_dir() -> Path:
    """The data directory: ``$TRAINER_HOME`` if set, else the platform's user data dir."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # deferred: only needed when no override is set

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "trainer.db"


def config_path() -> Path:
    return data_dir() / "config.toml"


def default_db_url() -> str:
    return f"sqlite:///{default_db_path()}"


def resolve_db_url(cli_value: str | None) -> str:
    """``--db`` beats ``$TRAINER_DB`` beats the default file. A bare path means a SQLite file."""
    value = cli_value or os.environ.get(DB_ENV) or default_db_url()
    if "://" not in value:
        value = f"sqlite:///{Path(value).expanduser().resolve()}"
    return value


def bundled_decks_dir() -> Path:
    """The decks shipped with trainer: inside the wheel, or the repository's ``decks/``."""
    here = Path(__file__).resolve().parent
    installed = here / "_bundled_decks"
    if installed.is_dir():
        return installed
    return here.parent / "decks"
