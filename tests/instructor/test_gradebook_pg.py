"""A gradebook in PostgreSQL: the same schema as SQLite's, concurrent runs from several processes that store
every attempt exactly once, a killed run that leaves it unchanged, and one-line errors naming the address
(never its password) and the fix. Against a real server (tests/pg_server.py)."""
from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kcourse.instructor import gradebook as gb
from kcourse.instructor.grade import grade_run

from .conftest import ALL_TYPES, run_cli, submission_json
from .test_gradebook import start_paused_run, write_class

pytestmark = pytest.mark.postgresql


def pg_snapshot(url: str) -> list[str]:
    conn = gb.connect(url, create=False)
    try:
        return gb.snapshot(conn)
    finally:
        conn.close()


def test_the_schema_is_the_same_on_both(tmp_path, pg_server):
    lite = gb.connect(tmp_path / "g.sqlite", create=True)
    pg = gb.connect(pg_server.new_database(), create=True)
    try:  # (a primary key is NOT NULL: SQLite's table_info does not say so, an old quirk of SQLite's)
        for table in gb.pg_schema.TABLES:
            mine = [(name, bool(notnull or pk), pk > 0) for _cid, name, _type, notnull, _dflt, pk
                    in lite.execute(f"PRAGMA table_info({table})")]
            pk = {r[0] for r in pg.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum ="
                " ANY(i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary", (table,))}
            theirs = [(name, nullable == "NO", name in pk) for name, nullable in pg.execute(
                "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema ="
                " current_schema() AND table_name = ? ORDER BY ordinal_position", (table,))]
            assert theirs == mine, table
    finally:
        lite.close()
        pg.close()


def test_a_version_newer_than_this_kcourse_is_refused(pg_server):
    url = pg_server.new_database()
    gb.connect(url, create=True).close()
    conn = gb.connect(url, create=False)
    conn.execute("UPDATE kcourse_schema SET version = 7")
    conn.close()
    with pytest.raises(gb.GradebookError, match="schema version 7, written by a newer kcourse"):
        gb.connect(url, create=False)


def test_a_database_with_other_tables_is_not_taken_for_a_gradebook(pg_server):
    url = pg_server.new_database()
    pg_server.admin_in(url, "CREATE TABLE attempts (x int)")
    with pytest.raises(gb.GradebookError, match="has tables but is not a kcourse gradebook"):
        gb.connect(url, create=True)
    with pytest.raises(gb.GradebookError, match="no gradebook in"):
        gb.connect(pg_server.new_database(), create=False)


def test_a_run_stores_only_what_another_run_has_not_stored_meanwhile(gradebook_address):
    """Two writers that both saw an empty gradebook: the second adds only the file the first did not."""
    def attempt(sha: str) -> gb.NewAttempt:
        return gb.NewAttempt(sha, "s-" + sha, 1, None, "", sha + ".json", "{}", 1, 2, 50, False,
                             (("q1", 1.0, 2.0, "partial", '"a"'),))

    args = dict(quiz_id="q", title="Q", digest="d", source="q.yml", policy=None, started_at="t", files_in=2,
                graded=2, rejected=0, regrade=[])
    one, two = gb.connect(gradebook_address, create=True), gb.connect(gradebook_address, create=False)
    try:
        assert gb.write_run(one, **args, new=[attempt("a"), attempt("b")]).added == 2
        result = gb.write_run(two, **args, new=[attempt("b"), attempt("c")])
        assert (result.added, sorted(gb.known_attempts(two, "q"))) == (1, ["a", "b", "c"])
        items = gb.item_scores(two, "q", [aid for aid, _d in gb.known_attempts(two, "q").values()])
        assert sorted(len(v) for v in items.values()) == [1, 1, 1]
    finally:
        one.close()
        two.close()


