"""The class-wide assessment page: each student's own variant from their id, the name shown, the id locked."""
from __future__ import annotations

import json

import pytest

from kcourse.core.variants import seed_for
from kcourse.instructor.assign import assign, key_leaks
from kcourse.instructor.classpage import class_hash, render_class_page
from kcourse.instructor.roster import parse_roster

ROSTER = 'student_id,name\ns000,"Hernández, José"\nAB 12,Zoë O\'Brien\ns002,Li Wei\n'


def test_the_page_holds_every_variant_no_key_and_no_ids(quiz):
    roster = parse_roster(ROSTER, "r.csv")
    page, shown = render_class_page(quiz, roster)
    assert key_leaks(quiz, page, shown) == []
    data = json.loads(page.split('id="kc-class">', 1)[1].split("</script>", 1)[0])
    assert data["people"][class_hash("s000")] == [seed_for(quiz.id, "s000"), "Hernández, José"]
    assert class_hash("ab12") == class_hash(" AB 12")
    assert set(data["variants"]) == {str(seed_for(quiz.id, s.student_id)) for s in roster}
    assert "s002" not in page  # ids are hashed; names are shown (the docs say so)


def test_assign_writes_it_next_to_the_personal_pages(quiz, tmp_path):
    report = assign(quiz=quiz, roster=parse_roster(ROSTER, "r.csv"), out=tmp_path, class_page=True)
    assert (tmp_path / f"{quiz.id}-class.html").exists() and report.files == 3 * 3 + 1 + 2


@pytest.mark.browser
def test_a_student_gets_their_variant_and_their_id_stays(quiz, tmp_path):
    from tests.frontend.static_support import chromium

    page_text, _ = render_class_page(quiz, parse_roster(ROSTER, "r.csv"))
    path = tmp_path / "class.html"
    path.write_text(page_text, encoding="utf-8")
    with chromium() as browser:
        ctx = browser.new_context(viewport={"width": 390, "height": 800})
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.get_by_label("Your student id").fill("nobody")
        page.keyboard.press("Enter")
        assert "not on the class list" in page.locator(".kc-msg").text_content()
        page.get_by_label("Your student id").fill("ab 12")
        page.keyboard.press("Enter")
        assert "You are Zoë O'Brien (ab 12)?" in page.locator(".kc-msg").text_content()
        page.get_by_role("button", name="Yes, start").click()
        page.wait_for_selector("[data-kq-state=ready]")
        assert page.locator("section.kq").get_attribute("data-kq-seed") == str(seed_for(quiz.id, "AB 12"))
        assert "Zoë O'Brien (ab 12)" in page.locator(".kc-who").text_content()
        sid = page.get_by_label("Student id")
        assert sid.input_value() == "ab 12" and sid.get_attribute("readonly") is not None
        page.reload()
        page.wait_for_selector("[data-kq-state=ready]")  # the id is kept: no question asked again
        assert page.locator("#kc-id").count() == 0
        assert page.locator("section.kq").get_attribute("data-kq-seed") == str(seed_for(quiz.id, "AB 12"))
        assert errors == []
        ctx.close()


def test_the_notebook_greets_the_student_by_name_as_people_write_it(quiz, tmp_path):
    assign(quiz=quiz, roster=parse_roster(ROSTER, "r.csv"), out=tmp_path)
    nb = json.loads((tmp_path / "s000" / f"{quiz.id}.ipynb").read_text(encoding="utf-8"))
    assert "**José Hernández** (student id `s000`)" in nb["cells"][0]["source"]


@pytest.mark.browser
def test_two_courses_on_one_origin_keep_their_class_pages_apart(tmp_path):
    """Two courses reuse a quiz id; their class pages are served from one origin (an LMS's file domain). Each
    keeps its own confirmed id (kcourse:v2:<course>:class:<quiz>); an id kept by a page from before course ids
    (kcourse:v1:class:<quiz>) is taken over by the first course page that opens, once."""
    import shutil

    from kcourse.core.loader import load_quiz
    from tests.frontend.static_support import chromium, serve

    from .conftest import ALL_TYPES

    site = tmp_path / "site"
    site.mkdir()
    for course in ("kernel-a", "kernel-b"):
        qdir = tmp_path / course / "quizzes"
        qdir.mkdir(parents=True)
        shutil.copy(ALL_TYPES, qdir / ALL_TYPES.name)
        text, _ = render_class_page(load_quiz(qdir / ALL_TYPES.name), parse_roster(ROSTER, "r.csv"))
        assert f'"course":"{course}"' in text.replace(" ", "")
        (site / f"{course}.html").write_text(text, encoding="utf-8")
    quiz_id = load_quiz(ALL_TYPES).id
    with serve(site) as url, chromium() as browser:
        ctx = browser.new_context(viewport={"width": 390, "height": 800})
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}kernel-a.html")
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [f"kcourse:v1:class:{quiz_id}", "s000"])
        page.reload()
        page.wait_for_selector("[data-kq-state=ready]")  # course A took over the old id
        assert "José" in page.locator(".kc-who").text_content()
        assert page.locator("section.kq[data-kq-course=kernel-a]").count() == 1
        page.goto(f"{url}kernel-b.html")  # course B: the old id is gone, B asks
        assert page.get_by_label("Your student id").is_visible()
        page.get_by_label("Your student id").fill("s002")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Yes, start").click()
        page.wait_for_selector("[data-kq-state=ready]")
        assert "Li Wei (s002)" in page.locator(".kc-who").text_content()
        keys = page.evaluate("() => Object.fromEntries(Object.keys(localStorage).filter((k) => k.includes(':class:'))"
                             ".map((k) => [k, localStorage.getItem(k)]))")
        assert keys == {f"kcourse:v2:kernel-a:class:{quiz_id}": "s000", f"kcourse:v2:kernel-b:class:{quiz_id}": "s002"}
        page.goto(f"{url}kernel-a.html")
        page.wait_for_selector("[data-kq-state=ready]")
        assert "(s000)" in page.locator(".kc-who").text_content()  # A still has its own student
        assert errors == []
        ctx.close()
