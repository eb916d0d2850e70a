"""`pip install .` (and so `pipx install .`) gives a working `trainer` with the bundled decks:
the wheel is built, installed into a fresh virtual environment, and run from there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_installs_a_trainer_command_with_the_bundled_decks(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--disable-pip-version-check", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("trainer-*.whl")
    assert "trainer/serving/page.html" in zipfile.ZipFile(wheel).namelist()  # `trainer serve`
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--disable-pip-version-check", str(wheel)], check=True, timeout=300)
    # trainer's dependencies come from this environment (no network in tests): a path entry
    # to its site-packages, after the new environment's own, which holds the wheel's trainer
    site = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("TRAINER_BUNDLED_DECKS",
                                                             "PYTHONPATH")}
    env["TRAINER_HOME"] = str(tmp_path / "home")
    where = subprocess.run([str(python), "-c", "import trainer, trainer.paths as p; "
                            "print(trainer.__file__); print(p.bundled_decks_dir())"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    module, decks = where.stdout.split()
    assert module.startswith(str(venv)) and decks.endswith("_bundled_decks")
    listed = subprocess.run([str(venv / "bin" / "trainer"), "decks", "--json"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert listed.returncode == 0, listed.stderr
    keys = sorted(d["key"] for d in json.loads(listed.stdout))
    assert keys == sorted(p.stem for p in (ROOT / "decks").glob("*.toml"))
    assert len(keys) == 5
