"""Deck-file problems, reported all at once, one line each."""

from __future__ import annotations

from trainer.errors import UserError


class DeckError(UserError):
    """A file that cannot be imported; ``lines`` name file, line, card, field and reason."""


def shown(value: object, width: int = 80) -> str:
    """A value from a file inside a message: one line, at most ``width`` characters (a 10 MB
    id is not echoed whole, and a newline in it forges no second line)."""
    text = str(value).replace("\n", "\u2424").replace("\r", "\u240d")
    return text if len(text) <= width else text[: width - 1] + "…"


def decode_text(data: bytes, origin: str) -> str:
    """Bytes of a text file as str: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if not data.strip():
        raise DeckError(f"{origin}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DeckError(f"{origin}: not valid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise DeckError(f"{origin}: a binary file, not a text deck")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeckError(
            f"{origin}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8 and import it again"
        ) from None
