"""Numbers in words: shares, durations, counts with their nouns, intervals, cut text."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 day', '2 days'; ``many`` where adding an s is wrong ('1 quiz', '2 quizzes')."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def pct(rate: float | None) -> str:
    """A share as a whole percentage; '-' when there was nothing to divide."""
    return "-" if rate is None else f"{rate:.0%}"


def minutes(ms: int) -> str:
    """'3m 05s'."""
    seconds = ms // 1000
    return f"{seconds // 60}m {seconds % 60:02d}s"


def clock(seconds: float) -> str:
    """A running time: '4:05', or '1:02:03' past the hour."""
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return f"{whole // 60}:{whole % 60:02d}"


def interval(days: int) -> str:
    """An interval as short as a grade key allows: '6d', '2.5mo', '1y'."""
    if days < 30:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


def clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters; cut text ends with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# Control characters other than newline and tab, shown as themselves instead of obeyed: a deck
# named with an escape sequence must not retitle the terminal, write the clipboard or clear
# the screen. C0 become the Unicode control pictures (ESC -> ␛), DEL ␡, C1 their hex.
# A lone surrogate (from an argument or file name that is not UTF-8) is U+FFFD: printed as
# it is, it ends the output with UnicodeEncodeError.
_VISIBLE = ({c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
            | {0x7F: "\u2421"} | {c: f"\\x{c:02x}" for c in range(0x80, 0xA0)}
            | dict.fromkeys(range(0xD800, 0xE000), "\ufffd"))


def visible(text: str) -> str:
    """Text safe to put on a terminal: every control character but newline and tab made
    visible. (--json and export files stay byte-exact; they are data, not display.)"""
    return text.translate(_VISIBLE)


def echo(value: str, width: int = 80) -> str:
    """A user's value inside a message: visible, on one line, at most ``width`` long."""
    return clip(visible(value).replace("\n", "\u2424").replace("\t", " "), width)


_ESCAPED = {c: f"\\u{c:04x}" for c in (*range(0x20), *range(0x7F, 0xA0)) if c not in (9, 10, 13)}


def escaped(text: str) -> str:
    """TOML or JSON text safe to put on a terminal, and still the same data: every control
    character but tab, newline and CR written as a \\u escape. (json.dumps and tomli_w escape
    C0 themselves but leave C1, U+009B among them, raw.) In those formats a control character
    can stand only inside a string, where the escape means the same character."""
    return text.translate(_ESCAPED)


def json_text(value: object) -> str:
    """``value`` as indented JSON for stdout: exact data to a program, and nothing a terminal
    obeys (see ``escaped``)."""
    import json

    return escaped(json.dumps(value, ensure_ascii=False, indent=2))
