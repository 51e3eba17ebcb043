"""Checks a located quiz document and, when nothing is wrong, builds the :class:`~kcourse.core.model.Quiz`.

Every problem in a file is found in one pass and reported as ``file:line: path: what (fix)``.
Structure is checked against :mod:`kcourse.core.schema` with jsonschema; the rules a schema cannot state
are checked here. Nothing here raises on bad input: problems are returned.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..qtypes import REGISTRY
from . import model as m
from . import saferegex
from .errors import Problem
from .schema import SCHEMA_VERSION
from .schema_errors import describe, translate, validator
from .textnorm import normalise
from .warnings_ import KcourseWarning, WarnCallback, WarningKind, ignore
from .yamlsource import INVALID, Located, PathKey, format_path

ResolveQuiz = Callable[[str], "m.Quiz | list[Problem]"]
"""Given a quiz id, the loaded quiz or the problems that kept it from loading (for ``from_quiz``)."""


class Checker:
    """Checks one quiz document; the question types' builders (:mod:`kcourse.qtypes`) report through it."""

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
        errors = sorted(validator(kind).iter_errors(instance), key=lambda e: [str(x) for x in e.absolute_path])
        for err in errors:
            self.schema_error(err, prefix + tuple(err.absolute_path))

    def schema_error(self, err, path: PathKey) -> None:
        for where, message, fix in translate(err, path):
            self.problem(where, message, fix)

    # -- the whole file --------------------------------------------------------------------------
    def quiz(self) -> m.Quiz | None:
        data = self.loc.data
        if not isinstance(data, dict):
            self.problem((), f"expected a mapping of keys at the top, got {describe(data)}",
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
            self.problem(("schema_version",), f"expected a whole number, got {describe(v)}",
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
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str) or raw["type"] not in REGISTRY:
            return None  # the stub schema already reported it
        before = len(self.problems)
        self.schema(raw["type"], raw, path)
        if len(self.problems) > before or _has_invalid(raw):  # an INVALID value was reported where it was read
            return _Checked(raw.get("id") if isinstance(raw.get("id"), str) else None, path, None)
        built = REGISTRY[raw["type"]].build(self, raw, path)
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

    @staticmethod
    def describe(value: Any) -> str:
        """A value as a problem message quotes it."""
        return describe(value)

    def unique(self, entries: list[dict], key: str, path: PathKey, what: str, *, norm=None) -> bool:
        seen: dict[Any, int] = {}
        ok = True
        for i, e in enumerate(entries):
            value = e[key] if norm is None else norm(e[key])
            if value in seen:
                self.problem(path + (i, key), f"duplicate {what} {describe(e[key])} (same as entry {seen[value]})",
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

    def check_pattern(self, pattern: str, path: PathKey) -> None:
        try:
            saferegex.compile_pattern(pattern)
        except saferegex.PatternError as e:
            self.problem(path, f"{e}; quiz patterns use the part of regular expressions that Python and the browser "
                         "match alike, in time bounded for any answer",
                         "see 'pattern' in reference/quiz-format.md: literals, [sets], \\d \\w \\s, ., groups, |, "
                         "? * + {m,n}, ^ $ \\b")

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
            if not isinstance(target, str):
                return None  # the schema reported it
            if self.resolve_quiz is None:
                self.problem(path + ("from_quiz",), f"draws from quiz '{target}', but no other quiz can be read here",
                             "load the file with kcourse.core.loader.load_quiz or check it with 'kcourse validate', "
                             "which look in its quizzes folder")
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


def check_quiz(loc: Located, *, warn: WarnCallback = ignore,
               resolve_quiz: ResolveQuiz | None = None) -> tuple[m.Quiz | None, list[Problem]]:
    """Check a located quiz document; return the quiz (or ``None``) and every problem, sorted by line."""
    checker = Checker(loc, warn, resolve_quiz)
    quiz = checker.quiz()
    problems = sorted(checker.problems, key=lambda p: (p.line or 0, p.path))
    return (quiz if not problems else None), problems
