"""A gradebook in PostgreSQL (``-g postgresql://user@host/db``), through psycopg 3.

:class:`PgConnection` is the small part of ``sqlite3.Connection`` the gradebook modules use (``execute``,
``executemany``, ``total_changes``, ``close``), so the same SQL runs on both: it is written with ``?``
placeholders and portable statements, and this module is the one place that knows PostgreSQL's dialect
(``%s`` placeholders, its schema in :mod:`.pg_schema`, its errors).

Concurrency. Several ``kcourse grade`` runs, from several processes or machines, may write one PostgreSQL
gradebook at once. Each run writes in ONE transaction (as on SQLite) that starts by taking a transaction-level
advisory lock of the whole gradebook (``pg_advisory_xact_lock``): writers take turns, as SQLite's
``BEGIN IMMEDIATE`` makes them, while grading (the slow part, outside the transaction) runs in parallel.
Inside the lock a run re-reads which of its files are already stored (another run may have stored them since
it looked) and adds only the others, and it assigns attempt and run ids as ``max + 1`` safely; the unique
key ``(quiz_id, sha256)`` stays as the last guard. So an attempt is stored exactly once whatever the
interleaving, and a run that is killed (``kill -9``, a lost connection) leaves nothing: the server rolls back
a transaction whose client went away. A whole-gradebook lock rather than a per-quiz one, because ids are
numbered across quizzes; a writer waits up to :data:`LOCK_WAIT` seconds for it.

Statistics. A run inserts all of its rows in that one transaction, and autovacuum sees none of them before the
commit: the planner would plan the run's lookups (``attempts WHERE quiz_id = ? AND sha256 IN (...)``, a page
of the staged rows) with the statistics of the table as it was before, typically empty, and pick an index
that scans the whole quiz per lookup: quadratic in the run. So :class:`PgConnection` counts the rows each table
gets and refreshes its statistics (``ANALYZE``, which in a transaction counts that transaction's own rows)
whenever the table has grown by as many rows as it had at the last refresh (and at least
:data:`ANALYZE_FROM`): statistics never lag more than a factor 2 behind, at a cost of a few ``ANALYZE``
(a sample of at most 30,000 rows each) per doubling. A rollback undoes the refreshes too; the counts restart.
Only the tables' owner may ``ANALYZE`` them: for a role that may only write rows, PostgreSQL skips it with a
warning, and such a role's big runs are slower (autovacuum still refreshes the statistics after each commit).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...core.errors import KcourseError
from . import schema
from .pg_schema import PG_MIGRATIONS, PG_SCHEMA, TABLES, statements
from .rows import GradebookError, GradebookWriteError

SCHEMES = ("postgresql://", "postgres://")
LOCK_KEY = 0x6B636F75  # 'kcou': the advisory lock every writer of a gradebook database takes
LOCK_WAIT = 300.0
"""Seconds a run waits for other runs writing the same PostgreSQL gradebook (they take turns)."""
CONNECT_TIMEOUT = 10
ANALYZE_FROM = 1000
"""Rows a table must have gained before its statistics are refreshed (then as many as it had; see above)."""


def is_pg(address: object) -> bool:
    return isinstance(address, PgAddress) or isinstance(address, str) and address.startswith(SCHEMES)


@dataclass(frozen=True)
class PgAddress:
    """A PostgreSQL gradebook's address; ``str()`` shows it without its password."""

    url: str

    def __str__(self) -> str:
        return redact(self.url)

    @property
    def name(self) -> str:
        return str(self)


