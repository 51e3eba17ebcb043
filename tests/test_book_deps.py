"""Which files a chapter's outputs depend on, as the book's cache extension sees them (fast, no build)."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("kcourse_book", ROOT / "_ext" / "kcourse_book.py")
kb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kb)


def write_nb(path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [], "execution_count": None}
             for s in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def project(tmp_path: Path) -> Path:
    labs = tmp_path / "course" / "smallsteps" / "labs"
    labs.mkdir(parents=True)
    (tmp_path / "kcourse").mkdir()
    (tmp_path / "kcourse" / "core.py").write_text("x = 1\n")
    (labs / "alpha.py").write_text("a = 1\n")
    (labs / "beta.py").write_text("b = 1\n")
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "q1.yml").write_text("id: q1\n")
    (tmp_path / "quizzes" / "q2.yml").write_text("id: q2\n")
    (tmp_path / "quizzes" / "exam.yml").write_text("id: exam\npools:\n  - {id: p, draw: 1, from_quiz: q1}\n")
    return tmp_path


def rel(paths, root):
    return sorted(str(p.relative_to(root)) for p in paths)


def test_dependencies_follow_quiz_calls_from_quiz_and_lab_imports(tmp_path):
    root = project(tmp_path)
    nb = write_nb(root / "a.ipynb", "from smallsteps.labs import alpha\n", 'import kcourse\nkcourse.quiz("exam")')
    assert rel(kb.notebook_dependencies(nb, root), root) == [
        "course/smallsteps/labs/alpha.py", "kcourse/core.py", "quizzes/exam.yml", "quizzes/q1.yml"]


def test_progress_page_depends_on_every_quiz(tmp_path):
    root = project(tmp_path)
    nb = write_nb(root / "b.ipynb", "import smallsteps.labs.beta as b\nkcourse.progress()")
    assert rel(kb.notebook_dependencies(nb, root), root) == [
        "course/smallsteps/labs/beta.py", "kcourse/core.py", "quizzes/exam.yml", "quizzes/q1.yml", "quizzes/q2.yml"]


def test_only_notebooks_whose_dependencies_changed_are_stale(tmp_path):
    root = project(tmp_path)
    a = write_nb(root / "a.ipynb", 'kcourse.quiz("q1")')
    b = write_nb(root / "b.ipynb", 'kcourse.quiz("q2")')
    state = root / "state.json"
    stale, digests = kb.stale_notebooks(root, state, [a, b])
    assert stale == []  # the first build executes everything anyway
    state.write_text(json.dumps(digests))
    (root / "quizzes" / "q2.yml").write_text("id: q2\ntitle: changed\n")
    stale, digests = kb.stale_notebooks(root, state, [a, b])
    assert stale == [b]
    state.write_text(json.dumps(digests))
    (root / "kcourse" / "core.py").write_text("x = 2\n")
    assert kb.stale_notebooks(root, state, [a, b])[0] == [a, b]
