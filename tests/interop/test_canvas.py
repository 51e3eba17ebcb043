"""Every course quiz through Canvas's own QTI import: QTIMigrationTool, then canvas-lms's converter files.

Each package is unzipped and handed to ``canvas/canvas_import.rb``, which runs the steps of canvas-lms's
``Qti::Converter#export`` (the third-party code comes from ``KCOURSE_INTEROP_DIR``); what Canvas keeps is
compared with the YAML key question by question.
"""
from __future__ import annotations

import io
import json
import math
import os
import subprocess
import zipfile

import pytest

from kcourse.core import model as m
from kcourse.export.qti import qti_ident, to_qti_zip

from .conftest import HERE, course_quizzes
from .key import interval, plain, right_text, seen, visible

TYPES = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
         "true_false": "true_false_question", "numeric": "numerical_question", "text": "short_answer_question",
         "matching": "matching_question", "ordering": "matching_question"}


def canvas_import(canvas_dir, quiz, tmp_path) -> dict:
    pkg = tmp_path / "package"
    with zipfile.ZipFile(io.BytesIO(to_qti_zip(quiz))) as zf:
        zf.extractall(pkg)
    env = dict(os.environ, PATH="/usr/bin:/bin")  # QTIMigrationTool runs on Debian's python3 with lxml
    run = subprocess.run(["ruby", str(HERE / "canvas" / "canvas_import.rb"), str(canvas_dir), str(pkg)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def _feedback(h: dict, field: str = "comments") -> str:
    return visible(h[f"{field}_html"]) if h.get(f"{field}_html") else plain(h.get(field))


def _shown(a: dict, field: str = "text") -> str:
    """An answer as Canvas shows it: its HTML when the importer kept some, else its text."""
    return visible(a["html"]) if a.get("html") else plain(a.get(field))


def question_losses(q: m.Question, got: dict, *, points: float | None) -> list[str]:
    """What Canvas lost of ``q`` (an empty list when it kept everything it can hold)."""
    lost: list[str] = []

    def same(what: str, have, want) -> None:
        if have != want:
            lost.append(f"{what}: Canvas has {have!r}, the key says {want!r}")

    same("import error", got.get("import_error") or got.get("qti_error"), None)
    same("type", got.get("question_type"), TYPES[q.type])
    if points is not None:
        same("points", got.get("points_possible"), q.points)
    if seen(q.prompt) not in visible(got.get("question_text")):
        lost.append(f"prompt: Canvas has {visible(got.get('question_text'))!r}")
    if q.explanation.strip():
        same("general feedback", _feedback(got, "neutral_comments"), seen(q.explanation))
    answers = got.get("answers", [])
    if isinstance(q, (m.SingleChoice, m.MultipleSelect)):
        same("options", [_shown(a) for a in answers], [seen(o.text, inline=True) for o in q.options])
        same("right options", [a.get("weight", 0) > 0 for a in answers], [o.correct for o in q.options])
        same("option feedback", [_feedback(a) for a in answers], [seen(o.feedback) if o.feedback.strip() else ""
                                                                  for o in q.options])
    elif isinstance(q, m.TrueFalse):
        same("options", [a.get("text") for a in answers], ["True", "False"])
        same("right option", [a.get("weight", 0) > 0 for a in answers], [q.answer, not q.answer])
        same("option feedback", [_feedback(a) for a in answers],
             [seen(f) if f.strip() else "" for f in (q.feedback_true, q.feedback_false)])
    elif isinstance(q, m.Numeric):
        low, high = interval(q)
        if len(answers) != 1:
            lost.append(f"answers: Canvas has {answers!r}")
        else:
            a = answers[0]
            if a.get("numerical_answer_type") == "exact_answer":
                have = (a["exact"] - a.get("margin", 0), a["exact"] + a.get("margin", 0))
            else:
                have = (a.get("start"), a.get("end"))
            if not all(isinstance(h, float) and math.isclose(h, w, rel_tol=1e-9, abs_tol=1e-12)
                       for h, w in zip(have, (low, high))):
                lost.append(f"interval: Canvas has {have}, the key says [{low}, {high}]")
    elif isinstance(q, m.ShortText):
        same("accepted answers", sorted(plain(a.get("text")) for a in answers), sorted(q.accept))
        same("all count fully", {a.get("weight") for a in answers}, {100})
    elif isinstance(q, (m.Matching, m.Ordering)):
        if isinstance(q, m.Matching):
            want = {seen(p.left, inline=True): right_text(p.right) for p in q.pairs}
            rights = sorted([right_text(c.text) for c in q.right_choices])
        else:
            want = {seen(i.text, inline=True): str(k) for k, i in enumerate(q.items, 1)}
            rights = sorted(str(k) for k in range(1, len(q.items) + 1))
        same("pairs", {_shown(a, "left"): a.get("right") for a in answers}, want)
        same("right-hand choices", sorted(plain(x.get("text")) for x in got.get("matches", [])), rights)
        if len({x.get("match_id") for x in got.get("matches", [])}) != len(rights):
            lost.append("match ids are not unique")
    return lost


def _exported(q: m.Question) -> bool:
    """A text question whose only answer is a pattern is left out of the package (with a warning)."""
    return not (isinstance(q, m.ShortText) and not q.accept)


@pytest.mark.parametrize("quiz", course_quizzes())
def test_canvas_keeps_every_answer_feedback_and_setting(canvas_dir, quiz, tmp_path):
    got = canvas_import(canvas_dir, quiz, tmp_path)
    by_id = {q["migration_id"]: q for q in got["questions"]}
    lost: list[str] = []
    for q in quiz.questions:
        if _exported(q):
            lost += [f"{q.id}: {x}" for x in question_losses(q, by_id[qti_ident(quiz.id, q.id)], points=q.points)]
    for pool in quiz.pools:
        for q in filter(_exported, pool.questions):
            lost += [f"{q.id}: {x}" for x in question_losses(q, by_id[qti_ident(quiz.id, q.id)], points=None)]
    assert not lost, "\n".join(lost)

    (test,) = got["assessments"]
    practice = quiz.mode == "practice"
    settings = {k: test.get(k) for k in ("migration_id", "title", "show_correct_answers", "allowed_attempts",
                                         "shuffle_answers", "points_possible", "quiz_type")}
    fixed = [q for q in quiz.questions if _exported(q)]
    points = sum(q.points for q in fixed) + sum(p.draw * max(q.points for q in p.questions) for p in quiz.pools)
    assert settings == {"migration_id": qti_ident("kcourse", quiz.id), "title": quiz.title,
                        "show_correct_answers": practice, "allowed_attempts": -1 if practice else 1,
                        "shuffle_answers": quiz.shuffle_options, "points_possible": float(points),
                        "quiz_type": "assignment"}
    assert f"pass mark {quiz.pass_mark:g}%" in test["description"]
    refs = [x for x in test["questions"] if x["question_type"] == "question_reference"]
    assert [x["migration_id"] for x in refs] == [qti_ident(quiz.id, q.id) for q in fixed]
    groups = [x for x in test["questions"] if x["question_type"] == "question_group"]
    want_groups = [(p.draw, float(max(q.points for q in p.questions)),
                    [qti_ident(quiz.id, q.id) for q in p.questions if _exported(q)])
                   for p in quiz.pools]
    assert [(g["pick_count"], g["question_points"], [x["migration_id"] for x in g["questions"]])
            for g in groups] == want_groups
