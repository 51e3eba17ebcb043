"""Every course quiz through Moodle's own GIFT importer (question/format/gift/format.php under php-cli).

``moodle/moodle_import.php`` loads Moodle's format class from ``KCOURSE_INTEROP_DIR`` and prints the
questions it reads; they are compared with the YAML key question by question.
"""
from __future__ import annotations

import json
import math
import subprocess

import pytest

from kcourse import model as m
from kcourse.export.common import ident
from kcourse.export.gift import to_gift

from .conftest import HERE, course_quizzes
from .key import interval, plain, right_text, seen, visible


def gift_import(moodle_dir, quiz, tmp_path) -> dict:
    path = tmp_path / f"{quiz.id}.gift.txt"
    path.write_bytes(to_gift(quiz))
    run = subprocess.run(["php", str(HERE / "moodle" / "moodle_import.php"), str(moodle_dir), "gift", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def _text(field) -> str:
    return visible(field["text"] if isinstance(field, dict) else field)


def question_losses(quiz: m.Quiz, q: m.Question, got: dict) -> list[str]:
    lost: list[str] = []

    def same(what, have, want):
        if have != want:
            lost.append(f"{what}: Moodle has {have!r}, the key says {want!r}")

    same("name", got.get("name"), q.id)
    same("ID number", got.get("idnumber"), ident(quiz.id, q.id))
    same("tags", got.get("tags"), list(q.tags))
    if seen(q.prompt) not in visible(got.get("questiontext")):
        lost.append(f"prompt: Moodle has {visible(got.get('questiontext'))!r}")
    same("general feedback", visible(got.get("generalfeedback")), seen(q.explanation))
    kind = got.get("qtype")
    if isinstance(q, (m.SingleChoice, m.MultipleSelect)):
        same("type", (kind, got.get("single")), ("multichoice", int(isinstance(q, m.SingleChoice))))
        same("options", [_text(a) for a in got.get("answer", [])], [seen(o.text, inline=True) for o in q.options])
        same("option feedback", [_text(f) for f in got.get("feedback", [])],
             [seen(o.feedback) if o.feedback.strip() else "" for o in q.options])
        n_right = sum(o.correct for o in q.options)
        want = [1.0 if o.correct else 0.0 for o in q.options] if isinstance(q, m.SingleChoice) else \
            [(1 if o.correct else -1) / n_right for o in q.options]
        have = [float(f) for f in got.get("fraction", [])]
        if len(have) != len(want) or not all(math.isclose(h, w, abs_tol=1e-4) for h, w in zip(have, want)):
            lost.append(f"grades: Moodle has {have}, the key says {want}")
    elif isinstance(q, m.TrueFalse):
        same("type", kind, "truefalse")
        same("right answer", got.get("correctanswer"), int(q.answer))
        same("feedback", (_text(got.get("feedbacktrue", "")), _text(got.get("feedbackfalse", ""))),
             (seen(q.feedback_true) if q.feedback_true.strip() else "",
              seen(q.feedback_false) if q.feedback_false.strip() else ""))
    elif isinstance(q, m.Numeric):
        same("type", kind, "numerical")
        low, high = interval(q)
        (ans,), (tol,) = got.get("answer", [None]), got.get("tolerance", [None])
        have = (float(ans) - float(tol), float(ans) + float(tol))
        if not all(math.isclose(h, w, rel_tol=1e-9, abs_tol=1e-9) for h, w in zip(have, (low, high))):
            lost.append(f"interval: Moodle has {have}, the key says [{low}, {high}]")
    elif isinstance(q, m.ShortText):
        same("type", kind, "shortanswer")
        same("accepted answers", sorted(plain(a).replace("\\*", "*") for a in got.get("answer", [])),
             sorted(a for a in q.accept if "->" not in a and not a.startswith("[")))
        same("all count fully", set(got.get("fraction", [])), {1})
    elif isinstance(q, (m.Matching, m.Ordering)):
        same("type", kind, "match")
        pairs = {_text(s): plain(a) for s, a in zip(got.get("subquestions", []), got.get("subanswers", []))}
        if isinstance(q, m.Matching):
            want = {seen(p.left, inline=True): right_text(p.right) for p in q.pairs}
            want.update({"": right_text(d.text) for d in q.distractors})
        else:
            want = {seen(i.text, inline=True): str(k) for k, i in enumerate(q.items, 1)}
        same("pairs", pairs, want)
    return lost


@pytest.mark.parametrize("quiz", course_quizzes())
def test_moodle_gift_keeps_every_answer_feedback_id_number_and_tag(moodle_dir, quiz, tmp_path):
    got = gift_import(moodle_dir, quiz, tmp_path)
    assert got["errors"] == []
    questions = [q for q in got["questions"] if q["qtype"] != "category"]
    by_name = {q["name"]: q for q in questions}
    lost: list[str] = []
    for q in quiz.all_questions:
        if isinstance(q, m.ShortText) and (not q.accept or all("->" in a or a.startswith("[") for a in q.accept)):
            continue  # left out, with a warning: GIFT cannot hold a pattern-only question
        lost += [f"{q.id}: {x}" for x in question_losses(quiz, q, by_name[q.id])]
    assert not lost, "\n".join(lost)
    # What GIFT cannot say, as Moodle reads it: every question is worth 1, and a second try costs a
    # third (true/false: all) -- reference/lms-export.md says so; Moodle XML keeps points and penalty 0.
    assert {q["defaultmark"] for q in questions} == {1}
    assert {(q["qtype"] == "truefalse", q["penalty"]) for q in questions} <= {(False, 0.3333333), (True, 1)}
    categories = [q["category"] for q in got["questions"] if q["qtype"] == "category"]
    assert len(categories) == 1 + len(quiz.pools)
