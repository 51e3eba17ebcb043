"""Submission files: round trip, every problem located, scores recomputed, wrong quiz and unknown answers."""
import json

import pytest

from kcourse.core.errors import SubmissionError
from kcourse.core.grading import correct_response
from kcourse.core.submission import Submission, check_against, grade_submission, load_submission, parse_submission
from kcourse.core.variants import make_variant, seed_for

GOOD = {"schema_version": 1, "quiz_id": "valid-all-types", "student_id": "s1", "variant_seed": 2812765023,
        "responses": {"bkl-removed": "a"}, "started_at": "2026-11-26T10:00:00Z",
        "submitted_at": "2026-11-26T10:12:31+01:00", "generator": "kcourse 0.1.0 (static page)"}


def text(**changes):
    data = {**GOOD, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not ...}, indent=2)


def test_round_trip():
    sub = parse_submission(text())
    assert parse_submission(sub.to_json()) == sub


@pytest.mark.parametrize("changes, line, message", [
    (dict(schema_version=2), 2, "this file is schema version 2, but this kcourse reads up to version 1"),
    (dict(schema_version="1"), 2, 'expected 1, got "1"'),
    (dict(schema_version=...), None, "missing 'schema_version'"),
    (dict(quiz_id=""), 3, "expected non-empty text"),
    (dict(student_id=7), 4, "expected non-empty text, got 7"),
    (dict(student_id="x" * 300), 4, "longer than 200 characters"),
    (dict(variant_seed=-1), 5, "expected a whole number from 0 to 4294967295"),
    (dict(variant_seed=True), 5, "expected a whole number"),
    (dict(responses=[1]), 6, "expected an object of answers by question id"),
    (dict(started_at="yesterday"), None, "expected an ISO 8601 time"),
    (dict(responses=...), None, "missing 'responses'"),
], ids=["too-new", "version-as-text", "no-version", "empty-quiz-id", "numeric-student", "long-student",
        "negative-seed", "bool-seed", "responses-list", "bad-time", "no-responses"])
def test_bad_submission_is_located(changes, line, message):
    with pytest.raises(SubmissionError) as info:
        parse_submission(text(**changes), "sub.json")
    p = next(p for p in info.value.problems if message in p.message)
    assert p.file == "sub.json" and p.fix
    if line:
        assert p.line == line


@pytest.mark.parametrize("student_id", [..., "", "  "], ids=["no-id", "empty-id", "blank-id"])
def test_a_practice_download_without_an_id_is_refused_for_grading_with_its_reason(student_id):
    """A self-learner's practice download may have no id (it moves answers between devices); grading says why not."""
    with pytest.raises(SubmissionError) as info:
        parse_submission(text(student_id=student_id, practice={"answers": {}}), "sub.json")
    [p] = info.value.problems
    assert "practice download without a student id" in p.message and "student id" in p.fix


@pytest.mark.parametrize("raw, message", [
    ("{", "not valid JSON"), ("[]", "expected a JSON object"), ("", "not valid JSON"),
    ('{"a": NaN}', "missing 'schema_version'"),
], ids=["truncated", "list", "empty", "nan"])
def test_not_a_submission(raw, message):
    with pytest.raises(SubmissionError, match=message):
        parse_submission(raw)


def test_a_score_in_the_file_is_ignored_with_a_warning(all_types_quiz):
    warnings = []
    sub = parse_submission(text(total_score=100, responses={"bkl-removed": "b"}), "sub.json", warn=warnings.append)
    assert [w.kind.value for w in warnings] == ["submission-unknown-key"]
    assert "scores are always recomputed" in str(warnings[0])
    assert grade_submission(all_types_quiz, sub).total == 0
    # what a learner's download adds for people and for loading it back is expected, and never graded
    warnings.clear()
    readable = text(score={"total": 100}, questions=[{"id": "bkl-removed", "answer": "2.6.0"}], quiz_title="t",
                    practice={}, responses={"bkl-removed": "b"})
    assert grade_submission(all_types_quiz, parse_submission(readable, "s.json", warn=warnings.append)).total == 0
    assert warnings == []


def test_grading_a_full_submission(all_types_quiz):
    seed = seed_for(all_types_quiz.id, "s1")
    v = make_variant(all_types_quiz, seed)
    responses = {qid: correct_response(all_types_quiz.question(qid)) for qid in v.question_ids}
    sub = Submission(quiz_id=all_types_quiz.id, student_id="s1", variant_seed=seed, responses=responses)
    result = grade_submission(all_types_quiz, parse_submission(sub.to_json()))
    assert result.percentage == 100 and result.passed


def test_wrong_quiz_and_unknown_questions(all_types_quiz):
    other = parse_submission(text(quiz_id="ch09-lifestyle"))
    assert "is for quiz 'ch09-lifestyle'" in check_against(all_types_quiz, other)[0].message
    v = make_variant(all_types_quiz, 2812765023)
    not_drawn = next(q.id for q in all_types_quiz.pools[0].questions if q.id not in v.question_ids)
    sub = parse_submission(text(responses={"bkl-removed": "a", "nope": 1, not_drawn: 1}))
    problems = check_against(all_types_quiz, sub)
    assert "answers to 2 question(s) not in this student's variant" in problems[0].message
    with pytest.raises(SubmissionError):
        grade_submission(all_types_quiz, sub)


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00", "not UTF-8 text"), (None, "no such file"),
], ids=["binary", "missing"])
def test_load_submission_file_errors(tmp_path, content, message):
    p = tmp_path / "s.json"
    if content is not None:
        p.write_bytes(content)
    with pytest.raises(SubmissionError, match=message):
        load_submission(p)
