"""Adversarial fuzzing (issue 11): the parsers and the grader over huge numbers, deep nesting, long and
pathological strings and odd bytes. Each either succeeds or fails with the package's own error, never with
anything else; the grading pipeline turns every file into a grade or a rejection."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcourse.core.errors import QuizFileError, SubmissionError
from kcourse.core.grading import grade_responses
from kcourse.core.loader import load_quiz, load_quiz_text
from kcourse.core.submission import parse_submission
from kcourse.core.variants import variant_question_ids
from kcourse.instructor.grade import Graded, Judge
from kcourse.instructor.outcome import Rejection

FILES = Path(__file__).resolve().parent / "files"
QUIZ = load_quiz(FILES / "quiz" / "valid-all-types.yml")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

# -- JSON text that a hostile student could write ------------------------------------------------------------
HUGE_INT = st.integers(1, 6000).map(lambda n: "9" * n)
NUMBER_TEXT = st.one_of(HUGE_INT, st.sampled_from(["1e999", "-1e999", "1e-999", "0.1e400", "-0", "NaN", "Infinity",
                                                   "-Infinity", "4294967296", "-1", "1.0", "1" + "0" * 400]))
ODD_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u0000", "=HYPERLINK(\\\"x\\\")", "\\n  graded: 9",
                     "\\u001b[2J", "\\u202e", "a" * 3000, "(a+)+b" * 50]),
).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') if not s.startswith(("\\u", "=", "\\n")) else
      '"' + s).map(lambda s: s + '"')


def _json_values():
    scalar = st.one_of(NUMBER_TEXT, ODD_TEXT, st.sampled_from(["true", "false", "null", "[]", "{}"]))
    return st.recursive(scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ",".join(xs) + "]"),
        st.lists(st.tuples(ODD_TEXT, inner), max_size=4).map(lambda kv: "{" + ",".join(f"{k}:{v}" for k, v in kv) + "}"),
    ), max_leaves=12)


DEEP = st.integers(1, 5000).map(lambda n: "[" * n + "]" * n) | st.integers(1, 5000).map(lambda n: '{"a":' * n + "1"
                                                                                         + "}" * n)


def _submission_text(values):
    keys = ["schema_version", "quiz_id", "student_id", "variant_seed", "responses", "submitted_at", "score"]
    return st.fixed_dictionaries({k: values for k in keys}).map(
        lambda d: "{" + ",".join(f'"{k}":{v}' for k, v in d.items()) + "}")


@SETTINGS
@given(text=_submission_text(_json_values() | DEEP) | _json_values() | DEEP)
def test_parse_submission_succeeds_or_says_what_is_wrong(text):
    try:
        sub = parse_submission(text, "s.json")
    except SubmissionError as e:
        assert e.problems and all(p.file == "s.json" for p in e.problems)
    else:
        json.dumps(sub.responses)  # what was kept is plain, storable data


RESPONSE = st.deferred(lambda: st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10**399, 10**399), st.floats(),
    st.text(max_size=50), st.text(st.sampled_from("aAbx!. \u00df\u0130"), min_size=900, max_size=1200),
    st.lists(RESPONSE, max_size=5), st.dictionaries(st.text(max_size=5), RESPONSE, max_size=5)))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_the_grader_grades_any_response(seed, data):
    ids = variant_question_ids(QUIZ, seed)
    responses = {qid: data.draw(RESPONSE) for qid in ids}
    result = grade_responses(QUIZ, ids, responses)
    assert 0 <= result.total <= result.max_score


@SETTINGS
@given(raw=st.binary(max_size=200) | _submission_text(_json_values() | DEEP).map(str.encode))
def test_the_judge_turns_every_file_into_a_grade_or_a_rejection(raw):
    judge = Judge(QUIZ)
    outcome = judge("x.json", raw)
    assert isinstance(outcome, (Graded, Rejection))
    if isinstance(outcome, Rejection):
        assert outcome.message and "\n" not in str(outcome)


# -- quiz YAML a careless author could write ---------------------------------------------------------------------
BASE = """schema_version: 1
id: fuzz
title: T
chapter: 1
questions:
  - id: q
    type: numeric
    prompt: P
    explanation: E
"""
YAML_NUMBER = st.one_of(HUGE_INT, st.sampled_from(["1e309", "1.0e+309", "-.inf", ".nan", "1.0e308", "0x" + "f" * 300,
                                                   "0b" + "1" * 2000, "0o" + "7" * 500, "1_000", "1:30", "1e9",
                                                   "1.0e+308", "-1.0e+308", "0"]))


@SETTINGS
@given(answer=YAML_NUMBER, tol=YAML_NUMBER, kind=st.sampled_from(["absolute", "relative"]),
       extra=st.sampled_from(["", "    points: {n}\n", "    unit: {n}\n"]))
def test_numbers_in_a_quiz_load_or_are_reported(answer, tol, kind, extra):
    text = BASE + f"    answer: {answer}\n    tolerance: {{{kind}: {tol}}}\n" + extra.format(n=answer)
    try:
        load_quiz_text(text, "q.yml")
    except QuizFileError as e:
        assert all(p.file == "q.yml" and p.message for p in e.problems)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(depth=st.integers(1, 300), flow=st.booleans())
def test_deep_yaml_is_reported(depth, flow):
    nested = ("[" * depth + "]" * depth) if flow else "".join(" " * k + "- \n" for k in range(0, 2 * depth, 2))
    try:
        load_quiz_text(BASE + "    answer: " + (nested if flow else "\n" + nested) + "\n", "q.yml")
    except QuizFileError as e:
        assert e.problems


# -- odd bytes in file names -----------------------------------------------------------------------------------
NAME_BYTES = st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\0" not in b
                                                       and b not in (b".", b".."))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(names=st.lists(NAME_BYTES, min_size=1, max_size=4, unique=True))
def test_any_file_name_is_graded_stored_and_printed_on_one_line(tmp_path_factory, names):
    import os
    import sqlite3

    from kcourse.instructor.grade import grade_run, summary

    from .instructor.conftest import submission_json

    tmp = tmp_path_factory.mktemp("names")
    subs = tmp / "subs"
    subs.mkdir()
    for k, name in enumerate(names):
        with open(os.path.join(os.fsencode(subs), name + b".json"), "wb") as f:
            f.write(submission_json(QUIZ, f"s{k}").encode())
    report = grade_run(quiz=QUIZ, inputs=[str(subs)], gradebook=tmp / "gb.sqlite")
    ignored = len(report.ignored)  # a name such as `._x` or `.DS_Store` is system clutter, left out on purpose
    assert len(report.graded) + ignored == len(names) and not report.rejected
    text = summary(report)
    assert sum("file(s) in =" in ln for ln in text.splitlines()) == 1
    assert not any(ord(c) < 32 and c != "\n" for c in text)
    conn = sqlite3.connect(tmp / "gb.sqlite")
    try:
        assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == len(names) - ignored
    finally:
        conn.close()
