"""Deadlines, grace, extensions and penalties; untrusted times; regrading after a key change; overrides;
the warning while a quiz's attempts were graded against different versions."""
from __future__ import annotations

import csv
import io

import pytest

from kcourse.core.errors import UsageError
from kcourse.core.loader import load_quiz_text
from kcourse.instructor import gradebook as gb
from kcourse.instructor.classbook import class_status, mixed_versions_warning, round_score, set_override
from kcourse.instructor.feedback import write_feedback
from kcourse.instructor.grade import DeadlineArgs, grade_run
from kcourse.instructor.regrade import regrade

from .conftest import ALL_TYPES, run_cli, submission_json

DUE = "2026-11-26T12:00:00.000000Z"


def write(folder, name, quiz, sid, at, right=True):
    folder.mkdir(exist_ok=True)
    p = folder / name
    p.write_text(submission_json(quiz, sid, submitted_at=at, right=right))
    return p


def snapshot(book) -> list[str]:
    conn = gb.connect(book, create=False)
    try:
        return gb.snapshot(conn)
    finally:
        conn.close()


def override(book, *args) -> None:
    conn = gb.connect(book, create=False)
    try:
        set_override(conn, *args)
    finally:
        conn.close()


def statuses(book, quiz_id, policy=None):
    conn = gb.connect(book, create=False)
    try:
        return {r.student.student_id: r for r in class_status(conn, quiz_id, policy=policy)}
    finally:
        conn.close()


@pytest.fixture
def late_class(gradebook_address, quiz, tmp_path):
    subs = tmp_path / "subs"
    write(subs, "s1.json", quiz, "s1", "2026-11-26T10:00:00Z")
    write(subs, "s2.json", quiz, "s2", "2026-11-26T12:10:00Z")  # in the grace period
    write(subs, "s3.json", quiz, "s3", "2026-11-26T13:00:00+00:00")  # 1 started day late
    write(subs, "s4.json", quiz, "s4", "2026-11-26T14:00:00+01:00")  # 13:00 UTC, extension to 14:00
    write(subs, "s5.json", quiz, "s5", "2026-11-29T11:00:00Z")  # 3 started days late
    write(subs, "s6.json", quiz, "s6", "2099-01-01T00:00:00Z")  # in the future: not trusted
    write(subs, "s7a.json", quiz, "s7", "2026-11-26T11:00:00Z", right=False)  # on time, wrong
    write(subs, "s7b.json", quiz, "s7", "2026-11-26T15:00:00Z")  # late, right
    report = grade_run(quiz=quiz, inputs=[str(subs)], gradebook=gradebook_address, policy="latest-on-time",
                       deadline=DeadlineArgs(due=DUE, grace_min=15, penalty_pct=10,
                                             extensions={"s4": "2026-11-26T14:00:00.000000Z"}))
    assert report.ok
    return gradebook_address, report


def test_due_grace_extensions_and_penalty(quiz, late_class):
    book, report = late_class
    rows = statuses(book, quiz.id)
    assert {s: (r.status, r.days_late, r.score) for s, r in rows.items()} == {
        "s1": ("graded", 0, 10), "s2": ("graded", 0, 10), "s3": ("late", 1, 9), "s4": ("graded", 0, 10),
        "s5": ("late", 3, 7), "s6": ("late", 1, 9), "s7": ("graded", 0, 0)}
    assert rows["s6"].flags and "in the future" in rows["s6"].flags[0]
    assert any("s6.json: submitted_at 2099" in w for w in report.warnings)
    # the deadline is kept: under 'latest' s7's late right attempt counts, with its penalty
    assert statuses(book, quiz.id, "latest")["s7"].score == 9


def test_the_deadline_is_kept_and_rerunning_changes_nothing(quiz, late_class, tmp_path):
    book, _ = late_class
    before = snapshot(book)
    again = grade_run(quiz=quiz, inputs=[str(tmp_path / "subs")], gradebook=book)
    assert again.write.run_id is None and snapshot(book) == before


def test_grades_show_and_status_from_the_command_line(quiz, late_class, tmp_path, capsys):
    book, _ = late_class
    code, out, err = run_cli(capsys, "grades", "show", str(ALL_TYPES), "--gradebook", str(book))
    assert code == 0 and "s5" in out and "7 / 10" in out and "late: 3 day(s) late, penalty 3" in out
    code, out, err = run_cli(capsys, "grades", "status", str(ALL_TYPES), "--gradebook", str(book), "--only", "late",
                             "--out", str(tmp_path / "late.csv"))
    table = list(csv.DictReader(io.StringIO((tmp_path / "late.csv").read_text("utf-8"))))
    assert [(r["student_id"], r["score"], r["days_late"]) for r in table] == [("s3", "9", "1"), ("s5", "7", "3"),
                                                                             ("s6", "9", "1")]


