"""The static quiz in a real Jupyter Book: built with ``jupyter-book build``, served from 127.0.0.1, used in
headless chromium with mouse and keyboard; and an assessment-mode book whose build output reveals no key.

Two tiny books are built in parallel (about half a minute): a practice page with two quizzes (every question
type, and one whose text is full of markup) and an assessment page.
"""
import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from kcourse import qtypes as qt
from kcourse.core import model as m
from kcourse.core import practice
from kcourse.core.grading import correct_response, grade, grade_responses
from kcourse.core.loader import load_quiz
from kcourse.core.submission import grade_submission, load_submission
from kcourse.core.variants import make_variant
from kcourse.views.markdown import render_inline, render_plain

from .static_support import (
    ALL_TYPES,
    FILES,
    chromium,
    fieldset,
    finish_build,
    num,
    points,
    press,
    serve,
    set_response,
    start_build,
    verdict,
    write_book,
)

UNSAFE = FILES / "frontend" / "unsafe-markup.yml"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def quiz():
    return load_quiz(ALL_TYPES)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Start both book builds at once; each fixture below waits for its own."""
    base = tmp_path_factory.mktemp("books")
    home = base / "kcourse-home"
    home.mkdir()
    practice = write_book(base / "practice", [f"import kcourse\nkcourse.quiz({str(ALL_TYPES)!r})",
                                              f"kcourse.quiz({str(UNSAFE)!r})", "kcourse.progress()"])
    assessment = write_book(base / "assessment",
                            [f"import kcourse\nkcourse.quiz({str(ALL_TYPES)!r}, mode='assessment')"])
    procs = {"practice": (start_build(practice, home), practice),
             "assessment": (start_build(assessment, home), assessment)}
    done: dict = {}

    def get(name: str):
        if name not in done:
            proc, folder = procs[name]
            done[name] = finish_build(proc, folder)
        return done[name]

    yield get
    for name in procs:
        get(name) if procs[name][0].poll() is not None else (procs[name][0].kill(), procs[name][0].wait())
        procs[name][0].log.close()


@pytest.fixture(scope="module")
def site(builds):
    with serve(builds("practice") / "html") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def open_book(browser, site):
    contexts = []

    def go(context=None, **options):
        ctx = context or browser.new_context(accept_downloads=True, **options)
        contexts.append(ctx)
        page = ctx.new_page()
        page.requests, page.dialogs, page.errors = [], [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(site + "quiz.html")
        page.wait_for_function("document.querySelectorAll('[data-kq-state=ready]').length === 3")
        return page

    yield go
    for ctx in contexts:
        ctx.close()


def errors(page) -> list[str]:
    """Script errors on the page (the book's extension removes jupyter-book's doubled sphinx-thebe script, whose
    second ``const THEBE_JS_URL`` used to throw on every page)."""
    return list(page.errors)


def outside(page, site: str) -> list[str]:
    return [u for u in page.requests if not (u.startswith(site) or u.startswith("blob:") or u.startswith("data:"))]


def score_line(quiz, variant, last: dict, first: dict) -> str:
    """The page's score line for the last and first tries (responses by question id): kcourse.practice's."""
    def results(responses):
        return {q: {"score": grade(quiz.question(q), r).score} for q, r in responses.items()}

    total = sum(quiz.question(q).points for q in variant.question_ids)
    return practice.score(results(last), results(first), variant.question_ids, total).line()


def check(root, qid: str, keyboard: bool) -> None:
    if keyboard:
        fieldset(root, qid).get_by_role("button", name="Check").focus()
        root.page.keyboard.press("Enter")
    else:
        press(root, qid, "Check")


@pytest.mark.browser
def test_a_learner_practises_every_type_reloads_downloads_and_loads_back_on_another_device(
        open_book, site, quiz, tmp_path):
    page = open_book()
    root = page.locator("section.kq").first
    seed = int(root.get_attribute("data-kq-seed"))
    variant = make_variant(quiz, seed)
    assert [fs.get_attribute("data-qid") for fs in root.locator("fieldset").all()] == list(variant.question_ids)
    pool_q = next(q for q in variant.question_ids if q.startswith("first-fosdem"))

    # a hint, on request, one at a time
    root.get_by_role("button", name="Show a hint (1 of 1)").click()
    assert " ".join(fieldset(root, "bkl-removed").locator(".kq-hint").inner_text().split()) == "Hint 1: It was 2011."
    assert fieldset(root, "bkl-removed").get_by_role("button", name=re.compile("hint")).count() == 0

    # a wrong first try: the verdict and the feedback on the misconception, not the explanation nor the answer
    q = quiz.question("bkl-removed")
    set_response(root, q, "b")
    press(root, q.id, "Check")
    fs = fieldset(root, q.id)
    fb = fs.locator(".kq-fb")
    assert fb.locator(".kq-verdict").inner_text() == verdict(grade(q, "b"))
    assert fb.locator("li code").inner_text() == "lock_kernel()"
    assert fb.locator(".kq-expl").count() == 0 and "2.6.39, May 2011" not in fb.inner_text()
    assert fb.locator(".kq-tries").inner_text() == "Try 1 of 2: the answer shows after 2 tries."
    assert page.evaluate("document.activeElement.textContent") == "Try again"
    page.keyboard.press("Enter")  # Try again keeps the answer, and the try keeps counting until the next check
    assert fs.locator('input[value="b"]').is_checked() and fs.locator("input").first.is_enabled()
    assert "Your last try: ✗ Not right, 0 of 2 points. It counts until you check again." in fb.inner_text()
    first: dict = {"bkl-removed": "b"}

    # input that is not an answer yet says what to fix and costs no try
    commits = quiz.question("commits")
    set_response(root, commits, "13.500", keyboard=True)
    check(root, "commits", True)
    assert "13.500 could mean 13500 (with a thousands separator) or 13.5" in fieldset(root, "commits").locator(
        ".kq-fb").inner_text()
    assert fieldset(root, "commits").locator(".kq-tries").count() == 0
    press(root, "match-blocks", "Check")
    assert fieldset(root, "match-blocks").locator(".kq-fb").inner_text() == "Answer first, then check."
    key = quiz.question("match-blocks").answer_of  # pair id -> its right-hand choice id
    set_response(root, quiz.question("match-blocks"), {"ns": key["ns"]})
    press(root, "match-blocks", "Check")
    assert "2 rows are still “Choose…”" in fieldset(root, "match-blocks").locator(".kq-fb").inner_text()

    plan = [  # (question, response, keyboard only?)
        ("bkl-removed", "a", True), ("building-blocks", ["ns", "cg"], True), ("kvm-in-tree", True, True),
        ("commits", "14,000", True), ("weeks", 12, False), ("async-io", "  IO   URING ", False),
        ("timeline", correct_response(quiz.question("timeline")), True),
        ("match-blocks", {"ns": key["ns"], "cg": key["sc"], "sc": key["cg"]}, False),
        (pool_q, correct_response(quiz.question(pool_q)), False),
    ]
    last: dict = {}
    for qid, response, keyboard in plan:
        q = quiz.question(qid)
        set_response(root, q, response, keyboard=keyboard)
        check(root, qid, keyboard)
        result = grade(q, response)
        fs = fieldset(root, qid)
        assert fs.locator(".kq-verdict").inner_text() == verdict(result), qid
        assert len(fs.locator(".kq-fblist li").all_inner_texts()) == len(result.feedback), qid
        tries = 2 if qid == "bkl-removed" else 1
        if result.status.value != "correct" and tries < 2:  # no answer yet: the learner asks for it
            assert fs.locator(".kq-expl").count() == 0, qid
            fs.get_by_role("button", name="Show answer").focus()
            page.keyboard.press("Enter")
        assert " ".join(fs.locator(".kq-expl").inner_text().split()) == "Explanation " + render_plain(q.explanation)
        assert fs.get_by_role("button", name="Try again").is_hidden(), "the answer is shown: done until a new attempt"
        last[qid] = response
        first.setdefault(qid, response)
        assert root.locator(".kq-score").inner_text().startswith(score_line(quiz, variant, last, first))
    building = fieldset(root, "building-blocks")
    assert building.locator(".kq-fblist").inner_text().endswith("You missed 1 right option.")
    assert building.locator(".kq-mark").all_inner_texts() == ["✓ right", "✓ right", "✓ right answer"] or \
        sorted(building.locator(".kq-mark").all_inner_texts()) == ["✓ right", "✓ right", "✓ right answer"]
    assert fieldset(root, "weeks").locator(".kq-fblist").inner_text() == "12 is too high."
    assert "Accepted: 9 <= x <= 10 weeks." in fieldset(root, "weeks").locator(".kq-answer").inner_text()
    marks = fieldset(root, "match-blocks").locator(".kq-mark").all_inner_texts()
    assert marks[0] == "✓ right" and marks[1].startswith("✗ wrong, right: ")
    last_n = variant.question_ids.index(pool_q) + 1  # the live region announced the last check and the score
    expect(root.locator(".kq-live")).to_have_text(
        re.compile(rf"^Question {last_n}: ✓ Correct: 1 of 1 point\. All questions checked"))

    total = grade_responses(quiz, variant.question_ids, last)
    summary = root.locator(".kq-summary").inner_text()
    assert f"All questions checked: {num(total.total)} of {points(total.max_score)} ({num(total.percentage)} %)" in summary
    assert re.search(r"Question 1, “[^”]+”: ✓ Correct, 2 of 2 points \(first try 0\)\.", summary), \
        "per question, named, with the first try"
    before = root.locator(".kq-score").inner_text()

    # a reload keeps the variant, the answers, the feedback and the score
    page.reload()
    page.wait_for_function("document.querySelectorAll('[data-kq-state=ready]').length === 3")
    assert int(root.get_attribute("data-kq-seed")) == seed
    assert root.locator(".kq-score").inner_text() == before
    assert fieldset(root, "bkl-removed").locator('input[value="a"]').is_checked()
    assert fieldset(root, "async-io").locator("input").input_value() == "  IO   URING "
    assert fieldset(root, "timeline").locator(".kq-order li").evaluate_all("(l) => l.map((li) => li.dataset.id)") == \
        correct_response(quiz.question("timeline"))
    assert fieldset(root, "match-blocks").locator(".kq-verdict").inner_text() == \
        verdict(grade(quiz.question("match-blocks"), plan[7][1]))
    assert fieldset(root, "commits").locator("input").is_disabled()

    # the course progress view of this page: from this browser's own answers
    progress = page.locator("[data-kq-progress]")
    assert "Every question type" in progress.inner_text() and f"{num(total.percentage)} %" in progress.inner_text()
    assert "progress.json" not in progress.inner_text()

    # download: readable, scored like the page, graded alike by the instructor
    root.get_by_label("Student id").fill("s-1001")
    with page.expect_download() as info:
        root.get_by_role("button", name="Download my answers").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "valid-all-types-s-1001.json"
    message = root.locator(".kq-savemsg").inner_text()
    assert f"Its score is the page's: {num(total.total)} of {points(total.max_score)} ({num(total.percentage)} %)." \
        in message
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["score"]["total"] == total.total and data["quiz_title"] == "Every question type"
    rows = {r["id"]: r for r in data["questions"]}
    assert rows["bkl-removed"]["answer"] == "2.6.39" and rows["bkl-removed"]["tries"] == 2
    assert rows["bkl-removed"]["prompt"].startswith("In which release")
    assert rows["match-blocks"]["answer"].startswith("namespaces → ")
    sub = load_submission(path)
    assert sub.variant_seed == seed and sub.student_id == "s-1001"
    assert grade_submission(quiz, sub).total == total.total
    cli = subprocess.run([sys.executable, "-c", "from kcourse.cli import main; main()", "grade-one", str(ALL_TYPES),
                          str(path), "--json"], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["total"] == total.total
    assert outside(page, site) == [] and errors(page) == [] and page.dialogs == []

    # another device (a fresh browser): load the file back, and everything is there
    other = open_book()
    other_root = other.locator("section.kq").first
    other_root.locator("input[type=file]").set_input_files(str(path))
    other.wait_for_function(f"document.querySelector('section.kq').getAttribute('data-kq-seed') === '{seed}'")
    expect(other_root.locator(".kq-savemsg")).to_contain_text("Loaded the answers of s-1001")
    assert other_root.locator(".kq-score").inner_text() == before
    assert re.search(r"Question 1, “[^”]+”: ✓ Correct, 2 of 2 points \(first try 0\)\.",
                     other_root.locator(".kq-summary").inner_text())
    assert errors(other) == []


@pytest.mark.browser
def test_two_tabs_keep_both_answers(browser, site, quiz):
    ctx = browser.new_context()
    try:
        a, b = ctx.new_page(), ctx.new_page()
        for p in (a, b):
            p.goto(site + "quiz.html")
            p.wait_for_function("document.querySelectorAll('[data-kq-state=ready]').length === 3")
        ra, rb = a.locator("section.kq").first, b.locator("section.kq").first
        set_response(ra, quiz.question("kvm-in-tree"), True)
        set_response(rb, quiz.question("async-io"), "io_uring")
        press(rb, "async-io", "Check")
        expect(fieldset(ra, "async-io").locator("input")).to_have_value("io_uring")
        expect(fieldset(ra, "async-io").locator(".kq-verdict")).to_have_text("✓ Correct: 1 of 1 point.")
        assert fieldset(rb, "kvm-in-tree").locator('input[value="true"]').is_checked()
        a.reload()
        a.wait_for_function("document.querySelectorAll('[data-kq-state=ready]').length === 3")
        assert fieldset(ra, "kvm-in-tree").locator('input[value="true"]').is_checked()
        assert fieldset(ra, "async-io").locator("input").input_value() == "io_uring"
        # a new attempt clears both tabs
        ra.get_by_role("button", name="Start a new attempt").click()
        ra.get_by_role("button", name="Yes, clear my answers").click()
        expect(fieldset(rb, "async-io").locator("input")).to_have_value("")
        assert not fieldset(rb, "kvm-in-tree").locator('input[value="true"]').is_checked()
    finally:
        ctx.close()


@pytest.mark.browser
def test_keyboard_only_on_a_phone(open_book, quiz):
    page = open_book(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    root = page.locator("section.kq").first
    fs = fieldset(root, "bkl-removed")
    fs.locator("input").first.focus()
    page.keyboard.press("ArrowDown")  # a radio group: the arrow keys choose
    chosen = fs.locator("input:checked").get_attribute("value")
    check(root, "bkl-removed", True)
    assert fs.locator(".kq-verdict").inner_text() == verdict(grade(quiz.question("bkl-removed"), chosen))
    focused = page.evaluate("document.activeElement.matches('.kq-fb') ? 'feedback' : document.activeElement.textContent")
    assert focused in ("Try again", "feedback"), "the focus goes to Try again, or to the feedback when it is done"
    ordering = fieldset(root, "timeline")
    down = ordering.locator("li").first.get_by_role("button").nth(1)
    moved = ordering.locator("li").first.get_attribute("data-id")
    down.focus()
    page.keyboard.press("Enter")
    assert ordering.locator("li").nth(1).get_attribute("data-id") == moved
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("Move down:"), \
        "the focus follows the moved item"
    assert root.evaluate("(r) => r.scrollWidth <= r.clientWidth + 1"), "the quiz fits a 390 px phone"
    for qid, typed, shown in (("commits", "zzz", ""), ("commits", "13500", "✓ Correct"), ("async-io", "io_uring", "✓ Correct")):
        box = fieldset(root, qid).locator("input[type=text]")
        box.focus()
        box.press("Control+a")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")  # Enter in an answer box checks, like the Check button
        if shown:
            expect(fieldset(root, qid).locator(".kq-verdict")).to_contain_text(shown)
        else:  # not an answer yet: it says what to fix and the focus stays in the box
            expect(fieldset(root, qid).locator(".kq-fb")).not_to_be_empty()
            assert page.evaluate("document.activeElement.type") == "text"


# -- the learner's flows on other screens: dark mode, 200 % zoom, a 390 px phone (one representative flow each) --
DISPLAYS = {
    "dark": {"color_scheme": "dark"},
    "zoom-200": {"viewport": {"width": 683, "height": 384}, "device_scale_factor": 2},  # 1366 x 768 at 200 %
    "phone-390": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
                  "has_touch": True},
}


def flow_practice(page, root, quiz, **_):
    """A wrong first try shows feedback, not the answer; Try again by keyboard; the right answer then explains."""
    q = quiz.question("bkl-removed")
    set_response(root, q, "b", keyboard=True)
    check(root, q.id, True)
    fs = fieldset(root, q.id)
    assert fs.locator(".kq-verdict").inner_text() == verdict(grade(q, "b")) and fs.locator(".kq-expl").count() == 0
    page.keyboard.press("Enter")  # the focus is on Try again
    set_response(root, q, "a", keyboard=True)
    check(root, q.id, True)
    expect(fs.locator(".kq-expl")).to_be_visible()
    return fs


def flow_per_part(page, root, quiz, **_):
    """Multiple choice and matching are marked part by part (before the answer is shown: no right answers)."""
    set_response(root, quiz.question("building-blocks"), ["ns", "cg"])
    press(root, "building-blocks", "Check")
    assert sorted(fieldset(root, "building-blocks").locator(".kq-mark").all_inner_texts()) == ["✓ right", "✓ right"]
    key = quiz.question("match-blocks").answer_of
    set_response(root, quiz.question("match-blocks"), {"ns": key["ns"], "cg": key["sc"], "sc": key["cg"]})
    press(root, "match-blocks", "Check")
    marks = fieldset(root, "match-blocks").locator(".kq-mark")
    assert marks.all_inner_texts()[:2] == ["✓ right", "✗ wrong"]
    return fieldset(root, "match-blocks")


def flow_numbers(page, root, quiz, **_):
    """An ambiguous number is asked back and costs no try; a thousands separator is read as meant."""
    q = quiz.question("commits")
    set_response(root, q, "13.500", keyboard=True)
    check(root, q.id, True)
    fs = fieldset(root, q.id)
    assert "could mean 13500" in fs.locator(".kq-fb").inner_text() and fs.locator(".kq-tries").count() == 0
    set_response(root, q, "14,000", keyboard=True)
    check(root, q.id, True)
    assert fs.locator(".kq-verdict").inner_text() == verdict(grade(q, "14,000"))
    return fs


def flow_new_attempt(page, root, quiz, **_):
    """A new attempt (asked twice) clears every answer and keeps the best score."""
    set_response(root, quiz.question("kvm-in-tree"), True)
    press(root, "kvm-in-tree", "Check")
    root.get_by_role("button", name="Start a new attempt").click()
    root.get_by_role("button", name="Yes, clear my answers").click()
    fs = fieldset(root, "kvm-in-tree")
    assert not fs.locator('input[value="true"]').is_checked() and fs.locator(".kq-verdict").count() == 0
    assert "Best so far" in root.locator(".kq-score").inner_text()
    return root.get_by_role("button", name="Start a new attempt")


def flow_download_and_load_back(page, root, quiz, tmp_path, reopen, **_):
    """The answers downloaded on one device load back on another with the same display."""
    set_response(root, quiz.question("async-io"), "io_uring")
    press(root, "async-io", "Check")
    root.get_by_label("Student id").fill("s-2002")
    with page.expect_download() as info:
        root.get_by_role("button", name="Download my answers").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    other = reopen()
    other_root = other.locator("section.kq").first
    other_root.locator("input[type=file]").set_input_files(str(path))
    expect(other_root.locator(".kq-savemsg")).to_contain_text("Loaded the answers of s-2002")
    assert other_root.locator(".kq-score").inner_text() == root.locator(".kq-score").inner_text()
    return other_root.locator(".kq-savemsg")


def flow_progress(page, root, quiz, **_):
    """The course progress view shows the answers this browser keeps."""
    set_response(root, quiz.question("kvm-in-tree"), True)
    press(root, "kvm-in-tree", "Check")
    page.reload()
    page.wait_for_function("document.querySelectorAll('[data-kq-state=ready]').length === 3")
    progress = page.locator("[data-kq-progress]")
    row = progress.locator("tbody tr").filter(has_text="Every question type")
    assert row.locator("td").nth(2).inner_text().startswith("1 of "), row.inner_text()  # checked
    progress.scroll_into_view_if_needed()
    assert progress.evaluate("(r) => r.scrollWidth <= r.clientWidth + 1"), "the progress view fits the screen"
    scroller = progress.get_by_role("region", name="Your practice quizzes (scrolls sideways)")
    scroller.focus()  # a table wider than a phone scrolls in its own box, by keyboard too
    assert page.evaluate("document.activeElement.classList.contains('kq-scroll')")
    if scroller.evaluate("(s) => s.scrollWidth > s.clientWidth"):
        page.keyboard.press("ArrowRight")
        expect(scroller).not_to_have_js_property("scrollLeft", 0)
    return row


FLOWS = {f.__name__[5:]: f for f in (flow_practice, flow_per_part, flow_numbers, flow_new_attempt,
                                      flow_download_and_load_back, flow_progress)}


@pytest.mark.browser
@pytest.mark.parametrize("display", DISPLAYS)
@pytest.mark.parametrize("flow", FLOWS)
def test_learner_flows_in_dark_mode_at_200_percent_zoom_and_on_a_phone(browser, open_book, quiz, tmp_path, flow,
                                                                        display):
    options = DISPLAYS[display]

    def reopen():
        ctx = browser.new_context(accept_downloads=True, **options)
        if display == "dark":  # the book's own theme setting too, as a reader who chose dark has it
            ctx.add_init_script("try { localStorage.setItem('mode', 'dark'); } catch (e) {}")
        return open_book(context=ctx)

    page = reopen()
    root = page.locator("section.kq").first
    seen = FLOWS[flow](page, root, quiz, tmp_path=tmp_path, reopen=reopen)
    expect(seen).to_be_visible()
    assert root.evaluate("(r) => r.scrollWidth <= r.clientWidth + 1"), "the quiz fits the screen"
    style = root.evaluate("""(r) => { const cs = getComputedStyle(r), lum = (c) => c.match(/\\d+/g).slice(0, 3)
        .reduce((t, x) => t + +x, 0) / 3; return { bg: lum(cs.backgroundColor), fg: lum(cs.color),
        theme: document.documentElement.dataset.theme, ratio: devicePixelRatio, width: innerWidth }; }""")
    if display == "dark":
        assert style["theme"] == "dark" and style["bg"] < 60 and style["fg"] > 180, style
    else:
        assert style["bg"] > 200 and style["fg"] < 80, style
        assert (style["ratio"], style["width"]) == ((2, 683) if display == "zoom-200" else (3, 390)), style
    assert errors(page) == [] and page.dialogs == []


@pytest.mark.browser
def test_every_control_is_reachable_with_the_tab_key(open_book):
    page = open_book()
    root = page.locator("section.kq").first
    want = root.evaluate("""(root) => {
        const els = [...root.querySelectorAll('input, select, button')].filter((e) => !e.disabled && !e.hidden);
        els.forEach((e, i) => { e.dataset.kqt = i; });
        const groups = new Set();  // Tab reaches one radio of a group
        return els.filter((e) => e.type !== 'radio' || (!groups.has(e.name) && groups.add(e.name)))
                  .map((e) => e.dataset.kqt);
    }""")
    root.locator("input").first.focus()
    seen = set()
    for _ in range(len(want) + 20):
        seen.add(page.evaluate("document.activeElement.dataset.kqt"))
        page.keyboard.press("Tab")
    assert set(want) <= seen
    select = root.locator("select").first
    select.focus()
    page.keyboard.press("ArrowDown")
    assert select.input_value() != ""


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_book_page_quizzes_have_no_serious_accessibility_problems(open_book, site, quiz, theme):
    from axe_playwright_python.sync_playwright import Axe

    page = open_book(color_scheme=theme)
    page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
    root = page.locator("section.kq").first
    for qid in ("bkl-removed", "building-blocks", "weeks"):
        set_response(root, quiz.question(qid), {"bkl-removed": "b", "building-blocks": ["ns", "hv"], "weeks": 9}[qid])
        press(root, qid, "Check")
    root.get_by_role("button", name="Show a hint (1 of 1)").click()
    results = Axe().run(page, context="section.kq")  # axe-core comes from the package, not the network
    assert [(v["id"], v["impact"], v["help"]) for v in results.response["violations"] if v["impact"] in SERIOUS] == []
    assert results.response["testEngine"]["name"] == "axe-core" and len(results.response["passes"]) > 10
    assert outside(page, site) == []


@pytest.mark.browser
def test_markup_in_a_book_quiz_runs_nothing(open_book, site):
    page = open_book()
    unsafe = page.locator("section.kq").nth(1)
    assert "<script>alert(1)</script>" in unsafe.inner_text()
    assert unsafe.locator(".kq-app script, .kq-app img, .kq-app iframe, .kq-app svg").count() == 0
    page.mouse.move(10, 10)
    unsafe.locator(".kq-opt label").first.hover()
    assert page.dialogs == [] and errors(page) == [] and outside(page, site) == []


@pytest.mark.browser
def test_practice_page_html_has_no_readable_key(builds, quiz):
    text = (builds("practice") / "html" / "quiz.html").read_text(encoding="utf-8")
    assert '"correct": true' not in text and '"correct":true' not in text
    for q in quiz.all_questions:
        for s in secrets(q):
            assert s not in text, (q.id, s)


def secrets(q: m.Question) -> list[str]:
    """Texts that tell or grade an answer, as written and as rendered (only distinctive ones: 8+ characters)."""
    raw = [q.explanation]
    if isinstance(q, (qt.SingleChoice, qt.MultipleSelect)):
        raw += [o.feedback for o in q.options]
    if isinstance(q, qt.TrueFalse):
        raw += [q.feedback_true, q.feedback_false]
    if isinstance(q, qt.ShortText):
        raw += list(q.accept) + [q.pattern or ""]
    out = set()
    for s in raw:
        out |= {s, render_inline(s), json.dumps(s)[1:-1]}
    return sorted(s for s in out if len(s) >= 8)


def leaks(out, quiz) -> list[tuple[str, str]]:
    """(file, text) for every file under ``out`` holding a text that tells or grades an answer of ``quiz``."""
    forbidden = {s.encode("utf-8") for q in quiz.all_questions for s in secrets(q)}
    forbidden |= {b'"correct": true', b'"correct":true', b"correct: true", b'"accept"', b'"explanation_html"'}
    return [(str(p.relative_to(out)), s.decode()) for p in out.rglob("*") if p.is_file() for s in forbidden
            if s in p.read_bytes()]


def test_the_leak_scan_finds_a_planted_answer(tmp_path, quiz):
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "x.pickle").write_bytes(b"\x80\x04" + quiz.question("async-io").accept[0].encode())
    (tmp_path / "page.html").write_text(json.dumps({"correct": True}), encoding="utf-8")
    assert sorted(leaks(tmp_path, quiz)) == [("deep/er/x.pickle", quiz.question("async-io").accept[0]),
                                             ("page.html", '"correct": true')]


@pytest.mark.slow
def test_assessment_book_build_reveals_no_answer_anywhere(builds, quiz):
    out = builds("assessment")
    files = [p for p in out.rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".html", ".ipynb", ".js"} <= kinds, kinds
    assert any("jupyter_execute" in p.parts for p in files) and any("_sources" in p.parts for p in files)
    assert leaks(out, quiz) == []
    # the page data holds only the variant's questions, with nothing but what a learner must see
    page = (out / "html" / "quiz.html").read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" class="kq-data">(.*?)</script>', page).group(1)
    data = json.loads(blob)
    assert data["quiz"]["mode"] == "assessment"
    variant = make_variant(quiz, data["seed"])
    assert [q["id"] for q in data["questions"]] == list(variant.question_ids)
    allowed = {"id", "type", "points", "prompt_html", "prompt_inline", "hints_html", "options", "unit", "items",
               "pairs", "rights"}
    for pub in data["questions"]:
        assert set(pub) <= allowed  # no key, not even packed
        assert all(set(o) == {"id", "html"} for o in pub.get("options", []))
        assert all(set(r) == {"id", "text"} for r in pub.get("rights", []))  # choice ids: hashes of the texts
        if pub["type"] == "matching":
            assert not {p["id"] for p in pub["pairs"]} & {r["id"] for r in pub["rights"]}
