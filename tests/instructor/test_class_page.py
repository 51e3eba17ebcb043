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
