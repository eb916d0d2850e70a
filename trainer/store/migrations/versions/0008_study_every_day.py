"""every state change in the log (flags, undo groups), deck options, study more, note index

Revision ID: 0008
Revises: 0007
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STATE = ("repetitions", "easiness_x100", "interval", "due", "reviews", "lapses")


def upgrade() -> None:
    with op.batch_alter_table("review") as batch:
        batch.add_column(sa.Column("before_suspended", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("before_buried_until", sa.Date))
        batch.add_column(sa.Column("after_suspended", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("after_buried_until", sa.Date))
        batch.add_column(sa.Column("action_id", sa.Integer))
    op.create_index("ix_card_note", "card", ["deck_id", "entry"])
    op.create_table(
        "deck_option",
        sa.Column("deck_id", sa.Integer, sa.ForeignKey("deck.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("new_per_day", sa.Integer),
        sa.Column("reviews_per_day", sa.Integer),
        sa.Column("bury_new_siblings", sa.Boolean),
        sa.Column("bury_review_siblings", sa.Boolean),
        sa.Column("leech_lapses", sa.Integer),
        sa.Column("leech_action", sa.String),
    )
    op.create_table(
        "study_more",
        sa.Column("deck_id", sa.Integer, sa.ForeignKey("deck.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("study_day", sa.Date, primary_key=True),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("reviews", sa.Integer, nullable=False),
    )
    # Cards suspended or buried before the flags were logged get a row saying so, so that
    # replaying the log gives the flags the cards have.
    conn = op.get_bind()
    state = sa.table("card_state", sa.column("card_id"), sa.column("suspended"),
                     sa.column("buried_until"), *[sa.column(f) for f in STATE])
    review = sa.table("review", *[sa.column(c) for c in (
        "card_id", "session_id", "reviewed_at", "study_day", "hour", "quality", "kind",
        "answer_ms", "lapse_updates_easiness", "before_suspended", "before_buried_until",
        "after_suspended", "after_buried_until",
        *[f"before_{f}" for f in STATE], *[f"after_{f}" for f in STATE])])
    now = datetime.now(UTC)
    rows = conn.execute(sa.select(state).where(sa.or_(
        state.c.suspended == sa.true(), state.c.buried_until.is_not(None)))).mappings().all()
    if rows:
        conn.execute(review.insert(), [
            {"card_id": r["card_id"], "session_id": "", "reviewed_at": now.replace(tzinfo=None),
             "study_day": now.date(), "hour": now.hour, "quality": 0,
             "kind": "suspend" if r["suspended"] else "bury", "answer_ms": 0,
             "lapse_updates_easiness": False, "before_suspended": False,
             "before_buried_until": None, "after_suspended": bool(r["suspended"]),
             "after_buried_until": r["buried_until"]}
            | {f"before_{f}": r[f] for f in STATE} | {f"after_{f}": r[f] for f in STATE}
            for r in rows
        ])


def downgrade() -> None:
    op.drop_table("study_more")
    op.drop_table("deck_option")
    op.drop_index("ix_card_note", "card")
    with op.batch_alter_table("review") as batch:
        for column in ("action_id", "after_buried_until", "after_suspended",
                       "before_buried_until", "before_suspended"):
            batch.drop_column(column)
