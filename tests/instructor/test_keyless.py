"""Key-less quiz files: a student's variant without anything that says or grades the answer."""
from __future__ import annotations

from dataclasses import replace

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kcourse import qtypes as qt
from kcourse.core import model as m
from kcourse.core.errors import QuizFileError
from kcourse.core.grading import correct_response
from kcourse.core.loader import load_quiz
from kcourse.core.public import PublicQuestion, PublicQuiz, public_quiz, public_view
from kcourse.core.variants import make_variant, seed_for
from kcourse.views.keyless import is_keyless_file, keyless_seed, load_keyless, load_keyless_text, write_keyless

from .conftest import ALL_TYPES

STUDENTS = ["s1", "s2", "ann.doe@example.org", "Ünïcode 7"]
FORBIDDEN_KEYS = {"correct", "answer", "tolerance", "range", "accept", "pattern", "case_sensitive", "feedback",
                  "feedback_true", "feedback_false", "explanation", "hints", "tags", "right", "distractors"}


def keys_of(data):
    if isinstance(data, dict):
        yield from data
        for v in data.values():
            yield from keys_of(v)
    elif isinstance(data, list):
        for v in data:
            yield from keys_of(v)


def key_strings(quiz: m.Quiz) -> list[str]:
    out = []
    for q in quiz.all_questions:
        out += [q.explanation, *q.hints]
        if isinstance(q, (qt.SingleChoice, qt.MultipleSelect)):
            out += [o.feedback for o in q.options]
        if isinstance(q, qt.TrueFalse):
            out += [q.feedback_true, q.feedback_false]
        if isinstance(q, qt.ShortText):
            out += list(q.accept) + ([q.pattern] if q.pattern else [])
    return [s for s in out if s]


@pytest.mark.parametrize("student", STUDENTS)
def test_no_key_in_the_file(quiz, student):
    text = write_keyless(quiz, student_id=student)
    data = yaml.safe_load(text)
    assert not FORBIDDEN_KEYS & set(keys_of(data))
    for s in key_strings(quiz):
        assert s not in text, s
    variant = make_variant(quiz, seed_for(quiz.id, student))
    assert [q["id"] for q in data["questions"]] == list(variant.question_ids)
    for qd in data["questions"]:
        q = quiz.question(qd["id"])
        if isinstance(q, qt.Ordering):
            shown = [i["id"] for i in qd["items"]]
            assert shown == list(variant.orders[q.id]) and shown != [i.id for i in q.items]
        if isinstance(q, qt.Matching):
            assert [c["id"] for c in qd["choices"]] == list(variant.orders[q.id])
            assert {c["id"]: c["text"] for c in qd["choices"]} == {c.id: c.text for c in q.right_choices}
            assert not {p.id for p in q.pairs} & {c["id"] for c in qd["choices"]}  # no choice carries its pair's id
        if isinstance(q, (qt.SingleChoice, qt.MultipleSelect)):
            assert [o["id"] for o in qd["options"]] == list(variant.orders[q.id])


def test_loads_back_as_the_learners_view(quiz, tmp_path):
    """A key-less copy reads back as exactly the learner's view of its variant: no question with a key, not even
    a placeholder one."""
    path = tmp_path / "valid-all-types.keyless.yml"
    path.write_text(write_keyless(quiz, student_id="s1", quiz_digest="sha256:x"), encoding="utf-8")
    seed = seed_for(quiz.id, "s1")
    assert is_keyless_file(path) and keyless_seed(path) == seed
    k = load_keyless(path)
    assert isinstance(k, PublicQuiz) and k == replace(public_quiz(quiz, seed), source=str(path))
    assert (k.id, k.title, k.chapter, k.pass_mark, k.mode, k.seed) == (quiz.id, quiz.title, quiz.chapter,
                                                                       quiz.pass_mark, "assessment", seed)
    assert k.questions == public_view(quiz, make_variant(quiz, seed))
    assert all(type(pq) is PublicQuestion for pq in k.questions)
    assert not is_keyless_file(tmp_path / "missing.yml")


