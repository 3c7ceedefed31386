"""db.rows.as_read: an object for a row written or read by a plain statement behaves as one
the ORM loaded: persistent, clean, readable without a query, its changes flushed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, create_engine, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from db.migrate import upgrade
from db.models import ChatState
from db.rows import as_read

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_as_read_is_persistent_clean_and_flushes_its_changes(db_url: str) -> None:
    engine = create_engine(db_url)
    upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    table: Table = ChatState.__table__  # type: ignore[assignment]
    statements: list[str] = []
    try:
        with factory() as session:
            row = session.execute(insert(table).returning(*table.c), {
                "platform": "telegram", "chat_id": "1", "user_id": "1", "flow": None,
                "data": {"a": 1}, "menu": None, "expires_at": NOW + timedelta(hours=1),
            }).one()
            event.listen(engine, "before_cursor_execute",
                         lambda _c, _cur, statement, *_a: statements.append(statement))
            state = as_read(session, ChatState, row._asdict())
            assert state in session and not session.new and not session.dirty
            assert (state.data, state.menu, state.flow) == ({"a": 1}, None, None)
            assert state.expires_at == NOW + timedelta(hours=1)
            assert statements == []  # nothing read back, nothing written yet
            # The same row again is the same object.
            assert as_read(session, ChatState, row._asdict()) is state
            state.flow = "giao"
            session.commit()
            assert [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
        with Session(engine) as session:
            assert session.scalar(select(ChatState.flow)) == "giao"
    finally:
        engine.dispose()
