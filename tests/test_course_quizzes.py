"""The course's own quizzes and chapters meet the course standard, checked on every run."""
import json
import re
from pathlib import Path

import pytest

from kcourse.core.grading import Status, correct_response, grade
from kcourse.core.loader import load_many

ROOT = Path(__file__).resolve().parent.parent
QUIZZES = ROOT / "quizzes"
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))


@pytest.fixture(scope="module")
def report():
    return load_many([QUIZZES])


def test_every_quiz_file_is_valid_and_warning_free(report):
    assert report.problems == [], "\n".join(map(str, report.problems))
    assert report.warnings == [], "\n".join(map(str, report.warnings))
    assert report.files == len(report.quizzes) >= 1


def chapter_quizzes(report):
    return {q.id: q for q in report.quizzes.values() if q.id.startswith("ch")}


def test_chapter_quizzes_meet_the_standard(report):
    for quiz in chapter_quizzes(report).values():
        questions = quiz.all_questions
        assert len(questions) >= 8, f"{quiz.id}: {len(questions)} questions"
        assert len({q.type for q in questions}) >= 3, f"{quiz.id}: fewer than 3 question types"
        for q in questions:
            assert q.tags, f"{quiz.id}/{q.id} has no objective tag"
            for o in getattr(q, "options", ()):
                assert o.correct or len(o.feedback) >= 15, f"{quiz.id}/{q.id}/{o.id}: wrong option needs feedback"


def test_the_course_has_timeline_and_matching_questions(report):
    types = {q.type for quiz in report.quizzes.values() for q in quiz.all_questions}
    assert {"ordering", "matching"} <= types


def test_every_key_earns_full_points(report):
    for quiz in report.quizzes.values():
        for q in quiz.all_questions:
            assert grade(q, correct_response(q)).status is Status.CORRECT, f"{quiz.id}/{q.id}"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_notebook_is_clean_and_shows_its_quiz(report, notebook):
    nb = json.loads(notebook.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "commit without outputs"
    number = notebook.name[:2]
    quiz_id = f"ch{number}-{notebook.stem[3:]}"
    assert quiz_id in report.quizzes, f"no quiz {quiz_id}"
    assert any(f'kcourse.quiz("{quiz_id}")' in "".join(c["source"]) for c in code)
    assert report.quizzes[quiz_id].chapter == int(number)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_quiz_tags_name_objectives_of_the_chapter(report, notebook):
    quiz_id = f"ch{notebook.name[:2]}-{notebook.stem[3:]}"
    text = "".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"])
    missing = sorted({t for q in report.quizzes[quiz_id].all_questions for t in q.tags
                      if f"<!-- quiz tag: {t} -->" not in text})
    assert not missing, f"{quiz_id}: tags that name no objective in {notebook.name}: {missing}"
    # a reader (JupyterLab, Notebook, the book) sees no tag id: it is in an HTML comment, never `shown`
    objectives = text[text.index("**Objectives**"):]
    objectives = objectives[:objectives.index("\n\n", objectives.index("\n- "))]
    assert not re.search(r"\(`[a-z0-9-]+`\)", re.sub(r"<!--.*?-->", "", objectives)), objectives
    # no punctuation left alone at the start of a line: Markdown joins the lines with a space ("speed ;")
    stray = re.findall(r"[^\n]{0,40}\n *[;.,:](?= |$)", objectives, re.M)
    assert not stray, f"{notebook.name}: an objective's punctuation starts a line (shows as 'word ;'): {stray}"
