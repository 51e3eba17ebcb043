"""The quiz in a real kernel: a notebook shows it, and a later cell answers and clicks through code."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytestmark = [pytest.mark.kernel, pytest.mark.slow]

QUIZ = Path(__file__).parents[1] / "files" / "quiz" / "valid-all-types.yml"


def test_a_notebook_shows_the_quiz_and_a_later_cell_clicks(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("KCOURSE_HOME", str(home))  # the kernel inherits the environment
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import kcourse\nq = kcourse.quiz({str(QUIZ)!r}, student_id='s1')\nq"),
        nbformat.v4.new_code_cell(
            "W = q.widget\n"
            "p = W.panels['bkl-removed']\n"
            "p.control.radio.value = 'a'\n"
            "p.check_button.click()\n"
            "W.student_box.value = 's1'\n"
            "W.save_button.click()\n"
            "print(p.result.status.value, W.result().total)"),
        nbformat.v4.new_code_cell("kcourse.progress()"),
    ])
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    note, shown = nb.cells[0].outputs  # a note to run the cell (seen only where the quiz cannot show), the quiz
    assert "run this cell" in note.data["text/plain"] and "kcourse-rerun" in note.data["text/html"]
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(shown.data)
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert printed.strip() == "correct 2.0"
    saved = json.loads((home / "progress.json").read_text())["quizzes"]["quiz/valid-all-types"]  # course "quiz": the folder
    assert saved["responses"] == {"bkl-removed": "a"} and saved["last_score"] == 20.0
    assert json.loads((tmp_path / "valid-all-types-s1.json").read_text())["responses"] == {"bkl-removed": "a"}
    progress = nb.cells[2].outputs[0].data
    assert "text/html" in progress and "application/vnd.jupyter.widget-view+json" in progress
