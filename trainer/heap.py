"""Keeping the garbage collector off the long-lived start-up objects."""

from __future__ import annotations

import gc


def settle() -> None:
    """Move every object alive now out of the collector's generations.

    trainer's start-up objects (modules, SQLAlchemy's compiled statements, Textual's widgets)
    live as long as the process. Each full collection walked them all again: building a
    40,000-card queue triggered enough collections to double its cost. Frozen objects are
    skipped; anything created later is collected as usual."""
    gc.freeze()