def redact(url: str) -> str:
    """``url`` with any password (``user:secret@``, ``?password=``) written as ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL Python can read (a broken [IPv6] host): mask what looks like a password
        return re.sub(r"(?i)(password=)[^&#]*", r"\1***", re.sub(r"(//[^/@:]*:)[^/]*@", r"\1***@", url))
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        if ":" in user:
            netloc = user.split(":", 1)[0] + ":***@" + host
    query = urlencode([(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="/:*")
    if not netloc and url.startswith(f"{parts.scheme}://"):  # urlunsplit would drop the // of postgresql:///db
        return f"{parts.scheme}://{parts.path}" + (f"?{query}" if query else "") + (
            f"#{parts.fragment}" if parts.fragment else "")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


@lru_cache(maxsize=256)
def dialect(sql: str) -> str:
    """The statement in PostgreSQL's (psycopg's) placeholders: ``?`` -> ``%s``, ``%`` -> ``%%``."""
    return re.sub(r"'[^']*'|\?", lambda m: "%s" if m.group(0) == "?" else m.group(0), sql.replace("%", "%%"))


_cursors = itertools.count(1)
_PLAIN_INSERT = re.compile(r"INSERT INTO (\w+) \(([\w, ]+)\)\s+VALUES \((?:\?, )*\?\)\Z")
_INSERT = re.compile(r"\s*INSERT INTO (\w+)", re.I)


class PgConnection:
    """The gradebook modules' view of a PostgreSQL connection (autocommit; transactions are explicit)."""

    backend = "postgresql"

    def __init__(self, raw: Any, address: PgAddress):
        self.raw = raw
        self.address = address
        self.total_changes = 0
        self._growth: dict[str, tuple[float, int]] = {}
        """``table -> (rows at its last refresh of statistics, rows inserted since)``, see :meth:`_grew`."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        import psycopg

        cur = self.raw.cursor()
        try:
            cur.execute(dialect(sql), tuple(params))
        except psycopg.Error as e:
            raise pg_error(self.address, e) from None
        if cur.description is None and cur.rowcount > 0:
            self.total_changes += cur.rowcount
            self._grew(sql, cur.rowcount)
        elif sql.lstrip()[:8].upper() in ("ROLLBACK", "DROP TAB"):
            self._growth.clear()  # the refreshes were undone (or the table is gone): count afresh
        return cur

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        """Like ``sqlite3``'s; a plain ``INSERT INTO t (cols) VALUES (?, ...)`` goes through ``COPY`` (several times
        faster for a run's thousands of attempts and item scores)."""
        import psycopg

        cur = self.raw.cursor()
        plain = _PLAIN_INSERT.match(sql)
        try:
            if plain:
                n = 0
                with cur.copy(f"COPY {plain.group(1)} ({plain.group(2)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                self.total_changes += n
                self._grew(sql, n)
                return cur
            cur.executemany(dialect(sql), rows)
        except psycopg.Error as e:
            raise pg_error(self.address, e) from None
        if cur.rowcount > 0:
            self.total_changes += cur.rowcount
            self._grew(sql, cur.rowcount)
        return cur

    def _grew(self, sql: str, n: int) -> None:
        """``sql`` changed ``n`` rows: when it inserted them, refresh the table's statistics once it has grown by
        as many rows as it had at the last refresh (see the module's text)."""
        m = _INSERT.match(sql)
        if m is None:
            return
        table = m.group(1).lower()
        if table not in self._growth:
            row = self.raw.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", (table,)).fetchone()
            self._growth[table] = (max(0.0, float(row[0])) if row and row[0] is not None else 0.0, 0)
        size, added = self._growth[table]
        added += n
        if added >= max(ANALYZE_FROM, size):
            self.execute(f"ANALYZE {table}")
            size, added = size + added, 0
        self._growth[table] = (size, added)

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 5000) -> Iterator[tuple]:
        """The rows of a big query, ``size`` at a time from a server-side cursor (a client-side one holds the whole
        result in memory, which a million-attempt quiz does not fit)."""
        import psycopg

        try:
            with self.raw.transaction():
                with self.raw.cursor(name=f"kcourse_{next(_cursors)}") as cur:
                    cur.itersize = size
                    cur.execute(dialect(sql), tuple(params))
                    yield from cur
        except psycopg.Error as e:
            raise pg_error(self.address, e) from None

    def begin(self) -> None:
        """Start a write transaction: wait (up to :data:`LOCK_WAIT`) for the gradebook's write lock."""
        self.execute("BEGIN")
        self.execute(f"SET LOCAL lock_timeout = '{int(LOCK_WAIT * 1000)}ms'")
        self.execute("SELECT pg_advisory_xact_lock(?)", (LOCK_KEY,))

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        try:
            self.execute("ROLLBACK")
        except KcourseError:
            pass  # the connection is gone: the server has rolled the transaction back

    def close(self) -> None:
        self.raw.close()


