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


def worker_url(url: str) -> str:
    """Under pytest-xdist each worker has a database of its own on the server (the given
    one's name + _gw0, _gw1, ...): two workers resetting one database would wipe each other's
    tables mid-test. Without xdist, the given database itself."""
    from sqlalchemy.engine import make_url

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(url)
    return given.set(database=f"{given.database}_{worker}").render_as_string(
        hide_password=False)


def create_worker_database(url: str) -> None:
    """The worker's database created on the server, through the given one, if not there."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = make_url(worker_url(url)).database
    if name == make_url(url).database:
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        there = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if there.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


EXTERNAL_URL = os.environ.get("TRAINER_TEST_DB_URL") or None
TEST_URLS = [None]
if EXTERNAL_URL:
    TEST_URLS.append(worker_url(EXTERNAL_URL))


@pytest.fixture(autouse=True, scope="session")
def _worker_database() -> None:
    if EXTERNAL_URL:
        create_worker_database(EXTERNAL_URL)


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
