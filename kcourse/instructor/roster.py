"""Class rosters: a CSV of students as an LMS exports it, read into :class:`Student` records.

Column names are matched case-insensitively, ignoring ``_`` versus space, extra spaces and a byte-order
mark. The delimiter is whichever of ``,`` ``;`` or tab the header line uses most. Accepted names:

========================  =========================================================================
student id (required)     ``student_id``, ``student id``, ``studentid``, ``SIS User ID`` (Canvas),
                          ``ID number`` (Moodle), ``idnumber``, ``ID``, ``username``, ``SIS Login ID``;
                          the first of these that the file has *and* that is filled in on some row
name (required)           ``name``, ``full name``, ``student name``, ``Student`` (Canvas: "Last, First");
                          or ``First name`` with ``Surname`` / ``Last name`` (Moodle)
email (optional)          ``email``, ``Email address`` (Moodle), ``e-mail``, ``mail``
Canvas (optional)         ``ID`` (the Canvas user id, when the student id comes from another column),
                          ``SIS Login ID``, ``Section``: kept for the Canvas grade export
========================  =========================================================================

The student id is chosen **per row**: the first id column (in the order above, with Canvas's ``SIS Login ID``
before its numeric ``ID``) that the file has and that is filled in *on that row*. A class list never stops
the class: rows that cannot be a student are skipped and listed in :attr:`Roster.skipped`, located
(``roster.csv:123: skipped 'Student, Test': Canvas's test student``):

- platform rows: Canvas's ``Points Possible`` row and its ``Manual Posting`` row (both have no student);
- pseudo-students: Canvas's test student (``Student, Test`` / ``Test Student``);
- rows with no id in any id column, ids that are too long, and a second row for the same id;
- students who left: a ``Status`` / ``Enrolment status`` column saying ``Suspended``, ``Not current``,
  ``Inactive``, ``Dropped``, ``Withdrawn``, ``Concluded`` or ``Deleted``, or Moodle's grade export
  ``Suspended`` column (written when "include suspended users" is on) saying ``Yes``.

Only a file that cannot be a class list at all (no id or name column, not CSV, no students) is an error.
``section`` keeps Canvas's ``Section`` (``Mon and Tue`` for two sections) or Moodle's ``Groups``; see
:meth:`Roster.in_section`.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError, Problem

MAX_BYTES = 20_000_000
MAX_ID = 200

ID_COLUMNS = ("student id", "studentid", "sis user id", "id number", "idnumber", "id", "username", "sis login id")
NAME_COLUMNS = ("name", "full name", "fullname", "student name", "student")
FIRST_COLUMNS = ("first name", "firstname", "given name")
LAST_COLUMNS = ("surname", "last name", "lastname", "family name")
EMAIL_COLUMNS = ("email", "email address", "e-mail", "e-mail address", "mail")
SECTION_COLUMNS = ("section", "sections", "groups", "group")
STATUS_COLUMNS = ("status", "enrolment status", "enrollment status")
INACTIVE = ("suspended", "not current", "inactive", "dropped", "withdrawn", "concluded", "deleted")
TEST_STUDENTS = ("student, test", "test student")
"""Canvas's "Student View" user, as its gradebook export names it (sortable name) and as others write it."""


@dataclass(frozen=True)
class Student:
    """One student of the class."""

    student_id: str
    """What the student types as their id, and what the variant seed is computed from."""
    name: str = ""
    email: str = ""
    canvas_id: str = ""
    """Canvas's own user id (the ``ID`` column of a Canvas export, which has ``SIS ...`` columns), when known."""
    sis_login_id: str = ""
    section: str = ""
    line: int = 0
    """The roster line it came from (0 when not from a file)."""

    @property
    def label(self) -> str:
        """``Name (id)``, or the id alone."""
        return f"{self.name} ({self.student_id})" if self.name else self.student_id


@dataclass(frozen=True)
class Skipped:
    """A roster row that is not a student of the class, and why."""

    file: str
    line: int
    name: str
    reason: str
    kind: str = "no id"
    """``platform row``, ``test student``, ``no id``, ``duplicate``, ``inactive``."""

    def __str__(self) -> str:
        who = f" '{self.name}'" if self.name else ""
        return f"{self.file}:{self.line}: skipped{who}: {self.reason}"


