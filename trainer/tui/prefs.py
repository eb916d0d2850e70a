"""Remembered UI choices (the theme), in the data dir: not study data, so not in the database."""

from __future__ import annotations

import json
import os
from pathlib import Path

from trainer import paths


def prefs_path() -> Path:
    """Where the UI's choices are kept: ui.json in the data directory."""
    return paths.data_dir() / "ui.json"


def load_prefs() -> dict[str, object]:
    """The remembered choices; none when the file is missing or unreadable."""
    try:
        data = json.loads(prefs_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_prefs(**values: object) -> None:
    """Remember ``values`` with the other choices (written whole, then moved into place)."""
    data = load_prefs() | values
    path = prefs_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a preference that cannot be saved is not worth interrupting study for
