"""The HTML fragment and document: self-contained, lean, no readable key, quiz text only as escaped data."""
import json
import re
from pathlib import Path

import pytest

from kcourse.core.loader import load_quiz
from kcourse.frontend import bundles
from kcourse.frontend.static_html import asset, compact_css, render_document, render_fragment, script

FILES = Path(__file__).resolve().parents[1] / "files"
STATIC = Path(__file__).resolve().parents[2] / "kcourse" / "frontend" / "static"
BUDGET = 35_000  # the target; the code minified by terser (static/min/) and the style by rcssmin: 33.8 KB


@pytest.fixture(scope="module")
def quiz():
    return load_quiz(FILES / "quiz" / "valid-all-types.yml")


def data_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" class="kq-data">(.*?)</script>', html).group(1))


def test_a_page_carries_at_most_35_kb_of_quiz_code_and_style():
    size = len(asset("quiz.js").encode("utf-8")) + len(asset("quiz.css").encode("utf-8"))
    assert size <= BUDGET, f"quiz JS+CSS is {size:,} bytes, the budget is {BUDGET:,}"


def test_the_pattern_matcher_carries_at_most_10_kb():
    size = len(asset("saferegex.js").encode("utf-8"))  # the linear-time matcher of text patterns (issue 11)
    assert size <= 10_000, f"saferegex.js is {size:,} bytes, the budget is 10,000"


@pytest.mark.parametrize("mode", ["practice", "assessment"])
def test_fragment_is_self_contained(quiz, mode):
    html = render_fragment(quiz, mode=mode)
    scripts = 3 if mode == "practice" else 2  # saferegex.js (a practice page with a text pattern), then quiz.js
    assert re.findall(r"<script\b[^>]*>", html) == ['<script type="application/json" class="kq-data">',
                                                    '<script type="application/json" class="kq-strings">'] + \
        ["<script>"] * (scripts - 1)  # the data, the words, then the scripts
    assert not re.search(r"""\b(?:src|href)\s*=|@import|url\(|<link\b""", html.replace('href="https://', "")), \
        "no external or relative resource may be referenced"
    assert "//cdn" not in html and "http://" not in html
    assert html.count("</script>") == scripts + 1 and html.count("<style>") == 1
    assert data_of(html)["quiz"]["mode"] == mode


def test_practice_html_has_no_readable_key(quiz):
    html = render_document(quiz)
    assert '"correct": true' not in html and '"correct":true' not in html
    for q in quiz.all_questions:
        assert q.explanation not in html
        for o in getattr(q, "options", ()):
            assert not o.feedback or o.feedback not in html
    assert "io_uring" not in html and "13500" not in data_of(html).__repr__()


def test_quiz_text_is_data_never_markup():
    unsafe = load_quiz(FILES / "frontend" / "unsafe-markup.yml")
    html = render_document(unsafe)
    assert "<script>alert" not in html and "<img" not in html and "<svg" not in html and "<iframe" not in html
    assert "<title>Unsafe &lt;b&gt;markup&lt;/b&gt; &amp; friends</title>" in html
    data = data_of(html)
    assert data["quiz"]["title"] == "Unsafe <b>markup</b> & friends"  # shown with textContent
    assert data["questions"][0]["prompt_html"].startswith("Is this safe? &lt;script&gt;alert(1)&lt;/script&gt;")


def test_quiz_js_puts_no_learner_text_into_html():
    from kcourse.frontend.static_html import SCRIPTS

    js = "".join((STATIC / name).read_text(encoding="utf-8") for name in SCRIPTS + ("progress.js",))
    assert js.count("innerHTML") == 1, "only h() may set innerHTML, and only from the page data"
    for bad in ("insertAdjacentHTML", "outerHTML", "document.write", "eval(", "new Function", "setTimeout(\""):
        assert bad not in js
    # every HTML source, reviewed: page data rendered by kcourse/views/markdown.py (or a grading form made of it) or a
    # fixed string. A new one must be added here after checking that no learner input can reach it.
    sources = {s.strip() for s in re.findall(r"\bhtml: ([^,}]+)", js)}
    # tr("quiz.true"): the catalogue's words, which hold no markup (tests/test_i18n.py)
    assert sources == {'tr("quiz.false")', 'tr("quiz.true")', "byId.get(id).html", "f.html", "html.get(id)", "o.feedback_html", "o.html",
                       "p.hints_html[i]", "p.prompt_html", "pair.html", "full.explanation_html", "i.html",
                       "r ? q.feedback_true_html : q.feedback_false_html",
                       "fromData"}  # plain(): prompt_html, option, item and pair html of the page data, read as text


def test_document_is_a_whole_offline_page(quiz):
    html = render_document(quiz, student_id="s1", mode="assessment")
    assert html.startswith("<!doctype html>\n<html lang=\"en\">") and html.rstrip().endswith("</html>")
    assert html.count("<main>") == 1 and '<meta charset="utf-8">' in html
    assert data_of(html)["student_id"] == "s1"


def test_compaction_keeps_strings_and_drops_comments(monkeypatch):
    assert compact_css("/* c */\n.a {\n  color: red;\n}\n.b :focus { x: 1; y: 2 }") == ".a{color:red}.b :focus{x:1;y:2}"
    monkeypatch.setattr(bundles, "code", lambda name: 'const s="</script>";')  # an inline script ends at </script
    assert script("quiz.js") == 'const s="<\\/script>";'
    monkeypatch.undo()
    for name in bundles.SOURCES:
        assert "</" not in script(name), name


def test_the_pattern_matcher_comes_only_with_a_practice_quiz_that_has_patterns(quiz):
    no_patterns = load_quiz(Path(__file__).resolve().parents[2] / "quizzes" / "ch02-growing-up.yml")
    assert not any(getattr(q, "pattern", None) for q in no_patterns.all_questions)
    for q, mode, carried in ((quiz, "practice", True), (quiz, "assessment", False), (no_patterns, "practice", False)):
        assert ("kcourseSafeRegexV1=" in render_fragment(q, mode=mode).replace(" ", "")) is carried, (q.id, mode)
