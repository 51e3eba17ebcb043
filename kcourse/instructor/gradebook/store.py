"""Opening a gradebook: checking its schema version, upgrading it (:data:`.schema.MIGRATIONS`), transactions,
and one-line errors for what the database said."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from ...core.errors import KcourseError
from . import schema
from .pg import PgAddress, PgConnection, connect_pg, is_pg
from .rows import GradebookError, GradebookWriteError
from .schema import _statements

DEFAULT_PATH = "gradebook.sqlite"
LOCK_TIMEOUT = 10.0
"""Seconds to wait for another run that is writing the same (SQLite) gradebook."""


class Connection(Protocol):
    """What the gradebook's modules (and classbook, regrade, grade, ...) use of a connection, on either backend:
    ``sqlite3.Connection`` itself, or :class:`.pg.PgConnection`. SQL is written with ``?`` placeholders."""

    @property
    def total_changes(self) -> int: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...

    def close(self) -> None: ...


Address = Path | PgAddress
"""Where a gradebook is: a SQLite file, or a PostgreSQL database (``postgresql://user@host/db``)."""


def address(gradebook: str | Path | PgAddress) -> Address:
    """The gradebook address ``-g`` gave: a ``postgresql://`` (or ``postgres://``) URL, else a file's path."""
    if isinstance(gradebook, PgAddress):
        return gradebook
    return PgAddress(str(gradebook)) if is_pg(gradebook) else Path(gradebook)


def iterate(conn: Any, sql: str, params: Any = ()) -> Iterator[tuple]:
    """The rows of a query that may be big, in bounded memory on both backends (SQLite's cursor steps through the
    file; on PostgreSQL a server-side cursor, see :meth:`.pg.PgConnection.stream`)."""
    if isinstance(conn, PgConnection):
        return conn.stream(sql, params)
    return iter(conn.execute(sql, params))


def pages(conn: Any, sql: str, params: Sequence[Any], start: Any) -> Iterator[list[tuple]]:
    """The rows of ``sql`` a page at a time (its ``LIMIT``), each page its own short query, so other statements
    may use the connection in between (unlike :func:`iterate`): ``sql`` orders the rows by their first column, and
    its last parameter, after ``params``, is where a page starts (``... WHERE key > ? ORDER BY key LIMIT n``),
    ``start`` for the first page, then the last key of the page before."""
    last = start
    while True:
        rows = conn.execute(sql, (*params, last)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def own_files(book: Address) -> tuple[Path, ...]:
    """The files of the gradebook itself (never graded when they sit among the submissions)."""
    if isinstance(book, PgAddress):
        return ()
    return tuple(book.with_name(book.name + suffix) for suffix in ("", "-journal", "-wal", "-shm"))


def connect(path: str | Path | PgAddress, *, create: bool) -> Any:
    """Open the gradebook at ``path`` (creating it when ``create``), checking and upgrading its schema: a
    :class:`Connection` (typed ``Any``: on a file it is a ``sqlite3.Connection``, with all of its methods)."""
    if is_pg(path):
        return connect_pg(PgAddress(str(path)) if isinstance(path, str) else path, create=create)  # type: ignore[arg-type]
    p = Path(path)  # type: ignore[arg-type]
    if not p.exists():
        if not create:
            raise GradebookError(f"no gradebook at {p}: grade some submissions first (kcourse grade QUIZ FILES "
                                 f"--gradebook {p}), or give the right --gradebook")
        p.parent.mkdir(parents=True, exist_ok=True)
    elif p.is_dir():
        raise GradebookError(f"{p} is a folder; give the gradebook file (e.g. {p / DEFAULT_PATH})")
    try:
        conn = sqlite3.connect(str(p), isolation_level=None, timeout=LOCK_TIMEOUT)
    except sqlite3.Error as e:
        raise sqlite_error(p, e) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 and not tables:
            with transaction(conn):
                for stmt in _statements(schema.SCHEMA):
                    conn.execute(stmt)
                conn.execute("PRAGMA user_version = 1")
            _migrate(conn, 1, p)
        elif version == 0 or "attempts" not in tables:
            raise GradebookError(f"{p} is a SQLite file but not a kcourse gradebook; give another --gradebook")
        elif version > schema.SCHEMA_VERSION:
            raise GradebookError(f"{p} is a gradebook of schema version {version}, written by a newer kcourse; "
                                 f"this kcourse reads up to version {schema.SCHEMA_VERSION}: upgrade kcourse "
                                 "(pip install -U -r requirements.txt)")
        elif version < schema.SCHEMA_VERSION:
            _migrate(conn, version, p)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise sqlite_error(p, e) from None
    except BaseException:
        conn.close()
        raise
    return conn


def sqlite_error(p: Path, e: sqlite3.Error) -> KcourseError:
    """A one-line error for what SQLite said about the gradebook ``p``: busy, not writable, full, or not one."""
    text = str(e)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return GradebookWriteError(f"the gradebook {p} is busy ({text}): another kcourse command is writing it; "
                                   "run this again when it has finished; nothing of this run was stored")
    if "readonly" in low or "read-only" in low or "unable to open" in low or "permission" in low:
        return GradebookWriteError(f"cannot write the gradebook {p} ({text}): choose a folder you can write to with "
                                   "--gradebook, or change its permissions; nothing of this run was stored")
    if "full" in low or "disk i/o" in low:
        return GradebookWriteError(f"cannot write the gradebook {p} ({text}): free some disk space, or use another "
                                   "disk; nothing of this run was stored")
    return GradebookError(f"{p} is not a readable gradebook ({text}); give another --gradebook")



def _migrate(conn: sqlite3.Connection, version: int, p: Path) -> None:
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(conn):
            while version < schema.SCHEMA_VERSION:
                step = schema.MIGRATIONS.get(version)
                if step is None:
                    raise GradebookError(f"{p} is a gradebook of schema version {version}, which this kcourse "
                                         "cannot upgrade; export its grades with the kcourse that wrote it")
                step(conn)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
            bad = conn.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise GradebookError(f"{p}: upgrading the gradebook would break its links ({bad[:3]}); it is left "
                                     "as it was")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


class transaction:
    """``with transaction(conn):`` runs the block in ``BEGIN IMMEDIATE`` ... ``COMMIT`` (on PostgreSQL: ``BEGIN``, the
    gradebook's write lock, ... ``COMMIT``), or rolls back."""

    def __init__(self, conn: Any):
        self.conn = conn

    def __enter__(self) -> Any:
        if isinstance(self.conn, PgConnection):
            self.conn.begin()  # and the gradebook's write lock: see .pg
            return self.conn
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise GradebookWriteError(f"the gradebook is busy ({e}): another kcourse command is writing it; run this "
                              "again when it has finished; nothing of this run was stored") from None
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if isinstance(self.conn, PgConnection):
            self.conn.commit() if exc_type is None else self.conn.rollback()
        elif exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")

