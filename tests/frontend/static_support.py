"""Helpers of the static-quiz tests: node, headless chromium, a local web server, a tiny Jupyter Book."""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FILES = ROOT / "tests" / "files"
ALL_TYPES = FILES / "quiz" / "valid-all-types.yml"
STATIC = ROOT / "kcourse" / "frontend" / "static"
GRADER_JS = STATIC / "grader.js"
BUILDS = ("source", "bundle")
"""The browser scripts as written (``static/``) and as pages embed them (``static/min/``, made by terser): the node
tests run against both, so the minified code behaves as the source."""
VECTORS = FILES / "grading-vectors.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def need(tool: str, path: str | None) -> str:
    """The path of a tool the test needs: skip without it, but fail in CI (env CI set), where it must exist."""
    if path and Path(path).exists():
        return path
    why = f"{tool} is missing (Debian: apt-get install -y {tool}; CI installs it)"
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


class Node:
    """One long-running node process with grader.js loaded (tests/frontend/node_harness.js), and saferegex.js, both
    of ``build`` (:data:`BUILDS`); ``js``: another grader.js, or a page's whole script."""

    def __init__(self, js: Path | None = None, build: str = "source") -> None:
        exe = need("nodejs", shutil.which("node"))
        self.js = js or script_path("grader.js", build)
        self.proc = subprocess.Popen([exe, str(HERE / "node_harness.js"), str(self.js),
                                      str(script_path("saferegex.js", build))], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8")
        from kcourse.core.i18n import page_strings

        self.call("useStrings", page_strings("en"))  # what an English page gives grader.js

    def call(self, op: str, *args):
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"op": op, "args": list(args)}, allow_nan=False) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"{self.js.name} {op} failed: {answer['error']}")
        return answer["ok"]

    def close(self) -> None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


def script_path(name: str, build: str) -> Path:
    """A browser script of ``build`` (:data:`BUILDS`)."""
    return {"source": STATIC, "bundle": STATIC / "min"}[build] / name


@contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 (a free port) from a thread; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def chromium():
    """A headless Debian chromium through playwright (skipped without it, failed in CI)."""
    exe = need("chromium", CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def book_config() -> str:
    """A test book's _config.yml: the course's own Sphinx settings and extensions (the packaged kcourse.book, so the
    test page is built the way the course's pages are), with forced execution and no repository."""
    import yaml

    course = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return yaml.safe_dump({
        "title": "kcourse static quiz test", "author": "kcourse tests", "only_build_toc_files": True,
        "execute": {"execute_notebooks": "force", "timeout": 120, "raise_on_error": True},
        "html": {"use_repository_button": False},
        "sphinx": course["sphinx"],
    }, sort_keys=False)


def write_book(folder: Path, cells: list[str], title: str = "Quiz page") -> Path:
    """A one-notebook Jupyter Book whose code cells are ``cells``."""
    import nbformat

    folder.mkdir(parents=True)
    (folder / "_config.yml").write_text(book_config(), encoding="utf-8")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: quiz\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nA page with quizzes.")]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "quiz.ipynb")
    return folder


def start_build(folder: Path, home: Path) -> subprocess.Popen:
    """``jupyter-book build folder`` in the background (learner progress of the kernel goes to ``home``)."""
    env = {**os.environ, "KCOURSE_HOME": str(home)}
    log = open(folder / "build.log", "w", encoding="utf-8")  # noqa: SIM115 - closed by finish_build
    proc = subprocess.Popen([sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build",
                             str(folder)], stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=env)
    proc.log = log  # type: ignore[attr-defined]
    return proc


def finish_build(proc: subprocess.Popen, folder: Path) -> Path:
    rc = proc.wait(timeout=600)
    proc.log.close()  # type: ignore[attr-defined]
    out = (folder / "build.log").read_text(encoding="utf-8")
    if rc != 0 or "Traceback" in out:
        pytest.fail(f"jupyter-book build of {folder} failed (rc {rc}):\n{out[-4000:]}")
    return folder / "_build"


# -- driving a quiz in a page -------------------------------------------------------------------------------------
def num(x: float) -> str:
    """A number as the page prints it: rounded to 2 decimals, then JavaScript's String(x)."""
    x = round(x, 2)
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def points(x: float) -> str:
    return f"{num(x)} point{'' if x == 1 else 's'}"


def verdict(result) -> str:
    """The first line of the feedback the page shows for a Python :class:`QuestionResult`."""
    word = {"correct": "✓ Correct", "partial": "◐ Partly right", "incorrect": "✗ Not right"}[result.status.value]
    return f"{word}: {num(result.score)} of {points(result.max_score)}."


def fieldset(root, qid: str):
    return root.locator(f'fieldset[data-qid="{qid}"]')


def set_response(root, q, response, *, keyboard: bool = False) -> None:
    """Make the controls of question ``q`` show ``response`` (with the mouse, or the keyboard only)."""
    from kcourse import qtypes as qt
    from kcourse.views.markdown import render_plain

    fs = fieldset(root, q.id)
    page = root.page
    if isinstance(q, (qt.SingleChoice, qt.TrueFalse)):
        value = str(response).lower() if isinstance(q, qt.TrueFalse) else response
        box = fs.locator(f'input[value="{value}"]')
        if keyboard:
            box.focus()
            page.keyboard.press("Space")
        else:
            box.click()
    elif isinstance(q, qt.MultipleSelect):
        for o in q.options:
            box = fs.locator(f'input[value="{o.id}"]')
            if box.is_checked() != (o.id in response):
                if keyboard:
                    box.focus()
                    page.keyboard.press("Space")
                else:
                    box.click()
    elif isinstance(q, (qt.Numeric, qt.ShortText)):
        box = fs.locator("input[type=text]")
        box.fill("")
        if keyboard:
            box.focus()
            page.keyboard.type(str(response))
        else:
            box.fill(str(response))
    elif isinstance(q, qt.Ordering):
        for target, item_id in enumerate(response):
            current = fs.locator(".kq-order li").evaluate_all("(lis) => lis.map((li) => li.dataset.id)")
            for _ in range(current.index(item_id) - target):
                up = fs.locator(f'li[data-id="{item_id}"] button').first
                if keyboard:
                    up.focus()
                    page.keyboard.press("Enter")
                else:
                    up.click()
    elif isinstance(q, qt.Matching):
        texts = {c.id: render_plain(c.text) for c in q.right_choices}
        for k, p in enumerate(q.pairs):
            sel = fs.locator("select").nth(k)
            if p.id in response:
                sel.select_option(label=texts[response[p.id]])
            else:
                sel.select_option(value="")
    else:  # pragma: no cover
        raise TypeError(type(q))


def press(root, qid: str, name: str) -> None:
    fieldset(root, qid).get_by_role("button", name=name, exact=True).click()


def shown_order(root, qid: str) -> list[str]:
    """The ids a question shows, top to bottom (options, items or right-hand choices)."""
    fs = fieldset(root, qid)
    return fs.evaluate("""(fs) => {
        const inputs = [...fs.querySelectorAll('.kq-opts input')].map((i) => i.value);
        const items = [...fs.querySelectorAll('.kq-order li')].map((li) => li.dataset.id);
        const first = fs.querySelector('select');
        const rights = first ? [...first.options].slice(1).map((o) => o.text) : [];
        return inputs.length ? inputs : items.length ? items : rights;
    }""")
