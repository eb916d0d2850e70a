"""User text is always shown literally: the one rule for every widget that shows it (cards,
tables, dialogs, toasts, palette hits, inputs filled with user text). These helpers build Rich
Text or Textual Content, never markup, with every control character made visible
(trainer.render.words.visible): a deck cannot write the clipboard, retitle the terminal or
clear the screen, and `[@click=app.quit]` in it is only text."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.fuzzy import Matcher

from trainer.render.words import visible


def plain(value: object, style: str = "") -> Text:
    """``value`` as Text in one style, literally: no markup, control characters visible."""
    return Text(visible(str(value)), style=style)


def joined(*parts: tuple[str, str] | str) -> Text:
    """Text from (text, style) pairs or plain strings; nothing is parsed as markup."""
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            out.append(visible(part[0]), style=part[1])
        else:
            out.append(visible(part))
    return out


def field_value(value: str) -> str:
    """User text to fill an Input with: an Input draws its value as it is, so control
    characters go in visible (``unchanged`` tells the text back)."""
    return visible(value)


def unchanged(typed: str, original: str) -> str:
    """What an Input filled by ``field_value(original)`` was left holding: the original
    itself when the student did not change it, so saving an untouched name keeps it exact."""
    return original if typed == visible(original) else typed


def highlighted(matcher: Matcher, text: str) -> Content:
    """A command palette hit: the text literally (Matcher.highlight reads it as markup, where
    `[@click=app.quit]` in a deck's name is an action), its matched letters styled."""
    shown = visible(text)
    content = Content(shown)
    _, offsets = matcher.fuzzy_search.match(matcher.query, shown)
    for offset in offsets:
        if not shown[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
