"""Alembic environment: the caller hands over a live connection (see store/migrate.py)."""

from alembic import context

from desktop.store.models import Base

connection = context.config.attributes["connection"]


def _include_name(name: str | None, type_: str, _parents: object) -> bool:
    # The FTS5 index and its shadow tables are made by store/search_index.py, not the models.
    return not (type_ == "table" and name is not None and name.startswith("customer_fts"))


context.configure(
    include_name=_include_name,
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
