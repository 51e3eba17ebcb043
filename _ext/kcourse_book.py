"""Sphinx extension: make changes to quiz files and to kcourse reach a cached Jupyter Book build.

jupyter-cache keys executed notebooks by the notebook's own content, and Sphinx re-reads a page only when
its source changed. A notebook's outputs also depend on files it reads: the quiz files it shows (and the
quizzes those draw from), the kcourse package, the course package's data and the lab modules it imports
(``course/smallsteps``). This extension keeps a digest
of those per notebook (in the cache folder, ``kcourse-deps.json``); when a digest changes it removes that
notebook's cache record and marks its page outdated, so exactly the affected notebooks execute again.

It also executes the notebooks that the cache lacks in parallel (jupyter-cache's local-parallel executor, one
process per core, each in its notebook's folder as myst-nb would) before Sphinx reads them, so myst-nb finds
them cached: a cold build on 2 cores takes about half as long. ``kcourse_parallel_execution = False`` in the
Sphinx config turns this off; a notebook that fails here is executed again by myst-nb, which reports the error.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

QUIZ_CALL = re.compile(r"""kcourse\.quiz\(\s*["']([\w-]+)["']""")
LAB_NAME = re.compile(r"labs\.(\w+)")
LAB_FROM = re.compile(r"from\s+smallsteps\.labs\s+import\s+(?:\(([\w\s,]+)\)|([\w ,]+))")
FROM_QUIZ = re.compile(r"from_quiz:\s*['\"]?([\w-]+)")
CORE_SUFFIXES = {".py", ".js", ".css", ".json", ".csv", ".yml", ".md", ".html"}
STATE = "kcourse-deps.json"


def notebook_dependencies(notebook: Path, root: Path) -> list[Path]:
    """The files whose content decides this notebook's outputs, besides the notebook itself."""
    text = _code_of(notebook)
    course = root / "course" / "smallsteps"
    deps = {p for package in (root / "kcourse", course) for p in package.rglob("*")
            if p.is_file() and p.suffix in CORE_SUFFIXES and "__pycache__" not in p.parts and p.parent.name != "labs"}
    labs = set(LAB_NAME.findall(text))
    for parenthesised, plain in LAB_FROM.findall(text):
        labs.update(re.findall(r"\w+", parenthesised or plain))  # names that are no lab module are ignored
    deps.update(p for name in labs if (p := course / "labs" / f"{name}.py").is_file())
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


def _notebooks(app) -> list[Path]:
    """The notebooks this build reads (Sphinx has applied exclude_patterns and the table of contents)."""
    paths = (Path(app.project.doc2path(d, absolute=True)) for d in app.project.docnames)
    return sorted(p for p in paths if p.suffix == ".ipynb")


def _execute_in_parallel(cache_path: Path, notebooks: list[Path], timeout: int | None) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor
    from sphinx.util import logging

    log = logging.getLogger(__name__)
    cache = get_cache(cache_path)
    todo = []
    for nb in notebooks:
        try:
            cache.match_cache_file(str(nb))
        except KeyError:
            todo.append(str(nb))
    if len(todo) < 2:  # nothing to gain over myst-nb's own execution
        return
    for uri in todo:
        cache.add_nb_to_project(uri)
    result = load_executor("local-parallel", cache).run_and_cache(filter_uris=todo, timeout=timeout or 120)
    for uri in result.succeeded:
        log.info("kcourse: executed %s in parallel", uri)
    for uri in result.excepted + result.errored:
        log.info("kcourse: %s failed in parallel; the build executes it again and reports why", uri)


def _builder_inited(app) -> None:
    from jupyter_cache import get_cache

    root = Path(app.srcdir)
    nb_config = app.env.mystnb_config  # set by myst-nb's own builder-inited handler, which runs first
    cache_path = Path(nb_config.execution_cache_path)
    notebooks = _notebooks(app)
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
    if app.config.kcourse_parallel_execution and nb_config.execution_mode == "cache":
        _execute_in_parallel(cache_path, notebooks, nb_config.execution_timeout)


def _unique_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated identical ``<script>`` entries. Under jupyter-book, sphinx-thebe's configuration script is
    added twice, and the second ``const THEBE_JS_URL`` throws a SyntaxError on every page."""
    seen: set = set()
    unique = []
    for js in context.get("script_files", []):
        name = getattr(js, "filename", js) or ""  # the two copies differ only in None vs "" for "no file"
        key = (str(name), tuple(sorted((k, str(v)) for k, v in getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def _outdated(app, env, added, changed, removed):
    return sorted(getattr(env, "kcourse_stale", set()) - set(added) - set(changed) - set(removed))


def setup(app):
    app.add_config_value("kcourse_parallel_execution", True, "env")
    app.connect("builder-inited", _builder_inited, priority=900)  # after myst-nb's (500) sets the cache path
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
