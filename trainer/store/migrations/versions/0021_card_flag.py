"""card.flag: the student's flag on a card, as Anki's (0 none, 1-7 a colour); a note on the
card like its tags, so every existing card has none

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("card", sa.Column("flag", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    # the flags are lost; nothing else depends on them
    with op.batch_alter_table("card") as batch:
        batch.drop_column("flag")
