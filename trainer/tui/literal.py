"""User text is always shown literally: these helpers build Rich Text, never markup, with
every control character made visible (trainer.render.words.visible)."""

from __future__ import annotations

from rich.text import Text

from trainer.render.words import visible


def plain(value: object, style: str = "") -> Text:
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

