"""Anki cards under keys that are native ids: entry "anki-<hex of the note's guid>", key
entry + "-<template>" (entry + "#c<n>" for a cloze gap), so that a deck exported to TOML
re-imports into the same cards; re-importing the package still finds them (the same guid
gives the same key)

Revision ID: 0013
Revises: 0012
"""

import hashlib
import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ANKI_KEY = re.compile(r"^(.+):(\d+)$", re.DOTALL)
NATIVE = re.compile(r"^anki-([0-9a-f]+)(?:-(\d+)|#c(\d+))$")
COLUMNS = ("id", "key", "entry", "kind", "prompt", "answer", "accept", "distractors",
           "cloze_text", "cloze_number", "explanation", "source_quote", "source_para", "tags",
           "content_hash", "import_hash")


def anki_entry(guid: str) -> str:
    # trainer.formats.apkg.anki_entry as it was at this revision
    raw = guid.encode()
    digest = raw.hex() if len(raw) <= 40 else hashlib.blake2b(raw, digest_size=20).hexdigest()
    return f"anki-{digest}"


def content_hash(row, entry: str) -> str:
    # trainer.store.imports.content_hash as it was at this revision
    text = "\x1f".join((
        entry, row.kind, row.prompt, row.answer, "\x1e".join(json.loads(row.accept or "[]")),
        "\x1e".join(json.loads(row.distractors or "[]")), row.cloze_text, str(row.cloze_number),
        row.explanation, row.source_quote, str(row.source_para), "\x1e".join(row.tags.split()),
    ))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def searchable(row, key: str) -> str:
    # trainer.store.convert.searchable as it was at this revision
    content = "\x1f".join((key, row.prompt, row.answer, *json.loads(row.accept or "[]"),
                           *json.loads(row.distractors or "[]"), row.cloze_text,
                           row.explanation, row.source_quote))
    return f"{content}\x1e{row.tags}".lower()


def _rewrite(changes: list[dict]) -> None:
    if not changes:
        return
    op.get_bind().execute(sa.text(
        "UPDATE card SET key = :k, entry = :e, content_hash = :h, import_hash = :i, "
        "search_text = :s WHERE id = :id"), changes)


def _change(row, key: str, entry: str) -> dict:
    new_hash = content_hash(row, entry)
    imported = new_hash if row.import_hash == row.content_hash else row.import_hash
    return {"id": row.id, "k": key, "e": entry, "h": new_hash, "i": imported,
            "s": searchable(row, key)}


def upgrade() -> None:
    rows = op.get_bind().execute(sa.text(
        f"SELECT {', '.join(COLUMNS)} FROM card WHERE key LIKE '%:%'")).all()
    changes = []
    for row in rows:
        match = ANKI_KEY.match(row.key)
        if not match or match.group(1) != row.entry:
            continue
        entry = anki_entry(row.entry)
        key = (f"{entry}#c{row.cloze_number}" if row.kind == "cloze" and row.cloze_number
               else f"{entry}-{match.group(2)}")
        changes.append(_change(row, key, entry))
    _rewrite(changes)


def downgrade() -> None:
    rows = op.get_bind().execute(sa.text(
        f"SELECT {', '.join(COLUMNS)} FROM card WHERE entry LIKE 'anki-%'")).all()
    changes = []
    for row in rows:
        match = NATIVE.match(row.key)
        if not match or not row.key.startswith(row.entry) or len(match.group(1)) > 80:
            continue
        try:
            guid = bytes.fromhex(match.group(1)).decode()
        except ValueError:
            continue
        order = match.group(2) if match.group(2) is not None else int(match.group(3)) - 1
        changes.append(_change(row, f"{guid}:{order}", guid))
    _rewrite(changes)
