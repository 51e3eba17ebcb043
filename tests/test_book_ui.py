"""The course book as a reader meets it, in Debian chromium: the menu and page-contents buttons at every width
(1366 px, below 992 px, a 390 px phone, 200 % zoom) and by keyboard, no placeholder, no script error or 404,
alt text for every plot, captions on build-machine outputs, the practice exam, search from a file, and axe in
light and dark mode on every page.

The course is built once, in a copy (about a minute); ``KCOURSE_BOOK_HTML=<folder>`` reuses a built
``_build/html`` instead (for quick runs while working on the book).
"""
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .frontend.static_support import chromium, serve

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.browser]
SERIOUS = ("serious", "critical")
FIXED_MODERATE = ("region", "heading-order", "empty-table-header")  # fixed once: the sidebar logo, the exam's
# headings (moderate), the header cells of two Markdown tables (minor)
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
ZOOM_200 = {"viewport": {"width": 683, "height": 384}, "device_scale_factor": 2}  # 1366 x 768 at 200 % zoom
NARROW = {"viewport": {"width": 900, "height": 800}}  # below the theme's 960 px breakpoint
WIDE = {"viewport": {"width": 1366, "height": 768}}
SMALL = {"phone-390": PHONE, "zoom-200": ZOOM_200, "narrow-900": NARROW}
CHAPTER = "chapters/07-something-impossible.html"
TAG_ID = re.compile(r"\(<code[^>]*><span class=\"pre\">[a-z0-9]+(?:-[a-z0-9]+)*</span></code>\)")


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    given = os.environ.get("KCOURSE_BOOK_HTML")
    if given:
        return Path(given)
    dest = tmp_path_factory.mktemp("uibook") / "course"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "*.egg-info", ".*cache*",
                                                              ".hypothesis", "__pycache__", "tests"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCOURSE_")}
    env["KCOURSE_HOME"] = str(dest.parent / "home")
    r = subprocess.run([sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(dest),
                        "-W", "-n", "--keep-going"], capture_output=True, text=True, cwd=dest, env=env)
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    return dest / "_build" / "html"


def pages(book: Path) -> list[str]:
    return sorted(str(p.relative_to(book)) for p in book.rglob("*.html")
                  if not {"_static", "_sources", "_images"} & set(p.relative_to(book).parts)
                  and p.name not in ("genindex.html", "index.html"))


@pytest.fixture(scope="module")
def site(book):
    with serve(book) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def open_page(browser, site):
    contexts = []

    def go(path: str, *, theme: str = "light", **options):
        ctx = browser.new_context(color_scheme=theme, **options)
        ctx.add_init_script(f"try {{ localStorage.setItem('mode', '{theme}'); }} catch (e) {{}}")
        contexts.append(ctx)
        page = ctx.new_page()
        page.problems = []
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("request", lambda r: None if r.url.startswith((site, "data:", "blob:"))
                else page.problems.append(f"offline book requested {r.url}"))
        page.goto(site + path)
        page.wait_for_load_state("load")
        return page

    yield go
    for ctx in contexts:
        ctx.close()


def visible_toggle(page, kind: str):
    buttons = page.locator(f"button.{kind}-toggle")
    shown = [buttons.nth(i) for i in range(buttons.count()) if buttons.nth(i).is_visible()]
    assert len(shown) == 1, f"{len(shown)} visible {kind} toggles"
    return shown[0]


# -- item 6: the menu and the page contents at every width ----------------------------------------------------
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", SMALL, ids=list(SMALL))
def test_the_menu_button_opens_the_chapter_list_and_a_link_navigates(open_page, size, theme):
    page = open_page(CHAPTER, theme=theme, **SMALL[size])
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    link = page.get_by_role("link", name="Chapter 2: Growing up")
    assert not link.is_visible()
    visible_toggle(page, "primary").click()
    link.wait_for(state="visible", timeout=3000)
    assert page.locator("button.primary-toggle").count() == 1  # the theme's second, unbound button is gone
    link.click()
    page.wait_for_url("**/chapters/02-growing-up.html")
    assert page.problems == []


@pytest.mark.parametrize("size", SMALL, ids=list(SMALL))
def test_the_page_contents_button_opens_the_sections_and_a_link_goes_there(open_page, size):
    page = open_page(CHAPTER, **SMALL[size])
    first = page.locator("nav.page-toc a").first
    assert not first.is_visible()
    visible_toggle(page, "secondary").click()
    first = page.locator("dialog[open] nav.page-toc a").first
    first.wait_for(state="visible", timeout=3000)
    target = first.get_attribute("href")
    assert target and target.startswith("#") and page.locator("dialog[open] nav.page-toc a").count() > 3
    first.click()
    page.wait_for_url(f"**{target}")


