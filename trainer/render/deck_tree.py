"""Anki's nested deck names ("Geography::Capitals") as a tree: each row's depth, its own
label, and counts that include its subdecks; a parent that is not itself a deck gets a row of
its own, so that its children sit under it."""

from __future__ import annotations

from dataclasses import dataclass, field

SEP = "::"


@dataclass
class TreeRow:
    path: str  # the full name
    label: str  # the last part
    depth: int
    key: str | None  # the deck's key; None for a parent that is only a name
    counts: dict[str, int] = field(default_factory=dict)
    own: object | None = None  # the deck's own summary


def deck_tree(decks: list[tuple[str, str, dict[str, int], object]]) -> list[TreeRow]:
    """``decks``: (name, key, counts, summary). Rows in tree order (by name, case aside),
    each with its own and its subdecks' counts."""
    rows: dict[str, TreeRow] = {}
    for name, key, counts, own in decks:
        parts = name.split(SEP)
        for depth in range(len(parts)):
            path = SEP.join(parts[: depth + 1])
            row = rows.setdefault(path, TreeRow(path, parts[depth], depth, None))
            if depth == len(parts) - 1:
                row.key, row.own = key, own
            for k, v in counts.items():
                row.counts[k] = row.counts.get(k, 0) + v
    return sorted(rows.values(), key=lambda r: [p.casefold() for p in r.path.split(SEP)])


def subtree(path: str, names: list[str]) -> list[str]:
    """The names under ``path`` (not itself)."""
    return [n for n in names if n.startswith(path + SEP)]
