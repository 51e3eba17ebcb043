"""The progress file: where it lives, round trips, atomic writes, bad files moved aside, the course rows."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcourse.core.grading import grade
from kcourse.core.loader import load_quiz
from kcourse.core.variants import make_variant, seed_for
from kcourse.storage import progress_store as ps

FILES = Path(__file__).parent / "files" / "progress"
QUIZ = Path(__file__).parent / "files" / "quiz" / "valid-all-types.yml"


@pytest.fixture(scope="module")
def quiz():
    return load_quiz(QUIZ)


def _store_with(tmp_path: Path, fixture: str) -> ps.ProgressStore:
    path = tmp_path / "progress.json"
    shutil.copy(FILES / fixture, path)
    return ps.ProgressStore(path)


# -- where the file lives ---------------------------------------------------------------------------

def test_default_path_is_in_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("KCOURSE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ps.default_path() == tmp_path / ".kcourse" / "progress.json"
    assert ps.shown_path(ps.default_path()) == "~/.kcourse/progress.json"


def test_kcourse_home_overrides_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("KCOURSE_HOME", str(tmp_path / "elsewhere"))
    store = ps.ProgressStore()
    assert store.path == tmp_path / "elsewhere" / "progress.json"
    assert store.save(ps.new_record("q", 1))
    assert (tmp_path / "elsewhere" / "progress.json").is_file()


# -- round trips --------------------------------------------------------------------------------------

def test_a_record_survives_a_round_trip(tmp_path, quiz):
    store = ps.ProgressStore(tmp_path / "p" / "progress.json")
    assert store.record("valid-all-types") is None
    ids = make_variant(quiz, 1).question_ids
    rec = ps.new_record("valid-all-types", 1, student_id="s1")
    rec = ps.with_response(rec, "bkl-removed", "a")
    rec = ps.with_result(rec, grade(quiz.question("bkl-removed"), "a"), ids, 10)
    rec = ps.with_response(rec, "timeline", ["smp", "l26", "kvm", "bkl"])
    rec = ps.with_hints(rec, "bkl-removed", 1)
    assert store.save(rec)
    again = ps.ProgressStore(store.path).record("valid-all-types")
    assert again == rec
    assert again.last_score == 20.0 and again.best_score == 20.0
    assert again.results["bkl-removed"] == {"score": 2.0, "max_score": 2.0, "status": "correct"}


def test_saving_one_quiz_keeps_the_others_untouched(tmp_path):
    store = _store_with(tmp_path, "valid-two-quizzes.json")
    rec = store.record("valid-all-types")
    assert rec is not None and rec.responses == {"bkl-removed": "a", "kvm-in-tree": False}
    assert store.save(ps.with_response(rec, "async-io", "io_uring"))
    data = json.loads(store.path.read_text())
    assert data["quizzes"]["some-other-quiz"] == {"seed": 7, "responses": {}, "future_field": "kept as it is"}
    assert data["quizzes"]["valid-all-types"]["responses"]["async-io"] == "io_uring"


def test_a_blank_response_is_forgotten():
    rec = ps.with_response(ps.new_record("q", 1), "x", "a")
    assert ps.with_response(rec, "x", None).responses == {}
    assert ps.with_response(rec, "x", []).responses == {}


def test_try_again_forgets_the_question_but_keeps_the_best_score(quiz):
    ids = make_variant(quiz, 1).question_ids
    rec = ps.with_result(ps.new_record(quiz.id, 1), grade(quiz.question("bkl-removed"), "a"), ids, 10)
    rec = ps.with_response(rec, "bkl-removed", "a")
    rec = ps.without_result(rec, "bkl-removed", ids, 10)
    assert rec.results == {} and rec.responses == {}
    assert rec.last_score is None and rec.best_score == 20.0


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path):
    path = tmp_path / "progress.json"
    store = ps.ProgressStore(path)
    for k in range(5):
        assert store.save(ps.new_record(f"q{k}", k))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json", "progress.json.lock"]
    assert len(json.loads(path.read_text())["quizzes"]) == 5


def test_an_unwritable_folder_gives_a_notice_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = ps.ProgressStore(blocker / "progress.json")
    assert store.save(ps.new_record("q", 1)) is False
    assert "could not be saved" in store.notices[0] and "KCOURSE_HOME" in store.notices[0]


# -- bad files ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fixture, why", [
    ("corrupt-truncated.json", "line 1: not valid JSON"),
    ("corrupt-not-an-object.json", "not a kcourse progress file"),
    ("corrupt-not-utf8.json", "not UTF-8"),
], ids=["truncated", "not-an-object", "not-utf8"])
def test_a_corrupt_file_is_moved_aside_with_a_message(tmp_path, fixture, why):
    store = _store_with(tmp_path, fixture)
    assert store.record("valid-all-types") is None
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("progress.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == (FILES / fixture).read_bytes()
    assert not store.path.exists()
    assert why in store.notices[0] and aside[0].name in store.notices[0]
    assert store.save(ps.new_record("valid-all-types", 3))
    assert ps.ProgressStore(store.path).record("valid-all-types").seed == 3


def test_a_bad_record_starts_that_quiz_afresh_and_keeps_a_copy(tmp_path):
    store = _store_with(tmp_path, "bad-record-seed.json")
    assert store.record("valid-all-types") is None
    assert "seed: expected a whole number" in store.notices[0]
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("progress.backup-")]
    assert len(backups) == 1 and backups[0].read_bytes() == (FILES / "bad-record-seed.json").read_bytes()
    assert store.record("some-other-quiz").responses == {"q": "x"}
    assert list(store.records()) == ["some-other-quiz"]


def test_a_newer_file_is_read_but_never_overwritten(tmp_path):
    store = _store_with(tmp_path, "newer-version.json")
    assert store.record("valid-all-types").responses == {"bkl-removed": "b"}
    assert store.save(ps.new_record("valid-all-types", 1)) is False
    assert "newer kcourse" in store.notices[0]
    assert store.path.read_bytes() == (FILES / "newer-version.json").read_bytes()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(st.one_of(
    json_values,
    st.fixed_dictionaries({"schema_version": st.just(1),
                           "quizzes": st.dictionaries(st.sampled_from(["q", "r"]), json_values, max_size=2)}),
    st.fixed_dictionaries({"schema_version": st.just(1), "quizzes": st.fixed_dictionaries({"q": st.fixed_dictionaries(
        {"seed": st.integers(0, 2**32 - 1)}, optional={k: json_values for k in (
            "responses", "results", "hints_shown", "last_score", "student_id", "started_at")})})}),
))
def test_any_file_content_is_read_without_raising(data):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "progress.json"
        path.write_text(json.dumps(data))
        store = ps.ProgressStore(path)
        records = store.records()
        rec = store.record("q")
        assert set(records) <= {"q", "r"}
        if rec is not None:
            store.save(ps.with_response(rec, "x", "y"))
            assert ps.ProgressStore(path).record("q").responses["x"] == "y"


# -- seeds and the course rows ------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, expected", [
    ({"seed": 42, "student_id": "s1"}, 42),
    ({"student_id": "s1"}, seed_for("quiz", "s1")),
    ({"record": ps.new_record("quiz", 77)}, 77),
], ids=["seed-wins", "student-id", "kept-in-record"])
def test_choose_seed(kwargs, expected):
    assert ps.choose_seed("quiz", **kwargs) == expected


def test_choose_seed_without_anything_is_random_32_bit():
    seeds = {ps.choose_seed("quiz") for _ in range(20)}
    assert len(seeds) > 1 and all(0 <= s < 2**32 for s in seeds)


def test_course_rows(quiz, tmp_path):
    store = _store_with(tmp_path, "valid-two-quizzes.json")
    other = load_quiz(QUIZ)
    from dataclasses import replace
    exam = replace(other, id="an-exam", title="Exam", chapter=1, mode="assessment")
    rows = ps.course_rows([quiz, exam], store.records())
    assert [r.quiz_id for r in rows] == ["an-exam", "valid-all-types"]
    exam_row, row = rows
    assert (row.answered, row.total, row.score, row.best, row.passed) == (2, 9, 20.0, 30.0, False)
    assert (exam_row.answered, exam_row.score, exam_row.passed, exam_row.started) == (0, None, None, False)


def test_course_rows_hide_scores_of_assessments(quiz):
    rec = ps.with_response(ps.new_record(quiz.id, 1, mode="assessment"), "bkl-removed", "a")
    row, = ps.course_rows([quiz], {quiz.id: rec})
    assert row.assessment and row.answered == 1 and row.score is None and row.passed is None


# -- several live copies writing at once: nothing lost -------------------------------------------------------------
_WRITER = """
import sys, time
from kcourse.storage import progress_store as ps
path, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = ps.ProgressStore(path)
rec = ps.new_record("shared", 7)  # each copy starts from its own empty record, as a second tab would
for k in range(n):
    rec = ps.with_response(rec, f"{name}-{k}", k)
    assert store.save(rec), store.notices
