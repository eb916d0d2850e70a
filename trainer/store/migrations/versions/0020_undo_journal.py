"""the undo journal: actions that write no review-log row (an edit, an added card, the
browser's delete, move and tag, a deck's deletion, return or renaming), each with what its
undo needs, so that undo outlives the session that did them.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undo_journal",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("done_at", sa.BigInteger, nullable=False),  # epoch milliseconds
        sa.Column("after_review", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("label", sa.String, nullable=False),
        sa.Column("data", sa.String, nullable=False),
    )


def downgrade() -> None:
    # the actions it held stay done; they can no longer be taken back
    op.drop_table("undo_journal")
