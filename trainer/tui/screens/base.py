"""What every screen shares: typed access to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from trainer.tui.app import TrainerApp

ResultType = TypeVar("ResultType")


class _Trainer:
    @property
    def trainer(self) -> TrainerApp:
        """The app, typed: ``self.app`` is an ``App[Any]`` to Textual."""
        return cast("TrainerApp", self.app)  # type: ignore[attr-defined]


class TrainerScreen(_Trainer, Screen[ResultType]):
    pass


class TrainerModal(_Trainer, ModalScreen[ResultType]):
    pass
