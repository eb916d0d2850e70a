from __future__ import annotations

import os

import pytest
from sqlalchemy import text


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test touches the real data dir or a user's TRAINER_DB."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TRAINER_HOME", str(home))
    monkeypatch.delenv("TRAINER_DB", raising=False)
    # tests seed their own decks; the ones that test the bundled decks ask for them
    monkeypatch.setenv("TRAINER_BUNDLED_DECKS", "0")
    return home


TEST_URLS = [None]
if os.environ.get("TRAINER_TEST_DB_URL"):
    TEST_URLS.append(os.environ["TRAINER_TEST_DB_URL"])


# The store and statistics tests also run against TRAINER_TEST_DB_URL (PostgreSQL) when set.
@pytest.fixture(params=TEST_URLS, ids=lambda u: "sqlite" if u is None else "external")
def db_url(request, tmp_path):
    if request.param is None:
        return f"sqlite:///{tmp_path / 'trainer.db'}"
    reset_external(request.param)
    return request.param


def empty_external(url: str) -> None:
    """The external server's trainer tables emptied (faster than dropping them)."""
    from sqlalchemy import create_engine, inspect

    from trainer.store.schema import SQLModel

    engine = create_engine(url)
    with engine.begin() as conn:
        present = set(inspect(conn).get_table_names())
        names = ", ".join(t.name for t in SQLModel.metadata.sorted_tables if t.name in present)
        if names:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def reset_external(url: str) -> None:
    """An empty database on the external server: every trainer table dropped."""
    from sqlalchemy import create_engine

    from trainer.store.schema import SQLModel

    engine = create_engine(url)
    with engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()




def pytest_collection_modifyitems(config, items):
    """In CI the tests that run on PostgreSQL too must be there (scripts/test asks)."""
    if os.environ.get("TRAINER_REQUIRE_POSTGRES") and not any(
            "[external" in item.nodeid for item in items) and len(items) > 20:
        raise pytest.UsageError("the PostgreSQL tests were not collected (TRAINER_TEST_DB_URL "
                                "unset?); CI needs them to run")
