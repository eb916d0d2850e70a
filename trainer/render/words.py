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
