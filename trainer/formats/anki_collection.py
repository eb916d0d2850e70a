"""An Anki collection's tables read as trainer needs them: its note types (fields and
templates, in either of Anki's layouts), its deck names, the fields a template shows, and its
text columns as text whatever SQLite holds in them."""

from __future__ import annotations

import json
import re
import sqlite3
from functools import lru_cache

from trainer.formats import protobuf

FIELD_REF = re.compile(r"\{\{([#^/]?)([^}]+?)\}\}")
SPECIAL_FIELDS = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "Type", "CardFlag"}


def unicase(a: str, b: str) -> int:
    """Anki's ``unicase`` collation (its indexes name it): case-folded comparison."""
    fa, fb = a.casefold(), b.casefold()
    return (fa > fb) - (fa < fb)


class NoteType:
    """A note type: its name, whether it is a cloze type, its fields in order, and each
    template's (front, back) by ordinal."""

    def __init__(self, name: str, cloze: bool, fields: list[str],
                 templates: dict[int, tuple[str, str]]) -> None:
        self.name = name
        self.cloze = cloze
        self.fields = fields
        self.templates = templates


def legacy_notetypes(con: sqlite3.Connection) -> dict[int, NoteType]:
    """The note types of an older collection, kept as JSON in the ``col`` row."""
    models = json.loads(con.execute("SELECT models FROM col").fetchone()[0] or "{}")
    out = {}
    for mid, m in models.items():
        fields = [column_text(f["name"]) for f in sorted(m.get("flds", []), key=lambda f: f["ord"])]
        templates = {t["ord"]: (column_text(t.get("qfmt", "")), column_text(t.get("afmt", "")))
                     for t in m.get("tmpls", [])}
        out[int(mid)] = NoteType(column_text(m.get("name", "")), m.get("type") == 1, fields,
                                 templates)
    return out


def new_notetypes(con: sqlite3.Connection) -> dict[int, NoteType]:
    """The note types of a current collection, in their own tables (protobuf configs)."""
    out = {}
    for ntid, name, config in con.execute("SELECT id, name, config FROM notetypes"):
        cloze = protobuf.first_int(config or b"", 1) == 1
        fields = [r[0] for r in con.execute(
            "SELECT name FROM fields WHERE ntid = ? ORDER BY ord", (ntid,))]
        templates = {
            ord_: (protobuf.first_str(cfg or b"", 1), protobuf.first_str(cfg or b"", 2))
            for ord_, cfg in con.execute(
                "SELECT ord, config FROM templates WHERE ntid = ?", (ntid,))
        }
        out[ntid] = NoteType(name, cloze, fields, templates)
    return out


def read_deck_names(con: sqlite3.Connection, new_layout: bool) -> dict[int, str]:
    """Each deck's full name by id, its levels joined by ``::``."""
    if new_layout:
        return {did: column_text(name).replace("\x1f", "::")
                for did, name in con.execute("SELECT id, name FROM decks")}
    decks = json.loads(con.execute("SELECT decks FROM col").fetchone()[0] or "{}")
    return {int(did): column_text(d.get("name", "")) for did, d in decks.items()}


@lru_cache(maxsize=256)
def field_refs(template: str) -> tuple[tuple[str, str], ...]:
    """(modifier, field) for each plain field reference, in order: 'type', 'cloze' or ''.
    A note type's few templates serve every card: each is read once."""
    out = []
    for prefix, body in FIELD_REF.findall(template):
        if prefix:  # a conditional section marker, not a rendering
            continue
        parts = body.split(":")
        field = parts[-1].strip()
        modifier = parts[0].strip() if len(parts) > 1 else ""
        if field not in SPECIAL_FIELDS:
            out.append((modifier, field))
    return tuple(out)


def column_text(value: object) -> str:
    """A text column as text, whatever SQLite holds in it (a damaged or hand-made
    collection: a BLOB of tags, a number for a guid)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


