"""A grade key that can be clicked but never takes focus from the keyboard flow."""

from __future__ import annotations

from textual.widgets import Button


class GradeButton(Button, can_focus=False):
    """The key for one grade (0-5), clicked or pressed: its label is set by the study screen
    with the grade's words and what it would schedule."""

    def __init__(self, quality: int) -> None:
        super().__init__(str(quality), id=f"grade-{quality}", compact=True)
        self.quality = quality
