"""Anki collections made by Anki's own engine (the `anki` package), for the tests of moving
between Anki and trainer (issue 34), and the CLI runner those tests drive trainer with.

Notes of Anki's stock note types are answered through Anki's v3 scheduler on days spread over
the past weeks (the scheduler's own ``answered_at_millis``): the review log is Anki's own, with
its types, intervals, eases and answer times, not rows written by hand.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.scheduler.v3 import CardAnswer

from trainer.cli import main

RATING = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
# Anki's four buttons as trainer's grades, the way `trainer export --format apkg` maps them
# back (0-2 -> Again, 3 -> Hard, 4 -> Good, 5 -> Easy): Again comes in as 1
GRADE = {1: 1, 2: 3, 3: 4, 4: 5}
DAY_MS = 86_400_000

# A native deck of every kind, with deck tags and a note of two cards (a `note` pair)
NATIVE_DECK = """\
schema_version = 1
[deck]
id = "trip"
name = "Round trip"
tags = ["demo", "cold-war"]

[[cards]]
id = "who"
kind = "basic"
prompt = "Who met <Stalin>?"
answer = "Mao & co"
explanation = "In Moscow."
tags = ["people"]

[[cards]]
id = "when"
kind = "typed"
prompt = "When?"
answer = "1949"
accept = ["in 1949"]

[[cards]]
id = "gaps"
kind = "cloze"
text = "{{c1::Mao}} met {{c2::Stalin}}."
explanation = "Winter 1949"

[[cards]]
id = "river"
kind = "choice"
prompt = "Which river?"
answer = "Amur"
distractors = ["Volga", "Don"]

[[cards]]
id = "dog-de"
kind = "basic"
note = "dog"
prompt = "dog"
answer = "Hund"

[[cards]]
id = "de-dog"
kind = "basic"
note = "dog"
prompt = "Hund"
answer = "dog"
"""


def new_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def add_note(col: Collection, notetype: str, deck: str, fields: Sequence[str],
             tags: Iterable[str] = ()) -> int:
    """A note of the named note type in the named deck (made if missing); its id."""
    note = col.new_note(col.models.by_name(notetype))
    for i, value in enumerate(fields):
        note.fields[i] = value
    note.tags = list(tags)
    col.add_note(note, col.decks.id(deck))
    return note.id


def answer(col: Collection, cid: int, ease: int, at_ms: int, taken_ms: int) -> None:
    """Answer a card with one of Anki's four buttons, as if at ``at_ms``, through Anki's v3
    scheduler: the revlog row it writes has that time as its id."""
    card = col.get_card(cid)
    card.start_timer()
    states = col._backend.get_scheduling_states(cid)
    reply = col.sched.build_answer(card=card, states=states, rating=RATING[ease])
    reply.answered_at_millis = at_ms
    reply.milliseconds_taken = taken_ms
    col.sched.answer_card(reply)


def study(col: Collection, plan: dict[int, Sequence[int]], *, days_ago: int,
          every: int) -> None:
    """Round k answers every card of ``plan`` with its k-th ease (a card whose list is done
    sits the round out), ``every`` days after round k-1, the first round ``days_ago`` days ago;
    one answer a second within a round, each taking a different time."""
    start = now_ms() - days_ago * DAY_MS
    rounds = max(len(eases) for eases in plan.values())
    n = 0
    for k in range(rounds):
        for i, (cid, eases) in enumerate(plan.items()):
            if k < len(eases):
                n += 1
                answer(col, cid, eases[k], start + k * every * DAY_MS + i * 1000,
                       1000 + 137 * (n % 29))


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def card_ids(col: Collection, nid: int) -> list[int]:
    return sorted(col.get_note(nid).card_ids(), key=lambda c: col.get_card(c).ord)


@dataclass
class Studied:
    """A collection with a history of every kind Anki writes: learning, review and
    relearning answers on past days, mature reviews, a reset card, a card rescheduled by hand,
    cramming in a filtered deck, a suspended card and a card never studied."""

    col: Collection
    notes: dict[str, int]  # a name for each note -> its id


def studied_collection(folder: Path) -> Studied:
    col = new_collection(folder)
    notes = {
        "france": add_note(col, "Basic", "Lang::Words", ["Capital of France?", "Paris"],
                           ["geo", "europe"]),
        "spain": add_note(col, "Basic", "Lang::Words", ["Capital of Spain?", "Madrid"],
                          ["geo"]),
        "peru": add_note(col, "Basic", "Lang::Words", ["Capital of Peru?", "Lima"]),
        "dog": add_note(col, "Basic (and reversed card)", "Lang::Words", ["dog", "Hund"],
                        ["de"]),
        "year": add_note(col, "Basic (type in the answer)", "History",
                         ["Year the PRC was founded?", "1949"]),
        "mao": add_note(col, "Cloze", "History", ["{{c1::Mao}} met {{c2::Stalin}}.", ""]),
        "unseen": add_note(col, "Basic", "Lang::Words", ["Never studied", "new"]),
        "held": add_note(col, "Basic", "History", ["Suspended", "card"]),
    }
    c = {name: card_ids(col, nid) for name, nid in notes.items()}
    study(col, {
        c["france"][0]: [3, 3, 3, 3, 3, 4, 3],
        c["spain"][0]: [3, 3, 1, 3, 3, 3],       # a lapse: Again on a review card
        c["peru"][0]: [1, 3, 3, 2, 3],           # Again while learning, Hard on a review
        c["dog"][0]: [3, 3, 3, 3],
        c["dog"][1]: [4, 3, 3],                  # the reverse card: Easy at once
        c["year"][0]: [3, 3, 3, 1, 3, 3],
        c["mao"][0]: [3, 3, 3],
        c["mao"][1]: [3, 1, 3, 3],
        c["held"][0]: [3, 3],
    }, days_ago=60, every=6)
    # same-day learning steps: Again, then Good twice within minutes (intraday steps)
    late = now_ms() - 3 * DAY_MS
    for i, ease in enumerate([1, 3, 3]):
        answer(col, c["peru"][0], ease, late + i * 120_000, 2000 + i)
    # mature reviews: an interval of 30 days set by hand (Anki logs that as a manual row),
    # then due today and answered: one passed, one failed
    col.sched.set_due_date([c["france"][0], c["year"][0]], "30!")
    col.sched.set_due_date([c["france"][0], c["year"][0]], "0")
    answer(col, c["france"][0], 3, now_ms() + 10, 3100)
    answer(col, c["year"][0], 1, now_ms() + 1010, 4200)
    # cramming in a filtered deck that does not reschedule: counted as reviews by Anki's
    # statistics, not in its true retention
    cram = col.sched.get_or_create_filtered_deck(0)
    cram.name = "Cram"
    cram.config.reschedule = False
    del cram.config.search_terms[1:]
    cram.config.search_terms[0].search = f"cid:{c['dog'][0]}"
    cram.config.search_terms[0].limit = 10
    did = col.sched.add_or_update_filtered_deck(cram).id
    answer(col, c["dog"][0], 3, now_ms() + 2010, 900)
    col.sched.empty_filtered_deck(did)
    col.decks.remove([did])
    col.sched.schedule_cards_as_new([c["mao"][0]])  # a reset: a manual row with no ease
    col.sched.suspend_cards([c["held"][0]])
    return Studied(col, notes)


def export_apkg(col: Collection, path: Path, *, scheduling: bool = True) -> Path:
    """The whole collection as Anki's own .apkg (no media)."""
    col.export_anki_package(
        out_path=str(path),
        options=ExportAnkiPackageOptions(with_scheduling=scheduling,
                                         with_deck_configs=scheduling, with_media=False,
                                         legacy=False),
        limit=None)
    return path


