"""Checks a located quiz document and, when nothing is wrong, builds the :class:`~kcourse.core.model.Quiz`.

Every problem in a file is found in one pass and reported as ``file:line: path: what (fix)``.
Structure is checked against :mod:`kcourse.core.schema` with jsonschema; the rules a schema cannot state
are checked here. Nothing here raises on bad input: problems are returned.
"""
from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import model as m
from . import saferegex
from .errors import Problem
from .ids import choice_id
from .schema import QUESTION_SCHEMAS, QUIZ, SCHEMA_VERSION
from .textnorm import normalise
from .warnings_ import KcourseWarning, WarnCallback, WarningKind, ignore
from .yamlsource import INVALID, Located, PathKey, format_path

ResolveQuiz = Callable[[str], "m.Quiz | list[Problem]"]
"""Given a quiz id, the loaded quiz or the problems that kept it from loading (for ``from_quiz``)."""


def _import_jsonschema():
    """Import jsonschema without ``rfc3987_syntax``, which it loads at import time only to check the ``iri``
    format (a 1.7 s grammar build here) and which our schema never uses. Other importers are unaffected."""
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema

        return jsonschema
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # its import then fails, which jsonschema allows
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema


@cache
def _validator(kind: str):
    jsonschema = _import_jsonschema()

    schema = QUIZ if kind == "quiz" else QUESTION_SCHEMAS[kind]
    return jsonschema.Draft202012Validator(schema)


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "nothing",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f'"{short}"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_NUMBER_TEXT = re.compile(r"[-+]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][-+]?\d+)?")


def _fix_for_type(expected: str, value: Any) -> str:
    if expected == "boolean":
        return "write true or false, without quotes"
    if expected in ("number", "integer"):
        if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()) and "e" in value.lower():
            x = float(value.replace("_", ""))
            if not math.isfinite(x):
                return (f"{value} is beyond the largest number a computer float holds (about 1.8e+308); write a "
                        "smaller number")
            return ("YAML reads a number with an exponent as text unless it has a dot and a signed exponent: "
                    f"write {_yaml_float(x)}")
        return "write a number without quotes or units" if isinstance(value, str) else "write a number"
    if expected == "string":
        if isinstance(value, bool):
            return "YAML reads unquoted yes/no/on/off/true/false as true or false: put the text in quotes"
        return 'put the text in quotes, e.g. "2.6.39"' if isinstance(value, (int, float)) else "write text"
    if expected == "array":
        return "write a list: one '- ' entry per line"
    if expected == "object":
        return "write keys with values, one 'key: value' per line"
    return ""


def _yaml_float(x: float) -> str:
    """``x`` as YAML 1.1 reads a float: ``1.0e+09``."""
    mantissa, exp = f"{x:e}".split("e")
    mantissa = mantissa.rstrip("0")
    return f"{mantissa}0e{exp}" if mantissa.endswith(".") else f"{mantissa}e{exp}"


MAX_MAGNITUDE = 1e21
"""Numbers of a numeric question, in size: from 1e21 on, the browser writes a number in exponent form
(``1e+21``) and a float holds no whole numbers apart by less than 100,000; no learner's answer is that large,
and a tolerance that large accepts any answer (1.0e+308 would even overflow ``answer + tolerance``)."""


