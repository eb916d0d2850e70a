"""TOML read without the reader's two blow-ups: tomllib recurses once a nesting level (an
array or inline table 100,000 deep is a RecursionError), and copies a dotted key's parts
once a part (a key of 100,000 parts, 200 KB, took all memory). For config.toml, deck files
and entry snippets alike."""

from __future__ import annotations

import re
import tomllib
from typing import Any

MAX_KEY_PARTS = 1000  # a key of this many parts costs tomllib half a million copies
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*\.[ \t]*"""
_DOTTED = re.compile(f"(?:{_PART}){{{MAX_KEY_PARTS - 1}}}")


class Unreadable(ValueError):
    """TOML that tomllib would choke on (not a TOMLDecodeError: a traceback), in words."""


class TooDeep(Unreadable):
    """Nested more deeply, or a key of more parts, than any trainer file has."""

    def __init__(self) -> None:
        super().__init__("nested too deeply")


def read_toml(text: str) -> dict[str, Any]:
    """tomllib.loads; Unreadable (TooDeep among them), or tomllib.TOMLDecodeError as
    tomllib raises it."""
    # a key is on one line: only a line with that many dots can hold one (a deck of
    # 100,000 cards has none, and is not searched at all)
    if text.count(".") >= MAX_KEY_PARTS - 1 and any(
            line.count(".") >= MAX_KEY_PARTS - 1 and _DOTTED.search(line)
            for line in text.splitlines()):
        raise TooDeep
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise
    except RecursionError:
        raise TooDeep from None
    except ValueError:  # int() refuses a number of more than 4,300 digits, in its own words
        raise Unreadable("a number too long to be one (more than 4,300 digits)") from None