def _plan(conn, sql: str, params) -> str:
    """The query's plan, without the values of its IN lists."""
    return re.sub(r"'\{[^}]*\}'", "'{...}'", "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql, params)))


@pytest.mark.parametrize("refresh", [True, False])
def test_statistics_follow_a_big_run_inside_its_transaction(pg_server, monkeypatch, refresh):
    """A run stores thousands of attempts in one transaction, in a gradebook whose statistics say it is empty:
    its lookups of stored files must still use the unique key (quiz_id, sha256), not scan the whole quiz per
    page (quadratic). Without the refresh (refresh=False) the planner does pick the other index: the premise."""
    from kcourse.instructor.runstore import CHUNK, RunStore

    if not refresh:
        monkeypatch.setattr(gb.pg, "ANALYZE_FROM", 10**9)
    conn = gb.connect(pg_server.new_database(), create=True)
    n, shas = 5000, [f"{k:064x}" for k in range(5000)]
    try:
        store = RunStore(conn, quiz_id="q", digest="d")
        for k in range(0, n, 500):  # staged batch by batch, as kcourse grade does
            store.write(new=[gb.NewAttempt(sha, f"s{j}", 1, None, "", f"{j}.json", "{}", 1, 2, 50, False,
                                           (("q1", 1.0, 2.0, "partial", None),))
                             for j, sha in enumerate(shas[k:k + 500], k)])
        page = _plan(conn, "SELECT seq FROM kcourse_stage WHERE seq > ? AND regrade_of IS NULL ORDER BY seq"
                           " LIMIT 1000", (10,))
        conn.begin()
        conn.execute("INSERT INTO quizzes (quiz_id, title, digest) VALUES ('q', 'Q', 'd')")
        conn.execute("INSERT INTO runs VALUES (1, 'q', 't', 0, 0, 0, 0, 0)")
        conn.executemany("INSERT INTO attempts (attempt_id, quiz_id, quiz_digest, run_id, sha256, student_id,"
                         " variant_seed, sort_time, source, content, total, max_score, percentage, passed)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [(k, "q", "d", 1, sha, f"s{k}", 1, "", f"{k}.json", "{%s}" % ("x" * 1500), 1, 2, 50, 0)
                          for k, sha in enumerate(shas, 1)])
        known = _plan(conn, "SELECT attempt_id, sha256, quiz_digest FROM attempts WHERE quiz_id = ? AND sha256 IN"
                            f" ({', '.join('?' * CHUNK)})", ("q", *shas[:CHUNK]))  # as RunStore.known asks
        counted = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'attempts'").fetchone()[0]
        conn.rollback()
    finally:
        conn.close()
    if refresh:
        assert "attempts_quiz_id_sha256_key" in known and "attempts_by_student" not in known, known
        assert "Index Scan using kcourse_stage_pkey" in page, page
        assert counted >= n / 2  # ANALYZE in the transaction counted the transaction's own rows
    else:
        assert "attempts_by_student" in known, known