class _Checker:
    def __init__(self, loc: Located, warn: WarnCallback, resolve_quiz: ResolveQuiz | None):
        self.loc = loc
        self.warn = warn
        self.resolve_quiz = resolve_quiz
        self.problems: list[Problem] = []

    # -- reporting -------------------------------------------------------------------------------
    def problem(self, path: PathKey, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.loc.file, self.loc.line(path), format_path(path), message, fix))

    def warning(self, kind: WarningKind, path: PathKey, message: str) -> None:
        line = self.loc.line(path)
        where = f"{self.loc.file}:{line}" if line else self.loc.file
        self.warn(KcourseWarning(kind, f"{where}: {format_path(path)}: {message}"))

    # -- structure -------------------------------------------------------------------------------
    def schema(self, kind: str, instance: Any, prefix: PathKey) -> None:
        errors = sorted(_validator(kind).iter_errors(instance), key=lambda e: [str(x) for x in e.absolute_path])
        for err in errors:
            self.schema_error(err, prefix + tuple(err.absolute_path))

    def schema_error(self, err, path: PathKey) -> None:
        v, inst = err.validator, err.instance
        if inst is INVALID:
            return  # already reported where it was read
        if v == "required":
            missing = [k for k in err.validator_value if isinstance(inst, dict) and k not in inst]
            for k in missing:
                self.problem(path, f"missing required key '{k}'", _REQUIRED_FIX.get(k, f"add '{k}:'"))
        elif v == "additionalProperties":
            known = sorted(err.schema.get("properties", {}))
            for k in inst:
                if k in known:
                    continue
                close = difflib.get_close_matches(str(k), known, n=1)
                fix = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                self.problem(path + (k,), f"unknown key '{k}'", fix if close else "remove it; " + fix)
        elif v == "type":
            expected = err.validator_value
            self.problem(path, f"expected {_TYPE_WORDS.get(expected, expected)}, got {_describe(inst)}",
                         _fix_for_type(expected, inst))
        elif v == "enum":
            choices = ", ".join(str(c) for c in err.validator_value)
            close = difflib.get_close_matches(str(inst), [str(c) for c in err.validator_value], n=1)
            self.problem(path, f"{_describe(inst)} is not one of: {choices}",
                         f"did you mean '{close[0]}'?" if close else "use one of those")
        elif v == "pattern":
            self.problem(path, f"{_describe(inst)} is not a valid id",
                         "use letters, digits, '-' and '_' (quiz ids: lowercase letters, digits and '-')")
        elif v == "minItems":
            self.problem(path, f"needs at least {err.validator_value} entries, has {len(inst)}", "add entries")
        elif v == "maxItems":
            self.problem(path, f"has {len(inst)} entries, at most {err.validator_value} are allowed", "split it")
        elif v == "minLength":
            self.problem(path, "must not be empty", "write the text")
        elif v == "maxLength":
            self.problem(path, f"is longer than {err.validator_value:,} characters", "shorten it")
        elif v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
            op = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[v]
            self.problem(path, f"must be {op} {err.validator_value}, got {_describe(inst)}", "change the number")
        else:  # pragma: no cover - every validator used by the schema is handled above
            self.problem(path, err.message)

    # -- the whole file --------------------------------------------------------------------------
    def quiz(self) -> m.Quiz | None:
        data = self.loc.data
        if not isinstance(data, dict):
            self.problem((), f"expected a mapping of keys at the top, got {_describe(data)}",
                         "start from the example in reference/quiz-format.md")
            return None
        if not self.schema_version(data):
            return None
        self.schema("quiz", data, ())
        checked = self.questions(data.get("questions"), ("questions",))
        seen: dict[str, PathKey] = {}
        self.unique_question_ids(checked, seen)
        questions = [c.question for c in checked if c is not None and c.question is not None]
        pools = []
        pool_ids: dict[str, PathKey] = {}
        raw_pools: list[Any] = data["pools"] if isinstance(data.get("pools"), list) else []
        for i, raw in enumerate(raw_pools):
            pools.append(self.pool(raw, ("pools", i), seen, pool_ids))
        if isinstance(data.get("questions", []), list) and not data.get("questions") and not raw_pools:
            self.problem(("questions",) if "questions" in data else (), "the quiz has no questions",
                         "add questions, or a pool under 'pools'")
        if self.problems or any(v is INVALID for v in data.values()):
            return None
        return m.Quiz(
            id=data["id"],
            title=data["title"],
            chapter=data.get("chapter"),
            pass_mark=float(data.get("pass_mark", 60)),
            mode=data.get("mode", "practice"),
            shuffle_questions=data.get("shuffle_questions", False),
            shuffle_options=data.get("shuffle_options", True),
            tries_before_answer=data.get("tries_before_answer", 2),
            questions=tuple(questions),
            pools=tuple(p for p in pools if p is not None),
            source=self.loc.file,
        )

    def schema_version(self, data: dict) -> bool:
        v = data.get("schema_version")
        if "schema_version" not in data:
            self.problem((), "missing required key 'schema_version'", "add 'schema_version: 1' as the first line")
            return False
        if isinstance(v, bool) or not isinstance(v, int):
            self.problem(("schema_version",), f"expected a whole number, got {_describe(v)}",
                         "write 'schema_version: 1'")
            return False
        if v > SCHEMA_VERSION:
            self.problem(("schema_version",), f"this file is schema version {v}, but this kcourse reads up to "
                         f"version {SCHEMA_VERSION}", "upgrade kcourse: pip install -U -r requirements.txt")
            return False
        if v < 1:
            self.problem(("schema_version",), f"there is no schema version {v}", "write 'schema_version: 1'")
            return False
        return True

    def unique_question_ids(self, questions: list, seen: dict[str, PathKey]) -> None:
        for q in questions:
            if q is None or q.id is None:
                continue
            qid, path = q.id, q.path
            if qid in seen:
                first = self.loc.line(seen[qid])
                self.problem(path + ("id",), f"duplicate question id '{qid}' (first at line {first})",
                             "give every question its own id")
            else:
                seen[qid] = path + ("id",)

    def questions(self, raw: Any, path: PathKey) -> list:
        """Check a list of questions; return built questions (or markers) in order."""
        if not isinstance(raw, list):
            return []
        return [self.question(q, path + (i,)) for i, q in enumerate(raw)]

    def question(self, raw: Any, path: PathKey):
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str) or raw["type"] not in QUESTION_SCHEMAS:
            return None  # the stub schema already reported it
        before = len(self.problems)
        self.schema(raw["type"], raw, path)
        if len(self.problems) > before or _has_invalid(raw):  # an INVALID value was reported where it was read
            return _Checked(raw.get("id") if isinstance(raw.get("id"), str) else None, path, None)
        built = getattr(self, "q_" + raw["type"])(raw, path)
        return _Checked(raw["id"], path, built)

    # -- per type ----------------------------------------------------------------------------------
    def common(self, raw: dict) -> dict:
        return dict(
            id=raw["id"],
            prompt=raw["prompt"],
            explanation=raw["explanation"],
            points=float(raw.get("points", 1)),
            hints=tuple(raw.get("hints", ())),
            tags=tuple(raw.get("tags", ())),
        )

    def unique(self, entries: list[dict], key: str, path: PathKey, what: str, *, norm=None) -> bool:
        seen: dict[Any, int] = {}
        ok = True
        for i, e in enumerate(entries):
            value = e[key] if norm is None else norm(e[key])
            if value in seen:
                self.problem(path + (i, key), f"duplicate {what} {_describe(e[key])} (same as entry {seen[value]})",
                             f"make every {what} different")
                ok = False
            else:
                seen[value] = i
        return ok

    def choices(self, raw: dict, path: PathKey) -> tuple[m.Choice, ...]:
        opts = raw["options"]
        self.unique(opts, "id", path + ("options",), "option id")
        self.unique(opts, "text", path + ("options",), "option text", norm=normalise)
        for i, o in enumerate(opts):
            if not o["correct"] and not o.get("feedback", "").strip():
                self.warning(WarningKind.OPTION_FEEDBACK, path + ("options", i),
                             "wrong option without feedback; name the misconception it stands for")
        return tuple(m.Choice(id=o["id"], text=o["text"], correct=o["correct"], feedback=o.get("feedback", ""))
                     for o in opts)

    def q_single(self, raw: dict, path: PathKey):
        options = self.choices(raw, path)
        n = sum(o.correct for o in options)
        if n == 0:
            self.problem(path + ("options",), "no option is marked 'correct: true'", "mark the right option")
        elif n > 1:
            self.problem(path + ("options",),
                         f"{n} options are marked 'correct: true'; a single choice has exactly one",
                         "keep one, or use 'type: multiple'")
        return m.SingleChoice(**self.common(raw), options=options)

    def q_multiple(self, raw: dict, path: PathKey):
        options = self.choices(raw, path)
        n = sum(o.correct for o in options)
        if n == 0:
            self.problem(path + ("options",), "no option is marked 'correct: true'", "mark at least one right option")
        elif n == len(options):
            self.warning(WarningKind.ALL_CORRECT, path + ("options",), "every option is correct")
        return m.MultipleSelect(**self.common(raw), options=options)

    def q_true_false(self, raw: dict, path: PathKey):
        return m.TrueFalse(**self.common(raw), answer=raw["answer"], feedback_true=raw.get("feedback_true", ""),
                           feedback_false=raw.get("feedback_false", ""))

    def q_numeric(self, raw: dict, path: PathKey):
        has_tol, has_range = "tolerance" in raw, "range" in raw
        numbers: list[tuple[tuple[str, ...], Any]] = [(("answer",), raw.get("answer"))]
        if has_tol:
            numbers += [(("tolerance", k), v) for k, v in raw["tolerance"].items()]
        if has_range:
            numbers += [(("range", k), raw["range"][k]) for k in ("min", "max")]
        bad = False
        for sub, value in numbers:
            if isinstance(value, float) and not math.isfinite(value):
                self.problem(path + sub, f"{value} is not a usable number", "write a finite number")
                bad = True
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_MAGNITUDE:
                also = " (and such a tolerance accepts any answer)" if sub[0] == "tolerance" else ""
                self.problem(path + sub, f"{value:g} is larger than 1e+21: no answer is that large, the browser shows "
                             f"such numbers in exponent form, and floats there are 100,000 or more apart{also}",
                             "write the number in larger units (e.g. TiB instead of bytes)")
                bad = True
        if has_tol == has_range:
            self.problem(path, "a numeric question needs either 'answer' with 'tolerance', or 'range'" if not has_tol
                         else "give either 'tolerance' or 'range', not both",
                         "e.g. 'answer: 15' with 'tolerance: {absolute: 1}', or 'range: {min: 14, max: 16}'")
            return None
        if bad:
            return None
        unit = raw.get("unit", "")
        if has_tol:
            if "answer" not in raw:
                self.problem(path, "missing required key 'answer' (a tolerance is around an answer)", "add 'answer:'")
                return None
            tol = raw["tolerance"]
            if len(tol) != 1:
                self.problem(path + ("tolerance",), "give exactly one of 'absolute' or 'relative'",
                             "e.g. 'tolerance: {absolute: 0.5}' or 'tolerance: {relative: 0.05}'")
                return None
            (kind, t), = tol.items()
            if t < 0:
                self.problem(path + ("tolerance", kind), f"tolerance must not be negative, got {t}",
                             "write a number >= 0")
                return None
            a = raw["answer"]
            if kind == "relative" and a == 0 and t > 0:
                self.warning(WarningKind.RELATIVE_ZERO, path + ("tolerance",),
                             "a relative tolerance around 0 accepts only 0; use 'absolute'")
            width = t if kind == "absolute" else t * abs(a)
            interval = m.Interval(low=a - width, high=a + width)
            return m.Numeric(**self.common(raw), accepted=interval, answer=float(a), unit=unit)
        if "answer" in raw:
            self.problem(path + ("answer",), "'answer' goes with 'tolerance'; a 'range' needs none",
                         "remove 'answer', or use 'tolerance' instead of 'range'")
            return None
        r = raw["range"]
        lo_inc, hi_inc = r.get("min_inclusive", True), r.get("max_inclusive", True)
        if r["min"] > r["max"] or (r["min"] == r["max"] and not (lo_inc and hi_inc)):
            self.problem(path + ("range",), f"the range {r['min']}..{r['max']} contains no number",
                         "make 'min' smaller than 'max'")
            return None
        interval = m.Interval(low=r["min"], high=r["max"], low_inclusive=lo_inc, high_inclusive=hi_inc)
        return m.Numeric(**self.common(raw), accepted=interval, unit=unit)

    def q_text(self, raw: dict, path: PathKey):
        accept, pattern = raw.get("accept", []), raw.get("pattern")
        cs = raw.get("case_sensitive", False)
        if not accept and pattern is None:
            self.problem(path, "a text question needs 'accept' (a list of answers) or 'pattern'",
                         'add e.g. accept: ["io_uring"]')
        if pattern is not None:
            self.check_pattern(pattern, path + ("pattern",))
        seen: dict[str, int] = {}
        for i, a in enumerate(accept):
            n = normalise(a, case_sensitive=cs)
            if not n:
                self.problem(path + ("accept", i), "an accepted answer is only whitespace", "remove it")
            elif n in seen:
                self.problem(path + ("accept", i), f"{_describe(a)} is the same answer as entry {seen[n]} after "
                             "normalisation (case, spaces, Unicode)", "remove one")
            else:
                seen[n] = i
        return m.ShortText(**self.common(raw), accept=tuple(accept), pattern=pattern, case_sensitive=cs)

    def check_pattern(self, pattern: str, path: PathKey) -> None:
        try:
            saferegex.compile_pattern(pattern)
        except saferegex.PatternError as e:
            self.problem(path, f"{e}; quiz patterns use the part of regular expressions that Python and the browser "
                         "match alike, in time bounded for any answer",
                         "see 'pattern' in reference/quiz-format.md: literals, [sets], \\d \\w \\s, ., groups, |, "
                         "? * + {m,n}, ^ $ \\b")

    def q_ordering(self, raw: dict, path: PathKey):
        items = raw["items"]
        self.unique(items, "id", path + ("items",), "item id")
        self.unique(items, "text", path + ("items",), "item text", norm=normalise)
        return m.Ordering(**self.common(raw), items=tuple(m.Item(id=i["id"], text=i["text"]) for i in items))

    def q_matching(self, raw: dict, path: PathKey):
        pairs, distractors = raw["pairs"], raw.get("distractors", [])
        rights = [{"id": p["id"], "text": p["right"]} for p in pairs] + distractors
        self.unique(pairs, "left", path + ("pairs",), "left side", norm=normalise)
        ids_ok = self.unique(rights, "id", path + ("pairs",), "pair or distractor id")
        if ids_ok and self.unique(rights, "text", path + ("pairs",), "right-hand text", norm=normalise):
            self.unique(rights, "text", path + ("pairs",), "right-hand choice id (a hash of the text)", norm=choice_id)
        return m.Matching(**self.common(raw), pairs=tuple(m.Pair(id=p["id"], left=p["left"], right=p["right"])
                                                           for p in pairs),
                          distractors=tuple(m.Item(id=d["id"], text=d["text"]) for d in distractors))

    # -- pools -----------------------------------------------------------------------------------
    def pool(self, raw: Any, path: PathKey, seen: dict[str, PathKey], pool_ids: dict[str, PathKey]):
        if not isinstance(raw, dict):
            return None
        pid = raw.get("id")
        if isinstance(pid, str):
            if pid in pool_ids:
                self.problem(path + ("id",), f"duplicate pool id '{pid}'", "give every pool its own id")
            pool_ids[pid] = path
        has_q, has_from = "questions" in raw, "from_quiz" in raw
        if has_q == has_from:
            self.problem(path, "a pool needs either 'questions' or 'from_quiz'" if not has_q
                         else "give either 'questions' or 'from_quiz', not both",
                         "list the questions, or name the quiz id to draw from")
            return None
        if has_q:
            built = self.questions(raw["questions"], path + ("questions",))
            self.unique_question_ids(built, seen)
            questions = [c.question for c in built if c is not None and c.question is not None]
            size = len(raw["questions"]) if isinstance(raw["questions"], list) else 0
            source = None
        else:
            target = raw["from_quiz"]
            if not isinstance(target, str) or self.resolve_quiz is None:
                return None
            got = self.resolve_quiz(target)
            if isinstance(got, list):
                first = got[0] if got else None
                self.problem(path + ("from_quiz",), f"cannot use quiz '{target}': {len(got)} problem(s)"
                             + (f", first: {first}" if first else ""),
                             "fix it, then run 'kcourse validate' again")
                return None
            if any(p.from_quiz for p in got.pools):
                self.problem(path + ("from_quiz",), f"quiz '{target}' itself draws from other quizzes",
                             "draw from a chapter quiz directly")
                return None
            questions = [_prefixed(q, target) for q in got.all_questions]
            for q in questions:
                if q.id in seen:
                    self.problem(path + ("from_quiz",), f"question id '{q.id}' appears twice",
                                 "draw from each quiz in one pool only")
                seen.setdefault(q.id, path + ("from_quiz",))
            size = len(questions)
            source = target
        draw = raw.get("draw")
        if isinstance(draw, int) and not isinstance(draw, bool) and draw > size:
            self.problem(path + ("draw",), f"draws {draw} questions from a pool of {size}",
                         f"draw at most {size}, or add questions")
            return None
        if not isinstance(pid, str) or not isinstance(draw, int):
            return None
        return m.Pool(id=pid, draw=draw, questions=tuple(questions), from_quiz=source)


