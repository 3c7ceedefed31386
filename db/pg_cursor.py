"""The psycopg cursor of the PostgreSQL engine (db.session)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any, overload

import psycopg
from psycopg.pq import ExecStatus


class DescribedOnDemandCursor(psycopg.Cursor[Any]):
    """psycopg's cursor, whose `description` builds its column objects only when one is
    looked at. SQLAlchemy takes the description after every statement but reads it only the
    first time a statement runs (then it keeps the result's layout with the compiled
    statement), and psycopg built a Column per column each time: a tenth of the Python calls
    of a unit of work."""

    @property
    def description(self) -> Sequence[psycopg.Column] | None:  # type: ignore[override]
        result = self.pgresult
        if result is None or not (result.nfields or result.status in _ROWS_STATUSES):
            return None
        return _Description(self, result)


_ROWS_STATUSES = frozenset({ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE,
                            ExecStatus.TUPLES_CHUNK})


class _Description(Sequence[psycopg.Column]):
    """The columns of one result, built on first use (from that result, even if the cursor
    has moved on to another by then)."""

    __slots__ = ("_columns", "_cursor", "_result")

    def __init__(self, cursor: psycopg.Cursor[Any], result: Any) -> None:
        self._cursor = cursor
        self._result = result
        self._columns: list[psycopg.Column] | None = None

    def _built(self) -> list[psycopg.Column]:
        if self._columns is None:
            source: Any = self._cursor
            if source.pgresult is not self._result:
                source = SimpleNamespace(pgresult=self._result, adapters=source.adapters,
                                         _encoding=source._encoding)
            self._columns = [psycopg.Column(source, i) for i in range(self._result.nfields)]
        return self._columns

    def __len__(self) -> int:
        return int(self._result.nfields)

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...

    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...

    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        return self._built()[index]

    def __iter__(self) -> Iterator[psycopg.Column]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]
