"""The JupyterLab quiz driven from Python: set widget values, click buttons, read feedback and scores."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import ipywidgets as w
import pytest
from click.testing import CliRunner

import kcourse
from kcourse.cli import cli
from kcourse.core import practice
from kcourse.core.grading import correct_response
from kcourse.core.loader import load_quiz, load_quiz_text
from kcourse.core.submission import grade_submission, load_submission
from kcourse.core.variants import seed_for
from kcourse.frontend import controls as c
from kcourse.frontend.display import QUIZ_MIME, QuizDisplay, QuizProblem
from kcourse.frontend.widgets import QuizWidget, file_name
from kcourse.storage.progress_store import ProgressStore, form_id

QUIZ = Path(__file__).parents[1] / "files" / "quiz" / "valid-all-types.yml"
SEED = seed_for("valid-all-types", "s1")


@pytest.fixture(scope="module")
def quiz():
    return load_quiz(QUIZ)


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "home" / "progress.json")


@pytest.fixture
def qw(quiz, store):
    return QuizWidget(quiz, seed=SEED, store=store)


def answer(panel, response) -> None:
    """Answer through the widgets themselves, as a learner's clicks would."""
    ctl = panel.control
    if isinstance(ctl, (c.SingleControl, c.TrueFalseControl)):
        ctl.radio.value = response
    elif isinstance(ctl, c.MultipleControl):
        for oid, box in ctl.boxes.items():
            box.value = oid in response
    elif isinstance(ctl, (c.NumericControl, c.TextControl)):
        ctl.text.value = f"{response:g}" if isinstance(response, float) else str(response)
    elif isinstance(ctl, c.OrderingControl):
        for target, iid in enumerate(response):  # selection sort by clicking Up
            k = ctl.order.index(iid)
            for pos in range(k, target, -1):
                ctl.ups[pos].click()
        assert ctl.order == list(response)
    elif isinstance(ctl, c.MatchingControl):  # rows name a right-hand side by its pair or distractor id
        from kcourse.core.ids import choice_id

        choice = dict(panel.q.answer_of) | {d.id: choice_id(d.text) for d in panel.q.distractors}
        for pid, drop in ctl.drops.items():
            drop.value = choice.get(response.get(pid), response.get(pid))  # choice ids pass as they are
    else:
        raise TypeError(ctl)


def walk(widget):
    """Every widget reachable from ``widget`` (children, layouts, styles)."""
    seen, todo = set(), [widget]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        yield x
        for key in x.keys:
            v = getattr(x, key, None)
            for item in (v if isinstance(v, (tuple, list)) else [v]):
                if isinstance(item, w.Widget):
                    todo.append(item)


CASES = [
    # question id, response, status, score, text expected in the feedback
    ("bkl-removed", "a", "correct", 2, "Right."),
    ("bkl-removed", "b", "incorrect", 0, "lock_kernel()"),
    ("building-blocks", ["ns", "cg", "sc"], "correct", 1, "Namespaces, cgroups"),
    ("building-blocks", ["ns", "cg"], "partial", 0.666667, "You missed 1 right option."),
    ("building-blocks", ["hv"], "incorrect", 0, "not lightweight VMs"),
    ("kvm-in-tree", True, "correct", 1, "February 2007"),
    ("kvm-in-tree", False, "incorrect", 0, "merged quickly"),
    ("commits", "14000", "correct", 1, "About 13,500"),
    ("commits", "15000", "incorrect", 0, "15000 is too high"),
    ("commits", "13,500", "correct", 1, "About 13,500"),
    ("weeks", "9.5", "correct", 1, "9 or 10 weeks"),
    ("weeks", "11", "incorrect", 0, "11 is too high"),
    ("async-io", "  IO_URING ", "correct", 1, "io_uring (5.1, 2019)"),
    ("async-io", "io-uring", "correct", 1, "io_uring"),
    ("async-io", "epoll", "incorrect", 0, "io_uring (5.1, 2019)"),
    ("timeline", ["smp", "l26", "kvm", "bkl"], "correct", 1, "SMP 1996"),
    ("timeline", ["smp", "kvm", "l26", "bkl"], "partial", 0.833333, "SMP 1996"),
    ("timeline", ["bkl", "kvm", "l26", "smp"], "incorrect", 0, "SMP 1996"),
    ("match-blocks", {"ns": "ns", "cg": "cg", "sc": "sc"}, "correct", 1, "Namespaces isolate"),
    ("match-blocks", {"ns": "ns", "cg": "sc", "sc": "cg"}, "partial", 0.333333, "Namespaces isolate"),
    ("match-blocks", {"ns": "cg", "cg": "sc", "sc": "vm"}, "incorrect", 0, "Namespaces isolate"),
]


