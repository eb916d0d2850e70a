"""trainer: a terminal quiz and spaced-repetition trainer."""

__version__ = "0.1.0"
