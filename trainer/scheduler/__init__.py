"""Pure scheduling algorithms: no I/O, no clock, no database."""

from trainer.scheduler.sm2 import MAX_INTERVAL, SM2State, preview, review

__all__ = ["MAX_INTERVAL", "SM2State", "preview", "review"]
