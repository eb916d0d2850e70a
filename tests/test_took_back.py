"""What an undo in a study session says it took back: the action, and the siblings and the
leech action that came back with it."""

from __future__ import annotations

from tests.helpers import Clock, import_bytes
from trainer.sessions import StudySession
from trainer.sessions.study import took_back
from trainer.settings import Settings
from trainer.store import UndoneReview, open_store

CLOZE = b"""schema_version = 1
[deck]
id = "c"
name = "Clozes"

[[cards]]
id = "three"
kind = "cloze"
text = "{{c1::Mao}} met {{c2::Stalin}} in {{c3::1949}}."
"""


def test_an_undone_grade_names_the_siblings_it_unburied():
    store = open_store(settings=Settings(timezone="UTC"), clock=Clock())
    import_bytes(store, CLOZE)
    session = StudySession(store, store.decks.find("c"))
    session.view()
    graded = session.grade(5)
    assert len(graded.buried) == 2  # the note's two other gaps wait for another day
    words = took_back(session.undo())
    assert words.startswith("Took back the grade 5 of ") and words.endswith(
        " (2 siblings unburied)")
    store.close()


def test_the_words_for_one_sibling_and_a_leech():
    undone = UndoneReview(1, 1, "scheduled", 1, "s", unburied=(2,), leech_undone=True,
                          label="the grade 1 of 'q'")
    assert took_back(undone) == (
        "Took back the grade 1 of 'q' (1 sibling unburied, the leech action reverted)")
    assert took_back(UndoneReview(1, 1, "scheduled", 1, "s", label="x")) == "Took back x"
