"""kcourse grade: a synthetic class with good and broken submissions; every file graded or rejected for its
reason; runs are idempotent; several attempts follow the policy; a changed quiz regrades."""
from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcourse.core.loader import load_quiz_text
from kcourse.core.submission import MAX_BYTES
from kcourse.core.variants import seed_for
from kcourse.instructor import gradebook as gb
from kcourse.instructor.assign import assign
from kcourse.instructor.grade import _response_json, grade_run, sort_time, summary
from kcourse.instructor.manifest import read_manifest
from kcourse.instructor.outcome import Reason
from kcourse.instructor.roster import parse_roster, read_roster

from .conftest import ALL_TYPES, run_cli, submission_json, write_roster

STUDENTS = [f"s{k}" for k in range(1, 13)]


def build_class(quiz, root: Path) -> dict[str, Reason | None]:
    """A folder and a zip of submissions; returns each file's expected outcome (None: graded)."""
    subs = root / "subs"
    (subs / "zz-copies").mkdir(parents=True)
    expected: dict[str, Reason | None] = {}

    def put(rel: str, text: str | bytes, outcome: Reason | None) -> None:
        p = subs / rel
        p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        expected[str(p)] = outcome

    for sid in ("s1", "s2", "s3", "s4", "s5"):
        put(f"{sid}.json", submission_json(quiz, sid), None)
    put("s6.json", submission_json(quiz, "s6", right=False), None)
    put("s7.json", submission_json(quiz, "s7", right=False, score=100, total=100), None)
    put("notes.txt", "my answers: a, b, c", Reason.NOT_JSON)
    put("binary.json", b"\xff\xfe\x00garbage", Reason.NOT_JSON)
    put("list.json", "[1, 2, 3]", Reason.NOT_JSON)
    put("no-responses.json", json.dumps({"schema_version": 1, "quiz_id": quiz.id, "student_id": "s1",
                                         "variant_seed": 1}), Reason.NOT_SUBMISSION)
    put("other-quiz.json", submission_json(quiz, "s1").replace(quiz.id, "ch02-growing-up"), Reason.WRONG_QUIZ)
    put("stranger.json", submission_json(quiz, "zz9"), Reason.UNKNOWN_STUDENT)
    put("s8-with-s1-seed.json", submission_json(quiz, "s8", seed=seed_for(quiz.id, "s1")), Reason.SEED_MISMATCH)
    put("s9-extra-answer.json", submission_json(quiz, "s9", responses={"bkl-removed": "a", "nope": 1}),
        Reason.UNKNOWN_QUESTIONS)
    put("zz-copies/copy-of-s1.json", (subs / "s1.json").read_bytes(), Reason.DUPLICATE)
    put("huge.json", b" " * (MAX_BYTES + 1), Reason.TOO_LARGE)
    put("s12-script.json", submission_json(quiz, "s12", responses={"async-io": "<script>alert(1)</script>"}), None)
    archive = root / "late.zip"
    inner = root / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("s11.json", submission_json(quiz, "s11"))
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("s10/quiz.json", submission_json(quiz, "s10"))
        z.writestr("__MACOSX/s10/._quiz.json", "clutter")
        z.write(inner, "inner.zip")
    expected[f"{archive}:inner.zip:s11.json"] = None
    expected[f"{archive}:s10/quiz.json"] = None
    return expected


@pytest.fixture
def klass(quiz, tmp_path):
    expected = build_class(quiz, tmp_path)
    roster = write_roster(tmp_path / "roster.csv", STUDENTS)
    assign(quiz=quiz, roster=read_roster(roster), out=tmp_path / "assigned")
    return tmp_path, expected


def outcomes(report) -> dict[str, Reason | None]:
    out: dict[str, Reason | None] = {g.source: None for g in report.graded}
    out.update({r.source: r.reason for r in report.rejected})
    return out


