"""card.created_at, for the search term added:N; existing cards take their deck's

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("card", sa.Column("created_at", sa.DateTime))
    op.execute("UPDATE card SET created_at = "
               "(SELECT deck.created_at FROM deck WHERE deck.id = card.deck_id)")


def downgrade() -> None:
    with op.batch_alter_table("card") as batch:
        batch.drop_column("created_at")
