"""card_state.retired: a card gone from its deck is retired, never deleted; the queue index
leads with both flags so that the due query stays on the index

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("card_state", sa.Column("retired", sa.Boolean, nullable=False,
                                          server_default=sa.false()))
    op.drop_index("ix_card_state_queue", "card_state")
    op.create_index("ix_card_state_queue", "card_state",
                    ["suspended", "retired", "due", "easiness_x100"])


def downgrade() -> None:
    op.drop_index("ix_card_state_queue", "card_state")
    with op.batch_alter_table("card_state") as batch:
        batch.drop_column("retired")
    op.create_index("ix_card_state_queue", "card_state", ["suspended", "due", "easiness_x100"])
