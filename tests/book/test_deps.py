"""Which files a page's outputs depend on, as the book extension sees them (fast, no build)."""
import json
from pathlib import Path

import pytest

from kcourse.book import deps


def write_nb(path: Path, *sources: str, markdown: str = "") -> Path:
    cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [], "execution_count": None}
             for s in sources]
    if markdown:
        cells.append({"cell_type": "markdown", "source": markdown, "metadata": {}})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def project(tmp_path: Path) -> Path:
    """A course: an engine folder (``engine/``), course modules (``mylabs/``), quizzes, chapters."""
    (tmp_path / "engine" / "labs").mkdir(parents=True)
    (tmp_path / "engine" / "core.py").write_text("x = 1\n")
    (tmp_path / "engine" / "book").mkdir()
    (tmp_path / "engine" / "book" / "ext.py").write_text("# not read by any notebook\n")
    (tmp_path / "mylabs").mkdir()
    (tmp_path / "mylabs" / "__init__.py").write_text("")
    (tmp_path / "mylabs" / "alpha.py").write_text("from mylabs import shared\na = 1\n")
    (tmp_path / "mylabs" / "beta.py").write_text("b = 1\n")
    (tmp_path / "mylabs" / "shared.py").write_text("s = 1\n")
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "q1.yml").write_text("id: q1\n")
    (tmp_path / "quizzes" / "q2.yml").write_text("id: q2\n")
    (tmp_path / "quizzes" / "exam.yml").write_text("id: exam\npools:\n  - {id: p, draw: 1, from_quiz: q1}\n")
    course = tmp_path / "course"  # a course package of its own, as this course's smallsteps
    (course / "pkg" / "labs").mkdir(parents=True)
    (course / "pkg" / "data").mkdir()
    (course / "pyproject.toml").write_text("[project]\nname = 'pkg'\n")
    (course / "pkg" / "__init__.py").write_text("")
    (course / "pkg" / "labs" / "gamma.py").write_text("import csv\n")
    (course / "pkg" / "data" / "table.csv").write_text("a,b\n")
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "own.yml").write_text("id: own\n")
    return tmp_path


def rel(paths, root):
    return sorted(str(p.relative_to(root)) for p in paths)


def dependencies(nb, root):
    return rel(deps.notebook_dependencies(nb, root, engine=root / "engine"), root)


def test_dependencies_follow_quiz_calls_from_quiz_and_course_module_imports(tmp_path):
    root = project(tmp_path)
    nb = write_nb(root / "chapters" / "a.ipynb", "from mylabs import alpha\n", 'import kcourse\nkcourse.quiz("exam")')
    assert dependencies(nb, root) == ["engine/core.py", "mylabs/__init__.py", "mylabs/alpha.py", "mylabs/shared.py",
                                      "quizzes/exam.yml", "quizzes/q1.yml"]


@pytest.mark.parametrize("code, module", [
    ("import mylabs.beta as b", "mylabs/beta.py"),
    ("from mylabs import (\n  beta,\n)", "mylabs/beta.py"),
    ("from mylabs.beta import b", "mylabs/beta.py"),
    ("import numpy, mylabs.beta", "mylabs/beta.py"),
], ids=["import-as", "from-parenthesised", "from-module", "two-imports"])
def test_import_forms(tmp_path, code, module):
    root = project(tmp_path)
    nb = write_nb(root / "chapters" / "b.ipynb", code)
    assert module in dependencies(nb, root)
    assert "mylabs/alpha.py" not in dependencies(nb, root)


def test_a_course_package_in_a_project_folder_and_its_data(tmp_path):
    root = project(tmp_path)
    nb = write_nb(root / "chapters" / "g.ipynb", "from pkg.labs import gamma")
    assert dependencies(nb, root) == ["course/pkg/__init__.py", "course/pkg/data/table.csv",
                                      "course/pkg/labs/gamma.py", "engine/core.py"]


def test_progress_page_depends_on_every_quiz(tmp_path):
    root = project(tmp_path)
    nb = write_nb(root / "chapters" / "b.ipynb", "import mylabs.beta as b\nkcourse.progress()")
    assert dependencies(nb, root) == ["engine/core.py", "mylabs/__init__.py", "mylabs/beta.py", "quizzes/exam.yml",
                                      "quizzes/q1.yml", "quizzes/q2.yml"]


def test_a_quiz_given_by_path_relative_to_the_notebook(tmp_path):
    root = project(tmp_path)
    nb = write_nb(root / "chapters" / "c.ipynb", 'from kcourse import quiz\nquiz("../extra/own.yml", mode="assessment")')
    assert "extra/own.yml" in dependencies(nb, root)


def test_markdown_pages_name_their_quizzes_through_the_directive(tmp_path):
    root = project(tmp_path)
    page = root / "chapters" / "p.md"
    page.parent.mkdir()
    page.write_text("# Page\n\n```{quiz} exam\n:mode: assessment\n```\n\n:::{quiz} ../extra/own.yml\n:::\n")
    assert rel(deps.page_quizzes(page), root) == ["extra/own.yml", "quizzes/exam.yml", "quizzes/q1.yml"]


def test_only_notebooks_whose_dependencies_changed_are_stale(tmp_path):
    root = project(tmp_path)
    engine = root / "engine"
    a = write_nb(root / "a.ipynb", 'kcourse.quiz("q1")')
    b = write_nb(root / "b.ipynb", 'kcourse.quiz("q2")')
    state = root / "state.json"
    stale, digests = deps.stale_notebooks(root, state, [a, b], engine=engine)
    assert stale == [a, b]  # no digests yet (a new cache, or one made before the extension): all stale
    state.write_text(json.dumps(digests))
    assert deps.stale_notebooks(root, state, [a, b], engine=engine)[0] == []
    (root / "quizzes" / "q2.yml").write_text("id: q2\ntitle: changed\n")
    stale, digests = deps.stale_notebooks(root, state, [a, b], engine=engine)
    assert stale == [b]
    state.write_text(json.dumps(digests))
    (root / "engine" / "book" / "ext.py").write_text("# the extension changed: no output depends on it\n")
    deps.engine_files.cache_clear()
    assert deps.stale_notebooks(root, state, [a, b], engine=engine)[0] == []
    (root / "engine" / "core.py").write_text("x = 2\n")
    assert deps.stale_notebooks(root, state, [a, b], engine=engine)[0] == [a, b]
