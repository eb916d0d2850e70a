"""the review log's quiz index holds quiz answers alone: the (kind, session) index held every
answer (26 MB of a 285 MB database at a million reviews) and a page of it was written in every
grade's commit, for the one statistic that reads quizzes

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

QUIZ = sa.text("kind = 'quiz'")


def upgrade() -> None:
    op.drop_index("ix_review_kind_session", "review")
    op.create_index("ix_review_quiz", "review", ["session_id"], sqlite_where=QUIZ,
                    postgresql_where=QUIZ)


def downgrade() -> None:
    op.drop_index("ix_review_quiz", "review")
    op.create_index("ix_review_kind_session", "review", ["kind", "session_id"])
