"""Standalone quiz pages (``render_document``) opened from file:// addresses in headless chromium."""
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kcourse import qtypes as qt
from kcourse.core.grading import correct_response, grade, grade_responses
from kcourse.core.loader import load_quiz
from kcourse.core.submission import grade_submission, load_submission
from kcourse.core.variants import make_variant, seed_for
from kcourse.frontend.static_html import render_document, render_fragment
from kcourse.views.markdown import render_plain

from .static_support import (
    ALL_TYPES,
    FILES,
    HERE,
    VECTORS,
    chromium,
    fieldset,
    press,
    set_response,
    shown_order,
    verdict,
)

pytestmark = pytest.mark.browser
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def quiz():
    return load_quiz(ALL_TYPES)


@pytest.fixture
def open_page(browser, tmp_path):
    """Open an HTML text from a file:// address; records every request and every dialog."""
    pages = []

    def go(text: str, name: str = "quiz.html", init_script: str | None = None, **context):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        ctx = browser.new_context(accept_downloads=True, **context)
        page = ctx.new_page()
        if init_script:
            page.add_init_script(init_script)
        page.requests, page.dialogs, page.errors = [], [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector("[data-kq-state=ready]")
        pages.append(ctx)
        return page

    yield go
    for ctx in pages:
        ctx.close()


def axe_problems(page, selector: str = "section.kq") -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=selector)
    return [f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in SERIOUS]


def download(page, root, student_id: str | None, tmp_path: Path) -> Path:
    box = root.get_by_label("Student id")
    if student_id is not None:
        box.fill(student_id)
    with page.expect_download() as info:
        root.get_by_role("button", name="Download my answers").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_assessment_page_saves_answers_without_any_feedback_and_downloads_a_gradable_file(open_page, quiz, tmp_path):
    page = open_page(render_document(quiz, student_id="s-42", mode="assessment"))
    root = page.locator("section.kq")
    seed = seed_for(quiz.id, "s-42")
    variant = make_variant(quiz, seed)
    assert int(root.get_attribute("data-kq-seed")) == seed
    assert root.get_by_role("button", name="Check").count() == 0
    assert root.get_by_label("Student id").input_value() == "s-42"
    assert [fs.get_attribute("data-qid") for fs in root.locator("fieldset").all()] == list(variant.question_ids)
    responses = {}
    for qid in variant.question_ids:
        q = quiz.question(qid)
        responses[qid] = correct_response(q)
        set_response(root, q, responses[qid])
        press(root, qid, "Save answer")
        assert fieldset(root, qid).locator(".kq-fb").inner_text().startswith("Saved at")
    text = root.inner_text()
    for q in quiz.all_questions:
        assert q.explanation not in text
        assert "Correct" not in text and "Explanation" not in text
    assert "Answered 9 of 9" in root.locator(".kq-score").inner_text()
    sub = load_submission(download(page, root, None, tmp_path))
    assert (sub.quiz_id, sub.student_id, sub.variant_seed) == (quiz.id, "s-42", seed)
    assert sub.generator.endswith("(static page)") and sub.started_at and sub.submitted_at
    result = grade_submission(quiz, sub)
    assert result.total == result.max_score == grade_responses(quiz, variant.question_ids, responses).total
    assert all(u.startswith("file://") or u.startswith("blob:") for u in page.requests), page.requests
    assert page.errors == [] and page.dialogs == []


