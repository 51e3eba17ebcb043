"""Validation fixtures: each file in tests/files/quiz/ says, in '# expect:' comments, exactly which problems
it must produce (line, field, message, fix); valid-*.yml files must load without problems."""
from pathlib import Path

import pytest

from kcourse.core.errors import QuizFileError
from kcourse.core.loader import load_many, load_quiz, load_quiz_text

QUIZ_FILES = Path(__file__).parent / "files" / "quiz"
INVALID = sorted(QUIZ_FILES.glob("invalid-*.yml"))
VALID = sorted(QUIZ_FILES.glob("valid-*.yml"))


def expectations(path: Path) -> list[str]:
    return [line.split("# expect:", 1)[1].strip() for line in path.read_text().splitlines()
            if line.startswith("# expect:")]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_reports_exactly_its_problems(path):
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' lines"
    with pytest.raises(QuizFileError) as info:
        load_quiz(path)
    prefix = f"{path}:"
    got = [str(p).removeprefix(prefix) for p in info.value.problems]
    for want in expected:
        assert any(g.startswith(want) for g in got), f"expected {want!r} among {got}"
    assert len(got) == len(expected), got


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_fixture_loads(path):
    quiz = load_quiz(path)
    assert quiz.all_questions


def test_every_problem_names_file_line_field_and_fix():
    with pytest.raises(QuizFileError) as info:
        load_quiz(QUIZ_FILES / "invalid-unknown-key-typo.yml")
    for p in info.value.problems:
        assert p.file.endswith("invalid-unknown-key-typo.yml")
        assert p.line and p.path and p.message and p.fix


BASE = """schema_version: 1
id: t
title: T
chapter: 1
questions:
"""


@pytest.mark.parametrize(
    "question, message",
    [
        ("- {id: q, type: multiple, prompt: P, explanation: E, options: [{id: a, text: A, correct: false}, "
         "{id: b, text: B, correct: false}]}", "no option is marked 'correct: true'"),
        ("- {id: q, type: numeric, prompt: P, explanation: E, answer: 1}",
         "a numeric question needs either 'answer' with 'tolerance', or 'range'"),
        ("- {id: q, type: numeric, prompt: P, explanation: E, answer: 1, tolerance: {absolute: 1, relative: 0.1}}",
         "give exactly one of 'absolute' or 'relative'"),
        ("- {id: q, type: numeric, prompt: P, explanation: E, answer: .nan, tolerance: {absolute: 1}}",
         "nan is not a usable number"),
        ("- {id: q, type: numeric, prompt: P, explanation: E, answer: 5, range: {min: 1, max: 9}}",
         "'answer' goes with 'tolerance'"),
        ("- {id: q, type: text, prompt: P, explanation: E}", "needs 'accept'"),
        ("- {id: q, type: text, prompt: P, explanation: E, accept: [A, ' a ']}", "is the same answer as entry 0"),
        ("- {id: q, type: text, prompt: P, explanation: E, pattern: '(unclosed'}", "missing ), unterminated subpattern"),
        ("- {id: q, type: text, prompt: P, explanation: E, pattern: '(?i)x'}", "an inline flag"),
        ("- {id: q, type: text, prompt: P, explanation: E, pattern: '(?>ab)c'}", "an atomic group"),
        ("- {id: q, type: text, prompt: P, explanation: E, pattern: 'a++b'}", "a possessive repeat"),
        ("- {id: q, type: ordering, prompt: P, explanation: E, items: [{id: a, text: A}]}", "needs at least 2"),
        ("- {id: q, type: single, prompt: '', explanation: E, options: [{id: a, text: A, correct: true}, "
         "{id: b, text: B, correct: false}]}", "must not be empty"),
        ("- {id: 'bad id!', type: true_false, prompt: P, explanation: E, answer: true}", "is not a valid id"),
        ("- {id: q, type: true_false, prompt: P, explanation: E, answer: true, points: '2'}",
         'expected a number, got "2"'),
        ("- {id: q, type: single, prompt: P, explanation: E, options: [{id: a, text: A, correct: true}, "
         "{id: a, text: B, correct: false}]}", 'duplicate option id "a"'),
        ("- {id: q, type: matching, prompt: P, explanation: E, pairs: [{id: a, left: L, right: R}, "
         "{id: b, left: L, right: S}]}", 'duplicate left side "L"'),
        ("[]\npools: [{id: p, draw: 1}]", "a pool needs either 'questions' or 'from_quiz'"),
        ("[]", "the quiz has no questions"),
    ],
    ids=["multiple-no-correct", "numeric-no-tolerance", "numeric-two-tolerances", "numeric-nan",
         "numeric-answer-with-range", "text-nothing-accepted", "text-duplicate-accept", "text-bad-regex",
         "text-inline-flag", "text-atomic-group", "text-possessive", "ordering-one-item", "empty-prompt", "bad-id", "points-as-text",
         "duplicate-option-id", "matching-duplicate-left", "pool-without-questions", "no-questions"],
)
def test_question_rules(question, message):
    text = BASE + "  " + question.replace("\n", "\n") if not question.startswith("[]") else \
        BASE.replace("questions:\n", "questions: ") + question
    if not question.startswith("[]"):
        text = BASE + question + "\n"
    with pytest.raises(QuizFileError) as info:
        load_quiz_text(text, "t.yml")
    assert any(message in p.message for p in info.value.problems), [str(p) for p in info.value.problems]


