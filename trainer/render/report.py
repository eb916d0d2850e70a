"""`trainer stats` as readable text that fits 80 columns: numbers, bars and sparklines."""

from __future__ import annotations

from trainer.render.charts import bar, spark
from trainer.render.words import clip, minutes, pct, plural
from trainer.rules import GRADE_WORDS, MATURE_DAYS
from trainer.stats import studied
from trainer.stats.figures import Figures

WIDTH = 80


def render(stats: Figures) -> str:
    """Every figure as text that fits 80 columns."""
    scope = stats["scope"]
    what = f"deck {scope['deck']}" if scope["deck"] else f"tag {scope['tag']}" if scope[
        "tag"] else "all decks"
    lines = [f"trainer statistics: {what}, period {scope['period']} "
             f"(study day {stats['study_day']})", ""]
    t = stats["today"]
    lines += [
        "Today",
        f"  {plural(t['answers'], 'answer')} in {minutes(t['time_ms'])}, "
        f"accuracy {pct(t['accuracy'])}, {plural(t['new_learned'], 'new card')} learned",
    ]
    lines += [f"  {q} {GRADE_WORDS[q]:<24}{t['grades'][str(q)]:>5}" for q in range(6)]
    lines.append("")
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
        per_day = [studied(d) for d in history[-60:]]
        total = sum(studied(d) for d in history)
        time_ms = sum(d["time_ms"] for d in history)
        lines += [
            "Review history (days studied in the period)",
            f"  {spark(per_day)}",
            f"  {plural(total, 'answer')} on {plural(len(history), 'day')}, "
            f"{minutes(time_ms)} in all",
            "",
        ]
    s = stats["streak"]
    lines += [f"Streak: {plural(s['current'], 'day')} now, longest "
              f"{plural(s['longest'], 'day')}; {plural(len(stats['heatmap']), 'study day')} "
              "in the last year", ""]
    r = stats["retention"]
    title = f"True retention (reviews passed; young <{MATURE_DAYS}d)"
    lines.append(f"{title:<44}young   mature   all")
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
        lines.append(f"Hardest cards ({plural(stats['leeches'], 'leech', 'leeches')}: at the "
                     "deck's leech threshold, or tagged)")
        for h in stats["hardest"][:5]:
            flag = " LEECH" if h["leech"] else ""
            lines.append(f"  {plural(h['lapses'], 'lapse'):>9}  EF {h['easiness']:.2f}  "
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
        lines += [f"Quizzes: {plural(q['count'], 'quiz', 'quizzes')} in the period; "
                  f"latest scores {scores}", ""]
    return "\n".join(clip_line(line) for line in lines).rstrip() + "\n"


def clip_line(line: str) -> str:
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"
