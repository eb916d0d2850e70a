"""The layers hold: lint-imports checks the static imports (scripts/test runs it); these check
that every module has a layer and that the imports trainer defers stay deferred."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ("sqlalchemy", "sqlmodel", "alembic", "psycopg")
SCREEN = ("textual", "rich")


def test_every_top_level_module_has_exactly_one_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    named = [m.strip() for layer in layers for m in layer.replace("|", ":").split(":")]
    package = ROOT / "trainer"
    modules = {f"trainer.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"trainer.{p.name}" for p in package.iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    assert sorted(named) == sorted(modules)


@pytest.mark.parametrize(
    ("modules", "absent"),
    [
        # the pure core: no database, no screen
        ("trainer.scheduler trainer.rules trainer.studyday trainer.settings trainer.paths "
         "trainer.answers trainer.formats.native trainer.formats.delimited trainer.formats.apkg",
         (*DATABASE, *SCREEN, "zstandard", "snowballstemmer")),
        # `trainer --version` and `--help` pay for no database and no screen
        ("trainer.cli", (*DATABASE, *SCREEN, "pydantic", "aiohttp", "textual_serve")),
        # the store: Alembic only when a migration is due
        ("trainer.store", (*SCREEN, "alembic")),
        # the workflows above the store draw nothing
        ("trainer.sessions trainer.importer trainer.exporter trainer.stats trainer.render.report "
         "trainer.bundled", (*SCREEN, "alembic", "tomli_w")),
    ],
    ids=["core", "cli", "store", "workflows"],
)
def test_deferred_imports_stay_deferred(modules, absent):
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules.split()!r}: importlib.import_module(m)\n"
        "if 'trainer.cli' in sys.modules: sys.modules['trainer.cli'].build_parser()\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(absent)!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert json.loads(out.stdout) == []


def test_the_store_keeps_a_narrow_door():
    """Store's own methods are its lifecycle; the operations come through its groups, each
    one a concern module's function of a store (no pass-through piles up on Store again)."""
    from trainer.store import Store
    from trainer.store.operations import Operation, Part

    own = [name for name, value in vars(Store).items()
           if not name.startswith("_") and callable(value)]
    assert len(own) <= 30, own
    groups = Part.__subclasses__()
    operations = [value for group in groups for value in vars(group).values()
                  if isinstance(value, Operation)]
    assert len(groups) >= 5 and len(operations) >= 40
    for operation in operations:
        assert operation.function.__module__.startswith("trainer.store."), operation.function
