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
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"import kcourse\nkcourse.quiz({str(QUIZ)!r}, student_id='s1')")])
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
            questions = page.locator(".kcourse-question")

            from axe_playwright_python.sync_playwright import Axe

            violations = Axe().run(page, context=".kcourse-quiz").response["violations"]
            assert [(v["id"], v["help"]) for v in violations] == []

            first = questions.nth(0)
            first.get_by_label("2.6.39").check()
            first.get_by_role("button", name="Check").click()
            first.get_by_text("✓ Correct").wait_for(timeout=20_000)
            assert "Right." in first.inner_text() and "2.6.39, May 2011" in first.inner_text()

            text = questions.nth(5)
            text.locator("input[type=text]").fill("io_uring")
            text.get_by_role("button", name="Check").click()  # straight away: the value must arrive first
            text.get_by_text("✓ Correct").wait_for(timeout=20_000)

            first.get_by_role("button", name="Try again").click()
            page.get_by_text("Score so far: 1 of 10 points").wait_for(timeout=20_000)
            assert first.get_by_label("2.6.39").is_enabled()

            ordering = questions.nth(6)
            ordering.get_by_role("button", name="Down").first.click()
            page.locator(".kcourse-storage").get_by_text("Answers are saved in").wait_for()
            deadline = time.time() + 20
            while time.time() < deadline:
                saved = json.loads((home / "progress.json").read_text())["quizzes"]["quiz/valid-all-types"]
                if "timeline" in saved["responses"]:
                    break
                time.sleep(0.2)
            assert saved["responses"]["async-io"] == "io_uring" and "bkl-removed" not in saved["responses"]
            assert len(saved["responses"]["timeline"]) == 4
        finally:
            browser.close()
