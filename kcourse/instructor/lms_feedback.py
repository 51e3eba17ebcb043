"""Feedback pages packed in one zip that Canvas or Moodle takes back in one upload.

- ``canvas``: for the assignment's "Re-upload submissions" (it attaches each file as a comment on the
  student's submission). Canvas finds the student from the file name alone: the first two ``_``-separated
  parts made only of digits are the user id and the id of one of the files of that user's submission
  (``Assignment#infer_comment_context_from_filename``); other files are ignored. So each page is named
  ``<name>_<canvas user id>_<attachment id>_feedback.html`` from the student's latest file in a Canvas
  "Download Submissions" zip (the gradebook keeps both ids). Students whose files did not come from a
  Canvas zip cannot be named this way: they are listed as left out.
- ``moodle``: for the assignment's "Upload multiple feedback files in a zip" (feedback type "File
  feedback"). Moodle reads a folder ``<Full name>_<participant id>_assignfeedback_file`` and puts the files in
  it into that participant's feedback (``assignfeedback_file_zip_importer``); the participant id comes from
  the student's folder in Moodle's "Download all submissions" zip.

Each page is the HTML page of ``kcourse feedback``. The zip is written atomically; member names are UTF-8.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core import model as m
from ..core.errors import UsageError
from . import gradebook as gb
from .feedback import StudentFeedback, collect, render_html
from .files import write_bytes_atomically
from .platform import CANVAS, MOODLE, canvas_name_key, display_name, moodle_name_key, same_name
from .roster import Roster

PLATFORMS = (CANVAS, MOODLE)
FIXED_TIME = (2020, 2, 1, 0, 0, 0)
"""Zip member times are fixed so the same feedback gives the same zip."""


@dataclass(frozen=True)
class PackReport:
    path: Path
    packed: int
    left_out: tuple[str, ...]
    """``student id: why`` of students with a counted attempt who could not be named for the platform."""


def member_name(platform: str, f: StudentFeedback, latest_file: dict[str, str]) -> str | None:
    """The zip member for the student's page, or ``None`` when the counted file did not come from the
    student's own account as far as the platform's name tells (feedback never goes to another account)."""
    a = f.attempt
    kind, _, user = a.uploader.partition(":")
    if kind != platform or not user:
        return None
    s = f.student
    if platform == CANVAS and (s.canvas_id != user if s.canvas_id else canvas_name_key(s.name) != a.upload_name):
        return None
    if platform == MOODLE and not same_name(moodle_name_key(display_name(s.name)), moodle_name_key(a.upload_name)):
        return None
    if platform == CANVAS:
        file_id = latest_file.get(a.uploader) or a.platform_file
        return f"{a.upload_name}_{user}_{file_id}_feedback.html" if file_id else None
    name = moodle_name_key(a.upload_name) or "Participant"
    return f"{name}_{user}_assignfeedback_file/feedback.html"


def pack_feedback(*, quiz: m.Quiz, gradebook: str | Path, out: str | Path, platform: str,
                  policy: str | None = None, roster: Roster | None = None) -> PackReport:
    if platform not in PLATFORMS:
        raise UsageError(f"unknown platform '{platform}'; one of {', '.join(PLATFORMS)}")
    out = Path(out)
    if out.suffix.casefold() != ".zip":
        out = out.with_name(out.name + ".zip")
    with gb.reading(gradebook, quiz.id) as (conn, row):
        policy = policy or row.policy
        people, stale = collect(quiz, conn, policy=policy, roster=roster)
        latest: dict[str, str] = {}
        for a in gb.attempts(conn, quiz.id):  # Canvas takes only a file of the submission as it is now
            if a.uploader.startswith(CANVAS + ":") and a.platform_file.isdigit():
                cur = latest.get(a.uploader, "")
                if not cur or int(a.platform_file) > int(cur):
                    latest[a.uploader] = a.platform_file
    if stale:
        raise UsageError(f"{stale} counted attempt(s) were graded against another version of the quiz; run "
                         f"kcourse regrade {quiz.id} first")
    buf = io.BytesIO()
    left, packed, used = [], 0, set()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in people:
            name = member_name(platform, f, latest)
            if name is None or name in used:
                why = "already packed under this account" if name else (
                    "its counted file came from a Canvas anonymous submission, which names no Canvas user: "
                    "download the submissions again once the assignment's anonymity is lifted, and grade that zip"
                    if f.attempt.uploader.startswith(f"{CANVAS}:anon_") else
                    f"its counted file did not come from their own account in a {platform.capitalize()} "
                    "submissions zip")
                left.append(f"{f.student.student_id}: {why}")
                continue
            used.add(name)
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, render_html(quiz, f, policy=policy).encode("utf-8"))
            packed += 1
    if not packed:
        raise UsageError(f"no feedback could be named for {platform.capitalize()}: grade the files from the "
                         f"platform's own submissions zip (kept as downloaded), or use kcourse feedback for one file "
                         "per student")
    write_bytes_atomically(out, buf.getvalue())
    return PackReport(out, packed, tuple(left))
