"""daily rollup of the review log, for statistics that stay fast at a million reviews

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The same rule as trainer.store.models.maturity, on a review's "before" columns.
MATURITY_SQL = """
CASE
  WHEN before_due IS NULL AND before_reviews = 0 THEN 'new'
  WHEN before_repetitions < 2 THEN 'learning'
  WHEN before_interval < 21 THEN 'young'
  ELSE 'mature'
END
"""


def upgrade() -> None:
    op.create_table(
        "daily_rollup",
        sa.Column("study_day", sa.Date, primary_key=True),
        sa.Column("hour", sa.Integer, primary_key=True),
        sa.Column("maturity", sa.String, primary_key=True),
        sa.Column("kind", sa.String, primary_key=True),
        sa.Column("quality", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("total_ms", sa.Integer, nullable=False),
    )
    op.execute(
        f"""
        INSERT INTO daily_rollup (study_day, hour, maturity, kind, quality, count, total_ms)
        SELECT study_day, hour, {MATURITY_SQL}, kind, quality, COUNT(*), SUM(answer_ms)
        FROM review
        WHERE kind IN ('scheduled', 'repeat', 'quiz')
        GROUP BY study_day, hour, {MATURITY_SQL}, kind, quality
        """
    )


def downgrade() -> None:
    op.drop_table("daily_rollup")
