"""``kcourse new``: the starter course builds clean with ``-W -n``, its Markdown-page quiz and notebook quiz work
offline in chromium, a quiz edit re-renders only the pages that use it, a broken quiz fails the build at its
file and line, and two courses reusing a quiz id on one origin keep their answers apart.

Two books: the starter course ``demo`` (cold build about 20 s) and a second course ``other`` made the same way
but with only its Markdown page (no notebook, so no kernel).
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kcourse.cli import main as kcourse_main
from kcourse.core.grading import grade
from kcourse.core.loader import load_quiz
from kcourse.core.variants import make_variant

from ..frontend.static_support import chromium, fieldset, press, serve, set_response, verdict

pytestmark = [pytest.mark.slow, pytest.mark.book, pytest.mark.kernel]


def new(folder: Path, *args: str) -> Path:
    with pytest.raises(SystemExit) as done:
        kcourse_main(["new", str(folder), *args])
    assert done.value.code == 0
    return folder


def build(folder: Path, *flags: str) -> tuple[int, str]:
    env = {**os.environ, "KCOURSE_HOME": str(folder.parent / "home")}
    r = subprocess.run([sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build",
                        str(folder), *flags], capture_output=True, text=True, cwd=folder.parent, env=env)
    return r.returncode, re.sub(r"\x1b\[[0-9;]*m", "", r.stdout + r.stderr)  # jupyter-book colours its log


def clean_build(folder: Path) -> str:
    rc, out = build(folder, "-W", "-n", "--keep-going")
    assert rc == 0 and "Traceback" not in out, out[-4000:]
    return out


def executed(out: str) -> list[str]:
    return sorted(re.findall(r"([\w-]+)\.ipynb: Executing notebook", out)
                  + re.findall(r"kcourse: executed \S*?([\w-]+)\.ipynb in parallel", out))


def read_pages(out: str) -> list[str]:
    """The pages Sphinx read again (``reading sources... [ 50%] chapters/02-practice``)."""
    return sorted(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", out))


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    base = tmp_path_factory.mktemp("courses")
    site = base / "site"  # both books under one origin, as two books on one github.io site
    demo = new(base / "demo", "--title", "Demo course")
    other = new(base / "other", "--course-id", "other-course")
    (other / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/02-practice\n")
    (other / "intro.md").write_text("# Other course\n\n{doc}`chapters/02-practice`\n")
    (other / "chapters" / "01-first-steps.ipynb").unlink()
    out = clean_build(demo)
    clean_build(other)
    site.mkdir()
    shutil.copytree(demo / "_build" / "html", site / "demo")
    shutil.copytree(other / "_build" / "html", site / "other")
    return {"demo": demo, "other": other, "site": site, "out": out}


def test_the_starter_course_is_complete_and_valid(books):
    demo = books["demo"]
    for rel in ("_config.yml", "_toc.yml", "intro.md", "chapters/01-first-steps.ipynb", "chapters/02-practice.md",
                "quizzes/course.yml", "quizzes/ch01-first-steps.yml", "requirements.txt", ".ci/run",
                ".github/workflows/book.yml"):
        assert (demo / rel).is_file(), rel
    quiz = load_quiz(demo / "quizzes" / "ch01-first-steps.yml")
    assert {q.type for q in quiz.all_questions} == {"single", "multiple", "true_false", "numeric", "text",
                                                     "ordering", "matching"}
    assert "kcourse.book" in (demo / "_config.yml").read_text()
    nb = json.loads((demo / "chapters" / "01-first-steps.ipynb").read_text())
    assert all(c.get("outputs", []) == [] for c in nb["cells"])  # committed without outputs


def test_the_starter_course_builds_without_warnings_and_offline(books):
    out, html = books["out"], books["demo"] / "_build" / "html"
    assert "build succeeded" in out and "WARNING" not in out.replace("[IPKernelApp] WARNING", "")
    for page in ("chapters/01-first-steps.html", "chapters/02-practice.html"):
        text = (html / page).read_text()
        assert 'data-kq-course="demo"' in text, page
        assert "widget-view+json" not in text and "widget-state+json" not in text, page
        assert not re.search(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", text), page
    practice = (html / "chapters" / "02-practice.html").read_text()
    assert "<math" in practice and "\\u003cmath" in practice  # MathML at build time: the page's and the quiz's


def test_kcourse_new_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(SystemExit) as done:
        kcourse_main(["new", str(tmp_path)])
    assert done.value.code == 2 and "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def kcourse_keys(page) -> list[str]:
    return sorted(k for k in page.evaluate("Object.keys(localStorage)") if k.startswith("kcourse:"))


def open_quiz(ctx, url: str):
    page = ctx.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("section.kq[data-kq-state=ready]")
    return page, page.locator("section.kq").first


@pytest.mark.browser
def test_the_markdown_page_quiz_and_the_notebook_quiz_work_offline(books, browser):
    demo = books["demo"]
    with serve(books["site"]) as site:
        ctx = browser.new_context(offline=False)
        for page_name, quiz_id, qid, response in [("02-practice", "ch02-practice", "markdown-pages", False),
                                                  ("01-first-steps", "ch01-first-steps", "offline", True)]:
            quiz = load_quiz(demo / "quizzes" / f"{quiz_id}.yml")
            page, root = open_quiz(ctx, f"{site}demo/chapters/{page_name}.html")
            q = quiz.question(qid)
            set_response(root, q, response)
            press(root, qid, "Check")
            assert fieldset(root, qid).locator(".kq-verdict").inner_text() == verdict(grade(q, response))
            seed = int(root.get_attribute("data-kq-seed"))
            assert [fs.get_attribute("data-qid") for fs in root.locator("fieldset").all()] == \
                list(make_variant(quiz, seed).question_ids)
            assert page.errors == [], page.errors
            assert [u for u in page.requests if not u.startswith(site)] == []
        ctx.close()


@pytest.mark.browser
def test_two_courses_with_the_same_quiz_id_on_one_origin_keep_their_answers_apart(books, browser):
    quiz = load_quiz(books["demo"] / "quizzes" / "ch02-practice.yml")
    q = quiz.question("markdown-pages")
    with serve(books["site"]) as site:
        ctx = browser.new_context()
        page, root = open_quiz(ctx, f"{site}demo/chapters/02-practice.html")
        set_response(root, q, True)
        press(root, q.id, "Check")
        assert kcourse_keys(page) == ["kcourse:v2:demo:ch02-practice:practice"]
        page, root = open_quiz(ctx, f"{site}other/chapters/02-practice.html")
        assert fieldset(root, q.id).locator(".kq-verdict").count() == 0  # not the demo course's answer
        assert not fieldset(root, q.id).locator("input:checked").count()
        page, root = open_quiz(ctx, f"{site}demo/chapters/02-practice.html")
        assert fieldset(root, q.id).locator(".kq-verdict").inner_text() == verdict(grade(q, True))
        ctx.close()


@pytest.mark.browser
def test_an_answer_kept_before_course_ids_is_taken_over_once(books, browser):
    quiz = load_quiz(books["demo"] / "quizzes" / "ch02-practice.yml")
    q = quiz.question("quiz-cells")
    with serve(books["site"]) as site:
        ctx = browser.new_context()
        page, root = open_quiz(ctx, f"{site}other/chapters/02-practice.html")
        seed = int(root.get_attribute("data-kq-seed"))
        old = {"seed": seed, "answers": {"quiz-cells": "1"}, "checked": {}, "touched": {"quiz-cells": True}}
        page.evaluate("v => { localStorage.clear(); localStorage.setItem('kcourse:v1:ch02-practice:practice', v); }",
                      json.dumps(old))
        page, root = open_quiz(ctx, f"{site}other/chapters/02-practice.html")
        assert fieldset(root, q.id).locator("input").input_value() == "1"
        assert kcourse_keys(page) == ["kcourse:v2:other-course:ch02-practice:practice"]
        page, root = open_quiz(ctx, f"{site}demo/chapters/02-practice.html")
        assert fieldset(root, q.id).locator("input").input_value() == ""  # read once, by one course
        ctx.close()


def test_a_quiz_edit_re_renders_only_the_pages_that_use_it(books):
    demo = books["demo"]
    quiz = demo / "quizzes" / "ch02-practice.yml"
    quiz.write_text(quiz.read_text().replace('title: "Practice"', 'title: "Practice, edited"'))
    out = clean_build(demo)
    assert read_pages(out) == ["chapters/02-practice"] and executed(out) == []
    assert "Practice, edited" in (demo / "_build" / "html" / "chapters" / "02-practice.html").read_text()
    quiz = demo / "quizzes" / "ch01-first-steps.yml"
    quiz.write_text(quiz.read_text().replace('title: "First steps"', 'title: "First steps, edited"'))
    out = clean_build(demo)
    assert read_pages(out) == ["chapters/01-first-steps"] and executed(out) == ["01-first-steps"]
    assert "First steps, edited" in (demo / "_build" / "html" / "chapters" / "01-first-steps.html").read_text()
    out = clean_build(demo)
    assert read_pages(out) == [] and executed(out) == []


def test_a_broken_quiz_fails_the_build_at_its_file_and_line_and_learners_see_no_path(books):
    other = books["other"]
    quiz = other / "quizzes" / "ch02-practice.yml"
    good = quiz.read_text()
    quiz.write_text(good.replace("    answer: false\n", "    answer: maybe\n"))
    try:
        rc, out = build(other, "-W", "-n", "--keep-going")
        assert rc != 0
        line = good.splitlines().index("    answer: false") + 1
        assert re.search(rf"quizzes/ch02-practice\.yml:{line}: WARNING: questions\[2\]\.answer: ", out), out[-3000:]
        rc, out = build(other)  # without -W the book is built; the page names no path of the author's computer
        assert rc == 0
        page = (other / "_build" / "html" / "chapters" / "02-practice.html").read_text()
        assert "kcourse-quiz-error" in page and str(other) not in page and "data-kq-course" not in page
    finally:
        quiz.write_text(good)


def test_the_starter_course_says_this_year_in_its_footer(tmp_path, capsys):
    """Without a copyright line Jupyter Book prints '© Copyright 2023.' under every page of a new course."""
    from datetime import date

    with pytest.raises(SystemExit) as done:
        kcourse_main(["new", str(tmp_path / "c")])
    assert done.value.code in (0, None), capsys.readouterr().err
    assert f'\ncopyright: "{date.today().year}"\n' in (tmp_path / "c" / "_config.yml").read_text()
