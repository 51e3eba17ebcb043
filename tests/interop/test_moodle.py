"""Every course quiz through Moodle's own importers under php-cli: question/format/xml/format.php (with
the ordering question type's import_from_xml) and question/format/gift/format.php.

``moodle/moodle_import.php`` loads Moodle's format classes from ``KCOURSE_INTEROP_DIR`` and prints the
questions they read; those are compared with the YAML key question by question.
"""
from __future__ import annotations

import json
import math
import subprocess

import pytest

from kcourse.core import model as m
from kcourse.export.common import ident
from kcourse.export.gift import to_gift
from kcourse.export.moodle import to_moodle_xml

from .conftest import HERE, course_quizzes
from .key import interval, plain, right_text, seen, visible


def moodle_import(moodle_dir, quiz, fmt: str, tmp_path) -> dict:
    path = tmp_path / f"{quiz.id}.{fmt}"
    path.write_bytes(to_gift(quiz) if fmt == "gift" else to_moodle_xml(quiz))
    run = subprocess.run(["php", str(HERE / "moodle" / "moodle_import.php"), str(moodle_dir), fmt, str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def _text(field) -> str:
    return visible(field["text"] if isinstance(field, dict) else field)


def question_losses(quiz: m.Quiz, q: m.Question, got: dict, fmt: str) -> list[str]:
    """What Moodle lost of ``q`` read from format ``fmt`` (beyond what the format cannot say)."""
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
    if fmt == "xml":
        same("points", float(got.get("defaultmark")), q.points)
        same("penalty", float(got.get("penalty")), 0.0)
        same("hints", [_text(h) for h in got.get("hint", [])], [seen(h) for h in q.hints])
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
        gift_ok = [a for a in q.accept if "->" not in a and not a.startswith("[")]
        same("accepted answers", sorted(plain(a).replace("\\*", "*") for a in got.get("answer", [])),
             sorted(gift_ok if fmt == "gift" else q.accept))
        same("all count fully", {float(f) for f in got.get("fraction", [])}, {1.0})
        if fmt == "xml":
            same("case sensitive", int(got.get("usecase")), int(q.case_sensitive))
    elif isinstance(q, m.Ordering) and fmt == "xml":
        same("type", kind, "ordering")
        same("items in order", [_text(a) for a in got.get("answer", [])], [seen(i.text, inline=True) for i in q.items])
        # all items shown, graded by the pairs in the right order relative to all others: our rule
        same("options", (got.get("selecttype"), got.get("selectcount"), got.get("gradingtype")),
             (0, len(q.items), 4))
    elif isinstance(q, (m.Matching, m.Ordering)):
        same("type", kind, "match")
        pairs = sorted((_text(s), plain(a)) for s, a in zip(got.get("subquestions", []), got.get("subanswers", [])))
        if isinstance(q, m.Matching):  # a distractor is an answer with no question
            want = [(seen(p.left, inline=True), right_text(p.right)) for p in q.pairs]
            want += [("", right_text(d.text)) for d in q.distractors]
        else:
            want = [(seen(i.text, inline=True), str(k)) for k, i in enumerate(q.items, 1)]
        same("pairs", pairs, sorted(want))
    return lost


def _left_out(q: m.Question, fmt: str) -> bool:
    """Pattern-only text questions are left out, with a warning; GIFT also leaves out answers it cannot hold."""
    if not isinstance(q, m.ShortText):
        return False
    return not q.accept or (fmt == "gift" and all("->" in a or a.startswith("[") for a in q.accept))


def _compare(moodle_dir, quiz, fmt, tmp_path) -> list[dict]:
    got = moodle_import(moodle_dir, quiz, fmt, tmp_path)
    assert got["errors"] == []
    questions = [q for q in got["questions"] if q["qtype"] != "category"]
    by_name = {q["name"]: q for q in questions}
    lost: list[str] = []
    for q in quiz.all_questions:
        if not _left_out(q, fmt):
            lost += [f"{q.id}: {x}" for x in question_losses(quiz, q, by_name[q.id], fmt)]
    assert not lost, "\n".join(lost)
    assert len(questions) == sum(not _left_out(q, fmt) for q in quiz.all_questions)
    categories = [q["category"] for q in got["questions"] if q["qtype"] == "category"]
    assert len(categories) == 1 + len(quiz.pools)
    return questions


@pytest.mark.parametrize("quiz", course_quizzes())
def test_moodle_xml_keeps_every_answer_feedback_point_hint_and_tag(moodle_dir, quiz, tmp_path):
    _compare(moodle_dir, quiz, "xml", tmp_path)


@pytest.mark.parametrize("quiz", course_quizzes())
def test_moodle_gift_keeps_every_answer_feedback_id_number_and_tag(moodle_dir, quiz, tmp_path):
    questions = _compare(moodle_dir, quiz, "gift", tmp_path)
    # What GIFT cannot say, as Moodle reads it: every question is worth 1, and a second try costs a
    # third (true/false: all) -- reference/lms-export.md says so; Moodle XML keeps points and penalty 0.
    assert {q["defaultmark"] for q in questions} == {1}
    assert {(q["qtype"] == "truefalse", q["penalty"]) for q in questions} <= {(False, 0.3333333), (True, 1)}
