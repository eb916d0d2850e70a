"""Keeping the garbage collector off the long-lived start-up objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def settle() -> None:
    """Move every object alive now out of the collector's generations.

    trainer's start-up objects (modules, SQLAlchemy's compiled statements, Textual's widgets)
    live as long as the process. Each full collection walked them all again: building a
    40,000-card queue triggered enough collections to double its cost. Frozen objects are
    skipped; anything created later is collected as usual."""
    gc.freeze()


@contextmanager
def starting() -> Iterator[None]:
    """No collections while the start-up objects are made (imports, the store, the app):
    at launch the collector walked the growing heap of modules again and again, 60-70 ms of
    the 0.65 s to the deck list. What was made is then settled, and collection resumes."""
    with paused():
        try:
            yield
        finally:
            settle()


@contextmanager
def paused() -> Iterator[None]:
    """No collections during a bulk job whose objects hold no cycles worth collecting (an
    import: parsed cards, rows, tuples; reference counting frees them). The collector walked
    them again and again as they piled up: 0.3-0.4 s of a 100,000-card import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
