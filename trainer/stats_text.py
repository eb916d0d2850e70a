"""`trainer stats` as readable text that fits 80 columns: numbers, bars and sparklines."""

from __future__ import annotations

from typing import Any

WIDTH = 80
SPARKS = " ▁▂▃▄▅▆▇█"


def spark(values: list[int]) -> str:
    peak = max(values, default=0)
    if not peak:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[0] if not v else SPARKS[max(1, round(8 * v / peak))] for v in values)


def bar(value: int, peak: int, width: int = 30) -> str:
    return "█" * (round(width * value / peak) if peak else 0)


def count(n: int, word: str, plural: str | None = None) -> str:
    """'1 answer', '2 answers'."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def minutes(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 60}m {seconds % 60:02d}s"


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render(stats: dict[str, Any]) -> str:
    scope = stats["scope"]
    what = f"deck {scope['deck']}" if scope["deck"] else f"tag {scope['tag']}" if scope[
        "tag"] else "all decks"
    lines = [f"trainer statistics: {what}, period {scope['period']} "
             f"(study day {stats['study_day']})", ""]
    t = stats["today"]
    grades = " ".join(f"{q}:{n}" for q, n in t["grades"].items())
    lines += [
        "Today",
        f"  {count(t['answers'], 'answer')} in {minutes(t['time_ms'])}, "
        f"accuracy {pct(t['accuracy'])}, {count(t['new_learned'], 'new card')} learned",
        f"  grades {grades}",
        "",
    ]
    c = stats["counts"]
    lines += [
        "Cards",
        f"  {c['total']} in all: {c['new']} new, {c['learning']} learning, {c['young']} young, "
        f"{c['mature']} mature, {c['suspended']} suspended ({c['buried']} buried)",
        "",
    ]
    forecast = [d["due"] for d in stats["forecast"]]
    lines += [
        "Due in the next 30 days",
        f"  {spark(forecast)}  today {forecast[0]}, tomorrow {forecast[1]}, "
        f"30 days {sum(forecast)}",
        "",
    ]
    history = stats["history"]
    if history:
        per_day = [sum(d[k] for k in ("new", "learning", "young", "mature", "repeat"))
                   for d in history[-60:]]
        total = sum(sum(d[k] for k in ("new", "learning", "young", "mature", "repeat"))
                    for d in history)
        time_ms = sum(d["time_ms"] for d in history)
        lines += [
            "Review history (days studied in the period)",
            f"  {spark(per_day)}",
            f"  {total} answers on {len(history)} days, {minutes(time_ms)} in all",
            "",
        ]
    s = stats["streak"]
    lines += [f"Streak: {count(s['current'], 'day')} now, longest {count(s['longest'], 'day')}; "
              f"{count(len(stats['heatmap']), 'study day')} in the last year", ""]
    r = stats["retention"]
    lines.append("True retention (scheduled reviews passed)   young   mature   all")
    for period in ("today", "7d", "30d", "1y", "all"):
        row = r[period]
        lines.append(f"  {period:<42}{pct(row['young']['rate']):>6}  "
                     f"{pct(row['mature']['rate']):>7}  {pct(row['all']['rate']):>4}")
    lines.append("")
    intervals = stats["intervals"]
    peak = max((b["cards"] for b in intervals), default=0)
    lines.append("Intervals")
    for b in intervals:
        if b["cards"]:
            lines.append(f"  {b['bucket']:>7} {bar(b['cards'], peak, 40)} {b['cards']}")
    lines.append("")
    hourly = stats["hourly"]
    lines += ["Reviews by hour (00-23)", f"  {spark([h['reviews'] for h in hourly])}", ""]
    if stats["hardest"]:
        lines.append(f"Hardest cards ({stats['leeches']} leeches, 8+ lapses)")
        for h in stats["hardest"][:5]:
            flag = " LEECH" if h["leech"] else ""
            lines.append(f"  {h['lapses']:>2} lapses  EF {h['easiness']:.2f}  "
                         f"{clip(h['prompt'], 50)}{flag}")
        lines.append("")
    if stats["decks"]:
        lines.append(f"  {'Deck':<44}{'cards':>7}{'mature':>8}{'ret. 30d':>10}")
        for d in stats["decks"]:
            lines.append(f"  {clip(d['name'], 43):<44}{d['cards']:>7}"
                         f"{pct(d['mature_share']):>8}{pct(d['retention_30d']):>10}")
        lines.append("")
    q = stats["quizzes"]
    if q["count"]:
        scores = ", ".join(pct(s["score"]) for s in q["sessions"][-8:])
        lines += [f"Quizzes: {q['count']} in the period; latest scores {scores}", ""]
    return "\n".join(line[:WIDTH] for line in lines).rstrip() + "\n"
