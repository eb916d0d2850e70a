"""card.import_hash (what was last imported from a file, so a re-import of an unchanged file
keeps an in-app edit), deck aliases (a renamed deck's former keys), deck.retired (deleted)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN: a batch copy of deck would drop the old table, and with foreign keys
    # on that would take every card, state and review with it
    op.add_column("card", sa.Column("import_hash", sa.String))
    op.execute("UPDATE card SET import_hash = content_hash")
    op.add_column("deck", sa.Column("retired", sa.Boolean, nullable=False,
                                    server_default=sa.false()))
    op.create_table(
        "deck_alias",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("deck_id", sa.Integer, sa.ForeignKey("deck.id", ondelete="CASCADE"),
                  nullable=False),
    )


def downgrade() -> None:
    op.drop_table("deck_alias")
    with op.batch_alter_table("deck") as batch:
        batch.drop_column("retired")
    with op.batch_alter_table("card") as batch:
        batch.drop_column("import_hash")
