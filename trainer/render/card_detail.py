"""One card in full, as `trainer card` prints it and the browser's detail pane shows it: its
fields, its source, its SM-2 state and its whole review history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from trainer.render.words import interval as short_interval
from trainer.rules import flag_name, grade

if TYPE_CHECKING:
    from trainer.store.records import Card, CardState, ReviewRow


def _day(value: date | None) -> str:
    return value.isoformat() if value else "-"


def fields(card: Card, deck_key: str) -> list[tuple[str, str]]:
    """(label, value) of every field the card has."""
    out = [("card", f"{deck_key}/{card.key}"), ("kind", card.kind)]
    if card.kind == "cloze":
        out.append(("text", card.cloze_text))
        out.append(("gap", str(card.cloze_number)))
    else:
        out.append(("prompt", card.prompt))
    out.append(("answer", card.answer))
    if card.accept:
        out.append(("accepts", "; ".join(card.accept)))
    if card.distractors:
        out.append(("distractors", "; ".join(card.distractors)))
    if card.explanation:
        out.append(("explanation", card.explanation))
    if card.source_quote:
        where = f" (paragraph {card.source_para})" if card.source_para else ""
        out.append(("source" + where, card.source_quote))
    if card.tags:
        out.append(("tags", " ".join(card.tags)))
    if card.flag:
        out.append(("flag", flag_name(card.flag)))
    if card.created_at:
        out.append(("added", card.created_at.date().isoformat()))
    return out


def state_line(state: CardState, retired: bool = False) -> str:
    flags = [f for f, on in (("suspended", state.suspended), ("retired", retired)) if on]
    if state.buried_until:
        flags.append(f"buried until {state.buried_until}")
    memory = (f" · FSRS stability {state.stability:.1f}d, difficulty {state.difficulty:.1f}"
              if state.stability is not None and state.difficulty is not None else "")
    return (f"repetitions {state.repetitions} · easiness {state.easiness_x100 / 100:.2f} · "
            f"interval {state.interval}d · due {_day(state.due)} · reviews {state.reviews} · "
            f"lapses {state.lapses}{memory}" + (" · " + ", ".join(flags) if flags else ""))


HISTORY_HEADER = f"{'day':<10}  {'kind':<14} {'grade':>5}  {'interval':>13}  {'easiness':>11}  time"


def history_lines(rows: list[ReviewRow]) -> list[str]:
    """One line a log row, oldest first: the day, what happened, the grade of an answer, the
    interval and easiness before → after, the answer time."""
    out = []
    for r in rows:
        graded = grade(r.kind, r.quality)
        shown = "" if graded is None else str(graded)
        kind = f"{r.kind} fsrs" if r.kind in ("scheduled", "switch") and r.params_id else r.kind
        ivl = f"{short_interval(r.before_interval)} → {short_interval(r.after_interval)}"
        ease = f"{r.before_easiness_x100 / 100:.2f} → {r.after_easiness_x100 / 100:.2f}"
        took = f"{r.answer_ms / 1000:.1f}s" if graded is not None and r.answer_ms else ""
        out.append(f"{r.study_day.isoformat():<10}  {kind:<14} {shown:>5}  {ivl:>13}  "
                   f"{ease:>11}  {took}".rstrip())
    return out


def render_card(card: Card, deck_key: str, state: CardState, history: list[ReviewRow],
                retired: bool = False) -> str:
    width = max(len(label) for label, _ in fields(card, deck_key))
    lines = [f"{label:<{width}}  {value}" for label, value in fields(card, deck_key)]
    lines += ["", "state  " + state_line(state, retired), "",
              f"history ({len(history)})" if history else "history: none yet"]
    if history:
        lines += [HISTORY_HEADER, *history_lines(history)]
    return "\n".join(lines) + "\n"
