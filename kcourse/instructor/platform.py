"""The names Canvas and Moodle give handed-in files, read back: who uploaded the file, and whether it was late.

Canvas, "Download Submissions" (``lib/content_zipper.rb``): one file per upload, named
``<name>[_LATE]_<canvas user id>_<attachment id>_<original file name>``, where ``<name>`` is the student's
sortable name ("Last, First") in lower case with every character that is not a letter, digit or ``_``
removed (``hernándezjosé``), ``LATE`` is there when Canvas marked the submission late against the
assignment's due date (with the student's own override), and ``<original file name>`` has
``\\ / : * ? " < > |`` replaced by ``_``. Anonymous grading (``get_filename``: ``users_name`` is nil when
``anonymize_students?``) writes ``[LATE_]anon_<anonymous id>_<attachment id>_<original file name>``: the
submission's anonymous id (a few letters and digits) says nothing about who uploaded it; Canvas shows whose
it is only once the assignment's anonymity is lifted. Canvas's "re-upload submissions" finds the student
again from the first two ``_``-separated parts that are only digits (user id, then the attachment id of one
of the submission's files).

Moodle, assignment "Download all submissions" (``mod/assign/locallib.php``): a folder per student and plugin,
``<Full name>_<participant id>_assignsubmission_file`` (Moodle 4.1 on; earlier versions end it with ``_``),
or, without folders, that prefix and ``_`` glued to the file name. ``<Full name>`` has ``_`` turned into
spaces and ``& < > " ` | ' : \\ /`` and control characters removed (``clean_filename``); the participant id is
the assignment's own number for the student (``Participant 123456`` in its grading worksheet), not the user id.
Moodle's "Upload multiple feedback files in a zip" reads the participant id from the second ``_`` part of
a path component and the plugin from the third and fourth.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CANVAS = "canvas"
MOODLE = "moodle"


@dataclass(frozen=True)
class Uploader:
    """Who handed a file in, as the platform's file name says."""

    platform: str
    """``canvas`` or ``moodle``."""
    user: str
    """Canvas user id, or Moodle participant id (``anon_...`` for Canvas anonymous grading)."""
    name_key: str
    """The name as the platform wrote it into the file name."""
    late: bool | None
    """Canvas's ``LATE`` marker (``None``: the platform's name says nothing about lateness, as Moodle's)."""
    file_id: str = ""
    """Canvas's attachment id (the re-upload needs it)."""
    original: str = ""
    """The file's name as the student uploaded it."""

    @property
    def anonymous(self) -> bool:
        """Canvas anonymous grading: the name says nothing about who uploaded the file."""
        return self.user.startswith("anon_")

    @property
    def label(self) -> str:
        if self.anonymous:
            return f"Canvas anonymous submission {self.user[5:]}"
        who = "Canvas user" if self.platform == CANVAS else "Moodle participant"
        return f"{who} {self.user} ({self.name_key})"


_CANVAS_SEP = re.compile(r"_")
_MOODLE_PART = re.compile(r"^(?P<name>[^_/]*)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:_(?P<rest>.*))?$")


def parse_upload_name(source: str) -> Uploader | None:
    """The uploader from a source name (``subs.zip:folder/file``, or a path), or ``None`` when the name is not
    one a platform gives."""
    if "_" not in source:  # the common case of plain files: nothing to look at
        return None
    path = source.replace("\\", "/")
    if "_assignsubmission_" in path:
        parts = [p for seg in path.split(":") for p in seg.split("/") if p]
        for k, part in enumerate(parts):
            m = _MOODLE_PART.match(part)
            if m:
                rest = m.group("rest") or ""
                original = rest if rest else "/".join(parts[k + 1:])
                return Uploader(MOODLE, m.group("pid"), m.group("name"), None, "", original)
    base = path.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return _canvas(base) if "_" in base else None


def _canvas(base: str) -> Uploader | None:
    tokens = base.split("_")
    late = tokens[0] == "LATE"
    if tokens[late:late + 1] == ["anon"]:  # anonymous grading: [LATE_]anon_<anonymous id>_<attachment id>_<name>
        rest = tokens[late + 1:]
        if len(rest) >= 3 and rest[0].isascii() and rest[0].isalnum() and rest[1].isascii() and rest[1].isdigit():
            return Uploader(CANVAS, f"anon_{rest[0]}", "", late, rest[1], "_".join(rest[2:]))
        return None
    digits = [k for k, t in enumerate(tokens) if t.isascii() and t.isdigit()]
    if len(digits) < 2 or digits[1] != digits[0] + 1 or digits[0] == 0 or digits[1] == len(tokens) - 1:
        return None
    uid, fid = digits[0], digits[1]
    before = tokens[:uid]
    late = bool(before) and before[-1] in ("LATE", "late")
    if late:
        before = before[:-1]
    name = "_".join(before)
    if not name or not re.fullmatch(r"\w+", name):
        return None
    return Uploader(CANVAS, tokens[uid], name, late, tokens[fid], "_".join(tokens[fid + 1:]))


# -- the names the platforms would write for a student --------------------------------------------------

def canvas_name_key(sortable_name: str) -> str:
    """Canvas's file-name form of a sortable name: ``"Hernández, José"`` -> ``hernándezjosé``."""
    name = re.sub(r"_(\d+)_", r"\1", sortable_name)
    name = re.sub(r"^(\d+)$", r"\1", name).lower()
    return re.sub(r"[^\w]", "", name)


def canvas_attachment_name(original: str) -> str:
    return re.sub(r'[\x00/\\:*?"<>|]+', "_", original)


def moodle_name_key(full_name: str) -> str:
    """Moodle's ``clean_filename`` of a full name with ``_`` made spaces."""
    name = re.sub(r"[\x00-\x1f\x7f]|[&<>\"`|':\\/]", "", full_name.replace("_", " "))
    return "" if name in (".", "..") else name


def folded_name(name: str) -> str:
    """A name as :func:`same_name` compares it: Unicode-normalized, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def same_name(a: str, b: str) -> bool:
    """Names equal after Unicode normalization, case folding and spacing."""
    return bool(a) and folded_name(a) == folded_name(b)


def display_name(name: str) -> str:
    """``"Hernández, José"`` (a sortable name) -> ``"José Hernández"``; other names as they are."""
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if last and first:
            return f"{first} {last}"
    return name.strip()
