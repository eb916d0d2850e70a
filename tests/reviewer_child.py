"""A child process for the reliability tests: records reviews and prints each id once it is
committed. Usage: python -m tests.reviewer_child DB_URL COUNT"""

from __future__ import annotations

import sys

from sqlalchemy import text

from trainer.settings import Settings
from trainer.store import open_store


def main() -> None:
    url, count = sys.argv[1], int(sys.argv[2])
    store = open_store(url, settings=Settings(timezone="UTC"))
    with store.reading() as conn:
        ids = list(conn.execute(text("SELECT id FROM card ORDER BY id")).scalars())
    for i in range(count):
        rid = store.reviews.record(ids[i % len(ids)], (i * 7) % 6, session_id=sys.argv[3:4][0]
                                   if len(sys.argv) > 3 else "child")
        print(rid.review_id, flush=True)
    store.close()


if __name__ == "__main__":
    main()
