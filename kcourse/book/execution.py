"""The build side of :mod:`kcourse.book.deps`: drop stale cache records, mark their pages outdated, and execute
the notebooks the cache lacks in parallel.

The parallel run uses jupyter-cache's local-parallel executor (one process per core, each in its notebook's
folder as myst-nb would) before Sphinx reads the pages, so myst-nb finds them cached: a cold build on 2 cores
takes about half as long. ``kcourse_parallel_execution = False`` turns this off; a notebook that fails here is
executed again by myst-nb, which reports the error.
"""
from __future__ import annotations

import json
from pathlib import Path

from sphinx.util import logging

from .deps import STATE, stale_notebooks

log = logging.getLogger(__name__)


def book_pages(app) -> list[Path]:
    """The pages this build reads (Sphinx has applied exclude_patterns and the table of contents)."""
    return sorted(Path(app.project.doc2path(d, absolute=True)) for d in app.project.docnames)


def _execute_in_parallel(cache_path: Path, notebooks: list[Path], timeout: int | None) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

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


def builder_inited(app) -> None:
    root = Path(app.srcdir)
    nb_config = app.env.mystnb_config  # set by myst-nb's own builder-inited handler, which runs first
    notebooks = [p for p in book_pages(app) if p.suffix == ".ipynb"]
    app.env.kcourse_stale = set()
    if nb_config.execution_mode == "off":
        return
    cache_path = Path(nb_config.execution_cache_path)
    if not cache_path.is_absolute():
        cache_path = Path(app.outdir).parent / cache_path
    state_file = cache_path / STATE
    stale, new = stale_notebooks(root, state_file, notebooks)
    if stale and nb_config.execution_mode == "cache" and cache_path.exists():
        from jupyter_cache import get_cache

        cache = get_cache(cache_path)
        for nb in stale:
            try:
                record = cache.match_cache_file(str(nb))
            except KeyError:
                continue
            cache.remove_cache(record.pk)
    # a page with no digest yet (a new page, or the extension was just added to a built book) is read again too
    app.env.kcourse_stale = {nb.relative_to(root).with_suffix("").as_posix() for nb in stale}
    if stale and state_file.exists():
        log.info("kcourse: quiz, engine or module changes reach %d notebook(s): %s",
                 len(stale), ", ".join(sorted(app.env.kcourse_stale)))
    cache_path.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(new, indent=1, sort_keys=True), encoding="utf-8")
    if app.config.kcourse_parallel_execution and nb_config.execution_mode == "cache":
        _execute_in_parallel(cache_path, notebooks, nb_config.execution_timeout)


def outdated(app, env, added, changed, removed) -> list[str]:
    return sorted(getattr(env, "kcourse_stale", set()) - set(added) - set(changed) - set(removed))
