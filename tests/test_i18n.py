"""The interface catalogue (kcourse/core/i18n): both languages complete and in step, the static scripts free of
English words, numbers written for the reader, and the language chosen by the book or the course."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kcourse.core import i18n
from kcourse.core.i18n import CATALOGUE, page_strings, t, use_language

STATIC = Path(__file__).resolve().parents[1] / "kcourse" / "frontend" / "static"
KEYS = sorted(CATALOGUE["en"])
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def forms(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


@pytest.mark.parametrize("lang", [x for x in i18n.LANGUAGES if x != "en"])
def test_every_language_has_exactly_the_english_keys(lang):
    assert sorted(CATALOGUE[lang]) == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_every_key_has_the_same_placeholders_and_plural_shape_in_every_language(key):
    en = CATALOGUE["en"][key]
    for lang in i18n.LANGUAGES:
        entry = CATALOGUE[lang][key]
        assert isinstance(entry, dict) == isinstance(en, dict), f"{lang} {key}: plural in one language only"
        if isinstance(entry, dict):
            assert sorted(entry) == ["one", "other"], f"{lang} {key}"
            assert "{n}" in en["other"], f"{key}: a plural is chosen by its {{n}}"
        want = {frozenset(PLACEHOLDER.findall(f)) for f in forms(en)}
        got = {frozenset(PLACEHOLDER.findall(f)) for f in forms(entry)}
        assert got == want, f"{lang} {key}: placeholders {got} instead of {want}"
        for f in forms(entry):
            assert f.strip() == f or key in ("quiz.hint_n", "meta.group"), f"{lang} {key}: no leading or trailing space"
            assert "<" not in f and "&" not in f, f"{lang} {key}: words, never markup (some reach innerHTML)"
            assert f.count("{") == f.count("}") == len(PLACEHOLDER.findall(f)), f"{lang} {key}: a stray brace"


# what each language writes, the same rule as grader.js's tr (tests/frontend/test_static_i18n.py checks the browser)
CASES = [
    ("en", "practice.points", {"n": 1}, "1 point"),
    ("en", "practice.points", {"n": 6.5}, "6.5 points"),
    ("de", "practice.points", {"n": 1}, "1 Punkt"),
    ("de", "practice.points", {"n": 6.5}, "6,5 Punkten"),
    ("de", "quiz.worth", {"n": 2}, "2 Punkte"),
    ("de", "quiz.after_tries", {"n": 1}, "nach 1 Versuch"),
    ("de", "quiz.after_tries", {"n": 3}, "nach 3 Versuchen"),
    ("de", "grade.too_high", {"x": 2.5}, "2,5 ist zu hoch."),
    ("de", "grade.missed", {"n": 2}, "Sie haben 2 richtige Optionen übersehen."),
    ("en", "grade.missed", {"n": 1}, "You missed 1 right option."),
    ("de", "quiz.check", {}, "Prüfen"),
    ("de", "quiz.try_again", {}, "Nochmal versuchen"),
    ("de", "quiz.show_answer", {}, "Antwort zeigen"),
    ("de", "quiz.hint_n", {"n": 1}, "Tipp 1: "),
    ("de", "no.such.key", {}, "no.such.key"),
]


@pytest.mark.parametrize(("lang", "key", "params", "want"), CASES)
def test_strings_are_filled_for_their_reader(lang, key, params, want):
    assert t(key, lang, **params) == want


def test_the_german_score_line_writes_decimal_commas():
    from kcourse.core.practice import Score

    with use_language("de"):
        line = Score(6.5, 4, 11, 8, 11).line()
    assert line.startswith("Punktzahl: 6,5 von 11 Punkten (59,09 %) · erste Versuche: 4 · 8 von 11 Fragen geprüft.")
    assert Score(6.5, 4, 11, 8, 11).line().startswith("Score: 6.5 of 11 points (59.09 %)")  # English again outside


@pytest.mark.parametrize(("setting", "code"), [("de", "de"), ("de_DE", "de"), ("de-AT", "de"), ("DE", "de"),
                                               ("en", "en"), ("fr", "en"), ("", "en"), (None, "en"), (3, "en")])
def test_a_language_setting_falls_back_to_english(setting, code):
    assert i18n.language_code(setting) == code


def test_core_messages_follow_the_language_in_use():
    from kcourse.core.numbers import read_number

    assert read_number("5-6").problem == "Give one number, not a range."
    with use_language("de"):
        assert read_number("5-6").problem == "Geben Sie eine einzige Zahl an, keinen Bereich."
        assert read_number("30 s", "ms").problem == "Schreiben Sie nur die Zahl in ms: s ist nicht die gefragte Einheit."


def test_a_page_carries_one_language_with_english_for_a_missing_key(monkeypatch):
    monkeypatch.setitem(CATALOGUE, "de", {k: v for k, v in CATALOGUE["de"].items() if k != "quiz.summary"})
    got = page_strings("de")
    assert got["quiz.check"] == "Prüfen" and got["quiz.summary"] == "Summary"
    assert not any(k.startswith(("lab.", "page.", "class.")) for k in got)  # Python's own, the class page's


def test_every_key_a_script_uses_is_in_the_catalogue():
    used = set()
    for f in STATIC.glob("*.js"):
        used |= set(re.findall(r"\btr\(\s*\"([a-z_.]+[a-z_])\"", f.read_text(encoding="utf-8")))
    used |= {"quiz.verdict." + s for s in ("correct", "partial", "incorrect", "unanswered")}  # tr("quiz.verdict." + s)
    used |= {"progress." + c for c in ("chapter", "quiz", "answered", "checked", "score", "best", "passed")}
    missing = used - set(page_strings("en", extra=("class.", "page.quiz_label")))
    assert not missing, f"keys the scripts use that a page does not carry: {sorted(missing)}"


# ---- no English left in the scripts -------------------------------------------------------------------------
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`')
WORDS = re.compile(r"[A-Za-z]{2,}[ ,.:;!?][ ]?[A-Za-z]{2,}|^[A-Z][a-z]{2,}|[✓✗◐]")
#: literals that look like words but are code: directives, event and key names
CODE = {"use strict", "DOMContentLoaded", "Enter", "✓"}  # "✓": marker() tells a right mark by the catalogue's first sign
SELECTOR = re.compile(r"kq-|kc-|^\.|^script\.|^[a-z]+/[a-z]+|^kcourse:|^[a-z-]+:[a-z-]+$")  # class names, selectors, MIME types, keys, CSS
KEY = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+\.?$")  # a catalogue key ("quiz.check", "quiz.verdict.")


def literals(js: str) -> list[str]:
    body = "\n".join(line for line in js.splitlines() if not line.lstrip().startswith(("//", "*", "/*")))
    body = re.sub(r"//[^\n\"']*$", "", body, flags=re.M)
    return [next(g for g in m.groups() if g is not None) for m in LITERAL.finditer(body)]


@pytest.mark.parametrize("name", ["quiz.js", "progress.js", "classpage.js", "grader.js"])
def test_no_english_words_in_the_learner_scripts(name):
    found = [s for s in literals((STATIC / name).read_text(encoding="utf-8")) if s not in CODE and not KEY.match(s) and not SELECTOR.search(s) and WORDS.search(s)]
    assert not found, f"{name}: words a learner reads belong in kcourse/core/i18n: {found}"


def test_the_scanner_finds_english():
    js = 'const a = "Check", b = tr("quiz.check"), c = "Your last try: " + x, d = "kq-btn", e = "✓ right";'
    assert [s for s in literals(js) if not KEY.match(s) and WORDS.search(s)] == ["Check", "Your last try: ", "✓ right"]
