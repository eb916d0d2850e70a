"""The decks shipped with trainer: loaded on first run, refreshed when trainer is upgraded.

A fingerprint of the bundled files is kept in the database; when it differs (a fresh database,
or new deck files after an upgrade) the decks are imported through the usual re-import rules,
as one family: a student's progress is kept, a card that moved between the bundled decks moves
with it, and an entry the new files no longer have is retired, never deleted.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from trainer.importer import DeckReport, day_function, import_decks, load
from trainer.paths import bundled_decks_dir
from trainer.store import Store

META_KEY = "bundled_decks"
OFF = "TRAINER_BUNDLED_DECKS"  # "0": never load them (the test suite's own databases)


def bundled_files(folder: Path | None = None) -> list[Path]:
    folder = folder or bundled_decks_dir()
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_bundled(store: Store, folder: Path | None = None) -> list[DeckReport]:
    """Import the bundled decks if this database has not loaded this version of them."""
    if os.environ.get(OFF) == "0" and folder is None:
        return []
    files = bundled_files(folder)
    if not files:
        return []
    stamp = fingerprint(files)
    if store.meta.get(META_KEY) == stamp:
        return []
    decks = load(files, None, None, day_function(store))
    reports = import_decks(store, decks, family=True)
    store.meta.put(META_KEY, stamp)
    return reports
