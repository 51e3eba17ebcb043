"""The book builds with no warning, works offline, and its cache re-executes exactly what changed.

One build in a copy of the project (so the tests can edit files): cold build, unchanged rebuild (executes
nothing), a quiz edit (executes that chapter only), a lab edit (the chapters importing that lab only).
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.book, pytest.mark.kernel]
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.I)


def build(project: Path) -> tuple[str, list[str]]:
    r = subprocess.run([sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build",
                        str(project), "-W", "-n", "--keep-going"], capture_output=True, text=True, cwd=project)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-4000:]
    executed = re.findall(r"chapters/([\w-]+)\.ipynb: Executing notebook", out)  # by myst-nb, one at a time
    executed += re.findall(r"kcourse: executed \S*chapters/([\w-]+)\.ipynb in parallel", out)  # by kcourse.book
    return out, sorted(executed)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    dest = tmp_path_factory.mktemp("book") / "course"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "*.egg-info", ".*cache*",
                                                              ".hypothesis", "__pycache__", "tests"))
    out, executed = build(dest)
    return dest, out, executed


def test_cold_build_executes_every_chapter_without_warnings(project):
    dest, out, executed = project
    chapters = sorted(p.stem for p in (dest / "chapters").glob("*.ipynb"))
    assert executed == chapters
    assert "build succeeded" in out and "WARNING:" not in out.replace("[IPKernelApp] WARNING", "")


def test_every_chapter_page_has_its_quiz_and_nothing_external(project):
    dest, _, _ = project
    html = dest / "_build" / "html"
    for nb in sorted((dest / "chapters").glob("*.ipynb")):
        page = (html / "chapters" / f"{nb.stem}.html").read_text()
        assert "data-kq" in page, f"{nb.stem}: no static quiz"
        assert "application/vnd.jupyter.widget-view+json" not in page, f"{nb.stem}: empty widget box"
        assert "application/vnd.jupyter.widget-state+json" not in page, f"{nb.stem}: dead widget state"
        assert "require.min.js" not in page and "html-manager" not in page, f"{nb.stem}: widget JS from a CDN"
    for page in html.rglob("*.html"):
        bad = EXTERNAL.findall(page.read_text())
        assert not bad, f"{page.relative_to(html)} loads {bad[:3]}"


def test_unchanged_rebuild_executes_nothing(project):
    dest, _, _ = project
    _, executed = build(dest)
    assert executed == []


def test_a_quiz_edit_reaches_only_its_chapter(project):
    dest, _, _ = project
    quiz = dest / "quizzes" / "ch03-being-a-good-host.yml"
    text = quiz.read_text()
    title = re.search(r"^title: (.*)$", text, re.M).group(1)
    quiz.write_text(text.replace(f"title: {title}", "title: A changed title for the cache test", 1))
    out, executed = build(dest)
    assert "03-being-a-good-host" in executed
    others = [e for e in executed if e not in ("03-being-a-good-host", "10-summing-up", "final-exam-practice")]
    assert others == [], executed  # chapter 10 and the practice page show the final exam, which draws from every quiz


def test_a_lab_edit_reaches_only_the_chapters_that_import_it(project):
    dest, _, _ = project
    lab = dest / "course" / "smallsteps" / "labs" / "cowtree.py"
    lab.write_text(lab.read_text() + "\n# edited by the cache test\n")
    _, executed = build(dest)
    importers = sorted(p.stem for p in (dest / "chapters").glob("*.ipynb") if "cowtree" in p.read_text())
    assert executed == importers and importers


def test_pages_carry_no_script_twice(project):
    dest, _, _ = project
    page = (dest / "_build" / "html" / "intro.html").read_text()
    assert page.count("const THEBE_JS_URL") == 1  # jupyter-book adds it twice; a second const is a SyntaxError


def test_a_chapter_edit_re_executes_only_that_chapter(project):
    import json

    dest, _, _ = project
    nb_path = dest / "chapters" / "04-hosting-differently.ipynb"
    nb = json.loads(nb_path.read_text())
    nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                        "source": ["print('an edit')"]})
    nb_path.write_text(json.dumps(nb, indent=1))
    _, executed = build(dest)
    assert executed == ["04-hosting-differently"]