@pytest.mark.parametrize("qid, response, status, score, text", CASES,
                         ids=[f"{q}-{s}-{k}" for k, (q, _, s, _, _) in enumerate(CASES)])
def test_check_grades_every_question_type(qw, qid, response, status, score, text):
    panel = qw.panels[qid]
    answer(panel, response)
    panel.check_button.click()
    assert panel.result.status.value == status
    assert panel.result.score == pytest.approx(score)
    assert {"correct": "Correct", "partial": "Partly right", "incorrect": "Not right"}[status] in panel.feedback.value
    assert ("Explanation." in panel.feedback.value) == (status == "correct"), "a wrong first try shows no answer"
    assert all(x.disabled for x in panel.control.inputs), "a checked answer is locked until Try again"
    assert f"Score: {practice.shown(panel.result.score)} of 10 points" in qw.score.value
    assert qw.store.record(qw.quiz.id).results[qid]["status"] == status
    if status != "correct":
        assert not panel.answer_button.disabled
        panel.answer_button.click()
    assert text in panel.feedback.value and "Explanation." in panel.feedback.value
    assert panel.retry_button.disabled and panel.answer_button.disabled, "the answer is shown: done"


def test_numeric_shows_its_unit_and_warns_on_text_that_is_not_a_number(qw):
    ctl = qw.panels["weeks"].control
    assert ctl.unit.value == "weeks" and ctl.unit in ctl.widget.children
    ctl.text.value = "nine"
    assert "This is not a number" in ctl.warning.value
    ctl.text.value = "9 days"
    assert "days is not the unit asked for" in ctl.warning.value
    ctl.text.value = "9 weeks"
    assert ctl.warning.value == "" and ctl.response() == 9
    ctl.text.value = "9"
    assert ctl.warning.value == "" and ctl.response() == 9


def test_checking_a_blank_answer_asks_for_one(qw):
    panel = qw.panels["bkl-removed"]
    panel.check_button.click()
    assert panel.result is None and "Answer first, then check." in panel.feedback.value
    assert qw.store.record(qw.quiz.id) is None, "nothing is written before the learner answers"


def test_an_untouched_ordering_is_graded_as_shown_like_the_static_page(qw, quiz):
    from kcourse.core.grading import grade

    panel = qw.panels["timeline"]
    shown = list(panel.control.start)
    assert shown != [i.id for i in quiz.question("timeline").items]  # never shown already solved
    assert panel.control.response() is None and "timeline" not in qw.responses()  # not in a saved submission
    panel.check_button.click()
    assert qw.responses()["timeline"] == shown
    assert panel.result == grade(quiz.question("timeline"), shown)
    assert panel.result.score < 1


def test_ordering_items_are_marked_with_the_static_pages_words(qw, quiz):
    """An item in its place or not, as the book says it (quiz.js: quiz.mark.in_place / not_here)."""
    panel = qw.panels["timeline"]
    panel.check_button.click()
    assert panel.result.score < 1
    value = panel.feedback.value
    assert "✓ in place" in value and "✗ not here" in value, value
    assert "✓ right<" not in value and "✗ wrong<" not in value


