"""A small GIFT reader for the tests, following Moodle's importer step by step.

It mirrors ``question/format/gift/format.php`` (``readquestions``, ``escapedchar_pre/post``,
``readquestion``): blank lines separate questions, ``//`` lines are comments, ``\\`` escapes, a
``[format]`` prefix, ``####`` general feedback, type detection in Moodle's order, ``%weight%``
answers, ``#`` feedback. No maintained GIFT parser on PyPI reads Moodle's escapes (pygiftparser 1.1
leaves ``\\=`` in the text and pins Markdown 3.0), so the tests keep their own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_ESC = {"\\:": "&&058;", "\\#": "&&035;", "\\=": "&&061;", "\\{": "&&123;", "\\}": "&&125;", "\\~": "&&126;",
        "\\n": "&&010"}
_POST = {"&&058;": ":", "&&035;": "#", "&&061;": "=", "&&123;": "{", "&&125;": "}", "&&126;": "~", "&&010": "\n"}
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")


class GiftError(ValueError):
    pass


@dataclass
class GiftQuestion:
    name: str
    text: str
    format: str
    qtype: str
    category: str
    general_feedback: str = ""
    answers: list[str] = field(default_factory=list)
    fractions: list[float] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    tolerance: list[float] = field(default_factory=list)
    single: bool | None = None
    correct: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""
    subquestions: list[str] = field(default_factory=list)
    subanswers: list[str] = field(default_factory=list)


def pre(s: str) -> str:
    s = s.replace("\\\\", "&&092;")
    for k, v in _ESC.items():
        s = s.replace(k, v)
    return s.replace("&&092;", "\\")


def post(s: str) -> str:
    for k, v in _POST.items():
        s = s.replace(k, v)
    return s


def unescape(s: str) -> str:
    """What Moodle makes of an escaped GIFT text."""
    return post(pre(s))


def _with_format(text: str, default: str) -> tuple[str, str]:
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end]
        if name in ("moodle", "html", "plain", "markdown"):
            fmt, text = name, text[end + 1:]
    return post(text).strip(), fmt


def _comment(answer: str, fmt: str) -> tuple[str, str]:
    bits = answer.split("#", 1)
    ans = _with_format(bits[0].strip(), fmt)[0]
    fb = _with_format(bits[1].strip(), fmt)[0] if len(bits) > 1 else ""
    return ans, fb


def _weight(answer: str) -> tuple[float, str]:
    answer = answer[1:]
    end = answer.index("%")
    return float(answer[:end]) / 100, answer[end + 1:]


def read(gift: str) -> list[GiftQuestion]:
    questions, block, category = [], [], "$course$"
    for line in gift.split("\n") + [""]:
        line = line.strip()
        if not line:
            if block:
                q = _question(block, category)
                if isinstance(q, str):
                    category = q
                elif q is not None:
                    questions.append(q)
            block = []
        else:
            block.append(line)
    return questions


def _question(lines: list[str], category: str) -> GiftQuestion | str | None:
    lines = [" " if ln.startswith("//") else ln for ln in lines]
    text = "\n".join(lines).strip()
    if not text:
        return None
    text = pre(text)
    if text.startswith("$CATEGORY:"):
        return text[10:].strip()
    name = ""
    if text.startswith("::"):
        text = text[2:]
        end = text.index("::")
        name, text = post(text[:end]), text[end + 2:].strip()
    start, finish = text.find("{"), text.find("}")
    if start < 0 or finish < 0:
        raise GiftError(f"no answer braces in {text!r}")
    answertext = text[start + 1:finish].strip()
    qtext = text[:start] + text[finish + 1:]
    gf = answertext.rfind("####")
    general = ""
    if gf >= 0:
        general, answertext = answertext[gf + 4:], answertext[:gf].strip()
    qtext, fmt = _with_format(qtext.strip(), "moodle")
    general = _with_format(general.strip(), fmt)[0]
    q = GiftQuestion(name=name, text=qtext, format=fmt, qtype="", category=category, general_feedback=general)
    if answertext.startswith("#"):
        q.qtype = "numerical"
        for ans in [a.strip() for a in answertext[1:].split("=") if a.strip()]:
            w = 1.0
            if _WEIGHT.match(ans):
                w, ans = _weight(ans)
            value, fb = _comment(ans, fmt)
            if ".." in value[1:]:
                lo, hi = (float(x) for x in value.split("..", 1))
                mid, tol = (lo + hi) / 2, hi - (lo + hi) / 2
            elif ":" in value[1:]:
                a, t = value.split(":", 1)
                mid, tol = float(a), float(t)
            else:
                mid, tol = float(value), 0.0
            q.answers.append(repr(mid))
            q.tolerance.append(tol)
            q.fractions.append(w)
            q.feedback.append(fb)
    elif "~" in answertext:
        q.qtype = "multichoice"
        q.single = "=" in answertext
        parts = answertext.replace("=", "~=").split("~")
        for ans in [a.strip() for a in parts if a.strip()]:
            if ans.startswith("="):
                w, ans = 1.0, ans[1:]
            elif _WEIGHT.match(ans):
                w, ans = _weight(ans)
            else:
                w = 0.0
            text_, fb = _comment(ans, fmt)
            q.answers.append(text_)
            q.fractions.append(w)
            q.feedback.append(fb)
    elif "=" in answertext and "->" in answertext:
        q.qtype = "match"
        for ans in [a.strip() for a in answertext.split("=") if a.strip()]:
            left, right = ans.split("->", 1)
            q.subquestions.append(_with_format(left.strip(), fmt)[0])
            q.subanswers.append(post(right).strip())
    else:
        check = answertext.split("#", 1)[0].strip()
        if check in ("T", "TRUE", "F", "FALSE"):
            q.qtype = "truefalse"
            bits = answertext.split("#", 2) + ["", ""]
            wrong = _with_format(bits[1].strip(), fmt)[0]
            right = _with_format(bits[2].strip(), fmt)[0]
            q.correct = check in ("T", "TRUE")
            q.feedback_true, q.feedback_false = (right, wrong) if q.correct else (wrong, right)
        else:
            q.qtype = "shortanswer"
            for ans in [a.strip() for a in answertext.split("=") if a.strip()]:
                w = 1.0
                if _WEIGHT.match(ans):
                    w, ans = _weight(ans)
                text_, fb = _comment(ans, fmt)
                q.answers.append(text_)
                q.fractions.append(w)
                q.feedback.append(fb)
    return q