def test_warnings_are_typed_and_located():
    got = []
    load_quiz_text(BASE + "- {id: q, type: single, prompt: P, explanation: E, options: [{id: a, text: A, "
                   "correct: true}, {id: b, text: B, correct: false}]}\n", "t.yml", warn=got.append)
    assert [w.kind.value for w in got] == ["option-feedback"]
    assert str(got[0]).startswith("t.yml:6: questions[0].options[1]: wrong option without feedback")
    assert str(got[0]).endswith("[kcourse.option-feedback]")


def test_from_quiz_pool_prefixes_ids(tmp_path):
    (tmp_path / "a.yml").write_text(BASE.replace("id: t", "id: a") +
                                    "- {id: q1, type: true_false, prompt: P, explanation: E, answer: true}\n"
                                    "- {id: q2, type: true_false, prompt: P, explanation: E, answer: false}\n")
    (tmp_path / "exam.yml").write_text(BASE.replace("id: t", "id: exam").replace("questions:\n", "questions: []\n")
                                       + "pools:\n  - {id: from-a, draw: 1, from_quiz: a}\n")
    quiz = load_quiz(tmp_path / "exam.yml")
    assert [q.id for q in quiz.pools[0].questions] == ["a/q1", "a/q2"]


@pytest.mark.parametrize("target, message", [("missing", "no such quiz file"), ("exam", "draws from itself")],
                         ids=["missing-quiz", "self-reference"])
def test_from_quiz_errors(tmp_path, target, message):
    (tmp_path / "exam.yml").write_text(BASE.replace("id: t", "id: exam").replace("questions:\n", "questions: []\n")
                                       + f"pools:\n  - {{id: p, draw: 1, from_quiz: {target}}}\n")
    with pytest.raises(QuizFileError) as info:
        load_quiz(tmp_path / "exam.yml")
    assert message in str(info.value)


def test_load_many_keeps_good_files_when_others_are_bad(tmp_path):
    (tmp_path / "good.yml").write_text(BASE.replace("id: t", "id: good")
                                       + "- {id: q, type: true_false, prompt: P, explanation: E, answer: true}\n")
    (tmp_path / "bad.yml").write_text("schema_version: 1\nid: bad\n")
    (tmp_path / "misnamed.yml").write_text(BASE.replace("id: t", "id: other")
                                           + "- {id: q, type: true_false, prompt: P, explanation: E, answer: true}\n")
    report = load_many([tmp_path])
    assert list(report.quizzes) == ["good"]
    assert report.files == 3
    messages = [str(p) for p in report.problems]
    assert any("bad.yml:1: missing required key 'title'" in m for m in messages)
    assert any("misnamed.yml:1: id: the file is named 'misnamed.yml' but its id is 'other'" in m for m in messages)