def test_four_processes_grading_overlapping_folders_store_each_attempt_once(quiz, tmp_path, pg_server):
    url = pg_server.new_database()
    ids = [f"s{k:03d}" for k in range(80)]
    folders = []
    for k in range(4):  # each student's file is in two of the four folders
        folders.append(write_class(quiz, tmp_path / f"part{k}", [ids[(20 * k + j) % 80] for j in range(40)]))

    def run_all() -> list[str]:
        procs = [subprocess.Popen([sys.executable, "-m", "kcourse", "grade", str(ALL_TYPES), str(f), "-g", url],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
                 for f in folders]
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, outs
        return [out for out, _err in outs]

    outs = run_all()
    added = sum(int(m.group(1)) for out in outs for m in re.finditer(r"run \d+ added (\d+) attempt", out))
    conn = gb.connect(url, create=False)
    try:
        rows = conn.execute("SELECT student_id, count(*) FROM attempts GROUP BY student_id").fetchall()
        assert added == len(rows) == 80 and {n for _s, n in rows} == {1}
        assert conn.execute("SELECT count(*) FROM item_scores").fetchone()[0] == conn.execute(
            "SELECT sum(n) FROM (SELECT count(*) AS n FROM item_scores GROUP BY attempt_id) t").fetchone()[0]
    finally:
        conn.close()
    before = pg_snapshot(url)
    assert all("unchanged" in out for out in run_all())  # idempotent, also when run at once
    assert pg_snapshot(url) == before


def test_a_run_waits_for_the_write_lock_and_says_busy_when_it_waited_too_long(quiz, tmp_path, pg_server,
                                                                              monkeypatch):
    url = pg_server.new_database()
    folder = write_class(quiz, tmp_path / "in", ["s1"])
    grade_run(quiz=quiz, inputs=[str(folder)], gradebook=url)
    before = pg_snapshot(url)
    (folder / "s2.json").write_text(submission_json(quiz, "s2"), encoding="utf-8")
    monkeypatch.setattr(gb.pg, "LOCK_WAIT", 0.3)
    other = gb.connect(url, create=False)
    other.begin()  # another run is writing: it holds the gradebook's write lock
    try:
        with pytest.raises(gb.GradebookWriteError, match=r"is busy .*other kcourse commands have been writing it"):
            grade_run(quiz=quiz, inputs=[str(folder)], gradebook=url)
        assert pg_snapshot(url) == before
    finally:
        other.rollback()
        other.close()
    assert grade_run(quiz=quiz, inputs=[str(folder)], gradebook=url).write.added == 1


def test_a_killed_run_leaves_the_postgresql_gradebook_as_it_was(quiz, tmp_path, pg_server):
    url = pg_server.new_database()
    assert grade_run(quiz=quiz, inputs=[str(write_class(quiz, tmp_path / "mon", ["s1", "s2"]))],
                     gradebook=url).write.added == 2
    before = pg_snapshot(url)
    folder = write_class(quiz, tmp_path / "tue", [f"t{k}" for k in range(30)])
    proc = start_paused_run(tmp_path, folder, url, after=20)  # type: ignore[arg-type]
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert pg_snapshot(url) == before
    again = grade_run(quiz=quiz, inputs=[str(folder)], gradebook=url)  # the lock went with the killed run
    assert again.ok and again.write.added == 30


def test_the_cli_reads_and_exports_a_postgresql_gradebook(quiz, tmp_path, pg_server, capsys):
    url = pg_server.new_database()
    folder = write_class(quiz, tmp_path / "in", ["s1", "s2", "s3"])
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), str(folder), "-g", url)
    assert code == 0 and f"gradebook {url}: run 1 added 3" in out, out + err
    code, out, _err = run_cli(capsys, "grades", "show", str(ALL_TYPES), "-g", url)
    assert code == 0 and all(s in out for s in ("s1", "s2", "s3"))
    code, _out, err = run_cli(capsys, "grades", "export", str(ALL_TYPES), "--format", "csv", "-g", url, "-o", str(tmp_path / "g.csv"))
    assert code == 0, err
    assert (tmp_path / "g.csv").read_text().count("\n") == 4


def test_every_command_says_the_same_on_both_backends(quiz, tmp_path, pg_server, capsys):
    """The same class through every gradebook command, into a SQLite file and into PostgreSQL: the same
    output (but for the gradebook's address) and the same exit status, command by command."""
    folder = tmp_path / "in"
    folder.mkdir()
    for sid in ("s1", "s2", "s3"):
        (folder / f"{sid}.json").write_text(submission_json(quiz, sid, right=sid != "s3"), encoding="utf-8")
    (folder / "bad.json").write_text("nope", encoding="utf-8")
    q = str(ALL_TYPES)
    commands = [["grade", q, str(folder), "--due", "2026-11-26T09:00:00Z"], ["grades", "show", q],
                ["grades", "status", q], ["grades", "files", q], ["grades", "excuse", q, "s3", "--comment", "ill"],
                ["grades", "override", q, "s2", "5", "--comment", "oral"], ["grades", "status", q],
                ["regrade", q, "--credit", "bkl-removed"], ["grades", "show", q, "--policy", "best"], ["stats", q]]

    def outputs(book: str, tag: str) -> list[tuple[int, str, str]]:
        seen = []
        for args in [*commands, ["feedback", q, "-o", str(tmp_path / f"fb-{tag}")],
                     ["grades", "export", q, "--format", "canvas", "-o", str(tmp_path / f"{tag}.csv")]]:
            code, out, err = run_cli(capsys, *args, "-g", book)
            seen.append((code, *(s.replace(book, "BOOK").replace(tag, "TAG") for s in (out, err))))
        return seen

    lite, pg = outputs(str(tmp_path / "g.sqlite"), "lite"), outputs(pg_server.new_database(), "pg")
    assert [c for c, _o, _e in lite] == [1] + [0] * 11  # the grade run rejected bad.json
    assert pg == lite
    assert (tmp_path / "pg.csv").read_text() == (tmp_path / "lite.csv").read_text()


