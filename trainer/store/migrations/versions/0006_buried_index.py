"""index card_state.buried_until: today's queue finds the few buried cards without a scan

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_card_state_buried", "card_state", ["buried_until"])


def downgrade() -> None:
    op.drop_index("ix_card_state_buried", "card_state")