@pytest.mark.parametrize("mode", ["practice", "assessment"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_problems(open_page, quiz, mode, scheme):
    page = open_page(render_document(quiz, seed=3, mode=mode), color_scheme=scheme)
    root = page.locator("section.kq")
    if mode == "practice":  # feedback of every kind on the page, and the summary
        for qid in make_variant(quiz, 3).question_ids:
            q = quiz.question(qid)
            set_response(root, q, correct_response(q) if qid != "building-blocks" else ["ns", "hv"])
            press(root, qid, "Check")
        assert root.locator(".kq-summary li").count() == 9
    bg = page.evaluate("getComputedStyle(document.querySelector('section.kq')).backgroundColor")
    assert bg == ("rgb(22, 27, 34)" if scheme == "dark" else "rgb(255, 255, 255)")
    assert axe_problems(page) == []


def test_book_theme_switch_turns_the_quiz_dark(open_page, quiz):
    page = open_page(render_document(quiz), color_scheme="light")
    background = "getComputedStyle(document.querySelector('section.kq')).backgroundColor"
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    assert page.evaluate(background) == "rgb(22, 27, 34)"
    assert axe_problems(page) == []
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(background) == "rgb(255, 255, 255)"


@pytest.mark.parametrize("seed", [0, 77, 4_000_000_000])
def test_practice_page_shows_the_python_variant_of_its_seed(open_page, quiz, seed):
    page = open_page(render_document(quiz, seed=seed))
    root = page.locator("section.kq")
    variant = make_variant(quiz, seed)
    assert [fs.get_attribute("data-qid") for fs in root.locator("fieldset").all()] == list(variant.question_ids)
    for qid, order in variant.orders.items():
        q = quiz.question(qid)
        want = list(order)
        if isinstance(q, qt.Matching):  # the page shows right-hand texts; their ids are not in the markup
            want = [render_plain({c.id: c for c in q.right_choices}[i].text) for i in order]
        assert shown_order(root, qid) == want, qid


def test_without_local_storage_the_page_says_so_and_still_works(open_page, quiz, tmp_path):
    blocked = ("Object.defineProperty(window, 'localStorage', "
               "{get() { throw new DOMException('no', 'SecurityError'); }});")
    page = open_page(render_document(quiz, seed=11), init_script=blocked)
    root = page.locator("section.kq")
    note = root.get_by_role("note")
    assert note.is_visible() and "does not let the page keep your answers" in note.inner_text()
    q = quiz.question("kvm-in-tree")
    set_response(root, q, True)
    press(root, q.id, "Check")
    assert fieldset(root, q.id).locator(".kq-verdict").inner_text() == verdict(grade(q, True))
    sub = load_submission(download(page, root, "s-9", tmp_path))
    assert sub.responses == {"kvm-in-tree": True}
    assert page.errors == []


def test_several_quizzes_on_one_page_work_apart(open_page, quiz):
    other = load_quiz(FILES / "frontend" / "grading-edge-cases.yml")
    body = "".join([render_fragment(quiz, seed=1), render_fragment(other, seed=2),
                    render_fragment(quiz, seed=1, mode="assessment")])
    page = open_page("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>t</title></head>"
                     f"<body><main>{body}</main></body></html>")
    roots = page.locator("section.kq")
    assert roots.count() == 3
    assert page.locator("[data-kq-state=ready]").count() == 3
    ids = page.evaluate("[...document.querySelectorAll('input, select')].map((e) => e.id)")
    assert len(ids) == len(set(ids)), "element ids must be unique on the page"
    q = other.question("tf-false")
    set_response(roots.nth(1), q, False)
    press(roots.nth(1), q.id, "Check")
    assert fieldset(roots.nth(1), q.id).locator(".kq-verdict").inner_text() == verdict(grade(q, False))
    assert roots.nth(1).locator(".kq-score").inner_text().startswith("Score: 1 of ")
    assert roots.nth(0).locator(".kq-score").inner_text().startswith("Score: 0 of ")
    assert page.evaluate("typeof window.kcourseGraderV1.grade") == "function"
    assert page.errors == []


def test_vectors_agree_in_the_browser(open_page, quiz):
    page = open_page(render_document(quiz))
    page.add_script_tag(path=str(HERE / "vectors_check.js"))
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    mismatches = page.evaluate("(v) => window.kqCheckVectors(window.kcourseGraderV1, v)", vectors)
    assert mismatches == [], mismatches[:5]


def test_markup_in_quiz_text_and_in_answers_shows_as_text(open_page, tmp_path):
    unsafe = load_quiz(FILES / "frontend" / "unsafe-markup.yml")
    page = open_page(render_document(unsafe, seed=5))
    root = page.locator("section.kq")
    assert "<script>alert(1)</script>" in root.inner_text()
    assert "<img src=x onerror=alert(2)>" in root.inner_text()
    assert root.locator(".kq-app script, .kq-app img, .kq-app iframe, .kq-app svg, .kq-app b, .kq-app i").count() == 0
    assert root.locator(".kq-app a[href^='javascript']").count() == 0
    assert root.locator(".kq-app a[href='https://example.org/']").count() == 1
    key = unsafe.question("xss-match").answer_of
    for qid, response in [("xss-single", "b"), ("xss-text", "<img src=x onerror=alert(99)>"),
                          ("xss-match", {"l1": key["l2"], "l2": key["l1"]}), ("xss-order", ["o2", "o1"])]:
        set_response(root, unsafe.question(qid), response)
        press(root, qid, "Check")
    root.get_by_role("button", name="Show a hint (1 of 1)").click()
    assert "<img src=x onerror=alert(5)> a hint" in root.inner_text()
    assert "<iframe src=javascript:alert(8)>" in root.inner_text()
    assert root.locator(".kq-app script, .kq-app img, .kq-app iframe, .kq-app svg").count() == 0
    page.reload()
    page.wait_for_selector("[data-kq-state=ready]")
    assert root.get_by_label("Your answer").input_value() == "<img src=x onerror=alert(99)>"
    assert page.dialogs == [] and page.errors == []


@pytest.mark.parametrize("mode", ["practice", "assessment"])
def test_an_ordering_left_as_shown_is_an_answer_when_checked_or_saved(open_page, quiz, mode, tmp_path):
    page = open_page(render_document(quiz, seed=8, mode=mode))
    root = page.locator("section.kq")
    q = quiz.question("timeline")
    shown = list(make_variant(quiz, 8).orders[q.id])
    assert shown_order(root, q.id) == shown
    press(root, q.id, "Check" if mode == "practice" else "Save answer")
    fb = fieldset(root, q.id).locator(".kq-fb")
    if mode == "practice":
        assert fb.locator(".kq-verdict").inner_text() == verdict(grade(q, shown))
    else:
        assert fb.inner_text().startswith("Saved at")
    assert load_submission(download(page, root, "s-3", tmp_path)).responses == {q.id: shown}


def test_the_progress_view_lists_only_its_own_courses_quizzes(open_page, quiz, tmp_path):
    """Two courses on one origin (file://) with the same quiz id: each course's progress view shows its own."""
    import dataclasses

    from kcourse.frontend.static_html import render_progress_fragment

    git = dataclasses.replace(quiz, title="Git objects")

    def book_page(q, course):
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{course}</title></head><body><main>'
                f"{render_fragment(q, seed=3, course=course)}{render_progress_fragment(course)}</main></body></html>")

    page = open_page(book_page(quiz, "small-steps"), name="linux.html")
    set_response(page.locator("section.kq").first, quiz.question("kvm-in-tree"), True)
    press(page.locator("section.kq").first, "kvm-in-tree", "Check")
    other = page.context.new_page()  # the other course's page, same browser and origin
    tmp_path.joinpath("git.html").write_text(book_page(git, "git-101"), encoding="utf-8")
    other.goto(tmp_path.joinpath("git.html").as_uri())
    other.wait_for_selector("[data-kq-progress][data-kq-state=ready]")
    rows = other.locator("[data-kq-progress] tbody tr").all_inner_texts()  # the quiz it shows, nothing checked
    assert len(rows) == 1 and "Git objects" in rows[0] and "Every question type" not in rows[0], rows
    set_response(other.locator("section.kq").first, quiz.question("async-io"), "io_uring")
    press(other.locator("section.kq").first, "async-io", "Check")
    for p, mine, theirs in ((page, "Every question type", "Git objects"), (other, "Git objects", "Every question type")):
        p.reload()
        p.wait_for_selector("[data-kq-progress][data-kq-state=ready]")
        rows = p.locator("[data-kq-progress] tbody tr").all_inner_texts()
        assert len(rows) == 1 and mine in rows[0] and theirs not in rows[0], rows
        assert rows[0].split("\t")[3].startswith("1 of "), rows  # checked: the one question of this course
    assert page.errors == []


MATH_QUIZ = """\
schema_version: 1
id: math-prompt
title: "Math"
questions:
  - id: power
    type: numeric
    prompt: "What is $2^{10}$?"
    answer: 1024
    tolerance: {absolute: 0}
    explanation: "1024."
  - id: square
    type: single
    prompt: "Which is $x^2$ for $x = 3$?"
    explanation: "9."
    options:
      - {id: a, text: "$3^2 = 9$", correct: true}
      - {id: b, text: "6", correct: false}
"""


def test_the_readable_download_keeps_math_readable(open_page, tmp_path):
    from kcourse.core.loader import load_quiz_text

    page = open_page(render_document(load_quiz_text(MATH_QUIZ, "math.yml"), seed=1))
    root = page.locator("section.kq")
    assert root.locator("math").count() >= 3, "the page shows MathML"
    fieldset(root, "power").locator("input").fill("1024")
    fieldset(root, "square").locator('input[value="a"]').check()
    press(root, "power", "Check")
    press(root, "square", "Check")
    questions = {x["id"]: x for x in json.loads(download(page, root, "s-1", tmp_path).read_text())["questions"]}
    assert questions["power"]["prompt"] == "What is $2^{10}$?"
    assert questions["square"]["prompt"] == "Which is $x^2$ for $x = 3$?"
    assert questions["square"]["answer"] == "$3^2 = 9$"


def test_the_summary_names_each_question_and_notes_a_first_try_only_when_it_differs(open_page, quiz):
    """The page's summary reads like the widget's (kcourse.frontend.widgets): "Question 1, “prompt…”: ✓ Correct, 1 of 1
    point." with the first try only when it was another try, also after a reload (answers then come from storage)."""
    page = open_page(render_document(quiz, seed=3))
    root = page.locator("section.kq")
    qids = make_variant(quiz, 3).question_ids
    for qid in qids:
        q = quiz.question(qid)
        set_response(root, q, correct_response(q))
        press(root, qid, "Check")
    for reloaded in (False, True):
        items = root.locator(".kq-summary li").all_inner_texts()
        assert len(items) == len(qids)
        for n, (qid, item) in enumerate(zip(qids, items), 1):
            q = quiz.question(qid)
            prompt = render_plain(q.prompt)[:70]
            assert item.startswith(f"Question {n}, “{prompt}”: ✓ Correct, "), (reloaded, item)
            assert "first try" not in item, (reloaded, item)
        page.reload()
        page.wait_for_selector("[data-kq-state=ready]")


def test_the_progress_view_on_a_phone_shows_its_whole_caption(open_page, quiz):
    """At 390 px the progress table scrolls sideways in its own box; its title stays whole above it (a caption inside
    the box was cut off mid-word: "as saved by thi")."""
    from kcourse.frontend.static_html import render_progress_fragment

    text = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width"><title>p</title></head><body><main>'
            f"{render_fragment(quiz, seed=3, course='c')}{render_progress_fragment('c')}</main></body></html>")
    page = open_page(text, viewport={"width": 390, "height": 844}, is_mobile=True)
    set_response(page.locator("section.kq").first, quiz.question("kvm-in-tree"), True)
    press(page.locator("section.kq").first, "kvm-in-tree", "Check")
    page.reload()
    page.wait_for_selector("[data-kq-progress][data-kq-state=ready]")
    view = page.locator("[data-kq-progress]")
    table = view.get_by_role("table", name="Your practice quizzes, as saved by this browser")
    assert table.count() == 1, "the table keeps its name"
    title = view.get_by_text("Your practice quizzes, as saved by this browser", exact=True)
    box = title.evaluate("(e) => { const r = e.getBoundingClientRect(), s = e.closest('.kq-app').getBoundingClientRect();"
                         " return [r.left >= s.left - 1, r.right <= s.right + 1, e.scrollWidth <= e.clientWidth + 1]; }")
    assert box == [True, True, True], "the title is whole on screen"
    assert page.errors == []


