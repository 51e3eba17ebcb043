"""A throwaway PostgreSQL server for the tests and benchmarks: ``initdb`` + ``pg_ctl`` in a temporary folder,
listening only on a unix socket in that folder. PostgreSQL refuses to run as root, so as root (CI) the server
runs as ``nobody`` (``runuser``). The binaries are found on PATH, then in Debian's /usr/lib/postgresql/*/bin,
or in $KCOURSE_PG_BIN. ``KCOURSE_PG_URL=postgresql://...`` uses a running server instead (a role that may
CREATE DATABASE).

A watchdog goes with a throwaway server: a small shell process (:data:`WATCHDOG`, as the server's user, in a
session of its own) that stops the server and deletes its folder as soon as the process that started it is gone,
so a test run that is killed (``kill -9``, a CI timeout) leaves no server behind."""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

WATCHDOG = r"""
start() { read -r line < "/proc/$1/stat" 2>/dev/null || return 1; set -- ${line##*") "}; echo "${20}"; }
born=$(start "$PARENT")
while [ -d "$DATA" ] && [ -n "$born" ] && [ "$(start "$PARENT")" = "$born" ]; do sleep 1; done
if [ -d "$DATA" ]; then "$PG_CTL" -D "$DATA" -m immediate -w stop >/dev/null 2>&1; rm -rf "$DIR"; fi
"""
"""Waits while the parent (``$PARENT``, the same process: its start time in /proc, against reuse of its pid)
lives and the server's data folder is there; then stops the server and removes its folder."""

HOW_TO_GET = ("PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian: sudo apt-get install "
              "postgresql; scripts/setup does it as root) or set KCOURSE_PG_URL=postgresql://user@host/db")


def bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are, or ``None``."""
    candidates = [os.environ.get("KCOURSE_PG_BIN", "")]
    found = shutil.which("initdb")
    candidates.append(str(Path(found).parent) if found else "")
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                    if p.parent.name.isdigit() else 0, reverse=True)
    candidates += [str(p) for p in debian]
    for c in candidates:
        if c and (Path(c) / "initdb").is_file() and (Path(c) / "pg_ctl").is_file():
            return Path(c)
    return None


class Server:
    """A running server; :meth:`new_database` gives the address of a fresh, empty database."""

    def __init__(self, url: str | None = None, *, durable: bool = False):
        self.dir: Path | None = None
        self._count = itertools.count(1)
        if url is not None:
            self.base = url
            return
        bins = bindir()
        if bins is None:
            raise RuntimeError(HOW_TO_GET)
        self.bins = bins
        self.dir = Path(tempfile.mkdtemp(prefix="kcourse-pg-"))
        self._as = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self._as:
            os.chown(self.dir, *_nobody())
        data = self.dir / "data"
        self._run(str(bins / "initdb"), "-D", str(data), "-U", "kcourse", "--auth=trust", "--no-locale",
                  "-E", "UTF8", "--no-sync")
        hba = data / "pg_hba.conf"  # one role that must give a password, for the tests of a refused login
        hba.write_text("local all kcourse_pw scram-sha-256\n" + hba.read_text())
        opts = (f"-c listen_addresses='' -c unix_socket_directories='{self.dir}' -c max_connections=60"
                " -c shared_buffers=32MB")
        if not durable:  # the tests need no crash safety of the server itself (a killed CLIENT is what they test)
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(bins / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-o", opts, "-w", "-t", "60",
                  "start")
        self.base = f"postgresql://kcourse@/postgres?host={self.dir}"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PARENT": str(os.getpid()), "DATA": str(data),
               "DIR": str(self.dir), "PG_CTL": str(bins / "pg_ctl")}
        self.watchdog = subprocess.Popen([*self._as, "sh", "-c", WATCHDOG], env=env, cwd="/", start_new_session=True,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)

    def _run(self, *cmd: str) -> None:
        r = subprocess.run([*self._as, *cmd], capture_output=True, text=True, cwd="/")
        if r.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr.strip() or r.stdout.strip()}")

    def url(self, dbname: str) -> str:
        head, _, query = self.base.partition("?")
        return head.rsplit("/", 1)[0] + "/" + dbname + ("?" + query if query else "")

    def admin(self, sql: str) -> None:
        self.admin_in(self.base, sql)

    def admin_in(self, url: str, sql: str) -> None:
        """Run ``sql`` (statements separated by ';') as the server's superuser in the database of ``url``."""
        import psycopg

        with psycopg.connect(url.replace("reader@", "kcourse@"), autocommit=True) as c:
            for stmt in sql.split(";"):
                c.execute(stmt)  # type: ignore[call-overload]

    def new_database(self, prefix: str = "gb") -> str:
        name = f"{prefix}_{os.getpid()}_{next(self._count)}"
        self.admin(f"DROP DATABASE IF EXISTS {name}")
        self.admin(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.url(name)

    def stop(self) -> None:
        if self.dir is None:
            return
        self._run(str(self.bins / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
        self.watchdog.wait(timeout=30)  # it sees the data folder gone within a second


def _nobody() -> tuple[int, int]:
    import pwd

    pw = pwd.getpwnam("nobody")
    return pw.pw_uid, pw.pw_gid


def start() -> Server:
    """The server of $KCOURSE_PG_URL, or a throwaway one (RuntimeError saying how to get PostgreSQL if none)."""
    url = os.environ.get("KCOURSE_PG_URL")
    return Server(url) if url else Server()
