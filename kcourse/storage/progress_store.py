"""The learner's progress file: answers, results and scores of every quiz, kept on this computer only.

``~/.kcourse/progress.json`` by default; the folder can be changed with the environment variable
``KCOURSE_HOME``. The file is JSON (``schema_version: 1``)::

    {"schema_version": 1,
     "quizzes": {"ch02-growing-up": {"seed": 2893401422, "responses": {"bkl-removed": "a"},
                                     "results": {"bkl-removed": {"score": 1, "max_score": 1, "status": "correct"}},
                                     "last_score": 12.5, "best_score": 12.5, ...}}}

Every write goes to a temporary file in the same folder that then replaces the old one (``os.replace``),
so a crash never leaves half a file. A file that cannot be read is moved aside with a message and a new
one is started: a quiz never crashes because of it. Pure core: no IPython, no ipywidgets. A quiz's record and
its updates are :mod:`kcourse.storage.progress_record`; the overview rows :mod:`kcourse.storage.progress_rows`
(both importable from here too).

(The module is not called ``progress`` because ``kcourse.progress()`` is the course progress page.)
"""
from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core import safejson
from .atomicfile import locked, write_text_atomically
from .progress_merge import merge_records
from .progress_record import (
    QuizRecord,
    choose_seed,
    new_attempt,
    new_record,
    record_from,
    record_problems,
    score_of,
    with_answer_shown,
    with_hints,
    with_response,
    with_result,
    with_submission,
    without_result,
)
from .progress_rows import CourseRow, course_rows, form_id

SCHEMA_VERSION = 1
HOME_ENV = "KCOURSE_HOME"
FILE_NAME = "progress.json"
MAX_BYTES = 20_000_000


def kcourse_home() -> Path:
    """The folder of the progress file: ``$KCOURSE_HOME`` if set, else ``~/.kcourse``."""
    env = os.environ.get(HOME_ENV, "").strip()
    return Path(env).expanduser() if env else Path.home() / ".kcourse"


def default_path() -> Path:
    return kcourse_home() / FILE_NAME


def shown_path(path: Path) -> str:
    """``path`` with the home folder written as ``~`` (shorter, and does not show the user name)."""
    try:
        return "~/" + path.resolve().relative_to(Path.home().resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):
        return str(path)


