"""A book page with several quizzes carries the interface strings once (the extension drops the later identical
copies); a fragment on its own (notebook output, ``kcourse assign`` page) keeps its own copy."""
from __future__ import annotations

from pathlib import Path

from kcourse.book import one_strings_block
from kcourse.core.loader import load_quiz
from kcourse.frontend.static_html import render_fragment

FILES = Path(__file__).resolve().parents[1] / "files"
BLOCK = 'class="kq-strings"'


def test_a_page_with_two_quizzes_keeps_one_strings_block():
    quiz = load_quiz(FILES / "quiz" / "valid-all-types.yml")
    one = render_fragment(quiz, seed=1)
    assert one.count(BLOCK) == 1 and one_strings_block(one) == one  # a fragment stands alone
    page = f"<main><p>a</p>{one}<p>b</p>{render_fragment(quiz, seed=2, mode='assessment')}</main>"
    got = one_strings_block(page)
    assert page.count(BLOCK) == 2 and got.count(BLOCK) == 1 and got.count('class="kq-data"') == 2
    assert got.index(BLOCK) < got.index('class="kq-data"', got.index('class="kq-data"') + 1)  # before the 2nd quiz
    assert len(page) - len(got) > 5000


def test_a_quiz_in_another_language_keeps_its_own_strings():
    quiz = load_quiz(FILES / "quiz" / "valid-all-types.yml")
    page = render_fragment(quiz, seed=1) + render_fragment(quiz, seed=2, language="de")
    assert one_strings_block(page).count(BLOCK) == 2
