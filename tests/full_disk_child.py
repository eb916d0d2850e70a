"""A study session whose disk fills up: run by tests/test_store_reliability.py.

Prints the log id of every committed grade, then "FULL: <message>" when a write is refused."""

from __future__ import annotations

import resource
import signal
import sys

from trainer.sessions import StudySession
from trainer.settings import Settings
from trainer.store import open_store
from trainer.store.errors import CouldNotSave


def main() -> None:
    url, limit = sys.argv[1], int(sys.argv[2])
    store = open_store(url, settings=Settings(timezone="UTC", reviews_per_day=100_000,
                                              new_per_day=100_000))
    session = StudySession(store, None)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, as when full
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    while not session.finished:
        session.view()
        try:
            graded = session.grade(5)
        except CouldNotSave as exc:
            print(f"FULL: {exc}", flush=True)
            return
        print(graded.review_id, flush=True)
    print("FINISHED", flush=True)


if __name__ == "__main__":
    main()
