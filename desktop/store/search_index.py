"""Customer search: SQLite FTS5 over `customer.search_text`, a portable LIKE elsewhere.

`search_text` holds folded words (see shop/text.py); the FTS5 table indexes it as external
content, kept in step by triggers, so every write path (ORM, bulk load, merge) stays searchable.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Integer, Select, column, select, text

from desktop.store.models import Customer

_TRIGGERS = {
    "customer_fts_ai": "AFTER INSERT ON customer BEGIN "
    "INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "customer_fts_ad": "AFTER DELETE ON customer BEGIN "
    "INSERT INTO customer_fts(customer_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "customer_fts_au": "AFTER UPDATE OF search_text ON customer BEGIN "
    "INSERT INTO customer_fts(customer_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO customer_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
}


def create(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql(
        "CREATE VIRTUAL TABLE customer_fts USING fts5(search_text, content='customer', "
        "content_rowid='id', tokenize=\"unicode61 remove_diacritics 2 tokenchars '@.+'\", "
        "prefix='1 2 3 4 5 6 8')"
    )
    for name, body in _TRIGGERS.items():
        connection.exec_driver_sql(f"CREATE TRIGGER {name} {body}")


def drop(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    for name in _TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.exec_driver_sql("DROP TABLE IF EXISTS customer_fts")


def rebuild(connection: Connection) -> None:
    """Re-index every customer (after a bulk load that dropped the triggers' work)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO customer_fts(customer_fts) VALUES ('rebuild')")


def matching_ids(dialect: str, words: list[str]) -> Select[int]:
    """Ids of customers having a word starting with each of `words` (already folded)."""
    if dialect == "sqlite":
        query = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
        return (
            select(column("rowid", Integer))
            .select_from(text("customer_fts"))
            .where(text("customer_fts MATCH :query").bindparams(query=query))
        )
    statement = select(Customer.id)
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(
            (Customer.search_text.like(escaped + "%", escape="\\"))
            | (Customer.search_text.like("% " + escaped + "%", escape="\\"))
        )
    return statement


def id_column(dialect: str) -> ColumnElement[int]:
    """The customer id column of a `matching_ids` statement, for ordering and paging."""
    if dialect == "sqlite":
        return column("rowid", Integer)
    return Customer.__table__.c.id