"""


def test_concurrent_writer_processes_lose_no_answer(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "progress.json"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), f"w{i}", "25"]) for i in range(4)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    rec = ps.ProgressStore(path).record("shared")
    assert rec is not None
    assert dict(rec.responses) == {f"w{i}-{k}": k for i in range(4) for k in range(25)}


def test_two_copies_newest_check_wins_and_best_never_drops(tmp_path, quiz):
    store = ps.ProgressStore(tmp_path / "progress.json")
    ids = make_variant(quiz, 1).question_ids
    q = quiz.question("bkl-removed")
    a = ps.new_record("valid-all-types", 1)
    b = ps.new_record("valid-all-types", 1)
    wrong = next(o.id for o in q.options if not o.correct)
    a = ps.with_result(ps.with_response(a, q.id, q.correct_id), grade(q, q.correct_id), ids, 10)
    store.save(a)
    b = ps.with_result(ps.with_response(b, q.id, wrong), grade(q, wrong), ids, 10)  # later, in the other copy
    store.save(b)
    rec = store.record("valid-all-types")
    assert rec.responses[q.id] == wrong and rec.results[q.id]["status"] == "incorrect"
    assert rec.first_results[q.id]["status"] == "correct", "the first try is the earlier one"
    assert rec.best_score == 20.0 and rec.last_score == 0.0
    store.save(a)  # the old copy saves again (say, a hint): its older answer does not come back
    assert store.record("valid-all-types").responses[q.id] == wrong
    a = ps.with_response(a, "timeline", ["smp", "l26", "kvm", "bkl"])
    store.save(a)
    rec = store.record("valid-all-types")
    assert rec.responses["timeline"] == ["smp", "l26", "kvm", "bkl"] and rec.responses[q.id] == wrong


def test_a_cleared_answer_stays_cleared_after_a_merge(tmp_path):
    store = ps.ProgressStore(tmp_path / "progress.json")
    a = ps.with_response(ps.new_record("z", 1), "q1", "x")
    store.save(a)
    store.save(ps.with_response(a, "q1", ""))
    store.save(ps.with_response(ps.new_record("z", 1), "q2", "y"))
    assert dict(store.record("z").responses) == {"q2": "y"}


def test_a_new_attempt_stays_cleared_when_an_old_copy_saves_again(tmp_path, quiz):
    store = ps.ProgressStore(tmp_path / "progress.json")
    ids = make_variant(quiz, 1).question_ids
    q = quiz.question("bkl-removed")
    old = ps.with_result(ps.with_response(ps.new_record("valid-all-types", 1), q.id, "a"), grade(q, "a"), ids, 10)
    store.save(old)
    store.save(ps.new_attempt(store.record("valid-all-types"), ids))
    store.save(old)  # a second tab that still shows the old attempt saves its (older) state
    rec = store.record("valid-all-types")
    assert q.id not in rec.responses and q.id not in rec.results and q.id not in rec.first_results
    assert rec.best_score == 20.0, "the best score is kept"