def test_extensions_csv_and_bad_times_from_the_command_line(quiz, tmp_path, capsys):
    subs = tmp_path / "subs"
    write(subs, "s1.json", quiz, "s1", "2026-11-27T10:00:00Z")
    (tmp_path / "ext.csv").write_text("student_id,due\ns1,2026-11-28T00:00Z\ns2,tomorrow\n")
    (tmp_path / "roster.csv").write_text("student_id,name\ns1,Ann\ns2,Bob\n")
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), str(subs), "--gradebook", str(tmp_path / "g.sqlite"),
                             "--roster", str(tmp_path / "roster.csv"), "--due", "2026-11-26T23:59Z",
                             "--extensions", str(tmp_path / "ext.csv"))
    assert code == 1 and "ext.csv:3: due: due 'tomorrow' is not a date and time" in err and "Traceback" not in err
    (tmp_path / "ext.csv").write_text("student_id,due\ns1,2026-11-28T00:00Z\n")
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), str(subs), "--gradebook", str(tmp_path / "g.sqlite"),
                             "--roster", str(tmp_path / "roster.csv"), "--due", "2026-11-26T23:59Z",
                             "--extensions", str(tmp_path / "ext.csv"))
    assert code == 0
    assert statuses(tmp_path / "g.sqlite", quiz.id)["s1"].status == "graded"


def test_a_backdated_file_never_wins_under_first(gradebook_address, quiz, tmp_path):
    subs = tmp_path / "subs"
    write(subs, "real.json", quiz, "s1", "2026-11-26T10:00:00Z")
    write(subs, "backdated.json", quiz, "s1", "2000-01-01T00:00:00Z", right=False)
    report = grade_run(quiz=quiz, inputs=[str(subs)], gradebook=gradebook_address, policy="first",
                       deadline=DeadlineArgs(opens="2026-11-20T00:00:00.000000Z"))
    assert any("before the quiz was assigned" in w for w in report.warnings)
    assert statuses(gradebook_address, quiz.id)["s1"].score == 10


def flipped(quiz_text: str) -> str:
    """The quiz with the true/false key flipped (a 'key fix')."""
    return quiz_text.replace("    answer: true\n    feedback_false", "    answer: false\n    feedback_false")


def test_regrade_after_a_key_fix_warns_until_done(gradebook_address, quiz, tmp_path, capsys):
    subs = tmp_path / "subs"
    for k in range(4):
        write(subs, f"s{k}.json", quiz, f"s{k}", "2026-11-26T10:00:00Z")
    book = gradebook_address
    grade_run(quiz=quiz, inputs=[str(subs)], gradebook=book)
    fixed = load_quiz_text(flipped(ALL_TYPES.read_text()), str(ALL_TYPES))
    write(subs, "s9.json", quiz, "s9", "2026-11-26T10:00:00Z")
    grade_run(quiz=fixed, inputs=[str(subs / "s9.json")], gradebook=book)
    conn = gb.connect(book, create=False)
    assert "4 of 5 attempt(s)" in mixed_versions_warning(conn, quiz.id)
    conn.close()
    code, out, err = run_cli(capsys, "grades", "export", quiz.id, "--format", "csv", "--out",
                             str(tmp_path / "g.csv"), "--gradebook", str(book))
    assert "graded against an earlier version" in err and "kcourse regrade valid-all-types" in err
    with pytest.raises(UsageError, match="Run kcourse regrade valid-all-types first"):
        write_feedback(quiz=fixed, gradebook=book, out=tmp_path / "fb")
    override(book, quiz.id, "s1", 10, "oral exam instead")
    report = regrade(quiz=fixed, gradebook=book)
    assert report.attempts == 5 and report.changed == 4 and not report.failed
    rows = statuses(book, quiz.id)
    assert {s: r.score for s, r in rows.items()} == {"s0": 9, "s1": 10, "s2": 9, "s3": 9, "s9": 9}
    assert rows["s1"].comment == "oral exam instead"
    conn = gb.connect(book, create=False)
    assert mixed_versions_warning(conn, quiz.id) == ""
    conn.close()
    write_feedback(quiz=fixed, gradebook=book, out=tmp_path / "fb")  # no longer refused
    # accept both answers, then credit everyone: kept for later runs
    report = regrade(quiz=fixed, gradebook=book, accept=["kvm-in-tree=true"])
    assert report.changed == 5 and statuses(book, quiz.id)["s0"].score == 10
    write(subs, "s8.json", quiz, "s8", "2026-11-26T10:00:00Z")
    grade_run(quiz=fixed, inputs=[str(subs / "s8.json")], gradebook=book)
    assert statuses(book, quiz.id)["s8"].score == 10  # the accepted answer applies to new files too
    write(subs, "s7.json", quiz, "s7", "2026-11-26T10:00:00Z", right=False)
    grade_run(quiz=fixed, inputs=[str(subs / "s7.json")], gradebook=book)
    assert statuses(book, quiz.id)["s7"].score == 0
    fixed_file = tmp_path / "quiz" / "fixed.yml"  # a folder named like the original's: the same course
    fixed_file.parent.mkdir()
    fixed_file.write_text(flipped(ALL_TYPES.read_text()))
    code, out, err = run_cli(capsys, "regrade", str(fixed_file), "--gradebook", str(book), "--credit",
                             "commits")
    assert code == 0 and "regraded 7 attempt(s)" in out and "1 score(s) changed" in out and "s7: 0 -> 1" in out


