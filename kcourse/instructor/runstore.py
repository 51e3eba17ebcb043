"""One grading run, staged batch by batch, then written to the gradebook in ONE transaction.

``kcourse grade`` streams: it judges a batch of files and :meth:`RunStore.write` stages it in temporary tables
of its own connection (on disk, not in memory, and outside the gradebook's write lock, so other runs keep
grading meanwhile: SQLite's temporary database, PostgreSQL's session tables). :meth:`RunStore.finish` then
takes the write lock (:class:`.gradebook.transaction`) and copies the staged rows in chunks: the quiz, the
roster, the attempts still missing (another run may have stored some since this one looked: each file is
stored exactly once), their item scores, regrades and rejections not stored yet. A run that is killed leaves
the gradebook as it was; a run that changes nothing records nothing; a rerun is idempotent.

Which files this run graded already (a later copy of the same bytes is a duplicate, however far apart the two
are in the class) is a staged table too, not a set in memory. The SQL is portable (SQLite and PostgreSQL):
``IN`` lists of bound parameters, ``ON CONFLICT DO NOTHING``, ``TEMPORARY`` tables, pages by ``seq``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ..core.grading import is_blank
from ..core.rules import percentage
from . import gradebook as gb
from .gradebook import NewAttempt, RejectedFile, WriteResult, transaction
from .gradebook.writes import _same_course, _upsert_quiz_and_roster
from .judge import Graded, sort_time
from .roster import Student

CHUNK = 400
"""Bound parameters per ``IN (...)`` list (SQLite allows 999 in its oldest builds)."""
PAGE = 1000
"""Staged attempts copied at a time."""
_ATT = ("sha256, student_id, variant_seed, submitted_at, sort_time, source, content, total, max_score, percentage,"
        " passed, uploader, upload_name, platform_file, platform_late, time_note")
_STAGE = [
    "CREATE TEMPORARY TABLE kcourse_seen (sha256 TEXT PRIMARY KEY, source TEXT NOT NULL)",
    "CREATE TEMPORARY TABLE kcourse_stage (seq INTEGER PRIMARY KEY, regrade_of INTEGER, sha256 TEXT NOT NULL,"
    " student_id TEXT NOT NULL, variant_seed BIGINT NOT NULL, submitted_at TEXT, sort_time TEXT NOT NULL,"
    " source TEXT NOT NULL, content TEXT NOT NULL, total REAL NOT NULL, max_score REAL NOT NULL,"
    " percentage REAL NOT NULL, passed INTEGER NOT NULL, uploader TEXT NOT NULL, upload_name TEXT NOT NULL,"
    " platform_file TEXT NOT NULL, platform_late INTEGER, time_note TEXT NOT NULL)",
    "CREATE TEMPORARY TABLE kcourse_stage_items (seq INTEGER NOT NULL, question_id TEXT NOT NULL, score REAL NOT NULL,"
    " max_score REAL NOT NULL, status TEXT NOT NULL, response TEXT, PRIMARY KEY (seq, question_id))",
    "CREATE TEMPORARY TABLE kcourse_stage_rejections (seq INTEGER PRIMARY KEY, source TEXT NOT NULL,"
    " sha256 TEXT NOT NULL, student_id TEXT NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL,"
    " uploader TEXT NOT NULL, UNIQUE (source, sha256))",
]
_TABLES = ("kcourse_seen", "kcourse_stage", "kcourse_stage_items", "kcourse_stage_rejections")


def _chunks(values: Sequence, n: int = CHUNK) -> Iterable[Sequence]:
    for k in range(0, len(values), n):
        yield values[k:k + n]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


class RunStore:
    """Stages one run (:meth:`write`, batch by batch) and stores it (:meth:`finish`, one transaction)."""

    def __init__(self, conn, *, quiz_id: str, digest: str):
        self.conn, self.quiz_id, self.digest = conn, quiz_id, digest
        self.seq = 0
        self._drop()
        for stmt in _STAGE:
            conn.execute(stmt)

    def _drop(self) -> None:
        for t in _TABLES:
            self.conn.execute(f"DROP TABLE IF EXISTS {t}")

    def drop_quietly(self) -> None:
        """:meth:`_drop` after a failure: the connection may be in a failed transaction (a write lock waited for
        too long), which is rolled back; temporary tables go with the connection anyway."""
        try:
            self._drop()
        except Exception:  # noqa: BLE001 - the first error is the one to report
            try:
                self.conn.execute("ROLLBACK")
                self._drop()
            except Exception:  # noqa: BLE001
                pass

    # -- reading, per batch ----------------------------------------------------------------------
    def seen(self, shas: set[str]) -> dict[str, str]:
        """``sha256 -> source`` of the given files that an earlier batch of this run graded."""
        out: dict[str, str] = {}
        for part in _chunks(sorted(shas)):
            out.update(self.conn.execute(f"SELECT sha256, source FROM kcourse_seen WHERE sha256 IN "
                                         f"({_marks(len(part))})", part).fetchall())
        return out

    def known(self, shas: Iterable[str]) -> dict[str, tuple[int, str]]:
        """``sha256 -> (attempt_id, quiz_digest)`` of the given files already stored for the quiz."""
        return {sha: (aid, digest) for sha, aid, digest in self._stored("attempt_id, quiz_digest", shas)}

    def _stored(self, cols: str, shas: Iterable[str]) -> Iterator[tuple]:
        """``(sha256, *cols)`` of the given files already stored for the quiz."""
        for part in _chunks(sorted(set(shas))):
            yield from self.conn.execute(f"SELECT sha256, {cols} FROM attempts WHERE quiz_id = ?"
                                         f" AND sha256 IN ({_marks(len(part))})", (self.quiz_id, *part)).fetchall()

    # -- staging ---------------------------------------------------------------------------------
    def write(self, *, new: Iterable[NewAttempt] = (), regrade: Iterable[tuple[int, NewAttempt]] = (),
              rejections: Iterable[RejectedFile] = (), graded: Iterable[tuple[str, str]] = ()) -> None:
        """Stage one batch: new attempts, regraded ones (``(attempt_id, attempt)``), rejections; and remember the
        batch's graded files (``(sha256, source)``) for :meth:`seen`."""
        # the staging tables only (the gradebook is not locked): one commit per batch
        self._in_batch(lambda c: self._stage(c, new, regrade, rejections, graded))

    def _stage(self, conn, new: Iterable[NewAttempt], regrade: Iterable[tuple[int, NewAttempt]],
               rejections: Iterable[RejectedFile], graded: Iterable[tuple[str, str]]) -> None:
        conn.executemany("INSERT INTO kcourse_seen (sha256, source) VALUES (?, ?) ON CONFLICT DO NOTHING",
                         list(graded))
        rows, items = [], []  # a regrade keeps its stored text: not staged again
        for aid, a in [(None, a) for a in new] + list(regrade):
            self.seq += 1
            rows.append((self.seq, aid, a.sha256, a.student_id, a.variant_seed, a.submitted_at, a.sort_time, a.source,
                         a.content if aid is None else "", a.total, a.max_score, a.percentage, int(a.passed),
                         a.uploader, a.upload_name, a.platform_file,
                         None if a.platform_late is None else int(a.platform_late), a.time_note))
            items += [(self.seq, *item) for item in a.items]
        conn.executemany(f"INSERT INTO kcourse_stage (seq, regrade_of, {_ATT}) VALUES ({_marks(18)})", rows)
        conn.executemany(f"INSERT INTO kcourse_stage_items VALUES ({_marks(6)}) ON CONFLICT DO NOTHING", items)
        rej = []
        for r in rejections:
            self.seq += 1
            rej.append((self.seq, r.source, r.sha256, r.student_id, r.reason, r.message, r.uploader))
        conn.executemany(f"INSERT INTO kcourse_stage_rejections VALUES ({_marks(7)}) ON CONFLICT DO NOTHING", rej)

    def _pages(self, table: str, cols: str, where: str = "") -> Iterator[list[tuple]]:
        return gb.pages(self.conn, f"SELECT seq, {cols} FROM {table} WHERE seq > ?{where} ORDER BY seq LIMIT {PAGE}",
                        (), 0)

    # -- run-wide checks (:mod:`.uploads`): the run's files looked at again, a page at a time --------------
    def graded_pages(self) -> Iterator[list[tuple[str, str]]]:
        """``(source, sha256)`` of every file this run graded (staged or already stored), by source."""
        self._index("kcourse_seen", "source")  # the pages below would each sort the whole table without it
        return gb.pages(self.conn, f"SELECT source, sha256 FROM kcourse_seen WHERE source > ? ORDER BY source"
                        f" LIMIT {PAGE}", (), "")

    def _index(self, table: str, column: str) -> None:
        """An index on a staging table, made the first time a run-wide check looks rows up by ``column`` (most
        runs never do, and do not pay for keeping it)."""
        self.conn.execute(f"CREATE INDEX IF NOT EXISTS {table}_by_{column} ON {table} ({column})")

    def staged(self, shas: Sequence[str]) -> dict[str, tuple[int, int | None, str, str | None]]:
        """``sha256 -> (seq, regrade_of, student_id, submitted_at)`` of the given files' staged attempts."""
        out = {}
        if shas:
            self._index("kcourse_stage", "sha256")
        for part in _chunks(list(shas)):
            for seq, regrade_of, sha, sid, submitted_at in self.conn.execute(
                    "SELECT seq, regrade_of, sha256, student_id, submitted_at FROM kcourse_stage"
                    f" WHERE sha256 IN ({_marks(len(part))})", part):
                out[sha] = (seq, regrade_of, sid, submitted_at)
        return out

    def stored_students(self, shas: Sequence[str]) -> dict[str, str]:
        """``sha256 -> student_id`` of the given files already stored for the quiz."""
        return dict(self._stored("student_id", shas))

    def retime(self, rows: Sequence[tuple[str, str, int]]) -> None:
        """Staged attempts given another time: ``(sort_time, time_note, seq)``; the platform's late mark goes."""
        self._in_batch(lambda c: c.executemany("UPDATE kcourse_stage SET sort_time = ?, time_note = ?,"
                                               " platform_late = NULL WHERE seq = ?", list(rows)))

    def unstage(self, seqs: Sequence[int]) -> None:
        """Staged attempts taken back (their files are rejected after all)."""
        def drop(c) -> None:
            for part in _chunks(list(seqs)):
                c.execute(f"DELETE FROM kcourse_stage_items WHERE seq IN ({_marks(len(part))})", part)
                c.execute(f"DELETE FROM kcourse_stage WHERE seq IN ({_marks(len(part))})", part)
        self._in_batch(drop)

    def _in_batch(self, work: Callable) -> None:
        self.conn.execute("BEGIN")
        try:
            work(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- storing ---------------------------------------------------------------------------------
    def finish(self, *, title: str, source: str, policy: str | None, started_at: str, files_in: int, graded: int,
               rejected: int, roster: Iterable[Student] = (), setup: Callable | None = None) -> WriteResult:
        """Store the staged run in one transaction (see the module's text); the staging tables go."""
        conn, quiz_id = self.conn, self.quiz_id
        try:
            with transaction(conn):
                _same_course(conn, quiz_id, source)
                before = conn.total_changes
                _upsert_quiz_and_roster(conn, quiz_id=quiz_id, title=title, digest=self.digest, source=source,
                                        policy=policy, roster=roster)
                if setup is not None:
                    setup(conn)
                changed = conn.total_changes != before
                run: list[int] = []

                def run_id() -> int:
                    if not run:
                        run.append(conn.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0])
                        conn.execute("INSERT INTO runs (run_id, quiz_id, started_at, files_in, graded, rejected, added,"
                                     " regraded) VALUES (?, ?, ?, 0, 0, 0, 0, 0)", (run[0], quiz_id, started_at))
                    return run[0]

                added = self._copy_new(run_id)
                regraded = self._copy_regrades(run_id)
                self._copy_rejections(run_id)
                if not run and not changed:
                    return WriteResult(None, 0, 0)
                conn.execute("UPDATE runs SET files_in = ?, graded = ?, rejected = ?, added = ?, regraded = ?"
                             " WHERE run_id = ?", (files_in, graded, rejected, added, regraded, run_id()))
                return WriteResult(run[0], added, regraded)
        finally:
            self.drop_quietly()

    def _items(self, seqs: Sequence[int]) -> dict[int, list[tuple]]:
        out: dict[int, list[tuple]] = {s: [] for s in seqs}
        for part in _chunks(list(seqs)):
            for seq, *item in self.conn.execute(
                    "SELECT seq, question_id, score, max_score, status, response FROM kcourse_stage_items"
                    f" WHERE seq IN ({_marks(len(part))}) ORDER BY seq, question_id", part):
                out[seq].append(tuple(item))
        return out

    def _copy_new(self, run_id: Callable[[], int]) -> int:
        """The staged new attempts not stored meanwhile (each file once), with their item scores."""
        conn, added = self.conn, 0
        for page in self._pages("kcourse_stage", _ATT, " AND regrade_of IS NULL"):
            stored = set(self.known(r[1] for r in page))
            rows = []
            for r in page:
                if r[1] not in stored:
                    stored.add(r[1])
                    rows.append(r)
            if not rows:
                continue
            rid = run_id()
            first = conn.execute("SELECT coalesce(max(attempt_id), 0) + 1 FROM attempts").fetchone()[0]
            ids = {r[0]: first + k for k, r in enumerate(rows)}
            conn.executemany(
                f"INSERT INTO attempts (attempt_id, quiz_id, quiz_digest, run_id, {_ATT}) VALUES ({_marks(20)})",
                ((ids[r[0]], self.quiz_id, self.digest, rid, *r[1:]) for r in rows))
            items = self._items([r[0] for r in rows])
            conn.executemany("INSERT INTO item_scores (attempt_id, question_id, score, max_score, status, response)"
                             f" VALUES ({_marks(6)})", [(ids[s], *it) for s in ids for it in items[s]])
            added += len(rows)
        return added

    def _copy_regrades(self, run_id: Callable[[], int]) -> int:
        """The staged regrades, a page at a time: one ``UPDATE`` per attempt and its item scores replaced, each
        statement sent once per page (``executemany``; on PostgreSQL the new item scores go by ``COPY``)."""
        conn, n = self.conn, 0
        for page in self._pages("kcourse_stage", "regrade_of, student_id, total, max_score, percentage, passed",
                                " AND regrade_of IS NOT NULL"):
            rid = run_id()
            page = list({r[1]: r for r in page}.values())  # an attempt staged twice: its later grading
            items = self._items([r[0] for r in page])
            conn.executemany("UPDATE attempts SET student_id = ?, total = ?, max_score = ?, percentage = ?,"
                             " passed = ?, quiz_digest = ?, run_id = ? WHERE attempt_id = ?",
                             [(sid, total, mx, pct, passed, self.digest, rid, aid)
                              for _seq, aid, sid, total, mx, pct, passed in page])
            for part in _chunks([r[1] for r in page]):
                conn.execute(f"DELETE FROM item_scores WHERE attempt_id IN ({_marks(len(part))})", part)
            conn.executemany("INSERT INTO item_scores (attempt_id, question_id, score, max_score, status, response)"
                             f" VALUES ({_marks(6)})", [(r[1], *it) for r in page for it in items[r[0]]])
            n += len(page)
        return n

    def _copy_rejections(self, run_id: Callable[[], int]) -> None:
        """The staged rejections not stored yet (by file name and content)."""
        conn = self.conn
        for page in self._pages("kcourse_stage_rejections", "source, sha256, student_id, reason, message, uploader"):
            stored: set[tuple[str, str]] = set()
            for part in _chunks(sorted({r[1] for r in page})):
                stored.update(conn.execute("SELECT source, sha256 FROM rejections WHERE quiz_id = ?"
                                           f" AND source IN ({_marks(len(part))})", (self.quiz_id, *part)).fetchall())
            fresh = [r for r in page if (r[1], r[2]) not in stored]
            if fresh:
                rid = run_id()
                conn.executemany("INSERT INTO rejections (quiz_id, source, sha256, student_id, reason, message,"
                                 f" uploader, run_id) VALUES ({_marks(8)}) ON CONFLICT DO NOTHING",
                                 [(self.quiz_id, *r[1:], rid) for r in fresh])


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def _response_json(r: Any) -> str | None:
    """The response as compact JSON (``None`` when blank); the common scalars without the encoder's cost."""
    if is_blank(r):
        return None
    t = type(r)
    if t is str and not _NEEDS_ESCAPE.search(r):
        return f'"{r}"'
    if t is bool:
        return "true" if r else "false"
    if t is int:
        return str(r)
    return _encode(r)


def to_new_attempt(g: Graded, content: str | None = None) -> NewAttempt:
    res, responses = g.result, g.submission.responses
    items = tuple((r.question_id, r.score, r.max_score, r.status.value, _response_json(responses.get(r.question_id)))
                  for r in res.results)
    total, max_score = res.total, res.max_score  # the properties add up the results on every call
    percent = percentage(total, max_score)  # as QuizResult.percentage
    up = g.uploader
    return NewAttempt(sha256=g.sha256, student_id=g.student_id, variant_seed=g.submission.variant_seed,
                         submitted_at=g.submission.submitted_at,
                         sort_time="" if g.time_note else (
                             g.when if g.when is not None else sort_time(g.submission.submitted_at)),
                         source=g.source, content=g.content if content is None else content, total=total,
                         max_score=max_score, percentage=percent, passed=percent >= res.pass_mark, items=items,
                         uploader=f"{up.platform}:{up.user}" if up else "", upload_name=up.name_key if up else "",
                         platform_file=up.file_id if up else "", platform_late=up.late if up else None,
                         time_note=g.time_note)