def test_ordering_feedback_says_how_many_pairs_are_in_order_which_is_what_the_score_counts(qw, quiz):
    """Items out of place can still earn most of the points: the line next to the marks says why (grade.order_pairs)."""
    q = quiz.question("timeline")
    panel = qw.panels["timeline"]
    panel.check_button.click()
    pairs = len(q.items) * (len(q.items) - 1) // 2
    good = round(panel.result.score / q.points * pairs)
    assert f"Pairs of items in the right order: {good} of {pairs}; the score counts these pairs." in \
        panel.feedback.value, panel.feedback.value


def test_try_again_keeps_the_answer_and_the_score_until_the_next_check(qw):
    panel = qw.panels["building-blocks"]
    answer(panel, ["ns", "hv"])
    panel.check_button.click()
    assert "namespaces: <span class='kcourse-mark-ok'>✓ right" in panel.feedback.value
    assert "a hypervisor: <span class='kcourse-mark-bad'>✗ wrong" in panel.feedback.value, "marked part by part"
    assert "Try 1 of 2" in panel.feedback.value and "Explanation." not in panel.feedback.value
    assert not panel.retry_button.disabled and panel.check_button.disabled
    panel.retry_button.click()
    assert sorted(panel.control.response()) == ["hv", "ns"] and not panel.control.boxes["ns"].disabled
    assert "Your last try" in panel.feedback.value and "It counts until you check again" in panel.feedback.value
    assert "Score: 0 of 10 points" in qw.score.value, "Try again removes no point (this try earned 0)"
    answer(panel, ["ns", "cg"])
    panel.check_button.click()
    assert panel.result.score == pytest.approx(0.666667) and "Try 2." in panel.feedback.value
    assert "Explanation." in panel.feedback.value, "after 2 tries the answer shows"
    s = qw.score_now()
    assert (s.total, s.first_total) == (0.666667, 0.0)
    assert "first tries: 0 ·" in qw.score.value and "Score: 0.67 of 10 points" in qw.score.value


def test_input_that_is_not_an_answer_yet_costs_no_try(qw):
    panel = qw.panels["commits"]
    for text, says in [("13.500", "could mean 13500"), ("5-6", "not a range"), ("lots", "This is not a number")]:
        answer(panel, text)
        panel.check_button.click()
        assert panel.result is None and says in panel.feedback.value and panel.tries == 0
    match = qw.panels["match-blocks"]
    answer(match, {"ns": "ns"})
    match.check_button.click()
    assert match.result is None and "2 rows are still “Choose…”" in match.feedback.value
    answer(match, {"ns": "ns", "cg": "ns", "sc": "sc"})
    match.check_button.click()
    assert match.result is None and "rows 1 and 2 have the same answer" in match.feedback.value
    assert match.control.drops["ns"].options[0][0] == "Choose…"


def test_a_new_attempt_restores_the_shuffled_start_and_keeps_the_best(qw):
    ctl = qw.panels["timeline"].control
    start = list(ctl.order)
    answer(qw.panels["timeline"], ["smp", "l26", "kvm", "bkl"])
    qw.panels["timeline"].check_button.click()
    assert all(b.disabled for b in ctl.ups + ctl.downs)
    assert qw.panels["timeline"].retry_button.disabled, "right at once: the answer is shown, nothing to retry"
    assert start != ["smp", "l26", "kvm", "bkl"]
    qw.new_attempt()
    assert ctl.order == start and ctl.response() is None
    assert not ctl.ups[1].disabled and ctl.ups[0].disabled and ctl.downs[-1].disabled
    assert qw.record.best_score == 10.0 and qw.score_now().checked == 0


def test_hints_come_one_at_a_time(qw):
    panel = qw.panels["bkl-removed"]
    assert panel.hint_area.value == "" and panel.hint_button.description == "Hint (1 of 1)"
    panel.hint_button.click()
    assert "It was 2011." in panel.hint_area.value
    assert panel.hint_button.disabled and panel.hint_button.description == "No more hints"
    assert qw.store.record(qw.quiz.id).hints_shown == {"bkl-removed": 1}
    assert qw.panels["commits"].hint_button not in walk(qw.widget), "no hint button without hints"


