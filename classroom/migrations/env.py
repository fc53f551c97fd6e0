"""Alembic's environment for the class tables: run by classroom.store.migrate, which hands it
an open connection (``config.attributes["connection"]``) inside its own transaction.

To write the next revision after changing classroom/models.py:
    alembic -x url=sqlite:///tmp.sqlite3 ... or, simpler, copy versions/0001_classes.py and
    edit it; tests/test_classroom.py fails until models and migrations agree.
"""

from alembic import context

from classroom.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the class migrations with classroom.store.migrate(engine)")
# SQLite cannot ALTER most things: batch mode copies a table instead.
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
context.run_migrations()
