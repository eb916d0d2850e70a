"""Alembic environment: always run on the connection trainer.store.engine hands over."""

from alembic import context

from trainer.store.schema import SQLModel

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