@dataclass(frozen=True)
class Roster:
    """The students of a class, in file order; ids are unique."""

    students: tuple[Student, ...]
    source: str = ""
    id_column: str = ""
    """The header of the column most ids were read from."""
    skipped: tuple[Skipped, ...] = ()
    """Rows that are not students of the class (platform rows, test students, no id, ...), located."""
    notes: tuple[str, ...] = ()
    """Rows whose id came from another column than :attr:`id_column`."""
    _by_id: dict[str, Student] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_folded: dict[str, Student] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for s in self.students:
            self._by_id.setdefault(s.student_id, s)
            self._by_folded.setdefault(fold(s.student_id), s)

    def __len__(self) -> int:
        return len(self.students)

    def __iter__(self):
        return iter(self.students)

    def find(self, student_id: str) -> Student | None:
        """The student with this id: exactly, else ignoring case and inner spacing (``S 12`` finds ``s12``)."""
        return self._by_id.get(student_id) or self._by_folded.get(fold(student_id))

    def sections(self) -> list[str]:
        """Every section named, sorted."""
        return sorted({p for s in self.students for p in split_sections(s.section)})

    def in_section(self, section: str) -> Roster:
        """The students of ``section`` (case-insensitive; a student in several sections is in each)."""
        want = section.strip().casefold()
        kept = tuple(s for s in self.students if want in (p.casefold() for p in split_sections(s.section)))
        if not kept:
            known = ", ".join(self.sections()) or "none: the roster has no Section or Groups column"
            raise InputError([Problem(self.source, None, "Section", f"no student in section '{section}'",
                                      f"give one of the sections: {known}")])
        return Roster(kept, self.source, self.id_column, self.skipped, self.notes)


def split_sections(cell: str) -> list[str]:
    """Canvas joins several sections as ``A, B and C`` (Ruby's ``to_sentence``); Moodle groups with ``, ``."""
    parts = re.split(r",\s*|\s+and\s+", cell.strip())
    return [p.strip() for p in parts if p.strip()]


def _unformula(cell: str) -> str:
    """Canvas writes a name starting with ``=`` as ``="..."`` so spreadsheets do not run it."""
    return cell[2:-1] if cell.startswith('="') and cell.endswith('"') else cell


def fold(student_id: str) -> str:
    """An id compared loosely: case-folded, whitespace removed."""
    return "".join(student_id.split()).casefold()