def connect_pg(address: PgAddress, *, create: bool) -> PgConnection:
    """Open the PostgreSQL gradebook at ``address`` (creating its tables when ``create`` and the database has
    none), checking its schema version and upgrading it."""
    try:
        import psycopg
    except ImportError:
        raise GradebookError(f"the gradebook {address} is in PostgreSQL, which needs psycopg: "
                             "pip install 'kcourse[postgresql]'") from None
    try:
        raw = psycopg.connect(address.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as e:
        raise pg_error(address, e) from None
    raw.adapters.register_dumper(str, _nul_safe_dumper())
    conn = PgConnection(raw, address)
    try:
        version = _version(conn)
        if version is None:
            if not create:
                raise GradebookError(f"no gradebook in {address}: grade some submissions first (kcourse grade QUIZ "
                                     f"FILES --gradebook {address}), or give the right --gradebook")
            conn.begin()
            try:
                if _version(conn) is None:  # another run may have created it while this one waited
                    for stmt in statements(PG_SCHEMA):
                        conn.execute(stmt)
                    conn.execute("INSERT INTO kcourse_schema (version) VALUES (?)", (schema.SCHEMA_VERSION,))
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            version = schema.SCHEMA_VERSION
        if version > schema.SCHEMA_VERSION:
            raise GradebookError(f"{address} is a gradebook of schema version {version}, written by a newer kcourse; "
                                 f"this kcourse reads up to version {schema.SCHEMA_VERSION}: upgrade kcourse "
                                 "(pip install -U -r requirements.txt)")
        if version < schema.SCHEMA_VERSION:
            _migrate(conn, version)
    except BaseException:
        conn.close()
        raise
    return conn


def _nul_safe_dumper() -> type:
    """psycopg's dumper of ``str`` that writes a NUL character, which PostgreSQL's text cannot hold, as the six
    characters ``\\u0000`` (as grade.py writes a lone surrogate ``\\udcff`` for SQLite). Only a hostile file has
    one (a student id ``"s\\u00001"`` in valid JSON); the rest of its run is stored as on SQLite."""
    from psycopg.types.string import StrDumperUnknown

    class NulSafe(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "\\u0000") if "\x00" in obj else obj)

    return NulSafe


def _version(conn: PgConnection) -> int | None:
    """The gradebook's schema version; ``None`` when the database holds no gradebook yet."""
    tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                         "WHERE table_schema = current_schema()")}
    if "kcourse_schema" in tables:
        row = conn.execute("SELECT max(version) FROM kcourse_schema").fetchone()
        return int(row[0]) if row and row[0] is not None else 0
    if tables & set(TABLES):
        raise GradebookError(f"{conn.address} has tables but is not a kcourse gradebook; give another database "
                             "(createdb NAME), or a schema of its own (?options=-csearch_path%3DNAME)")
    return None


def _migrate(conn: PgConnection, version: int) -> None:
    conn.begin()
    try:
        while version < schema.SCHEMA_VERSION:
            step = PG_MIGRATIONS.get(version)
            if step is None:
                raise GradebookError(f"{conn.address} is a gradebook of schema version {version}, which this kcourse "
                                     "cannot upgrade; export its grades with the kcourse that wrote it")
            step(conn)
            version += 1
            conn.execute("UPDATE kcourse_schema SET version = ?", (version,))
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def snapshot(conn: PgConnection) -> list[str]:
    """Every row of every table, in a fixed order: equal snapshots, equal gradebooks."""
    out = [f"version {_version(conn)}"]
    for table in TABLES:
        cols = [r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema ="
                                           " current_schema() AND table_name = ? ORDER BY ordinal_position", (table,))]
        order = ", ".join(f"{c} NULLS FIRST" for c in cols)
        out += [f"{table} {r!r}" for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}")]
    return out


