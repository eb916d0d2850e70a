from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test touches the real data dir or a user's TRAINER_DB."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TRAINER_HOME", str(home))
    monkeypatch.delenv("TRAINER_DB", raising=False)
    return home