def test_every_file_is_graded_or_rejected_for_its_reason(quiz, klass):
    root, expected = klass
    report = grade_run(quiz=quiz, inputs=[str(root / "subs"), str(root / "late.zip")], gradebook=root / "gb.sqlite",
                       manifest=read_manifest(root / "assigned" / "manifest.json"))
    assert report.files_in == len(expected) == len(report.graded) + len(report.rejected)
    assert outcomes(report) == expected
    assert report.ignored == [f"{root / 'late.zip'}:__MACOSX/s10/._quiz.json"]
    assert not report.ok and report.write.added == 10
    by_student = {g.student_id: g.result for g in report.graded}
    assert by_student["s1"].total == by_student["s1"].max_score == 10
    assert by_student["s7"].total == 0  # the file says score 100: ignored, recomputed from the (empty) responses
    # "score" is part of a learner's readable download (the page's score, never graded): no warning for it;
    # a key no page writes, such as the forged "total", is still named
    assert any("total: unknown key, ignored" in w for w in report.warnings)
    assert not any("score: unknown key" in w for w in report.warnings)
    text = summary(report)
    assert text.startswith(f"valid-all-types: {len(expected)} file(s) in = 10 graded + 10 rejected\n  graded: 10 new")
    assert "  rejected, variant seed does not match the student (1):\n    " in text
    assert f"{root / 'subs' / 's8-with-s1-seed.json'}: variant seed {seed_for(quiz.id, 's1')} is not the seed " \
           f"assigned to 's8' ({seed_for(quiz.id, 's8')})" in text
    assert f"{root / 'subs' / 'zz-copies' / 'copy-of-s1.json'}: the same content as {root / 'subs' / 's1.json'}" in text
    assert "left out 1 system file(s)" in text


def test_seed_is_checked_only_when_the_quiz_was_assigned(quiz, klass):
    root, _ = klass
    f = root / "subs" / "s8-with-s1-seed.json"
    report = grade_run(quiz=quiz, inputs=[str(f)], gradebook=root / "gb.sqlite",
                       roster=read_roster(root / "roster.csv"))
    assert report.ok and [g.student_id for g in report.graded] == ["s8"]


def test_a_roster_spelling_is_kept(quiz, tmp_path):
    f = tmp_path / "s.json"
    f.write_text(submission_json(quiz, "S 1", seed=seed_for(quiz.id, "s1")))
    report = grade_run(quiz=quiz, inputs=[str(f)], gradebook=tmp_path / "gb.sqlite",
                       roster=parse_roster("student_id,name\ns1,Ann\n", "r.csv"))
    assert [g.student_id for g in report.graded] == ["s1"]


def test_running_again_changes_nothing(quiz, klass):
    root, _ = klass
    args = dict(quiz=quiz, inputs=[str(root / "subs"), str(root / "late.zip")], gradebook=root / "gb.sqlite",
                manifest=read_manifest(root / "assigned" / "manifest.json"))
    first = grade_run(**args)
    conn = sqlite3.connect(root / "gb.sqlite")
    before = gb.snapshot(conn)
    conn.close()
    again = grade_run(**args)
    conn = sqlite3.connect(root / "gb.sqlite")
    assert gb.snapshot(conn) == before
    conn.close()
    assert (again.count("unchanged"), again.count("new"), again.write.run_id) == (10, 0, None)
    assert outcomes(again) == outcomes(first)
    assert "graded: 0 new, 10 already in the gradebook" in summary(again) and "gradebook" in summary(again)


def attempt(quiz, tmp_path: Path, name: str, sid: str, submitted_at: str | None, right: bool) -> Path:
    p = tmp_path / name
    p.write_text(submission_json(quiz, sid, submitted_at=submitted_at, right=right))
    return p


@pytest.mark.parametrize("policy", ["latest", "first", "best"])
def test_several_attempts_follow_the_policy(gradebook_address, quiz, tmp_path, policy):
    files = [attempt(quiz, tmp_path, "a.json", "s1", "2026-11-26T10:00:00+02:00", False),  # 08:00 UTC: second
             attempt(quiz, tmp_path, "b.json", "s1", None, False),                         # no time: never wins
             attempt(quiz, tmp_path, "c.json", "s1", "2026-11-26T09:00:00Z", True),        # 09:00 UTC: latest
             attempt(quiz, tmp_path, "d.json", "s1", "2026-11-26T08:30:00Z", False)]
    report = grade_run(quiz=quiz, inputs=[str(f) for f in files], gradebook=gradebook_address, policy=policy)
    assert report.ok
    conn = gb.connect(gradebook_address, create=False)
    try:
        chosen = gb.counted_attempts(conn, quiz.id)
        assert gb.quiz_row(conn, quiz.id).policy == policy
    finally:
        conn.close()
    a, n = chosen["s1"]
    assert n == 4
    assert a.source == str({"latest": files[2], "first": files[0], "best": files[2]}[policy])
    assert a.total == {"latest": 10, "first": 0, "best": 10}[policy]