def _one_line(capsys, *args: str) -> str:
    code, _out, err = run_cli(capsys, *args)
    assert code != 0 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_errors_name_the_address_and_the_fix_without_the_password(quiz, tmp_path, pg_server, capsys):
    folder = write_class(quiz, tmp_path / "in", ["s1"])
    grade = ("grade", str(ALL_TYPES), str(folder), "-q", "-g")
    err = _one_line(capsys, *grade, "postgresql://kcourse:hunter2@/gb?host=/nonexistent/socket/dir")
    assert "cannot reach the PostgreSQL gradebook postgresql://kcourse:***@/gb" in err and "is the server running" in err
    assert "hunter2" not in err
    err = _one_line(capsys, *grade, pg_server.url("no_such_db"))
    assert "no PostgreSQL database at" in err and "createdb" in err
    pg_server.admin("CREATE ROLE kcourse_pw LOGIN PASSWORD 'right'")
    err = _one_line(capsys, *grade, pg_server.url("postgres").replace("kcourse@", "kcourse_pw:wrong@"))
    assert "refused the login" in err and "~/.pgpass" in err and "wrong" not in err.replace("kcourse_pw:***", "")
    url = pg_server.new_database()
    assert grade_run(quiz=quiz, inputs=[str(folder)], gradebook=url).write.added == 1
    pg_server.admin_in(url, "CREATE ROLE reader LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    reader = url.replace("kcourse@", "reader@")
    (folder / "s2.json").write_text(submission_json(quiz, "s2"), encoding="utf-8")
    err = _one_line(capsys, *grade, reader)
    assert "cannot write the gradebook" in err and "may only read" in err and "nothing of this run was stored" in err
    code, out, _err = run_cli(capsys, "grades", "show", str(ALL_TYPES), "-g", reader)  # reading is fine
    assert code == 0 and "s1" in out
    err = _one_line(capsys, "grades", "show", str(ALL_TYPES), "-g", pg_server.new_database())
    assert "no gradebook in" in err


def test_a_nul_character_which_postgresql_text_cannot_hold_loses_nothing_else(quiz, tmp_path, pg_server):
    """Valid JSON may carry U+0000 (``"s\\u00002"``); PostgreSQL's text cannot: it is stored escaped, and the
    run (the other files too) is stored, as on SQLite."""
    folder = write_class(quiz, tmp_path / "in", ["s1"])
    (folder / "nul.json").write_text(submission_json(quiz, "s\x002"), encoding="utf-8")
    url = pg_server.new_database()
    report = grade_run(quiz=quiz, inputs=[str(folder)], gradebook=url)
    assert report.ok and report.write.added == 2
    conn = gb.connect(url, create=False)
    try:
        assert sorted(gb.counted_attempts(conn, quiz.id)) == ["s1", "s\\u00002"]
    finally:
        conn.close()


def test_sqlite_is_still_the_default_and_a_file(tmp_path):
    assert isinstance(gb.address("gradebook.sqlite"), Path)
    assert isinstance(gb.address("postgres://u@h/db"), gb.PgAddress)
    conn = gb.connect(tmp_path / "g.sqlite", create=True)
    assert isinstance(conn, sqlite3.Connection)
    conn.close()