def import_apkg(col: Collection, path: Path) -> object:
    """Anki's own import of ``path`` into ``col``, with scheduling: its log."""
    return col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(path),
        options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False))).log


def revlog(col: Collection) -> dict[int, list[tuple[int, ...]]]:
    """Each card's revlog rows, oldest first: (id, ease, ivl, lastIvl, factor, time, type)."""
    out: dict[int, list[tuple[int, ...]]] = {}
    for row in col.db.all("SELECT cid, id, ease, ivl, lastIvl, factor, time, type "
                          "FROM revlog ORDER BY id"):
        out.setdefault(row[0], []).append(tuple(row[1:]))
    return out


def trainer_key(col: Collection, cid: int) -> str:
    """trainer's key of an Anki card (README: `anki-<the note's guid in hex>-<card>`,
    `…#c<n>` for a cloze gap)."""
    card = col.get_card(cid)
    note = card.note()
    entry = "anki-" + note.guid.encode().hex()
    if note.note_type()["type"] == 1:
        return f"{entry}#c{card.ord + 1}"
    return f"{entry}-{card.ord}"


def anki_figures(col: Collection) -> dict[str, int]:
    """The figures of Anki's statistics screen over all time (its `graphs` call): reviews
    and their time (the Reviews graph: every revlog row but manual and rescheduled ones) and
    true retention's young and mature reviews and passes."""
    graphs = col._backend.graphs(search="", days=0)
    reviews = time_ms = 0
    for per_day in graphs.reviews.count.values():
        reviews += (per_day.learn + per_day.relearn + per_day.young + per_day.mature
                    + per_day.filtered)
    for per_day in graphs.reviews.time.values():
        time_ms += (per_day.learn + per_day.relearn + per_day.young + per_day.mature
                    + per_day.filtered)
    kept = graphs.true_retention.all_time
    return {
        "reviews": reviews, "time_ms": time_ms,
        "young_passed": kept.young_passed,
        "young_total": kept.young_passed + kept.young_failed,
        "mature_passed": kept.mature_passed,
        "mature_total": kept.mature_passed + kept.mature_failed,
    }


# -- trainer, as a user runs it --------------------------------------------------------------


def trainer(db: str, *argv: str) -> int:
    """`trainer --db DB ARGV…`: its exit code (2 for an option it does not know)."""
    try:
        return main(["--db", db, *argv])
    except SystemExit as exc:  # argparse's refusal
        return exc.code if isinstance(exc.code, int) else 2


def trainer_json(capsys, db: str, *argv: str) -> object:
    capsys.readouterr()
    assert trainer(db, *argv) == 0
    return json.loads(capsys.readouterr().out)


def review_rows(db: str, folder: Path) -> list[dict[str, str]]:
    """`trainer export-reviews`: the whole log as its CSV's rows."""
    out = folder / "reviews.csv"
    assert trainer(db, "export-reviews", "-o", str(out)) == 0
    with out.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def epoch_ms(text: str) -> int:
    """A time as export-reviews writes it, in milliseconds since the epoch."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def utc_config(home: Path) -> None:
    (home / "config.toml").write_text('timezone = "UTC"\n')
