"""``python paused_grade.py AFTER kcourse-arguments...``: run ``kcourse`` with a gradebook connection that,
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
sys.argv = ["kcourse", *sys.argv[2:]]
from kcourse.cli import main  # noqa: E402

main()