def test_summary_after_every_question_is_checked(qw):
    assert "(9 left)" in qw.summary.value
    for qid, panel in qw.panels.items():
        answer(panel, correct_response(panel.q))
        if qid == "bkl-removed":
            answer(panel, "b")  # 2 of 10 points lost
        panel.check_button.click()
    assert "8 of 10 points (80 %)" in qw.summary.value and "pass mark is 50 %" in qw.summary.value
    assert "Passed: the pass mark" in qw.summary.value  # the static page's words (kcourse/core/i18n)
    rec = qw.store.record(qw.quiz.id)
    assert rec.last_score == 80.0 and rec.best_score == 80.0


WRONG = {"bkl-removed": "b", "building-blocks": ["hv"], "commits": "0", "weeks": "0", "async-io": "epoll",
         "timeline": ["bkl", "kvm", "l26", "smp"], "match-blocks": {"ns": "cg", "cg": "sc", "sc": "vm"}, "first-fosdem": "0",
         "first-fosdem-kernel": "b"}


def test_summary_says_not_passed_below_the_pass_mark(qw):
    for qid, panel in qw.panels.items():
        answer(panel, True if qid == "kvm-in-tree" else WRONG[qid])
        panel.check_button.click()
    assert "1 of 10 points (10 %)" in qw.summary.value and "Not passed yet" in qw.summary.value
    assert "Start a new attempt" in qw.summary.value
    assert "Question 1, “In which release" in qw.summary.value, "the summary names every question"


# -- progress -----------------------------------------------------------------------------------------

def test_answers_come_back_when_the_cell_runs_again(quiz, store):
    first = QuizWidget(quiz, store=store)  # no seed, no student id: a random seed, kept once answered
    answer(first.panels["bkl-removed"], "a")
    first.panels["bkl-removed"].check_button.click()
    answer(first.panels["async-io"], "io_uring")
    answer(first.panels["timeline"], ["smp", "l26", "kvm", "bkl"])
    first.panels["bkl-removed"].hint_button.click()

    again = QuizWidget(quiz, store=ProgressStore(store.path))
    assert again.seed == first.seed and again.ids == first.ids
    assert again.responses() == first.responses()
    p = again.panels["bkl-removed"]
    assert p.result.score == 2 and p.check_button.disabled and p.control.radio.disabled
    assert "It was 2011." in p.hint_area.value
    assert again.panels["async-io"].result is None and not again.panels["async-io"].control.text.disabled
    assert again.result().total == first.result().total == 2
    assert again.panels["timeline"].control.order == ["smp", "l26", "kvm", "bkl"]


def test_a_student_id_gives_that_students_variant(quiz, store):
    qw = QuizWidget(quiz, student_id=" s1 ", store=store)
    assert qw.seed == SEED and qw.student_box.value == "s1"


