"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deck",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("description", sa.String, nullable=False),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("tags", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("new_per_day", sa.Integer),
        sa.Column("reviews_per_day", sa.Integer),
    )
    op.create_index("ix_deck_key", "deck", ["key"], unique=True)
    op.create_table(
        "card",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("deck_id", sa.Integer, sa.ForeignKey("deck.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("entry", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("prompt", sa.String, nullable=False),
        sa.Column("answer", sa.String, nullable=False),
        sa.Column("accept", sa.String, nullable=False),
        sa.Column("distractors", sa.String, nullable=False),
        sa.Column("cloze_text", sa.String, nullable=False),
        sa.Column("cloze_number", sa.Integer),
        sa.Column("explanation", sa.String, nullable=False),
        sa.Column("source_quote", sa.String, nullable=False),
        sa.Column("source_para", sa.Integer),
        sa.Column("tags", sa.String, nullable=False),
        sa.Column("content_hash", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("shuffle_seed", sa.Integer, nullable=False),
        sa.UniqueConstraint("deck_id", "key", name="uq_card_deck_key"),
    )
    op.create_index("ix_card_deck_position", "card", ["deck_id", "position"])
    op.create_table(
        "card_tag",
        sa.Column("card_id", sa.Integer, sa.ForeignKey("card.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("tag", sa.String, primary_key=True),
    )
    op.create_index("ix_card_tag_tag", "card_tag", ["tag"])
    op.create_table(
        "card_state",
        sa.Column("card_id", sa.Integer, sa.ForeignKey("card.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("repetitions", sa.Integer, nullable=False),
        sa.Column("easiness_x100", sa.Integer, nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("due", sa.Date),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("reviews", sa.Integer, nullable=False),
        sa.Column("suspended", sa.Boolean, nullable=False),
        sa.Column("buried_until", sa.Date),
        sa.Column("last_reviewed", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_card_state_queue", "card_state", ["suspended", "due", "easiness_x100"])
    op.create_table(
        "review",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_id", sa.Integer, sa.ForeignKey("card.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("session_id", sa.String, nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("study_day", sa.Date, nullable=False),
        sa.Column("hour", sa.Integer, nullable=False),
        sa.Column("quality", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("answer_ms", sa.Integer, nullable=False),
        sa.Column("lapse_updates_easiness", sa.Boolean, nullable=False),
        *[
            sa.Column(f"{side}_{name}", typ, nullable=(name == "due"))
            for side in ("before", "after")
            for name, typ in (
                ("repetitions", sa.Integer),
                ("easiness_x100", sa.Integer),
                ("interval", sa.Integer),
                ("due", sa.Date),
                ("reviews", sa.Integer),
                ("lapses", sa.Integer),
            )
        ],
    )
    op.create_index("ix_review_card", "review", ["card_id", "id"])
    op.create_index("ix_review_day", "review", ["study_day", "kind"])


def downgrade() -> None:
    for table in ("review", "card_state", "card_tag", "card", "deck"):
        op.drop_table(table)
