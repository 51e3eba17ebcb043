"""The assignment manifest: which student got which variant seed and which files, for one quiz.

``kcourse assign`` writes it as ``manifest.json`` (read back by ``kcourse grade --manifest``) and
``manifest.csv`` (for people and spreadsheets). It also records the quiz digest, a hash of the quiz as
loaded (questions, keys, settings), so grading can say when the quiz changed after it was assigned.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import InputError, Problem
from ..core.model import Question, Quiz
from ..core.safetext import csv_writer
from .roster import Roster, Student

MANIFEST_VERSION = 1
FILE_KINDS = ("html", "notebook", "keyless")


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        d = {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)
             if not f.name.startswith("_") and f.name != "source"}
        if isinstance(obj, Question):
            d["type"] = obj.type
        return d
    if isinstance(obj, (tuple, list)):
        return [_plain(x) for x in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return repr(obj)
    return obj


def quiz_digest(quiz: Quiz) -> str:
    """``sha256:`` and 16 hex digits of the quiz as loaded: any change of a question, key or setting (but not
    of comments or layout in the YAML file) changes it."""
    text = json.dumps(_plain(quiz), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Assignment:
    """What one student was given."""

    student: Student
    seed: int
    """``seed_for(quiz_id, student_id)``."""
    files: dict[str, str]
    """By kind (``html``, ``notebook``, ``keyless``): paths relative to the manifest's folder."""


@dataclass(frozen=True)
class Manifest:
    quiz_id: str
    quiz_title: str
    quiz_digest: str
    quiz_source: str
    created_at: str
    generator: str
    assignments: tuple[Assignment, ...]
    source: str = ""
    """The manifest file it was read from."""

    @property
    def roster(self) -> Roster:
        return Roster(tuple(a.student for a in self.assignments), self.source, "student_id")

    def seeds(self) -> dict[str, int]:
        return {a.student.student_id: a.seed for a in self.assignments}

    def to_json(self) -> str:
        data = {
            "manifest_version": MANIFEST_VERSION,
            "quiz_id": self.quiz_id, "quiz_title": self.quiz_title, "quiz_digest": self.quiz_digest,
            "quiz_source": self.quiz_source, "created_at": self.created_at, "generator": self.generator,
            "students": [
                {"student_id": a.student.student_id, "name": a.student.name, "email": a.student.email,
                 "canvas_id": a.student.canvas_id, "sis_login_id": a.student.sis_login_id,
                 "section": a.student.section, "seed": a.seed, "files": a.files}
                for a in self.assignments
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        out = io.StringIO(newline="")
        w = csv_writer(out)
        w.writerow(["student_id", "name", "email", "seed", *FILE_KINDS, "quiz_id", "quiz_digest"])
        for a in self.assignments:
            w.writerow([a.student.student_id, a.student.name, a.student.email, a.seed,
                        *(a.files.get(k, "") for k in FILE_KINDS), self.quiz_id, self.quiz_digest])
        return out.getvalue()


def read_manifest(path: str | Path) -> Manifest:
    """Read ``manifest.json``; raise :class:`~kcourse.core.errors.InputError` when it is not one."""
    p = Path(path)
    if p.is_dir():
        p = p / "manifest.json"
    fix = "give the manifest.json that kcourse assign wrote"
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(str(p), None, "", "no such file", fix)]) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError([Problem(str(p), getattr(e, "lineno", None), "", f"not a readable JSON file ({e})",
                                  fix)]) from None
    if not isinstance(data, dict) or "manifest_version" not in data or not isinstance(data.get("students"), list):
        raise InputError([Problem(str(p), 1, "", "not an assignment manifest", fix)])
    if not isinstance(data["manifest_version"], int) or data["manifest_version"] > MANIFEST_VERSION:
        raise InputError([Problem(str(p), 1, "manifest_version",
                                  f"version {data['manifest_version']!r} is newer than this kcourse reads "
                                  f"({MANIFEST_VERSION})", "upgrade kcourse: pip install -U -r requirements.txt")])
    problems, entries = [], []
    for k, s in enumerate(data["students"]):
        ok = (isinstance(s, dict) and isinstance(s.get("student_id"), str) and s["student_id"].strip()
              and isinstance(s.get("seed"), int) and not isinstance(s.get("seed"), bool))
        if not ok:
            problems.append(Problem(str(p), None, f"students[{k}]", "needs a student_id (text) and a seed (number)",
                                    fix))
            continue
        text = {key: str(s.get(key) or "") for key in ("name", "email", "canvas_id", "sis_login_id", "section")}
        files = s.get("files") if isinstance(s.get("files"), dict) else {}
        entries.append(Assignment(Student(student_id=s["student_id"].strip(), **text, line=0), s["seed"],
                                  {str(a): str(b) for a, b in files.items()}))
    if problems:
        raise InputError(problems)
    return Manifest(quiz_id=str(data.get("quiz_id", "")), quiz_title=str(data.get("quiz_title", "")),
                    quiz_digest=str(data.get("quiz_digest", "")), quiz_source=str(data.get("quiz_source", "")),
                    created_at=str(data.get("created_at", "")), generator=str(data.get("generator", "")),
                    assignments=tuple(entries), source=str(p))
