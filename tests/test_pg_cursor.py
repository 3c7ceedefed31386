"""The PostgreSQL engine's cursor describes a result only when asked, and describes that
result even after the cursor has moved on."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db.session import make_engine
from tests.conftest import postgres_url_or_skip


def test_description_on_demand_matches_psycopg() -> None:
    engine = make_engine(postgres_url_or_skip())
    try:
        with engine.connect() as connection:
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.execute("SELECT 1 AS one, 'x'::text AS two")
            first = cursor.description
            assert first is not None and len(first) == 2
            cursor.execute("SELECT 3 AS three")
            # The first result's columns, though the cursor now holds another result.
            assert [column.name for column in first] == ["one", "two"]
            assert first[1].type_code == 25  # text
            assert [column.name for column in cursor.description] == ["three"]
            cursor.execute("CREATE TEMP TABLE described (x int)")
            assert cursor.description is None
            rows = connection.execute(text("SELECT 5 AS five, 6 AS six")).mappings().all()
            assert rows == [{"five": 5, "six": 6}]
    finally:
        engine.dispose()


@pytest.mark.parametrize("sql", ["SELECT", "SELECT 1 WHERE false"])
def test_results_without_rows_are_described(sql: str) -> None:
    engine = make_engine(postgres_url_or_skip())
    try:
        with engine.connect() as connection:
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(sql)
            assert cursor.description is not None
    finally:
        engine.dispose()