def _norm_header(h: str) -> str:
    return " ".join(h.replace("\ufeff", "").replace("_", " ").split()).casefold()


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_roster(text: str, file: str = "<roster>", *, id_column: str | None = None) -> Roster:
    """Read roster CSV text; raise :class:`~kcourse.core.errors.InputError` listing every problem."""
    text = text.removeprefix("\ufeff")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        raise InputError([Problem(file, None, "", "the roster is empty",
                                  "export the class list from your LMS as CSV, with a header row")])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    try:
        prev = 0
        for row in reader:
            start, prev = prev + 1, reader.line_num
            if not any(c.strip() for c in row):
                continue
            if header is None:
                header, header_line = row, start
            else:
                rows.append((start, row))
    except csv.Error as e:
        raise InputError([Problem(file, reader.line_num, "", f"not readable as CSV: {e}",
                                  "export the class list from your LMS again as CSV")]) from None
    if header is None:  # a header line of only delimiters
        raise InputError([Problem(file, None, "", "the roster has no header row",
                                  "export the class list from your LMS as CSV, with a header row")])
    names = [_norm_header(h) for h in header]
    col = {n: k for k, n in reversed(list(enumerate(names)))}  # first occurrence wins

    def cell(row: list[str], k: int | None) -> str:
        return row[k].strip() if k is not None and k < len(row) else ""

    problems: list[Problem] = []
    found = ", ".join(h.strip() or "(blank)" for h in header)
    # -- which columns hold the ids (the first filled in wins, per row)
    canvas = "sis user id" in col or "sis login id" in col
    order = ID_COLUMNS if not canvas else tuple(c for c in ID_COLUMNS if c != "id") + ("id",)
    if id_column is not None:
        k_ids = [col[_norm_header(id_column)]] if _norm_header(id_column) in col else []
        if not k_ids:
            problems.append(Problem(file, header_line, "", f"no column '{id_column}' (the columns are: {found})",
                                    "name one of these columns with --id-column"))
    else:
        present = [c for c in order if c in col]
        k_ids = [col[c] for c in present]
        if not k_ids:
            problems.append(Problem(file, header_line, "", f"no student id column (the columns are: {found})",
                                    "name a column student_id, or pick one with --id-column"))
    # -- names
    k_name = next((col[c] for c in NAME_COLUMNS if c in col), None)
    k_first = next((col[c] for c in FIRST_COLUMNS if c in col), None)
    k_last = next((col[c] for c in LAST_COLUMNS if c in col), None)
    if k_name is None and k_first is None and k_last is None:
        problems.append(Problem(file, header_line, "", f"no name column (the columns are: {found})",
                                "add a column 'name', or 'First name' and 'Last name'"))
    if problems or not k_ids:  # no id column is always one of the problems
        raise InputError(problems)
    # the column most rows take their id from names the file's id column
    filled = [k for k in k_ids if any(cell(r, k) for _, r in rows)]
    k_main = (filled or k_ids)[0]
    k_email = next((col[c] for c in EMAIL_COLUMNS if c in col), None)
    k_canvas = col.get("id") if canvas else None
    k_login = col.get("sis login id")
    k_section = next((col[c] for c in SECTION_COLUMNS if c in col), None)
    k_status = next((col[c] for c in STATUS_COLUMNS if c in col), None)
    k_suspended = col.get("suspended")
    id_names = " / ".join(header[k].strip() for k in k_ids)

    students: list[Student] = []
    skipped: list[Skipped] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        name = _unformula(cell(row, k_name)) if k_name is not None else " ".join(
            p for p in (cell(row, k_first), cell(row, k_last)) if p)
        joined = " ".join(c.strip() for c in row).casefold()
        if name.casefold() == "points possible" or (not name and "points possible" in joined):
            skipped.append(Skipped(file, line, "", "Canvas's Points Possible row (not a student)", "platform row"))
            continue
        if not name and "manual posting" in joined:
            skipped.append(Skipped(file, line, "", "Canvas's Manual Posting row (not a student)", "platform row"))
            continue
        if name.casefold() in TEST_STUDENTS:
            skipped.append(Skipped(file, line, name, "Canvas's test student (Student View), not a student of the "
                                   "class", "test student"))
            continue
        status = cell(row, k_status)
        if cell(row, k_suspended).casefold() in ("yes", "1", "true"):
            skipped.append(Skipped(file, line, name, "no longer in the class (Suspended: Yes)", "inactive"))
            continue
        if status and status.casefold() in INACTIVE and k_status is not None:
            skipped.append(Skipped(file, line, name, f"no longer in the class ({header[k_status].strip()}: "
                                   f"{status})", "inactive"))
            continue
        k_used = next((k for k in k_ids if cell(row, k)), None)
        if k_used is None:
            skipped.append(Skipped(file, line, name, f"no student id ({id_names} empty): fill it in and load the "
                                   "roster again to include this student", "no id"))
            continue
        sid = cell(row, k_used)
        if k_used != k_main:
            notes.append(f"{file}:{line}: '{name}' has no {header[k_main].strip()}; using {header[k_used].strip()} "
                         f"'{sid[:40]}'")
        if len(sid) > MAX_ID or re.search(r"[\r\n\x00]", sid):
            skipped.append(Skipped(file, line, name, f"{header[k_used].strip()} '{sid[:40]}...' is longer than "
                                   f"{MAX_ID} characters or has a line break; use the short id students type", "no id"))
            continue
        key = fold(sid)
        if key in seen:
            same = "is" if students[seen[key]].student_id == sid else f"matches '{students[seen[key]].student_id}'"
            skipped.append(Skipped(file, line, name, f"student id '{sid}' {same} also on line "
                                   f"{students[seen[key]].line}; give every student one row", "duplicate"))
            continue
        seen[key] = len(students)
        students.append(Student(student_id=sid, name=name, email=cell(row, k_email),
                                canvas_id=cell(row, k_canvas), sis_login_id=cell(row, k_login),
                                section=cell(row, k_section), line=line))
    if not students:
        listed = "; ".join(str(k) for k in skipped[:5])
        raise InputError([Problem(file, header_line, "", "the roster has a header but no students"
                                  + (f" ({listed})" if listed else ""),
                                  "export the class list with its students")])
    return Roster(tuple(students), file, header[k_main].strip(), tuple(skipped), tuple(notes))


def read_roster(path: str | Path, *, id_column: str | None = None) -> Roster:
    """Read a roster CSV file (UTF-8, with or without a byte-order mark)."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise InputError([Problem(str(p), None, "", f"larger than {MAX_BYTES:,} bytes",
                                      "check that this is the class list")])
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(p), None, "", "no such file", "check the path")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(p), None, "", "is a folder, not a file", "name the roster CSV file")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError([Problem(str(p), line, "", "not UTF-8 text",
                                  "save it from your spreadsheet as 'CSV UTF-8'")]) from None
    return parse_roster(text, str(p), id_column=id_column)