class ProgressStore:
    """Reads and writes the progress file. Never raises for a bad or unwritable file: it says so in
    :attr:`notices` and carries on (answers are then kept only while the notebook runs)."""

    def __init__(self, path: str | Path | None = None, *, course: str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.course = course
        """The course id (:mod:`kcourse.course`): records are kept under ``<course>/<quiz id>``. A record kept
        under the quiz id alone (before courses had ids) is read once and then saved under the course."""
        self.notices: list[str] = []
        """Messages for the learner about the file (moved aside, not writable, too new)."""
        self.writable = True
        self._bad_records: set[str] = set()

    # -- reading ---------------------------------------------------------------------------------
    def _empty(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "quizzes": {}}

    def read_raw(self) -> dict[str, Any]:
        """The whole file as data; an unreadable file is moved aside and an empty one returned."""
        try:
            st = self.path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return self._empty()
        except OSError as e:
            self._refuse(f"The progress file {shown_path(self.path)} cannot be read ({e.strerror}); "
                         "answers are not saved.")
            return self._empty()
        if not stat.S_ISREG(st.st_mode):  # a named pipe or a device would block the read, or never end
            self._refuse(f"The progress file {shown_path(self.path)} is not a regular file (a folder, named pipe, "
                         "socket or device); answers are not saved. Remove it, or set KCOURSE_HOME to another "
                         "folder.")
            return self._empty()
        size = st.st_size
        if size > MAX_BYTES:
            return self._set_aside(f"it is {size:,} bytes, more than a progress file can be")
        try:
            text = self.path.read_text(encoding="utf-8")
            data = safejson.loads(text, nan_as_none=False)
        except UnicodeDecodeError:
            return self._set_aside("it is not UTF-8 text")
        except safejson.JSONError as e:
            return self._set_aside((f"line {e.line}: " if e.line else "") + e.message)
        except OSError as e:
            self._refuse(f"The progress file {shown_path(self.path)} cannot be read ({e.strerror}); "
                         "answers are not saved.")
            return self._empty()
        if not isinstance(data, dict) or not isinstance(data.get("quizzes", {}), dict):
            return self._set_aside("it is not a kcourse progress file (expected an object with 'quizzes')")
        version = data.get("schema_version", SCHEMA_VERSION)
        if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            self._refuse(f"The progress file {shown_path(self.path)} was written by a newer kcourse "
                         f"(schema version {version}); answers are not saved. Upgrade kcourse: "
                         "pip install -U -r requirements.txt")
            return self._empty() | {"quizzes": data.get("quizzes", {})}
        if version != SCHEMA_VERSION:
            return self._set_aside(f"schema_version: expected {SCHEMA_VERSION}, got {json.dumps(version)[:40]}")
        data.setdefault("quizzes", {})
        return data

    def _refuse(self, message: str) -> None:
        self.writable = False
        self._notice(message)

    def _notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def _aside_path(self, kind: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        base = self.path.with_name(f"{self.path.stem}.{kind}-{stamp}{self.path.suffix}")
        target, n = base, 1
        while target.exists():
            n += 1
            target = base.with_name(f"{base.stem}-{n}{base.suffix}")
        return target

    def _set_aside(self, why: str) -> dict[str, Any]:
        """Move an unreadable file out of the way (never delete it) and start afresh."""
        target = self._aside_path("corrupt")
        try:
            os.replace(self.path, target)
        except OSError as e:
            self._refuse(f"The progress file {shown_path(self.path)} cannot be read ({why}) and could not be "
                         f"moved aside ({e.strerror}); answers are not saved until you move or delete it.")
            return self._empty()
        self._notice(f"The progress file {shown_path(self.path)} could not be read ({why}). It was moved to "
                     f"{shown_path(target)} and a new one started; your earlier answers are in that file.")
        return self._empty()

    def key(self, quiz_id: str) -> str:
        """Where a quiz's record is kept in the file's ``quizzes`` map."""
        return f"{self.course}/{quiz_id}" if self.course else quiz_id

    def _stored(self, quizzes: Mapping[str, Any], quiz_id: str) -> Any:
        return quizzes.get(self.key(quiz_id), quizzes.get(quiz_id) if self.course else None)

    def record(self, quiz_id: str) -> QuizRecord | None:
        """The stored record of one quiz; ``None`` if there is none or it is unusable (a notice says so)."""
        data = self._stored(self.read_raw()["quizzes"], quiz_id)
        if data is None:
            return None
        problems = record_problems(data)
        if problems:
            self._bad_record(quiz_id, problems)
            return None
        return record_from(quiz_id, data)

    def records(self) -> dict[str, QuizRecord]:
        """Every usable record, by quiz id."""
        out = {}
        stored = self.read_raw()["quizzes"]
        prefix = f"{self.course}/" if self.course else ""
        ids = {k.removeprefix(prefix) for k in stored if "/" not in k or (prefix and k.startswith(prefix))}
        for quiz_id in sorted(ids):
            data = self._stored(stored, quiz_id)
            problems = record_problems(data)
            if problems:
                self._bad_record(quiz_id, problems, copy=False)
            else:
                out[quiz_id] = record_from(quiz_id, data)
        return out

    def _bad_record(self, quiz_id: str, problems: list[str], copy: bool = True) -> None:
        if quiz_id in self._bad_records:
            return
        self._bad_records.add(quiz_id)
        kept = ""
        if copy and self.writable:
            target = self._aside_path("backup")
            try:
                shutil.copy2(self.path, target)
                kept = f" A copy of the file was kept as {shown_path(target)}."
            except OSError:
                kept = ""
        self._notice(f"The saved answers of quiz '{quiz_id}' in {shown_path(self.path)} could not be read "
                     f"({'; '.join(problems)}); the quiz starts afresh.{kept}")

    # -- writing ---------------------------------------------------------------------------------
    def save(self, record: QuizRecord) -> bool:
        """Store one quiz's record, merged question by question with what the file holds now
        (:func:`kcourse.storage.progress_merge.merge_records`: another copy's newer answers are kept, the best score
        never goes down); other quizzes are kept as they are. ``False`` when it could not be saved."""
        try:
            with locked(self.path):
                data = self.read_raw()
                if not self.writable:
                    return False
                stored = self._stored(data["quizzes"], record.quiz_id)
                old = record_from(record.quiz_id, stored) if stored is not None and not record_problems(stored) \
                    else None
                data["quizzes"][self.key(record.quiz_id)] = merge_records(old, record).to_dict()
                if self.course:
                    data["quizzes"].pop(record.quiz_id, None)  # a record from before course ids now lives here
                write_text_atomically(self.path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
                                      + "\n", private=True)
        except OSError as e:
            self._notice(f"Answers could not be saved in {shown_path(self.path)} ({e.strerror or e}); they are "
                         f"kept only while this notebook runs. Set {HOME_ENV} to a folder you can write to.")
            return False
        return True


__all__ = ["FILE_NAME", "HOME_ENV", "MAX_BYTES", "SCHEMA_VERSION", "CourseRow", "ProgressStore", "QuizRecord",
           "choose_seed", "course_rows", "default_path", "form_id", "kcourse_home", "new_attempt", "new_record",
           "score_of", "shown_path", "with_answer_shown", "with_hints", "with_response", "with_result",
           "with_submission", "without_result"]
