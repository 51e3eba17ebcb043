"""Key-less quiz files: one student's variant with everything that reveals or grades an answer removed.

``kcourse assign`` puts one next to each student's notebook, so the notebook can show the quiz
(``kcourse.quiz("ch02-growing-up.keyless.yml", student_id="s1", mode="assessment")``) while the student's
folder holds no key. What *key-less* means, exactly:

- It holds only the questions of one variant (the seed of ``student_id``), in the order shown, and each
  question's options, items and right-hand choices in the order shown.
- It keeps what the learner must see: ids, type, prompt, points, option/item texts, matching left sides
  and right-hand choices, a numeric question's unit.
- It drops everything that says or grades the answer: ``correct`` flags, ``answer``, ``tolerance`` and
  ``range``, ``accept``, ``pattern``, ``case_sensitive``, option ``feedback``, ``feedback_true`` and
  ``feedback_false``, ``explanation``, ``hints`` and ``tags``. The questions not drawn from a pool are not
  there either.
- A matching question lists its right-hand choices in the order shown, each with its choice id; a choice id
  is a hash of the choice's own text (:func:`kcourse.core.ids.choice_id`), so it tells nothing about its pair.
  Ordering item ids are listed in the shuffled order, but ids chosen to be telling (``step1``, ``step2``)
  still tell: authors should not number them.

The file is YAML marked by its first key ``kcourse_keyless: 1``. It is deliberately *not* a valid quiz
file: ``kcourse validate`` and every grading command refuse it, so nobody grades against a file without a
key. It is the learner's view (:func:`kcourse.core.public.public_quiz`) as data, and :func:`load_keyless` reads
it back as that view, a :class:`~kcourse.core.public.PublicQuiz`: the widget and the assessment page show it as
they show any quiz's view (assessment mode: no Check button, no feedback). No question object with a key,
real or made up, is ever made from it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .. import qtypes as qt
from ..core import model as m
from ..core.errors import Problem, QuizFileError
from ..core.ids import choice_id
from ..core.public import PublicQuestion, PublicQuiz, public_quiz
from ..core.rules import is_seed
from ..core.variants import seed_for
from ..core.yamlsource import Located, format_path, load_yaml, read_text

KEYLESS_VERSION = 1
MARK = "kcourse_keyless"
SUFFIX = ".keyless.yml"
_MARK_RE = re.compile(r"^kcourse_keyless\s*:", re.MULTILINE)


def keyless_data(quiz: m.Quiz, seed: int, *, student_id: str | None = None,
                 quiz_digest: str = "") -> dict[str, Any]:
    """The key-less document (plain data) of the variant of ``seed``."""
    view = public_quiz(quiz, seed)
    questions = []
    for pq in view.questions:
        d: dict[str, Any] = {"id": pq.id, "type": pq.type, "prompt": pq.prompt, "points": pq.points}
        for name in qt.REGISTRY[pq.type].shows:
            value = getattr(pq, name)
            if name in _LISTS:
                d[name] = [{"id": x.id, _LISTS[name]: x.text} for x in value]
            elif value:
                d[name] = value
        questions.append(d)
    doc: dict[str, Any] = {MARK: KEYLESS_VERSION, "id": view.id, "title": view.title, "chapter": view.chapter,
                           "pass_mark": view.pass_mark, "seed": seed}
    if student_id is not None:
        doc["student_id"] = student_id
    if quiz_digest:
        doc["quiz_digest"] = quiz_digest
    doc["questions"] = questions
    return doc


_LISTS = {"options": "text", "items": "text", "pairs": "left", "choices": "text"}
"""The listed parts of a :class:`~kcourse.core.public.PublicQuestion`, by field: each entry is its id and this key
(a matching pair's left side is ``left``); the other parts (a numeric unit) are text, left out when empty."""


def write_keyless(quiz: m.Quiz, seed: int | None = None, *, student_id: str | None = None,
                  quiz_digest: str = "") -> str:
    """The key-less YAML text of one variant: ``seed``, or the seed of ``student_id``."""
    import yaml

    if seed is None:
        if student_id is None:
            raise ValueError("give a seed or a student_id")
        seed = seed_for(quiz.id, student_id)
    head = (f"# Key-less copy of quiz '{quiz.id}' for one student (variant seed {seed}): the questions as shown,\n"
            "# without answers, feedback or explanations. Open it with kcourse.quiz(...) in the notebook next\n"
            "# to it. It cannot be graded: the instructor grades submissions against the full quiz file.\n")
    body = yaml.dump(keyless_data(quiz, seed, student_id=student_id, quiz_digest=quiz_digest), Dumper=_dumper(),
                     sort_keys=False, allow_unicode=True, width=100)
    return head + body


def _dumper():
    """A safe YAML dumper that writes text with line breaks as ``|`` blocks, as quiz files do."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        if any(c in value for c in "\r\x85\u2028\u2029"):  # other YAML line breaks: only "..." keeps them
            style: str | None = '"'
        else:
            style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


def is_keyless_text(text: str) -> bool:
    """Whether YAML text is a key-less quiz file (it has a top-level ``kcourse_keyless:`` key)."""
    return _MARK_RE.search(text) is not None


def is_keyless_file(path: str | Path) -> bool:
    """Whether ``path`` is a key-less quiz file (reads at most the first 4 kB)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return is_keyless_text(head.decode("utf-8", "replace"))


class _Reader:
    def __init__(self, loc: Located):
        self.loc = loc
        self.quiz_id: str | None = None
        self.problems: list[Problem] = []

    def bad(self, path: tuple, message: str, fix: str = "write the file again with kcourse assign") -> None:
        self.problems.append(Problem(self.loc.file, self.loc.line(path), format_path(path), message, fix))

    def get(self, d: Any, path: tuple, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if not isinstance(d, dict) or key not in d:
            if default is not ...:
                return default
            self.bad(path, f"missing '{key}'")
            return None
        v = d[key]
        if not isinstance(v, kind) or (isinstance(v, bool) and bool not in _as_tuple(kind)):
            self.bad(path + (key,), f"expected {_word(kind)}, got {type(v).__name__}")
            return None
        return v

    def entries(self, d: Any, path: tuple, key: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
        items = self.get(d, path, key, list)
        out = []
        for k, e in enumerate(items or []):
            row = {f: self.get(e, path + (key, k), f, str) for f in fields}
            if all(v is not None for v in row.values()):
                out.append(row)
        return out


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _word(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", float: "a number", list: "a list", dict: "a mapping"}
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def _question(r: _Reader, d: Any, path: tuple) -> PublicQuestion | None:
    qid = r.get(d, path, "id", str)
    qtype = r.get(d, path, "type", str)
    prompt = r.get(d, path, "prompt", str)
    points = r.get(d, path, "points", (int, float), 1.0)
    if qid is None or qtype is None or prompt is None or points is None:
        return None
    if qtype not in qt.REGISTRY:
        r.bad(path + ("type",), f"unknown question type '{qtype}'")
        return None
    parts: dict[str, Any] = {}
    for name in qt.REGISTRY[qtype].shows:
        if name in _LISTS:
            entries = r.entries(d, path, name, ("id", _LISTS[name]))
            parts[name] = tuple(m.Item(id=e["id"], text=e[_LISTS[name]]) for e in entries)
        else:
            parts[name] = r.get(d, path, name, str, "")
    choices, pairs = parts.get("choices", ()), parts.get("pairs", ())
    if any(c.id != choice_id(c.text) for c in choices) or len(choices) < len(pairs):
        r.bad(path + ("choices",), "does not match its texts (the file was changed)")
        return None
    return PublicQuestion(id=qid, type=qtype, prompt=prompt, points=float(points), **parts)


def load_keyless_text(text: str, file: str = "<string>") -> PublicQuiz:
    """A key-less file as the learner's view it holds (shown in assessment mode; it has no key to grade with)."""
    loc, problems = load_yaml(text, file)
    if loc is None:
        raise QuizFileError(problems)
    r = _Reader(loc)
    r.problems += problems
    d = loc.data
    version = r.get(d, (), MARK, int)
    if version is not None and version > KEYLESS_VERSION:
        r.bad((MARK,), f"this key-less file is version {version}, but this kcourse reads up to {KEYLESS_VERSION}",
              "upgrade kcourse: pip install -U -r requirements.txt")
    quiz_id = r.quiz_id = r.get(d, (), "id", str)
    title = r.get(d, (), "title", str)
    chapter = r.get(d, (), "chapter", (int, type(None)), None)
    pass_mark = r.get(d, (), "pass_mark", (int, float), 60.0)
    seed = r.get(d, (), "seed", int)
    if seed is not None and not is_seed(seed):
        r.bad(("seed",), f"the seed must be a whole number from 0 to 4294967295, not {seed}")
    questions = []
    for k, qd in enumerate(r.get(d, (), "questions", list) or []):
        q = _question(r, qd, ("questions", k))
        if q is not None:
            questions.append(q)
    if r.problems:
        raise QuizFileError(r.problems)
    return PublicQuiz(id=quiz_id, title=title, chapter=chapter, pass_mark=float(pass_mark), seed=seed,
                      questions=tuple(questions), source=file)


def load_keyless(path: str | Path) -> PublicQuiz:
    """Read a key-less quiz file; raise :class:`~kcourse.core.errors.QuizFileError` with located problems."""
    text, problems = read_text(Path(path), str(path))
    if problems or text is None:
        raise QuizFileError(problems)
    return load_keyless_text(text, str(path))


def keyless_seed(path: str | Path) -> int | None:
    """The variant seed a key-less file was written for (``None`` when it does not say)."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    seed = data.get("seed") if isinstance(data, dict) else None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None
