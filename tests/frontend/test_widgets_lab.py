"""The widget quiz in a real JupyterLab 4 in headless chromium: it shows, clicks reach Python, answers are saved.

Slow (a Jupyter server and a kernel start): marked ``browser``. Needs /usr/bin/chromium (CI installs it).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.kernel, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # without these chromium's own connections are refused here
QUIZ = Path(__file__).parents[1] / "files" / "quiz" / "valid-all-types.yml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    nbformat = pytest.importorskip("nbformat")
    base = tmp_path_factory.mktemp("lab")
    root, home = base / "root", base / "home"
    root.mkdir()
    cell = f"import kcourse\nkcourse.quiz({str(QUIZ)!r}, student_id='s1')"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell), nbformat.v4.new_code_cell(cell)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "quiz.ipynb")
    port = _free_port()
    env = dict(os.environ, KCOURSE_HOME=str(home), JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"))
    log = open(base / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.token=t",
         f"--ServerApp.root_dir={root}", "--allow-root"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=t", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("JupyterLab did not start: " + (base / "server.log").read_text()[-2000:])
        yield f"http://127.0.0.1:{port}/lab/tree/quiz.ipynb?token=t", home, base
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:  # a slow shutdown (kernels still stopping): do not leave it running
            server.kill()
            server.wait(20)
        log.close()


def test_the_quiz_works_in_jupyterlab(lab):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    url, home, base = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            # run the cell only once the kernel is up: a Shift+Enter before that can be lost on a busy machine
            try:
                page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
                for attempt in (1, 2):  # a key press can be lost while Lab is still settling: run the cell once more
                    page.locator(".jp-Cell .jp-InputArea-editor").first.click(timeout=60_000)
                    page.keyboard.press("Shift+Enter")
                    try:
                        page.wait_for_selector(".kcourse-quiz", timeout=45_000)
                        break
                    except PlaywrightTimeout:
                        if attempt == 2:
                            raise
            except PlaywrightTimeout:
                page.screenshot(path=str(base / "timeout.png"))
                pytest.fail(f"the quiz did not show in JupyterLab (screenshot: {base / 'timeout.png'}); server log:\n"
                            + (base / "server.log").read_text()[-3000:])
            page.locator(".jp-Cell").nth(1).locator(".jp-InputArea-editor").click()
            page.keyboard.press("Shift+Enter")  # a second live copy of the same quiz
            page.wait_for_function("document.querySelectorAll('.kcourse-quiz').length === 2", timeout=60_000)
            copy1, copy2 = page.locator(".kcourse-quiz").nth(0), page.locator(".kcourse-quiz").nth(1)
            questions = copy1.locator(".kcourse-question")

            from axe_playwright_python.sync_playwright import Axe

            violations = Axe().run(page, context=".kcourse-quiz").response["violations"]
            assert [(v["id"], v["help"]) for v in violations] == []

            # keyboard: the arrow keys choose a radio button inside JupyterLab, Enter on Check keeps the focus
            first = questions.nth(0)
            first.locator("input[type=radio]").first.focus()
            page.keyboard.press("ArrowDown")
            page.wait_for_function("document.activeElement && document.activeElement.closest('.kcourse-quiz') "
                                   "&& document.activeElement.type === 'radio' && document.activeElement.checked")
            chosen = page.evaluate("document.activeElement.parentElement.textContent.trim()")
            first.get_by_role("button", name="Check").focus()
            page.keyboard.press("Enter")
            first.locator(".kcourse-feedback").wait_for(timeout=20_000)
            page.wait_for_function("document.activeElement && document.activeElement.closest('.kcourse-quiz') && "
                                   "(document.activeElement.textContent.includes('Try again') || "
                                   "document.activeElement.classList.contains('kcourse-feedback'))", timeout=10_000)
            if chosen != "2.6.39":  # a wrong first try: feedback, no explanation; then the answer on request
                assert "2.6.39, May 2011" not in first.inner_text() and "Try 1 of 2" in first.inner_text()
                first.get_by_role("button", name="Show answer").click()
            first.get_by_text("Explanation.").wait_for(timeout=20_000)
            assert "2.6.39, May 2011" in first.inner_text()
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
            assert outline == "3px", "a visible focus ring"

            # the ordering: after Down the focus follows the moved item
            ordering = questions.nth(6)
            ordering.get_by_role("button", name="Down").first.focus()
            page.keyboard.press("Enter")
            page.wait_for_function("document.activeElement && document.activeElement.classList.contains("
                                   "'kcourse-mv-7-1-down')", timeout=20_000)

            # the second copy: Check on a number not yet an answer costs nothing; a right answer saves
            text = copy2.locator(".kcourse-question").nth(5)
            text.locator("input[type=text]").fill("io_uring")
            text.locator("input[type=text]").press("Enter")  # Enter checks like Check; the value must arrive first
            text.get_by_text("✓ Correct").wait_for(timeout=20_000)
            matching = copy2.locator(".kcourse-question").nth(7)
            assert "Choose…" in matching.inner_text()
            deadline = time.time() + 20
            while time.time() < deadline:
                saved = json.loads((home / "progress.json").read_text())["quizzes"]["quiz/valid-all-types"]
                if "timeline" in saved["responses"] and "async-io" in saved["results"]:
                    break
                time.sleep(0.2)
            assert saved["responses"]["async-io"] == "io_uring", "the second copy's answer is kept"
            assert saved["results"]["bkl-removed"]["score"] in (0, 2) and "bkl-removed" in saved["responses"], \
                "the first copy's answer is kept too"
            assert len(saved["responses"]["timeline"]) == 4

            # reopened without a kernel: the output says to run the cell instead of only a widget error
            assert copy1.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea')]").locator(
                ".kcourse-rerun").first.is_hidden(), "no note while the quiz is live"
            page.locator(".jp-Cell .jp-InputArea-editor").first.click()
            page.keyboard.press("Escape")
            deadline = time.time() + 30
            while time.time() < deadline:
                page.keyboard.press("Control+s")
                time.sleep(1)
                if "kcourse-rerun" in (base / "root" / "quiz.ipynb").read_text(encoding="utf-8"):
                    break
            else:
                pytest.fail("the notebook was not saved with its outputs")
            token_url = url.split("/lab/")[0]
            kernels = json.loads(urllib.request.urlopen(f"{token_url}/api/kernels?token=t").read())
            for k in kernels:
                req = urllib.request.Request(f"{token_url}/api/kernels/{k['id']}?token=t", method="DELETE")
                urllib.request.urlopen(req)
            page.reload()
            page.locator(".kcourse-rerun").first.wait_for(state="visible", timeout=60_000)
            assert "run this cell" in page.locator(".kcourse-rerun").first.inner_text()
        finally:
            browser.close()