_PARAMS_DOC = "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS"
_BAD_ADDRESS = (  # what libpq/psycopg say of an address they refuse before asking any server
    (re.compile(r'invalid ([a-z_]+) value: "([^"]*)"'), "{0}={1} is not a value {0} takes"),
    (re.compile(r'invalid (?:URI query parameter|connection option):? "?([^"\s]+)"?'),
     "{0} is not a PostgreSQL connection option"),
    (re.compile(r'invalid port number: "([^"]*)"'), "port {0} is not a port number (1 to 65535)"),
    (re.compile(r'invalid integer value "([^"]*)" for connection option "([^"]*)"'), "{1}={0} is not a number"),
    (re.compile(r"servname not supported|invalid port", re.I), "the port is not a number"),
    (re.compile(r'in URI|missing "=" after|unterminated quoted string|invalid percent-encoded token', re.I),
     "it is not a PostgreSQL URI"),
)


def _bad_address(address: PgAddress, text: str) -> GradebookError | None:
    """The one-line error for an address psycopg refused to use (a wrong option or value, a broken URI)."""
    for pattern, what in _BAD_ADDRESS:
        m = pattern.search(text)
        if m:
            return GradebookError(f"the gradebook address {address} is wrong: {what.format(*m.groups())} ({text}); "
                                  f"correct it (the options and their values: {_PARAMS_DOC})")
    return None


def pg_error(address: PgAddress, e: Exception) -> KcourseError:
    """A one-line error for what PostgreSQL (or the way to it) said: the address, what happened, the fix."""
    text = " ".join(str(e).split()).replace(address.url, str(address)) or type(e).__name__
    low = text.lower()
    bad = _bad_address(address, text) if getattr(e, "sqlstate", None) is None else None
    if bad is not None:
        return bad
    state = getattr(e, "sqlstate", None) or ""
    unsaved = "; nothing of this run was stored"
    if state == "42501" or "permission denied" in low:
        return GradebookWriteError(f"cannot write the gradebook {address} ({text}): the role may only read it; grant "
                                   "it INSERT, UPDATE, DELETE (and CREATE for a new gradebook), or use a role that "
                                   f"may write{unsaved}")
    if state == "25006" or "read-only transaction" in low:
        return GradebookWriteError(f"cannot write the gradebook {address} ({text}): the server or the role is "
                                   f"read-only (a standby, or default_transaction_read_only); use the primary{unsaved}")
    if state in ("55P03", "57014") or "lock timeout" in low:
        return GradebookWriteError(f"the gradebook {address} is busy ({text}): other kcourse commands have been "
                               f"writing it for {LOCK_WAIT:.0f} s; run this again when they have finished{unsaved}")
    if state in ("53100", "53200"):
        return GradebookWriteError(f"cannot write the gradebook {address} ({text}): the server is out of space; "
                                   f"free some{unsaved}")
    if "password authentication failed" in low or "no password supplied" in low or (
            "role" in low and "does not exist" in low) or "authentication" in low:
        return GradebookError(f"PostgreSQL refused the login to {address} ({text}): check the user name and the "
                              "password (in ~/.pgpass or PGPASSWORD, not on the command line), and pg_hba.conf")
    if "database" in low and "does not exist" in low:
        return GradebookError(f"no PostgreSQL database at {address} ({text}): create it (createdb NAME), or give "
                              "the right --gradebook")
    if state.startswith("08") or "connection" in low or "could not" in low or "server" in low or "timeout" in low:
        return GradebookWriteError(f"cannot reach the PostgreSQL gradebook {address} ({text}): is the server "
                                   f"running, and are the host and port right? Run this again when it is{unsaved}")
    return GradebookError(f"the PostgreSQL gradebook {address} refused this ({text}){unsaved}")
