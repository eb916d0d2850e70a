"""index the review log by kind and session, for quiz statistics at a million reviews

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_review_kind_session", "review", ["kind", "session_id"])


def downgrade() -> None:
    op.drop_index("ix_review_kind_session", "review")
