"""Alembic environment: trainer.store.engine hands over its connection when it migrates on
open; the ``alembic`` command (for a developer) gets the database trainer would open."""

from alembic import context

from trainer.store.schema import SQLModel


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from trainer.paths import resolve_db_url
    from trainer.store.engine import create_store_engine

    engine = create_store_engine(resolve_db_url(None))
    with engine.begin() as conn:
        run(conn)
    engine.dispose()