def test_regrade_refuses_unknown_questions(quiz, late_class):
    book, _ = late_class
    with pytest.raises(UsageError, match="has no question 'nope'"):
        regrade(quiz=quiz, gradebook=book, credit=["nope"])
    with pytest.raises(UsageError, match="write QUESTION_ID=ANSWER"):
        regrade(quiz=quiz, gradebook=book, accept=["commits"])


@pytest.mark.parametrize("x,text", [(134 / 15, "8.93"), (8.0, "8"), (0.005, "0.01"), (-0.0, "0"), (2 / 3, "0.67")])
def test_scores_round_the_same_everywhere(x, text):
    assert round_score(x) == text


def test_an_override_without_a_file_counts_as_graded_with_its_comment(quiz, late_class):
    book, _ = late_class
    override(book, quiz.id, "s99", 6.5, "paper copy, marked by hand")
    row = statuses(book, quiz.id)["s99"]
    assert (row.status, row.score, row.comment) == ("graded", 6.5, "paper copy, marked by hand")


@pytest.mark.parametrize("page", [1, 2, 100])
def test_a_regrade_goes_page_by_page_and_a_killed_one_changes_nothing(gradebook_address, quiz, tmp_path,
                                                                       monkeypatch, page):
    """Pages of 1, 2 and 100 attempts regrade alike (one transaction at the end); a regrade killed after its
    second attempt leaves the gradebook as it was, key changes included."""
    import kcourse.instructor.regrade as rg

    subs = tmp_path / "subs"
    for k in range(5):
        write(subs, f"s{k}.json", quiz, f"s{k}", "2026-11-26T10:00:00Z", right=k % 2 == 0)
    book = gradebook_address
    grade_run(quiz=quiz, inputs=[str(subs)], gradebook=book)
    before = snapshot(book)
    conn = gb.connect(book, create=False)
    items_before = conn.execute("SELECT count(*) FROM item_scores").fetchone()[0]
    conn.close()
    monkeypatch.setattr(rg, "PAGE", page)
    real, calls = rg._regraded, []

    def killed(*args):
        calls.append(1)
        if len(calls) > 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(rg, "_regraded", killed)
    with pytest.raises(KeyboardInterrupt):
        regrade(quiz=quiz, gradebook=book, credit=["kvm-in-tree"])
    assert snapshot(book) == before
    monkeypatch.setattr(rg, "_regraded", real)
    report = regrade(quiz=quiz, gradebook=book, credit=["kvm-in-tree"])
    assert (report.attempts, report.changed, report.failed_total) == (5, 2, 0)
    assert [sid for sid, _old, _new in report.students_changed] == ["s1", "s3"]
    rows = statuses(book, quiz.id)
    assert rows["s1"].score == rows["s3"].score == 1 and rows["s0"].score == 10
    conn = gb.connect(book, create=False)
    try:
        digests = {d for (d,) in conn.execute("SELECT DISTINCT quiz_digest FROM attempts")}
        items = conn.execute("SELECT count(*) FROM item_scores").fetchone()[0]
    finally:
        conn.close()
    assert digests == {report.digest} and items == items_before > 5  # each attempt's items replaced, once
