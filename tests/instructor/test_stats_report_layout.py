"""The ``stats --html`` report on a phone and on a crowded plot: the page never scrolls sideways at 390 px (its
tables scroll in their own box), and the item labels of the scatter plot never overlap."""
from __future__ import annotations

import itertools
import random

import pytest

from kcourse.core.grading import correct_response
from kcourse.instructor import report
from kcourse.instructor.stats import Observation, quiz_statistics


def _stats(quiz, pattern):
    """Statistics of a class whose student k scores ``pattern(k, question index)`` (1 or 0) on each question."""
    attempts = []
    for k in range(12):
        attempts.append({q.id: Observation(float(pattern(k, j)), 1.0, correct_response(q) if pattern(k, j) else None)
                         for j, q in enumerate(quiz.questions)})
    return quiz_statistics(quiz, attempts)


CLASSES = {
    # every question scored alike: all points at one place
    "all-at-one-point": lambda k, j: int(k < 7),
    # two clusters of nearly equal points
    "two-close-clusters": lambda k, j: int(k < 6 + (j % 2) or (j % 3 == 0 and k == 11)),
    "random": lambda k, j: int(random.Random(k * 100 + j).random() < 0.6),
}


@pytest.mark.parametrize("pattern", CLASSES.values(), ids=CLASSES.keys())
def test_item_labels_do_not_overlap_and_name_every_question(quiz, monkeypatch, pattern):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    figures = []
    monkeypatch.setattr(report, "_png", lambda fig: figures.append(fig) or "")
    stats = _stats(quiz, pattern)
    report.plot_items(stats.items)
    fig = figures[0]
    ax = fig.axes[0]
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = []
    for t in ax.texts:
        t.get_window_extent(renderer)
        boxes.append((t.get_text(), Text.get_window_extent(t)))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"label {a!r} overlaps label {b!r}"
    frame = ax.get_window_extent(renderer)
    for name, box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, name
    named = {n for text, _ in boxes for n in text.split("\n")}
    plotted = {i.question_id for i in stats.items if i.facility is not None}
    assert named == plotted or "left out for room" in ax.get_title()


@pytest.mark.browser
def test_the_report_fits_a_phone_and_its_tables_scroll_in_their_own_box(quiz, tmp_path):
    from tests.frontend.static_support import chromium

    page_file = tmp_path / "report.html"
    page_file.write_text(report.html_report(_stats(quiz, CLASSES["random"]), title=quiz.title), encoding="utf-8")
    with chromium() as browser:
        for width in (390, 1366):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(page_file.as_uri())
            doc, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert doc <= inner, f"at {width} px the page is {doc} px wide"
            if width == 390:  # the question table is wider than a phone: it scrolls in its box, reachable by Tab
                box = page.locator(".scroll").first
                assert box.evaluate("b => b.scrollWidth > b.clientWidth") and box.get_attribute("tabindex") == "0"
                imgs = page.eval_on_selector_all("img", "els => els.map(e => e.getBoundingClientRect().right)")
                assert imgs and max(imgs) <= inner
            page.close()
