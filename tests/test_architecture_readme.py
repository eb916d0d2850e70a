"""The README's architecture section is the contracts and the docstrings, not a memory of them:
it must equal what scripts/architecture.py writes from pyproject.toml and the modules today."""

from __future__ import annotations

import copy
import runpy
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "architecture.py"


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_the_readme_shows_the_layers_the_contracts_enforce():
    out = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr


def test_a_module_moved_to_another_layer_makes_the_readme_out_of_date():
    arch = runpy.run_path(str(SCRIPT))
    readme = (ROOT / "README.md").read_text()
    config = _config()
    moved = copy.deepcopy(config)
    top = next(c for c in moved["contracts"] if c["type"] == "layers")
    top["layers"][-1] += " : trainer.rules"
    assert arch["written"](readme, config) == readme
    assert arch["written"](readme, moved) != readme


def test_every_layered_module_is_described_by_its_own_docstring():
    arch = runpy.run_path(str(SCRIPT))
    section = arch["section"](_config())
    assert "(no docstring)" not in section
