"""The practice rules shared by the widget and the static page (kcourse/practice.py; grader.js mirrors them)."""
from pathlib import Path

import pytest

from kcourse.core import practice
from kcourse.core.grading import correct_response
from kcourse.core.loader import load_quiz

QUIZ = load_quiz(Path(__file__).parent / "files" / "quiz" / "valid-all-types.yml")
MATCH = QUIZ.question("match-blocks")
A = MATCH.answer_of

READY = [  # question, response, the problem (None: it counts as a try)
    ("bkl-removed", None, "Answer first, then check."),
    ("bkl-removed", "b", None),
    ("commits", "13.500", "13.500 could mean 13500 (with a thousands separator) or 13.5: write 13500 or 13.5."),
    ("commits", "lots", "This is not a number: write a number such as 13500 or 2.5."),
    ("commits", "5-6", "Give one number, not a range."),
    ("commits", "13,500", None),
    ("weeks", "10 weeks", None),
    ("weeks", "10 days", "Write the number only in weeks: days is not the unit asked for."),
    ("async-io", "   ", "Answer first, then check."),
    ("match-blocks", {"ns": A["ns"]}, "Choose an answer in every row: 2 rows are still “Choose…”."),
    ("match-blocks", {"ns": A["ns"], "cg": A["cg"]}, "Choose an answer in every row: 1 row is still “Choose…”."),
    ("match-blocks", {"ns": A["ns"], "cg": A["ns"], "sc": A["sc"]},
     "Each answer fits one row only: rows 1 and 2 have the same answer."),
    ("match-blocks", dict(A), None),
]


@pytest.mark.parametrize("qid, response, problem", READY, ids=[f"{c[0]}-{i}" for i, c in enumerate(READY)])
def test_what_is_not_an_answer_yet_says_what_to_fix(qid, response, problem):
    assert practice.ready_problem(QUIZ.question(qid), response) == problem


def test_marks_part_by_part():
    q = QUIZ.question("building-blocks")
    assert practice.marks(q, ["ns", "hv"]) == {"ns": True, "hv": False}
    assert practice.marks(QUIZ.question("timeline"), ["smp", "kvm", "l26", "bkl"]) == {
        "smp": True, "kvm": False, "l26": False, "bkl": True}
    assert practice.marks(MATCH, {"ns": A["cg"], "cg": A["cg"]}) == {"ns": False, "cg": True}
    assert practice.marks(QUIZ.question("commits"), 13500) == {}
    assert practice.marks(QUIZ.question("timeline"), ["smp"]) == {}, "not a permutation: nothing to mark"


@pytest.mark.parametrize("status, tries, n, asked, shown", [
    ("incorrect", 1, 2, False, False), ("partial", 1, 2, False, False), ("incorrect", 2, 2, False, True),
    ("correct", 1, 2, False, True), ("incorrect", 1, 2, True, True), ("incorrect", 1, 1, False, True),
])
def test_when_the_answer_is_shown(status, tries, n, asked, shown):
    assert practice.answer_shown(status, tries, n, asked) is shown


def test_one_score_counts_the_last_try_of_checked_questions_and_keeps_the_first():
    results = {"bkl-removed": {"score": 2.0}, "building-blocks": {"score": 0.533333}}
    first = {"bkl-removed": {"score": 0.0}, "building-blocks": {"score": 0.533333}}
    s = practice.score(results, first, ["bkl-removed", "building-blocks", "commits"], 4.0)
    assert (s.total, s.first_total, s.checked, s.count, s.percentage) == (2.533333, 0.533333, 2, 3, 63.33)
    assert s.line().startswith("Score: 2.53 of 4 points (63.33 %) · first tries: 0.53 · 2 of 3 questions checked.")
    assert "unchecked questions count 0" in s.line()


def test_every_course_quiz_answer_is_ready_and_unmarked_wrong():
    for q in QUIZ.all_questions:
        r = correct_response(q)
        assert practice.ready_problem(q, r) is None, q.id
        assert all(practice.marks(q, r).values()), q.id
