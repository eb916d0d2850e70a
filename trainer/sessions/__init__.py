"""Study and quiz sessions: the queue, SM-2's same-day repeats, undo and the summary.

No Textual here: the TUI drives these objects, and tests drive them directly. Every answer is
written by ``store.reviews.record`` (committed) before the session moves to the next card.
"""

from __future__ import annotations

from trainer.sessions.card_view import CardView
from trainer.sessions.quiz import QuizResult, QuizSession
from trainer.sessions.study import AGAIN, StudySession, Summary
from trainer.sessions.study_queue import Action, StudyQueue

__all__ = ["AGAIN", "Action", "CardView", "QuizResult", "QuizSession", "StudyQueue",
           "StudySession", "Summary"]
