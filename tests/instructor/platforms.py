"""The files Canvas and Moodle give an instructor, byte for byte as their code writes them (re-implemented
here from their public source, which is not copied into this repository):

- Canvas gradebook export: ``lib/gradebook_exporter.rb`` (``GradebookExporter#csv_data``): Ruby's CSV
  (``\\n`` line ends; a field quoted only when it holds ``,`` ``"`` or a line break; ``nil`` written as
  nothing), optional byte-order mark; header ``Student, ID, SIS User ID, SIS Login ID, Section``, the
  assignments as ``<title> (<id>)``, then the totals; a row of ``Manual Posting`` under the header when an
  assignment posts grades manually; ``    Points Possible`` (four spaces) with points as ``11.00``; the
  students by sortable name, the test student (``StudentViewEnrollment``) last.
- Canvas "Download Submissions": ``lib/content_zipper.rb`` (``get_filename``, ``sanitize_user_name``,
  ``add_upload_submission``): ``<sortable name, lower case, only word characters>[_LATE]_<user id>_
  <attachment id>_<display name>``; the zip is ``<course>-<assignment> submissions`` with spaces made ``_``.
- Moodle grade export (plain text): ``grade/export/txt/grade_export_txt.php`` with ``csv_export_writer``
  (PHP ``fputcsv``: a field quoted when it holds the separator, a quote, a space, a tab or a line break;
  ``\\n`` line ends): ``First name, Last name, ID number, Institution, Department, Email address``,
  ``Suspended`` (``Yes``) when suspended users are included, ``Assignment: <name> (Real)`` with ``-`` for
  no grade, ``Last downloaded from this course`` (a Unix time).
- Moodle assignment "Download all submissions" (``mod/assign/locallib.php``, Moodle 4.1 on):
  ``<Full name with _ as space, clean_filename>_<participant id>_assignsubmission_file/<file>``.
- Canvas anonymous grading: ``lib/content_zipper.rb`` ``get_filename`` (``users_name`` is nil when
  ``@assignment.anonymize_students?``, the id is ``"anon_#{submission.anonymous_id}"``, then
  ``sanitize_file_name``), and ``add_upload_submission`` appends ``_<attachment id>_<display name>``.
- Moodle offline grading worksheet: ``mod/assign/feedback/offline/locallib.php`` ``download_grades`` writes
  ``assign_grading_table`` (``mod/assign/gradingtable.php``, ``__construct``: the download columns
  ``recordid``, ``fullname``, identity fields, ``status``, ``grade``, ``grademax``, ``gradecanbechanged``,
  ``timesubmitted``, ``timemarked``, the feedback plugins' editor fields; ``col_recordid`` is
  ``Participant <uniqueid>``, ``col_status`` joins the status lines with `` - `` when downloading,
  ``display_grade`` is ``format_float(grade, 2)`` or '', ``col_timesubmitted``/``col_timemarked`` are
  ``userdate`` = ``strftimedaydatetime`` ``%A, %d %B %Y, %I:%M %p`` without leading zeros, or ``-``) through
  ``dataformat/csv`` (Spout's CSV writer: a UTF-8 byte-order mark, then ``fputcsv`` rows ending ``\n``).
  Read back by ``importgradeslib.php`` (``Identifier``, ``Grade``, ``Last modified (grade)``).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from kcourse.instructor.platform import canvas_attachment_name, canvas_name_key, moodle_name_key


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    sis_id: str
    """The student id (Canvas SIS User ID, Moodle ID number); '' when the platform has none."""
    canvas_id: int
    login: str
    section: str
    participant: int
    """Moodle's participant id in the assignment."""
    email: str
    suspended: bool = False

    @property
    def sortable(self) -> str:
        return f"{self.last}, {self.first}"

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def ruby_csv_row(cells: list[str | None]) -> str:
    out = []
    for c in cells:
        if c is None:
            out.append("")
        elif c == "" or re.search(r'[,"\r\n]', c):
            out.append('"' + c.replace('"', '""') + '"')
        else:
            out.append(c)
    return ",".join(out) + "\n"


def php_csv_row(cells: list[str], sep: str = ",") -> str:
    out = []
    for c in cells:
        if any(ch in c for ch in (sep, '"', " ", "\t", "\r", "\n", "\\")):
            out.append('"' + c.replace('"', '""') + '"')
        else:
            out.append(c)
    return sep.join(out) + "\n"


TOTALS = ["Current Points", "Final Points", "Current Score", "Unposted Current Score", "Final Score",
          "Unposted Final Score"]


def canvas_gradebook(people: list[Person], *, assignment: str, assignment_id: int, points: float,
                     test_student_id: int = 9999, manual_posting: bool = True, bom: bool = False) -> bytes:
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{assignment} ({assignment_id})", *TOTALS]
    text = ruby_csv_row(header)
    if manual_posting:
        text += ruby_csv_row([None, None, None, None, None, "Manual Posting", *[None] * len(TOTALS)])
    text += ruby_csv_row(["    Points Possible", None, None, None, None, f"{points:.2f}",
                          *["(read only)"] * len(TOTALS)])
    for p in sorted(people, key=lambda p: p.sortable.casefold()):
        text += ruby_csv_row([p.sortable, str(p.canvas_id), p.sis_id or None, p.login, p.section, None,
                              *["0.00"] * len(TOTALS)])
    # the test student: Student View's enrollment comes last; its pseudonym has no SIS id
    text += ruby_csv_row(["Student, Test", str(test_student_id), None, "3f0a9c1e2b7d4c6a8e5f1b2d3c4a5e6f",
                          people[0].section, None, *["0.00"] * len(TOTALS)])
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def canvas_submission_name(p: Person, *, attachment_id: int, original: str, late: bool) -> str:
    parts = [canvas_name_key(p.sortable)] + (["LATE"] if late else []) + [str(p.canvas_id)]
    base = re.sub(r"[^\w]", "", "_".join(parts))
    return f"{base}_{attachment_id}_{canvas_attachment_name(original)}"