def _has_invalid(x: Any, depth: int = 0) -> bool:
    """Whether a value the YAML reader already reported (:data:`INVALID`) is anywhere in ``x``."""
    if x is INVALID:
        return True
    if depth > 64:
        return False
    if isinstance(x, dict):
        return any(_has_invalid(v, depth + 1) for v in x.values())
    if isinstance(x, list):
        return any(_has_invalid(v, depth + 1) for v in x)
    return False


@dataclass
class _Checked:
    """One checked question: its id (``None`` when the id itself was bad), where it stands, and the
    built question (``None`` when it had problems)."""

    id: str | None
    path: PathKey
    question: m.Question | None


def _prefixed(q: m.Question, quiz_id: str) -> m.Question:
    import dataclasses

    return dataclasses.replace(q, id=f"{quiz_id}/{q.id}")


_REQUIRED_FIX = {
    "schema_version": "add 'schema_version: 1'",
    "id": "add 'id:' with a short unique name",
    "title": "add 'title:'",
    "prompt": "add 'prompt:' with the question text",
    "explanation": "add 'explanation:' saying why the answer is right",
    "options": "add 'options:' with at least two options",
    "correct": "add 'correct: true' or 'correct: false'",
    "answer": "add 'answer:'",
    "items": "add 'items:' listed in the correct order",
    "pairs": "add 'pairs:' with id, left and right",
    "type": "add 'type:' (single, multiple, true_false, numeric, text, ordering or matching)",
    "draw": "add 'draw:' with how many questions to draw",
}


def check_quiz(loc: Located, *, warn: WarnCallback = ignore,
               resolve_quiz: ResolveQuiz | None = None) -> tuple[m.Quiz | None, list[Problem]]:
    """Check a located quiz document; return the quiz (or ``None``) and every problem, sorted by line."""
    checker = _Checker(loc, warn, resolve_quiz)
    quiz = checker.quiz()
    problems = sorted(checker.problems, key=lambda p: (p.line or 0, p.path))
    return (quiz if not problems else None), problems