@pytest.mark.parametrize("size", ["phone-390", "zoom-200"])
def test_back_to_top_covers_no_text_on_small_screens(open_page, size, tmp_path):
    page = open_page(CHAPTER, **SMALL[size])
    page.mouse.move(SMALL[size]["viewport"]["width"] // 2, 200)
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)
    page.mouse.wheel(0, -400)  # scrolling up is when the theme shows its button
    page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / f"back-to-top-{size}.png"))
    button = page.locator("#pst-back-to-top")
    assert button.count() == 1, "the theme's button is there"
    assert page.evaluate("document.getElementById('pst-back-to-top').style.display") == "block", "the theme showed it"
    assert not button.is_visible(), "the pill would float over the text"


def test_the_menu_works_by_keyboard_only_on_a_phone(open_page):
    page = open_page(CHAPTER, **PHONE)
    toggle = visible_toggle(page, "primary")
    for _ in range(40):
        page.keyboard.press("Tab")
        if toggle.evaluate("(b) => b === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reaches the menu button")
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="Chapter 2: Growing up")
    link.wait_for(state="visible", timeout=3000)
    page.keyboard.press("Escape")  # closes the menu, focus back on its button
    link.wait_for(state="hidden", timeout=3000)
    assert toggle.evaluate("(b) => b === document.activeElement")
    page.keyboard.press("Enter")
    link.wait_for(state="visible", timeout=3000)
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("(a) => a === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reaches the chapter link in the open menu")
    page.keyboard.press("Enter")
    page.wait_for_url("**/chapters/02-growing-up.html")


def test_at_1366_px_the_chapter_list_and_page_contents_are_shown(open_page):
    page = open_page(CHAPTER, **WIDE)
    link = page.get_by_role("link", name="Chapter 2: Growing up")
    assert link.is_visible()
    assert page.locator(".bd-sidebar-secondary nav.page-toc a").first.is_visible()
    link.click()
    page.wait_for_url("**/chapters/02-growing-up.html")


# -- item 7: alt text, headings, buttons ---------------------------------------------------------------------
def test_every_image_in_the_book_has_meaningful_alt_text(book):
    images = 0
    for name in pages(book):
        for tag in re.findall(r"<img\b[^>]*>", (book / name).read_text(encoding="utf-8")):
            images += 1
            alt = re.search(r'\balt="([^"]*)"', tag)
            text = htmllib.unescape(alt.group(1)) if alt else ""
            assert len(text.split()) >= 8, f"{name}: {tag[:120]} has no real alt text"
            assert not re.search(r"\.(png|svg|jpe?g|gif)\b|_images/", text), f"{name}: alt text is a path: {text}"
    assert images >= 19


def test_the_quiz_title_is_a_heading_and_quick_checks_are_named(open_page):
    page = open_page("chapters/02-growing-up.html", **PHONE)
    page.wait_for_selector("[data-kq-state=ready]")
    title = page.locator("section.kq .kq-title").first
    assert title.evaluate("(e) => e.tagName") == "H3"
    assert page.get_by_role("heading", name=title.inner_text()).count() == 1
    buttons = page.locator(".admonition .toggle-button")
    assert buttons.count() >= 2
    names = buttons.evaluate_all("(bs) => bs.map((b) => b.getAttribute('aria-label'))")
    titles = page.locator(".admonition.toggle > .admonition-title").evaluate_all(
        "(ts) => ts.map((t) => t.textContent.replace(/\\s+/g, ' ').trim())")
    assert len(names) == len(titles) and any("quick check" in n for n in names), names
    for name, title in zip(names, titles):
        assert name != "Toggle hidden content" and title.split(":")[-1].strip() in name, (name, title)
    # by keyboard: the named button opens its answer
    first = buttons.first
    first.focus()
    body = page.locator(".admonition.toggle").first.locator("p").last
    assert not body.is_visible()
    page.keyboard.press("Enter")
    body.wait_for(state="visible", timeout=3000)