def canvas_zip_name(course: str, assignment: str) -> str:
    slug = f"{course}-{assignment} submissions".replace(" ", "_")
    return re.sub(r"[^\w-]", "", slug) + ".zip"


def moodle_grades(people: list[Person], *, assignment: str, grades: dict[str, str] | None = None,
                  include_suspended: bool = True, exported_at: int = 1764460800) -> bytes:
    header = ["First name", "Last name", "ID number", "Institution", "Department", "Email address"]
    if include_suspended:
        header.append("Suspended")
    header += [f"Assignment: {assignment} (Real)", "Last downloaded from this course"]
    text = php_csv_row(header)
    for p in sorted(people, key=lambda p: (p.last.casefold(), p.first.casefold())):
        row = [p.first, p.last, p.sis_id, "", "", p.email]
        if include_suspended:
            row.append("Yes" if p.suspended else "")
        row += [(grades or {}).get(p.email, "-"), str(exported_at)]
        text += php_csv_row(row)
    return text.encode("utf-8")


def canvas_anonymous_name(anonymous_id: str, *, attachment_id: int, original: str, late: bool) -> str:
    base = re.sub(r"[^\w]", "", "_".join((["LATE"] if late else []) + [f"anon_{anonymous_id}"]))
    return f"{base}_{attachment_id}_{canvas_attachment_name(original)}"


def moodle_userdate(t) -> str:
    """``userdate(t)`` with Moodle's default ``strftimedaydatetime`` (English), ``t`` an aware datetime in the
    user's zone: ``Friday, 27 November 2026, 9:05 AM``."""
    return f"{t:%A}, {t.day} {t:%B} {t.year}, {int(t.strftime('%I'))}:{t:%M} {t:%p}"


@dataclass(frozen=True)
class SheetRow:
    person: Person
    status: str = "No submission"
    """``Submitted for grading``, ``Submitted for grading - 1 day 2 hours late``, ..."""
    submitted: object = None
    """An aware datetime in the worksheet user's zone, or None (``-``)."""
    grade: str = ""


def moodle_worksheet(rows: list[SheetRow], *, max_grade: float = 10) -> bytes:
    header = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum grade", "Grade can be changed",
              "Last modified (submission)", "Last modified (grade)", "Feedback comments"]
    text = "\ufeff" + php_csv_row(header)
    for r in rows:
        p = r.person
        text += php_csv_row([f"Participant {p.participant}", p.full, p.email, r.status, r.grade, f"{max_grade:.2f}",
                             "Yes", moodle_userdate(r.submitted) if r.submitted else "-", "-", ""])
    return text.encode("utf-8")


def moodle_submission_folder(p: Person) -> str:
    return f"{moodle_name_key(p.full)}_{p.participant}_assignsubmission_file"


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 11, 27, 10, 0, 0)), data)
    return buf.getvalue()


# -- the platforms reading back what kcourse gives them ---------------------------------------------------

def canvas_reupload_target(member: str) -> tuple[str, str] | None:
    """(user id, attachment id) as Canvas's ``infer_comment_context_from_filename`` reads a member name."""
    base = member.rsplit("/", 1)[-1]
    parts = base.split("_")
    digits = [t for t in parts if re.fullmatch(r"\d+", t)][:2]
    if len(digits) < 2 or parts[-1].startswith("link") or base.startswith("._"):
        return None
    return digits[0], digits[1]


def moodle_feedback_target(member: str) -> tuple[int, str, str] | None:
    """(participant id, plugin, file name) as Moodle's ``is_valid_filename_for_import`` reads a member."""
    parts = member.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit():
            continue
        rest = info[4] if len(info) == 5 else ""
        return int(info[1]), f"{info[2]}_{info[3]}", "/".join([rest, *parts])
    return None


FIRST = ["José", "Zoë", "Siobhán", "Maria", "Chidi", "Ana", "Björn", "Li", "Nguyễn", "Seán", "Aisha", "Omar"]
LAST = ["Hernández", "O'Brien", "Müller", "Garcia", "Okafor", "López", "Ångström", "Wei", "Van", "D'Arcy",
        "Khan", "Smith"]


def make_class(n: int = 120) -> list[Person]:
    """n students with accented and apostrophe names; two share the display name "Maria Garcia"."""
    out = []
    for k in range(n):
        first, last = FIRST[k % len(FIRST)], LAST[(k + k // len(FIRST)) % len(LAST)]
        if k in (3, 77):
            first, last = "Maria", "Garcia"
        out.append(Person(first, last, f"s{k:03d}", 5000 + k, f"user{k:03d}", "Mon" if k % 2 else "Tue",
                          730000 + 11 * k, f"user{k:03d}@uni.example"))
    return out
