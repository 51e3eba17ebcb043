"""``python paused_grade.py AFTER kcourse-arguments...``: run ``kcourse`` with a gradebook connection (SQLite or
PostgreSQL) that,
after AFTER attempt rows are inserted (inside the run's transaction), prints a line to stderr and sleeps, so a
test can kill the process mid-run. The pause lives here, not in kcourse."""
import sqlite3
import sys
import time

AFTER = int(sys.argv[1])
_connect = sqlite3.connect


def _paused(rows):
    for n, row in enumerate(rows, 1):
        yield row
        if n == AFTER:
            print(f"kcourse-test: paused after {n} inserts", file=sys.stderr, flush=True)
            time.sleep(600)


class PausingConnection(sqlite3.Connection):
    def executemany(self, sql, rows, /):
        return super().executemany(sql, _paused(rows) if sql.startswith("INSERT INTO attempts ") else rows)


def connect(*args, **kwargs):
    return _connect(*args, factory=PausingConnection, **kwargs)


sqlite3.connect = connect  # type: ignore[assignment]

from kcourse.instructor.gradebook.pg import PgConnection  # noqa: E402

_pg_executemany = PgConnection.executemany


def _pg_paused(self, sql, rows):
    return _pg_executemany(self, sql, _paused(rows) if sql.startswith("INSERT INTO attempts ") else rows)


PgConnection.executemany = _pg_paused  # type: ignore[method-assign]
sys.argv = ["kcourse", *sys.argv[2:]]
from kcourse.cli import main  # noqa: E402

main()
