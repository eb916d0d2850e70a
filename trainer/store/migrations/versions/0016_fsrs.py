"""FSRS as an opt-in scheduler: each card's FSRS memory (stability, difficulty), the same
before and after on every log row with the parameter set that scheduled it, the parameter
sets themselves, and the deck options that choose the scheduler

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fsrs_params",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("weights", sa.String, nullable=False),
        sa.Column("desired_retention", sa.Float, nullable=False),
        sa.Column("maximum_interval", sa.Integer, nullable=False),
        sa.Column("fitted_at", sa.DateTime),
        sa.Column("reviews", sa.Integer, nullable=False, server_default="0"),
        sa.Column("deck_id", sa.Integer),
    )
    # plain ADD COLUMN (nullable, no default): no table is copied, so nothing that refers
    # to it can be lost, and a million-row log is not rewritten
    for name in ("stability", "difficulty"):
        op.add_column("card_state", sa.Column(name, sa.Float))
    for name in ("before_stability", "before_difficulty", "after_stability",
                 "after_difficulty"):
        op.add_column("review", sa.Column(name, sa.Float))
    # no foreign keys to fsrs_params: its rows are never deleted, and SQLite cannot drop a
    # column that has one
    op.add_column("review", sa.Column("params_id", sa.Integer))
    op.add_column("deck_option", sa.Column("scheduler", sa.String))
    op.add_column("deck_option", sa.Column("desired_retention", sa.Float))
    op.add_column("deck_option", sa.Column("maximum_interval", sa.Integer))
    op.add_column("deck_option", sa.Column("fitted_params_id", sa.Integer))


def downgrade() -> None:
    # DROP COLUMN (SQLite 3.35+) copies nothing either
    for table, names in (
        ("deck_option", ("fitted_params_id", "maximum_interval", "desired_retention",
                         "scheduler")),
        ("review", ("params_id", "after_difficulty", "after_stability", "before_difficulty",
                    "before_stability")),
        ("card_state", ("difficulty", "stability")),
    ):
        for name in names:
            op.drop_column(table, name)
    op.drop_table("fsrs_params")
