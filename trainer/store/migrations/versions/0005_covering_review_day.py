"""a covering index for the review log by study day: retention per deck and tag reads only it

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_review_day", "review")
    op.create_index("ix_review_day", "review",
                    ["study_day", "kind", "before_repetitions", "quality", "card_id"])


def downgrade() -> None:
    op.drop_index("ix_review_day", "review")
    op.create_index("ix_review_day", "review", ["study_day", "kind"])