def test_a_self_learner_downloads_practice_answers_without_an_id_and_loads_them_back(open_page, quiz, tmp_path):
    """Practice needs no student id to move to another device; an assessment page still asks for one."""
    page = open_page(render_document(quiz, seed=5))
    root = page.locator("section.kq")
    assert root.locator(".kq-save label").inner_text() == "Student id (optional)"
    q = quiz.question("kvm-in-tree")
    set_response(root, q, True)
    press(root, q.id, "Check")
    path = download(page, root, None, tmp_path)
    assert path.name == f"{quiz.id}-answers.json"
    data = json.loads(path.read_text())
    assert "student_id" not in data and data["responses"] == {"kvm-in-tree": True}
    other = open_page(render_document(quiz, seed=5), name="other.html")
    other_root = other.locator("section.kq")
    other_root.locator("input[type=file]").set_input_files(str(path))
    expect(other_root.locator(".kq-savemsg")).to_contain_text("Loaded the answers of this file")
    assert other_root.locator(".kq-score").inner_text() == root.locator(".kq-score").inner_text()
    exam = open_page(render_document(quiz, seed=5, mode="assessment"), name="exam.html")
    exam_root = exam.locator("section.kq")
    assert exam_root.locator(".kq-save label").inner_text() == "Student id"
    exam_root.get_by_role("button", name="Download my answers").click()
    assert "Type your student id first" in exam_root.locator(".kq-savemsg").inner_text()
    assert page.errors == other.errors == exam.errors == []


@pytest.mark.parametrize("order, good", [([1, 0, 2, 3], 5), ([3, 0, 1, 2], 3), ([3, 2, 1, 0], 0)],
                         ids=["one-swap", "last-first", "reversed"])
def test_ordering_marks_come_with_the_pairs_the_score_counts(open_page, quiz, order, good):
    """'✗ not here' on every item can still score half: the feedback says how many pairs are in order."""
    q = quiz.question("timeline")
    items = [i.id for i in q.items]
    assert len(items) == 4
    page = open_page(render_document(quiz, seed=5))
    root = page.locator("section.kq")
    response = [items[k] for k in order]
    set_response(root, q, response)
    press(root, q.id, "Check")
    fb = fieldset(root, q.id).locator(".kq-fb").inner_text()
    assert f"Pairs of items in the right order: {good} of 6; the score counts these pairs." in fb, fb
    assert fieldset(root, q.id).locator(".kq-verdict").inner_text() == verdict(grade(q, response))
