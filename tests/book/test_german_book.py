"""A German book: ``kcourse new --language de`` builds with ``-W -n`` into pages whose quiz speaks German in Debian
chromium, offline (the quiz text stays the author's; the interface follows the book's Sphinx ``language``)."""
import re

import pytest

from kcourse.core.grading import grade
from kcourse.core.loader import load_quiz

from ..frontend.static_support import chromium, fieldset, serve, set_response
from .test_new_course import clean_build, new

pytestmark = [pytest.mark.slow, pytest.mark.book]


@pytest.fixture(scope="module")
def kurs(tmp_path_factory):
    base = tmp_path_factory.mktemp("kurs")
    book = new(base / "kurs", "--language", "de")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/02-practice\n")
    (book / "intro.md").write_text("# Kurs\n\n{doc}`chapters/02-practice`\n")
    (book / "chapters" / "01-first-steps.ipynb").unlink()  # the Markdown page's quiz: no kernel needed
    with (book / "chapters" / "02-practice.md").open("a", encoding="utf-8") as f:
        f.write("\n## Noch ein Quiz\n\n```{quiz} ch01-first-steps\n```\n")  # two quizzes on one page
    clean_build(book)
    return book


def test_the_german_page_carries_only_german_words(kurs):
    page = (kurs / "_build" / "html" / "chapters" / "02-practice.html").read_text()
    strings = re.search(r'class="kq-strings">(.*?)</script>', page).group(1)
    assert '"quiz.check":"Prüfen"' in strings.replace(" ", "") and "Try again" not in strings
    assert 'lang="de"' in page and "Dieses Quiz braucht JavaScript." in page


def test_a_page_with_two_quizzes_carries_the_strings_once(kurs):
    page = (kurs / "_build" / "html" / "chapters" / "02-practice.html").read_text()
    assert page.count('class="kq-data"') == 2 and page.count('class="kq-strings"') == 1


@pytest.mark.browser
def test_a_german_book_shows_a_german_quiz_in_chromium(kurs):
    quiz = load_quiz(kurs / "quizzes" / "ch02-practice.yml")
    with serve(kurs / "_build" / "html") as site, chromium() as browser:
        ctx = browser.new_context()
        page = ctx.new_page()
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{site}chapters/02-practice.html")
        root = page.locator("section.kq[data-kq-state=ready]").first
        root.wait_for()
        meta = root.locator(".kq-meta").inner_text()
        assert "Übungsquiz" in meta and "3 Fragen, Bestehensgrenze 50 %." in meta
        fs = fieldset(root, "quiz-cells")
        assert "Frage" in fs.locator(".kq-num").inner_text()
        fs.locator("input[type=text]").fill("2,5")
        fs.get_by_role("button", name="Prüfen", exact=True).click()
        assert fs.locator(".kq-verdict").inner_text() == "✗ Nicht richtig: 0 von 1 Punkt."
        assert fs.locator(".kq-fblist").inner_text() == "2,5 ist zu hoch."  # the grader's words, a decimal comma
        assert "Versuch 1 von 2: Die Lösung erscheint nach 2 Versuchen." in fs.inner_text()
        fs.get_by_role("button", name="Nochmal versuchen", exact=True).click()
        fs.locator("input[type=text]").fill("1 km")
        fs.get_by_role("button", name="Prüfen", exact=True).click()
        assert fs.locator(".kq-fb").inner_text() == "Schreiben Sie nur die Zahl, ohne km."  # asked back
        tf = quiz.question("markdown-pages")
        assert grade(tf, False).score == 1
        set_response(root, tf, False)
        fieldset(root, "markdown-pages").get_by_role("button", name="Prüfen", exact=True).click()
        assert fieldset(root, "markdown-pages").locator(".kq-verdict").inner_text() == "✓ Richtig: 1 von 1 Punkt."
        assert "Wahr" in fieldset(root, "markdown-pages").inner_text()
        score = root.locator(".kq-score").inner_text()
        assert score.startswith("Punktzahl: 1 von 3 Punkten (33,33 %)"), score
        ui = root.locator(".kq-app").inner_text()
        for english in ("Check", "Try again", "Show answer", "Score:", "Question", "Download my answers"):
            assert english not in ui, english
        assert root.get_by_role("button", name="Meine Antworten herunterladen").count() == 1
        assert errors == [] and [u for u in requests if not u.startswith(site)] == []
        ctx.close()