def test_a_corrupt_progress_file_never_breaks_the_quiz(quiz, store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"schema_version": 1, "quizzes": {')
    qw = QuizWidget(quiz, seed=SEED, store=store)
    assert "could not be read" in qw.notices.value and "moved to" in qw.notices.value
    aside = list(store.path.parent.glob("progress.corrupt-*.json"))
    assert len(aside) == 1 and aside[0].read_text() == '{"schema_version": 1, "quizzes": {'
    answer(qw.panels["bkl-removed"], "a")
    assert json.loads(store.path.read_text())["quizzes"]["valid-all-types"]["responses"] == {"bkl-removed": "a"}


def test_an_unwritable_progress_folder_is_reported_in_the_widget(quiz, tmp_path):
    (tmp_path / "blocker").write_text("a file, not a folder")
    qw = QuizWidget(quiz, seed=SEED, store=ProgressStore(tmp_path / "blocker" / "progress.json"))
    answer(qw.panels["bkl-removed"], "a")
    qw.panels["bkl-removed"].check_button.click()
    assert qw.panels["bkl-removed"].result.score == 2
    assert "could not be saved" in qw.notices.value


def test_kcourse_home_is_used_and_named_in_the_widget(monkeypatch, tmp_path):
    monkeypatch.setenv("KCOURSE_HOME", str(tmp_path / "my-home"))
    shown = kcourse.quiz(str(QUIZ), student_id="s1")
    assert isinstance(shown, QuizDisplay)
    assert "Answers are saved in" in shown.widget.storage_note.value
    assert str(tmp_path / "my-home" / "progress.json") in shown.widget.storage_note.value
    answer(shown.widget.panels["kvm-in-tree"], True)
    saved = json.loads((tmp_path / "my-home" / "progress.json").read_text())
    assert saved["quizzes"]["quiz/valid-all-types"]["responses"] == {"kvm-in-tree": True}  # course "quiz": its folder


# -- submissions --------------------------------------------------------------------------------------

def test_save_submission_writes_a_file_grade_one_scores_the_same(qw, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for panel in qw.panels.values():
        answer(panel, correct_response(panel.q))
    answer(qw.panels["building-blocks"], ["ns", "cg"])
    answer(qw.panels["timeline"], ["smp", "kvm", "l26", "bkl"])
    for panel in qw.panels.values():
        panel.check_button.click()
    shown = qw.result()
    qw.student_box.value = "s 1/x"
    qw.save_button.click()
    path = tmp_path / "valid-all-types-s_1_x.json"
    assert path.is_file() and str(path) in qw.save_status.value
    sub = load_submission(path)
    assert sub.generator.endswith("(JupyterLab)") and sub.student_id == "s 1/x" and sub.variant_seed == SEED
    graded = grade_submission(qw.quiz, sub)
    assert graded.total == shown.total == pytest.approx(9.5)
    assert graded.percentage == shown.percentage == 95.0
    assert f"9.5 of 10 points ({shown.percentage:g} %)." in qw.save_status.value, "the score the quiz shows"
    data = json.loads(path.read_text())
    assert data["score"]["total"] == 9.5 and data["quiz_title"] == "Every question type"
    rows = {r["id"]: r for r in data["questions"]}
    assert rows["bkl-removed"]["answer"] == "2.6.39" and rows["bkl-removed"]["prompt"].startswith("In which release")
    assert rows["match-blocks"]["answer"].startswith("namespaces → ")
    out = CliRunner().invoke(cli, ["grade-one", str(QUIZ), str(path), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["percentage"] == shown.percentage
    rec = qw.store.record(qw.quiz.id)
    assert rec.student_id == "s 1/x" and rec.submission_file == str(path)


def test_save_submission_needs_a_student_id(qw, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    qw.save_button.click()
    assert "Type your student id first" in qw.save_status.value
    assert list(tmp_path.glob("*.json")) == []


@pytest.mark.parametrize("sid, name", [("s1", "q-s1.json"), ("  Ann Lee ", "q-Ann_Lee.json"),
                                       ("../../etc", "q-etc.json"), ("...", "q-student.json")],
                         ids=["plain", "spaces", "path", "dots"])
def test_file_name_is_safe(sid, name):
    assert file_name("q", sid) == name


# -- assessment mode ----------------------------------------------------------------------------------

def _state_dump(root) -> str:
    """Every widget's synced state as one text, without model references (random hex could match digits)."""
    dump = json.dumps([x.get_state() for x in walk(root)], default=str)
    return re.sub(r"IPY_MODEL_[0-9a-f]+", "IPY_MODEL", dump)


def _key_strings(quiz, *, answers: bool = True) -> set[str]:
    """Texts that would give an answer away (``answers``: also the accepted answers themselves)."""
    out = set()
    for q in quiz.all_questions:
        out.add(q.explanation.strip())
        for o in getattr(q, "options", ()):
            if o.feedback:
                out.add(o.feedback)
        for attr in ("feedback_true", "feedback_false", "pattern"):
            if getattr(q, attr, None):
                out.add(getattr(q, attr))
        if not answers:
            continue
        out.update(getattr(q, "accept", ()))
        if getattr(q, "answer", None) not in (None, True, False):
            out.add(f"{q.answer:g}")
    return out


@pytest.fixture(scope="module")
def assessment_quiz():
    text = QUIZ.read_text().replace("pass_mark: 50", "pass_mark: 50\nmode: assessment")
    return load_quiz_text(text, str(QUIZ), quizzes_dir=QUIZ.parent)


@pytest.mark.parametrize("how", ["quiz-mode", "mode-argument"])
def test_assessment_has_no_key_in_any_widget_state(how, quiz, assessment_quiz, store):
    the_quiz, mode = (assessment_quiz, None) if how == "quiz-mode" else (quiz, "assessment")
    qw = QuizWidget(the_quiz, seed=SEED, mode=mode, store=store)
    for panel in qw.panels.values():  # the learner answers everything
        answer(panel, correct_response(panel.q))
    dump = _state_dump(qw.widget)  # the learner's own (right) answers are in it; nothing else may be
    leaked = [s for s in _key_strings(the_quiz, answers=False) if s in dump]
    assert leaked == []
    assert "correct" not in dump.lower()
    assert not any(isinstance(x, w.Button) and x.description in ("Check", "Try again") or
                   (isinstance(x, w.Button) and x.description.startswith("Hint")) for x in walk(qw.widget))
    assert "Answered 9 of 9 questions" in qw.score.value and qw.summary.value == ""
    assert qw.check("bkl-removed") is None
    rec = qw.store.record(form_id(the_quiz.id, the_quiz.mode, "assessment"))  # a practice quiz's assessment form
    assert rec.mode == "assessment" and rec.results == {} and rec.last_score is None
    assert (qw.store.record(the_quiz.id) is None) is (how == "mode-argument")


def test_the_practice_form_of_an_exam_is_scored_and_keeps_its_own_record(assessment_quiz, store):
    """A self-learner practises the final exam (kcourse.quiz("final-exam", mode="practice")): Check, feedback and
    a score, in a record of its own; the exam's answers and the practice form's never mix."""
    exam = QuizWidget(assessment_quiz, seed=SEED, store=store)
    answer(exam.panels["kvm-in-tree"], True)
    trial = QuizWidget(assessment_quiz, seed=SEED, mode="practice", store=store)
    assert not trial.assessment and trial.panels["kvm-in-tree"].control.response() is None, "not the exam's answer"
    q = assessment_quiz.question("bkl-removed")
    answer(trial.panels[q.id], correct_response(q))
    trial.check(q.id)
    assert trial.record.results[q.id]["score"] == q.points
    exam_rec, trial_rec = store.record("valid-all-types"), store.record("valid-all-types@practice")
    assert (exam_rec.mode, sorted(exam_rec.responses), exam_rec.results) == ("assessment", ["kvm-in-tree"], {})
    assert (trial_rec.mode, sorted(trial_rec.responses)) == ("practice", ["bkl-removed"])
    again = QuizWidget(assessment_quiz, seed=SEED, mode="practice", store=store)  # reopened: the practice answers
    assert again.record.results == trial.record.results and again.panels["kvm-in-tree"].control.response() is None
    from kcourse.storage.progress_store import course_rows

    rows = {r.title: r for r in course_rows([assessment_quiz], store.records())}
    assert set(rows) == {"Every question type", "Every question type (practice)"}
    assert rows["Every question type"].assessment and rows["Every question type"].score is None
    assert not rows["Every question type (practice)"].assessment and rows["Every question type (practice)"].score > 0


def test_assessment_fresh_widgets_show_nothing_of_the_key(assessment_quiz, store):
    qw = QuizWidget(assessment_quiz, seed=SEED, store=store)
    dump = _state_dump(qw.widget)
    assert len(_key_strings(assessment_quiz)) > 15
    assert [s for s in _key_strings(assessment_quiz) if s in dump] == []
    timeline = qw.panels["timeline"].control
    assert timeline.order != ["smp", "l26", "kvm", "bkl"]


def test_assessment_html_form_has_no_key(assessment_quiz, monkeypatch, tmp_path):
    monkeypatch.setenv("KCOURSE_HOME", str(tmp_path))
    shown = QuizDisplay(assessment_quiz, seed=None, student_id="s1", mode=None)
    page = shown._repr_mimebundle_()["text/html"]
    assert [s for s in _key_strings(assessment_quiz) if len(s) > 8 and s in page] == []


def test_practice_widgets_hold_no_key_before_a_check(qw):
    dump = _state_dump(qw.widget)
    assert [s for s in _key_strings(qw.quiz) if s in dump] == []


# -- display, errors, markdown, accessibility -------------------------------------------------------

def test_the_display_object_carries_three_forms(monkeypatch, tmp_path):
    monkeypatch.setenv("KCOURSE_HOME", str(tmp_path))
    shown = kcourse.quiz(str(QUIZ), student_id="s1")
    bundle = shown._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(bundle)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == shown.widget.widget.model_id
    assert "Every question type" in bundle["text/plain"]
    assert bundle["text/html"].strip()


@pytest.mark.parametrize("ref, kwargs, message", [
    ("no-such-quiz", {}, "no quiz"),
    (str(Path(__file__).parents[1] / "files" / "progress" / "valid-two-quizzes.json"), {}, "valid-two-quizzes"),
    (str(QUIZ), {"seed": -1}, "seed must be a whole number"),
    (str(QUIZ), {"mode": "exam"}, "mode must be one of practice, assessment"),
    (str(QUIZ), {"student_id": 42}, "student_id must be text"),
], ids=["unknown-id", "not-a-quiz", "bad-seed", "bad-mode", "bad-student-id"])
def test_problems_are_shown_not_raised(ref, kwargs, message):
    shown = kcourse.quiz(ref, **kwargs)
    assert isinstance(shown, QuizProblem)
    bundle = shown._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", QUIZ_MIME}  # the book build checks the quiz again itself
    assert bundle[QUIZ_MIME]["ref"] == str(ref)
    assert message in bundle["text/plain"] and "Traceback" not in bundle["text/plain"]
    assert "role='alert'" in bundle["text/html"]


def test_a_bad_quiz_file_lists_its_located_problems(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(QUIZ.read_text().replace("correct: true, feedback: \"Right.\"", "corect: true"))
    shown = kcourse.quiz(str(bad))
    assert isinstance(shown, QuizProblem)
    assert f"{bad}:" in repr(shown) and "corect" in repr(shown)


def test_markdown_is_rendered_and_html_escaped(quiz, store):
    q = quiz.question("bkl-removed")
    evil = replace(q, prompt="Is **this** <script>alert(1)</script> `code`?", explanation="<img src=x onerror=1>")
    hacked = replace(quiz, questions=(evil,) + quiz.questions[1:], pools=())
    qw = QuizWidget(hacked, seed=1, store=store)
    panel = qw.panels["bkl-removed"]
    assert "<strong>this</strong>" in panel.prompt.value and "<code>code</code>" in panel.prompt.value
    assert "<script>" not in panel.prompt.value and "&lt;script&gt;" in panel.prompt.value
    answer(panel, "b")
    panel.check_button.click()
    panel.answer_button.click()
    assert "<img" not in panel.feedback.value and "&lt;img" in panel.feedback.value
    assert "2.6.0 still had ~500 lock_kernel() calls." in c.plain(q.options[1].feedback)
    qw.panels["async-io"].control.text.value = "<b>io_uring</b>"
    qw.panels["async-io"].check_button.click()
    assert "<b>" not in qw.panels["async-io"].feedback.value


def test_every_control_is_labelled_and_every_button_has_a_tooltip(qw):
    for x in walk(qw.widget):
        if isinstance(x, w.Button):
            assert x.description and x.tooltip, x
        elif isinstance(x, (w.RadioButtons, w.Checkbox, w.Text, w.Dropdown)):
            assert x.description.strip(), x


@pytest.mark.parametrize("qid, typed", [("commits", "13500"), ("async-io", "io_uring")])
def test_enter_in_an_answer_box_checks_like_the_check_button(qw, qid, typed):
    panel = qw.panels[qid]
    box = panel.control.text
    box.value = typed
    box._handle_custom_msg({"event": "submit"}, [])  # what the browser sends for Enter in the box
    assert panel.result is not None and panel.result.status.value == "correct"
    assert qw.record.results[qid]["score"] == panel.result.score