def test_refused_as_a_quiz(quiz, tmp_path):
    path = tmp_path / "k.keyless.yml"
    path.write_text(write_keyless(quiz, student_id="s1"), encoding="utf-8")
    with pytest.raises(QuizFileError):
        load_quiz(path)
    assert not is_keyless_file(ALL_TYPES)


@pytest.mark.parametrize("change,message", [
    (lambda t: t.replace("kcourse_keyless: 1", "kcourse_keyless: 9"),
     "kcourse_keyless: this key-less file is version 9, but this kcourse reads up to 1"),
    (lambda t: t.replace("which hardware it emulates", "which hardware it fakes"),
     "choices: does not match its texts (the file was changed)"),
    (lambda t: t.replace("type: ordering", "type: essay"), "type: unknown question type 'essay'"),
    (lambda t: t.replace("title:", "titel:"), "missing 'title'"),
    (lambda t: t.replace("\nseed:", "\nsaat:"), "missing 'seed'"),
    (lambda t: t.replace("\nseed:", "\nseed: -1\nx:"), "seed: the seed must be a whole number from 0 to 4294967295"),
    (lambda t: t.replace("  items:", "  itemz:"), "missing 'items'"),
], ids=["too-new", "tampered-choice-ids", "unknown-type", "missing-title", "no-seed", "bad-seed", "no-items"])
def test_broken_files_are_located(quiz, change, message):
    text = change(write_keyless(quiz, student_id="s1"))
    with pytest.raises(QuizFileError) as err:
        load_keyless_text(text, "k.yml")
    assert message in str(err.value) and "k.yml:" in str(err.value)


def test_the_widget_on_a_keyless_file_makes_a_submission_that_grades(quiz, tmp_path):
    """The notebook path end to end: key-less file -> JupyterLab widget -> saved submission -> graded."""
    pytest.importorskip("ipywidgets")
    from kcourse.frontend.widgets import QuizWidget
    from kcourse.instructor.grade import grade_run
    from kcourse.instructor.roster import parse_roster
    from kcourse.storage.progress_store import ProgressStore

    path = tmp_path / "valid-all-types.keyless.yml"
    path.write_text(write_keyless(quiz, student_id="s7"), encoding="utf-8")
    w = QuizWidget(load_keyless(path), student_id="s7", mode="assessment",
                   store=ProgressStore(tmp_path / "progress.json"))
    assert w.assessment and w.seed == seed_for(quiz.id, "s7")
    for qid, panel in w.panels.items():
        panel.control.set_response(correct_response(quiz.question(qid)))
    saved = w.save_submission(tmp_path / "handed-in")
    assert saved is not None
    report = grade_run(quiz=quiz, inputs=[str(saved)], gradebook=tmp_path / "gb.sqlite",
                       roster=parse_roster("student_id,name\ns7,Sam\n", "r.csv"))
    assert not report.rejected, report.rejected
    [g] = report.graded
    assert g.result.total == g.result.max_score == 10


def test_kcourse_quiz_shows_a_keyless_file(quiz, tmp_path, monkeypatch):
    import kcourse

    monkeypatch.setenv("KCOURSE_HOME", str(tmp_path / "home"))
    path = tmp_path / "valid-all-types.keyless.yml"
    path.write_text(write_keyless(quiz, student_id="s1"), encoding="utf-8")
    shown = kcourse.quiz(str(path), student_id="s1", mode="assessment")
    assert hasattr(shown, "widget") and shown.widget.assessment
    assert list(shown.widget.ids) == list(make_variant(quiz, seed_for(quiz.id, "s1")).question_ids)


@given(st.text(max_size=80))
def test_any_text_round_trips_through_the_keyless_yaml(text):
    from kcourse.core.yamlsource import load_yaml
    from kcourse.views.keyless import _dumper

    dumped = yaml.dump({"prompt": text, "items": [text]}, Dumper=_dumper(), allow_unicode=True, width=100)
    loc, problems = load_yaml(dumped, "k.yml")
    assert not problems and loc.data == {"prompt": text, "items": [text]}
