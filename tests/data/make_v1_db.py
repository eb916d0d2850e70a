"""Write tests/data/v1.db: a database at schema revision 0001 with a little history.

Run once with `python tests/data/make_v1_db.py`; the output is committed so that the upgrade
test opens a file made by the old schema, not one made by today's code.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

import trainer.store.engine as eng

OUT = Path(__file__).parent / "v1.db"


def main() -> None:
    OUT.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{OUT}")
    config = Config()
    config.set_main_option("script_location", str(Path(eng.__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text(
            "INSERT INTO deck (id, key, name, description, source, tags, created_at, updated_at)"
            " VALUES (1, 'old', 'Old deck', '', '', '', '2026-01-01 09:00:00',"
            " '2026-01-01 09:00:00')"))
        for cid in (1, 2):
            conn.execute(text(
                "INSERT INTO card (id, deck_id, key, entry, kind, prompt, answer, accept,"
                " distractors, cloze_text, explanation, source_quote, tags, content_hash,"
                " position, shuffle_seed) VALUES (:c, 1, :k, :k, 'basic', :p, :a, '[]', '[]',"
                " '', '', '', '', '', :c, 0)"),
                {"c": cid, "k": f"card{cid}", "p": f"Question {cid}", "a": f"Answer {cid}"})
        conn.execute(text(
            "INSERT INTO card_state VALUES (1, 2, 260, 6, '2026-01-08', 0, 2, 0, NULL,"
            " '2026-01-02 09:00:00')"))
        conn.execute(text(
            "INSERT INTO card_state VALUES (2, 0, 250, 0, NULL, 0, 0, 0, NULL, NULL)"))
        rows = [
            (1, "2026-01-01 09:00:00", "2026-01-01", 9, 5, "scheduled", 2000,
             0, 250, 0, None, 0, 0, 1, 260, 1, "2026-01-02", 1, 0),
            (1, "2026-01-01 09:01:00", "2026-01-01", 9, 4, "quiz", 1500,
             1, 260, 1, "2026-01-02", 1, 0, 1, 260, 1, "2026-01-02", 1, 0),
            (1, "2026-01-02 09:00:00", "2026-01-02", 9, 4, "scheduled", 3000,
             1, 260, 1, "2026-01-02", 1, 0, 2, 260, 6, "2026-01-08", 2, 0),
        ]
        for r in rows:
            conn.execute(text(
                "INSERT INTO review (card_id, session_id, reviewed_at, study_day, hour, quality,"
                " kind, answer_ms, lapse_updates_easiness, before_repetitions,"
                " before_easiness_x100, before_interval, before_due, before_reviews,"
                " before_lapses, after_repetitions, after_easiness_x100, after_interval,"
                " after_due, after_reviews, after_lapses) VALUES (:c, 'v1', :at, :day, :h, :q,"
                " :k, :ms, 0, :br, :be, :bi, :bd, :brv, :bl, :ar, :ae, :ai, :ad, :arv, :al)"),
                dict(zip(("c", "at", "day", "h", "q", "k", "ms", "br", "be", "bi", "bd", "brv",
                          "bl", "ar", "ae", "ai", "ad", "arv", "al"), r, strict=True)))
    engine.dispose()


if __name__ == "__main__":
    main()