def test_equal_times_are_ordered_by_content_hash(gradebook_address, quiz, tmp_path):
    files = [attempt(quiz, tmp_path, f"{k}.json", "s1", "2026-11-26T09:00:00Z", k == 0) for k in range(3)]
    grade_run(quiz=quiz, inputs=[str(f) for f in files], gradebook=gradebook_address)
    conn = gb.connect(gradebook_address, create=False)
    rows = gb.attempts(conn, quiz.id)
    conn.close()
    assert gb.counted(rows, "latest")["s1"][0].sha256 == max(r.sha256 for r in rows)
    assert gb.counted(rows, "first")["s1"][0].sha256 == min(r.sha256 for r in rows)
    assert gb.counted(list(reversed(rows)), "latest") == gb.counted(rows, "latest")


def test_a_changed_quiz_regrades_the_same_files(gradebook_address, quiz, tmp_path):
    f = tmp_path / "s1.json"
    f.write_text(submission_json(quiz, "s1"))
    first = grade_run(quiz=quiz, inputs=[str(f)], gradebook=gradebook_address)
    assert first.graded[0].result.total == 10
    # the key of bkl-removed changes: the learner's "a" is now wrong
    changed = load_quiz_text(ALL_TYPES.read_text().replace(
        '{id: a, text: "2.6.39", correct: true', '{id: a, text: "2.6.39", correct: false').replace(
        '{id: b, text: "2.6.0", correct: false', '{id: b, text: "2.6.0", correct: true'), str(ALL_TYPES))
    again = grade_run(quiz=changed, inputs=[str(f)], gradebook=gradebook_address)
    assert (again.count("regraded"), again.write.regraded) == (1, 1)
    conn = gb.connect(gradebook_address, create=False)
    [(a, n)] = gb.counted_attempts(conn, quiz.id).values()
    items = gb.item_scores(conn, quiz.id, [a.attempt_id])[a.attempt_id]
    conn.close()
    assert (a.total, n, items["bkl-removed"].score, items["bkl-removed"].status) == (8, 1, 0, "incorrect")
    third = grade_run(quiz=changed, inputs=[str(f)], gradebook=gradebook_address)
    assert third.count("unchanged") == 1 and third.write.run_id is None


def test_the_command_exits_0_only_when_everything_was_graded(quiz, klass, capsys):
    root, expected = klass
    common = ["--gradebook", str(root / "gb.sqlite"), "--manifest", str(root / "assigned" / "manifest.json")]
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), str(root / "subs"), str(root / "late.zip"), *common)
    assert code == 1, err
    assert f"{len(expected)} file(s) in = 10 graded + 10 rejected" in out
    assert "warning: " in err and "total: unknown key, ignored" in err
    assert "\r" not in err  # no progress bar when standard error is not a terminal
    good = [str(root / "subs" / f"s{k}.json") for k in range(1, 6)]
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), *good, *common)
    assert code == 0, out + err
    assert "5 file(s) in = 5 graded + 0 rejected" in out and "5 already in the gradebook" in out
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), str(root / "nothing-*.json"), *common)
    assert code == 1 and "not found: '" in out and "no file matches this pattern" in out


def test_a_keyless_copy_is_refused_as_the_quiz(klass, capsys):
    root, _ = klass
    keyless = root / "assigned" / "s1" / "valid-all-types.keyless.yml"
    code, out, err = run_cli(capsys, "grade", str(keyless), str(root / "subs"), "-g", str(root / "gb.sqlite"))
    assert code == 2 and "is a student's key-less copy of a quiz (it has no answers)" in err
    assert not (root / "gb.sqlite").exists()


@pytest.mark.parametrize("value,expected", [
    ("2026-11-26T10:00:00Z", "2026-11-26T10:00:00.000000Z"),
    ("2026-11-26T10:00:00+02:00", "2026-11-26T08:00:00.000000Z"),
    ("2026-11-26T10:00:00", "2026-11-26T10:00:00.000000Z"),
    ("2026-11-26T10:00:00.5-01:00", "2026-11-26T11:00:00.500000Z"),
    (None, ""),
], ids=["utc", "offset", "naive-is-utc", "fraction", "missing"])
def test_sort_time(value, expected):
    assert sort_time(value) == expected


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                           | st.text(), lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@given(json_values)
def test_stored_responses_are_the_json_of_the_response(value):
    text = _response_json(value)
    if value is None or value == "" or value == [] or value == {}:
        assert text is None
    else:
        assert text == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_the_gradebook_among_the_submissions_is_left_out(quiz, tmp_path):
    (tmp_path / "s1.json").write_text(submission_json(quiz, "s1"))
    for _ in range(2):  # the second time the gradebook exists before the folder is read
        report = grade_run(quiz=quiz, inputs=[str(tmp_path)], gradebook=tmp_path / "gradebook.sqlite")
        assert report.ok and report.files_in == 1
        assert report.ignored == [str(tmp_path / "gradebook.sqlite")]
