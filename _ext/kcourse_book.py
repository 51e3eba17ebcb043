"""Sphinx extension: make changes to quiz files and to kcourse reach a cached Jupyter Book build.

jupyter-cache keys executed notebooks by the notebook's own content, and Sphinx re-reads a page only when
its source changed. A notebook's outputs also depend on files it reads: the quiz files it shows (and the
quizzes those draw from), the kcourse package, and the lab modules it imports. This extension keeps a digest
of those per notebook (in the cache folder, ``kcourse-deps.json``); when a digest changes it removes that
notebook's cache record and marks its page outdated, so exactly the affected notebooks execute again.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

QUIZ_CALL = re.compile(r"""kcourse\.quiz\(\s*["']([\w-]+)["']""")
LAB_NAME = re.compile(r"labs\.(\w+)")
LAB_FROM = re.compile(r"from\s+kcourse\.labs\s+import\s+(?:\(([\w\s,]+)\)|([\w ,]+))")
FROM_QUIZ = re.compile(r"from_quiz:\s*['\"]?([\w-]+)")
CORE_SUFFIXES = {".py", ".js", ".css", ".json", ".csv", ".yml", ".md", ".html"}
STATE = "kcourse-deps.json"


def notebook_dependencies(notebook: Path, root: Path) -> list[Path]:
    """The files whose content decides this notebook's outputs, besides the notebook itself."""
    text = _code_of(notebook)
    package = root / "kcourse"
    deps = {p for p in package.rglob("*") if p.is_file() and p.suffix in CORE_SUFFIXES
            and "__pycache__" not in p.parts and p.parent.name != "labs"}
    labs = set(LAB_NAME.findall(text))
    for parenthesised, plain in LAB_FROM.findall(text):
        labs.update(re.findall(r"\w+", parenthesised or plain))  # names that are no lab module are ignored
    deps.update(p for name in labs if (p := package / "labs" / f"{name}.py").is_file())
    quizzes = root / "quizzes"
    if "kcourse.progress(" in text:  # the progress page lists every quiz
        todo = [p.stem for p in quizzes.glob("*.yml")]
    else:
        todo = QUIZ_CALL.findall(text)
    seen: set[str] = set()
    while todo:
        quiz_id = todo.pop()
        if quiz_id in seen:
            continue
        seen.add(quiz_id)
        path = quizzes / f"{quiz_id}.yml"
        if path.is_file():
            deps.add(path)
            todo += FROM_QUIZ.findall(path.read_text(encoding="utf-8"))
    return sorted(deps)


def _code_of(notebook: Path) -> str:
    """The source of the notebook's code cells (the raw file escapes quotes inside JSON strings)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except ValueError:
        return ""
    return "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")


def digest(paths: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def stale_notebooks(root: Path, state_file: Path, notebooks: list[Path]) -> tuple[list[Path], dict[str, str]]:
    """Notebooks whose dependencies changed since the digests in ``state_file``, and the new digests."""
    try:
        old = json.loads(state_file.read_text())
    except (OSError, ValueError):
        old = None
    new = {str(nb.relative_to(root)): digest(notebook_dependencies(nb, root), root) for nb in notebooks}
    if old is None:  # first build: everything executes anyway
        return [], new
    changed = [nb for nb in notebooks
               if old.get(str(nb.relative_to(root))) not in (None, new[str(nb.relative_to(root))])]
    return changed, new


def _builder_inited(app) -> None:
    from jupyter_cache import get_cache

    root = Path(app.srcdir)
    cache_path = Path(app.config.nb_execution_cache_path or root / "_build" / ".jupyter_cache")
    notebooks = sorted(p for p in root.rglob("*.ipynb")
                       if not any(part.startswith(("_build", ".")) for part in p.relative_to(root).parts))
    state_file = cache_path / STATE
    stale, new = stale_notebooks(root, state_file, notebooks)
    app.env.kcourse_stale = set()
    if stale and cache_path.exists():
        cache = get_cache(cache_path)
        for nb in stale:
            try:
                record = cache.match_cache_file(str(nb))
            except KeyError:
                continue
            cache.remove_cache(record.pk)
    for nb in stale:
        app.env.kcourse_stale.add(str(nb.relative_to(root).with_suffix("")))
    if stale:
        from sphinx.util import logging

        logging.getLogger(__name__).info("kcourse: quiz or package changes reach %d notebook(s): %s",
                                         len(stale), ", ".join(sorted(app.env.kcourse_stale)))
    cache_path.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(new, indent=1, sort_keys=True))


def _outdated(app, env, added, changed, removed):
    return sorted(getattr(env, "kcourse_stale", set()) - set(added) - set(changed) - set(removed))


def setup(app):
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