def test_quiz_controls_fit_a_phone(open_page):
    page = open_page("chapters/01-the-stage.html", **PHONE)
    page.wait_for_selector("[data-kq-state=ready]")
    moves = page.locator("section.kq .kq-mv")
    assert moves.count() > 0
    for box in moves.evaluate_all("(bs) => bs.map((b) => b.getBoundingClientRect().toJSON())"):
        assert box["width"] >= 44 and box["height"] >= 44, box
    selects = page.locator("section.kq .kq-mrow select")
    assert selects.count() > 0
    widest = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
        'section.kq .kq-mrow select, section.kq .kq-mrow label, section.kq .kq-item')].map(
        (e) => e.getBoundingClientRect().right))""")
    assert widest <= 390, f"a quiz control reaches {widest}px on a 390px screen"


# -- item 8: no placeholder ------------------------------------------------------------------------------------
def test_no_placeholder_reaches_the_book(book):
    for name in pages(book):
        text = (book / name).read_text(encoding="utf-8")
        for bad in ("this repository&gt;", "<this repository>", "hub.example.org", "small-steps-course",
                    "dropdown-launch-buttons"):
            assert bad not in text, f"{name}: {bad}"
    intro = (book / "intro.html").read_text(encoding="utf-8")
    assert "without a published address" in intro and "scripts/setup" in intro


# -- item 9: outputs of the build machine ------------------------------------------------------------------------
@pytest.mark.parametrize("chapter", ["01-the-stage", "04-hosting-differently", "07-something-impossible"])
def test_build_machine_outputs_say_so(book, chapter):
    text = (book / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    cells = text.split('<div class="cell tag_build-machine')[1:]
    assert cells, f"{chapter}: no cell tagged build-machine"
    for cell in cells:
        output = cell.split('class="cell_output', 1)[1]
        assert "Computed when this book was built, on the machine that built it" in output[:600]


# -- item 10 ------------------------------------------------------------------------------------------------------
def quiz_data(text: str) -> list[dict]:
    return [json.loads(htmllib.unescape(m)) if m.startswith("{&") else json.loads(m)
            for m in re.findall(r'<script type="application/json" class="kq-data">(.*?)</script>', text, re.S)]


def test_the_final_exam_has_a_practice_form_and_stays_key_free(book, open_page):
    exam = [d for d in quiz_data((book / "chapters" / "10-summing-up.html").read_text(encoding="utf-8"))
            if d["quiz"]["id"] == "final-exam"]
    practice = quiz_data((book / "chapters" / "final-exam-practice.html").read_text(encoding="utf-8"))
    assert [d["quiz"]["mode"] for d in exam] == ["assessment"]
    assert [(d["quiz"]["id"], d["quiz"]["mode"]) for d in practice] == [("final-exam", "practice")]
    exam_json = json.dumps(exam)
    assert '"key"' not in exam_json and '"correct"' not in exam_json and '"explanation"' not in exam_json
    page = open_page("chapters/final-exam-practice.html", **PHONE)
    page.wait_for_selector("[data-kq-state=ready]")
    assert page.locator("section.kq fieldset").count() >= 20
    assert page.get_by_role("button", name="Check").count() >= 20  # scored as the learner goes
    assert page.problems == []


def test_objectives_show_no_internal_ids(book):
    for name in pages(book):
        text = (book / name).read_text(encoding="utf-8")
        start = text.find(">Objectives<")
        if start < 0:
            continue
        items = text[start:text.find("</ul>", start)]
        assert not TAG_ID.search(items), f"{name}: {TAG_ID.search(items).group(0)}"


def test_search_over_file_urls_degrades_with_a_message(browser, book):
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto((book / "search.html").as_uri() + "?q=kernel")
        page.locator("#search-results ul.search li").first.wait_for(timeout=15000)
        page.wait_for_timeout(500)
        assert page.locator("#kcourse-search-note").is_visible()
        assert not [p for p in problems if "Failed to fetch" in p or "Uncaught" in p], problems
    finally:
        ctx.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_is_clean_and_has_no_serious_accessibility_problem(open_page, book, theme):
    """No serious or critical axe violation, and none of the moderate ones fixed once (FIXED_MODERATE)."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for name in pages(book):
        page = open_page(name, theme=theme)
        page.wait_for_timeout(300)  # the theme's scripts and the quizzes have run
        assert page.evaluate("document.documentElement.dataset.theme") == theme
        assert page.evaluate("document.querySelector('link[rel=icon]') !== null"), f"{name}: no favicon"
        found += [f"{name}: {p}" for p in page.problems]  # console errors ("Got invalid theme mode"), 404s
        violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]  # then axe fetches CSS
        found += [f"{name}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes'][:3]]}"
                  for v in violations if v["impact"] in SERIOUS or v["id"] in FIXED_MODERATE]
        page.context.close()
    assert found == []
