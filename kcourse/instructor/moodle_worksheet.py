"""Moodle's offline grading worksheet, read and filled in.

An assignment with the "Offline grading worksheet" feedback type (``assignfeedback_offline``) has, under
"View all submissions", *Download grading worksheet* and *Upload grading worksheet*. Moodle writes it from
the grading table in download mode (``mod/assign/gradingtable.php``, ``assign_grading_table::__construct``)
through its CSV data format (``dataformat/csv``: Spout's CSV writer, a UTF-8 byte-order mark, then PHP
``fputcsv`` rows). The columns, in order: ``Identifier`` (``Participant <id>``: the assignment's own number
for the student, the one in its submission zip's folder names), ``Full name``, the site's identity fields
(``Email address`` by default; ``ID number`` when shown), ``Status``, ``Grade``, ``Maximum grade``, ``Grade
can be changed``, ``Last modified (submission)``, one column per submission text field, ``Last modified
(grade)``, one column per feedback text field (``Feedback comments``). Times are written by ``userdate``
(``Friday, 27 November 2026, 10:05 AM``), in the downloading user's time zone, without the zone, to the
minute. ``Status`` is the status lines joined by `` - ``: ``Submitted for grading - 1 day 2 hours late -
Graded`` (``submittedlateshort``: late against the due date or the student's extension).

The upload (``mod/assign/feedback/offline/importgradeslib.php``) finds the columns ``Identifier``,
``Grade`` and ``Last modified (grade)`` by their header, the participant by the digits after
``Participant ``, and skips a row whose grade was changed in Moodle more than a minute after the
worksheet's ``Last modified (grade)``, or whose grade is above the maximum (``locallib.php``,
``process_import_grades``). So a worksheet goes back as Moodle wrote it, with only the ``Grade`` cells
filled in, out of its ``Maximum grade``.

Only an English worksheet is read (Moodle translates the headers, the status and the dates).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path

from ..core.errors import InputError, Problem, UsageError
from .platform import display_name, folded_name
from .roster import Roster, Student

IDENTIFIER, FULL_NAME, STATUS, GRADE, MAX_GRADE = "Identifier", "Full name", "Status", "Grade", "Maximum grade"
SUBMITTED, GRADED_AT, EMAIL, ID_NUMBER = ("Last modified (submission)", "Last modified (grade)", "Email address",
                                          "ID number")
PARTICIPANT = "Participant "
_WHEN = re.compile(r"^[A-Za-z]+, (\d{1,2}) ([A-Za-z]+) (\d{4}), (\d{1,2}):(\d{2}) ([AP]M)$")
_MONTHS = {m: k for k, m in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"), 1)}
_LATE = re.compile(r"(?:^| - )(?:\d+ (?:year|day|hour|min|sec)s? ?)+ late(?: - |$)")


@dataclass(frozen=True, slots=True)
class WorksheetRow:
    line: int
    participant: str
    """The digits of ``Participant <id>``."""
    full_name: str
    email: str
    id_number: str
    status: str
    submitted: str
    """``Last modified (submission)`` in UTC (as :func:`.grade.sort_time`); '' when there is none."""
    late: bool
    """Moodle's status says the submission is late (against the due date, or the student's extension)."""
    max_grade: float | None
    cells: tuple[str, ...]


@dataclass
class Worksheet:
    source: str
    header: list[str]
    rows: list[WorksheetRow]
    bom: bool = True
    by_participant: dict[str, WorksheetRow] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_participant = {r.participant: r for r in self.rows}

    def student(self, row: WorksheetRow, roster: Roster | Iterable[Student] | None) -> Student | None:
        """The roster's student of ``row`` (see :meth:`matcher`; to match many rows, make one matcher)."""
        return None if roster is None else self.matcher(roster)(row)

    @staticmethod
    def matcher(roster: Roster | Iterable[Student]) -> Callable[[WorksheetRow], Student | None]:
        """Who a row is in ``roster``: the one student with its ID number, else the one with its email address,
        else the one with its full name (as the roster or as :func:`.platform.display_name` writes it); ``None``
        when there is not exactly one. The roster is indexed once: a row costs the same whatever its size."""
        by_id: dict[str, list[Student]] = {}
        by_email: dict[str, list[Student]] = {}
        by_name: dict[str, list[Student]] = {}
        for s in roster:
            by_id.setdefault(s.student_id.casefold(), []).append(s)
            if s.email:
                by_email.setdefault(s.email.casefold(), []).append(s)
            for key in {folded_name(n) for n in (display_name(s.name), s.name) if n}:
                by_name.setdefault(key, []).append(s)

        def match(row: WorksheetRow) -> Student | None:
            for key, index in ((row.id_number, by_id), (row.email, by_email)):
                hit = index.get(key.casefold(), ()) if key else ()
                if len(hit) == 1:
                    return hit[0]
            hit = by_name.get(folded_name(row.full_name), ())
            return hit[0] if len(hit) == 1 else None

        return match


def zone(name: str) -> tzinfo:
    """A time zone from an IANA name (``Europe/Berlin``), ``UTC``, or an offset (``+01:00``)."""
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})", name.strip())
    if m:
        delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
        return timezone(-delta if m.group(1) == "-" else delta)
    if name.strip().upper() in ("UTC", "Z"):
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--timezone '{name}' is not a time zone; give your Moodle profile's zone as a name like "
                         "Europe/Berlin (on Windows, pip install tzdata first) or an offset like +01:00") from None


def moodle_time(text: str, tz: tzinfo | None) -> datetime | None:
    """``Friday, 27 November 2026, 10:05 AM`` in ``tz`` as a UTC datetime; ``None`` for ``-`` or ''."""
    text = text.strip()
    if text in ("", "-"):
        return None
    m = _WHEN.match(text)
    if not m or m.group(2) not in _MONTHS:
        raise ValueError("not a time as Moodle writes it in English, like 'Friday, 27 November 2026, 10:05 AM'")
    if tz is None:
        raise UsageError("the worksheet's times carry no time zone: give --timezone with your Moodle profile's zone "
                         "(e.g. Europe/Berlin), the zone Moodle wrote them in")
    hour = int(m.group(4)) % 12 + (12 if m.group(6) == "PM" else 0)
    local = datetime(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)), hour, int(m.group(5)), tzinfo=tz)
    return local.astimezone(UTC)


def read_worksheet(path: str | Path, *, tz: tzinfo | None = None, times: bool = True,
                   cells: bool = True) -> Worksheet:
    """Read a worksheet as Moodle's *Download grading worksheet* gives it; every problem located. ``times``:
    read the submission times (in ``tz``); without, they are left '' (filling in grades needs none). ``cells``:
    keep every row's cells, which :func:`filled` writes back (grading needs none: a row then holds only what it
    says, a few hundred bytes for each participant)."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError([Problem(source, None, "", f"cannot read the grading worksheet ({e})",
                                  "give the CSV file of the assignment's 'Download grading worksheet'")]) from None
    del raw
    table = csv.reader(io.StringIO(text, newline=""))  # row by row: the rows' lists are not all kept
    first = next(table, None)
    if first is None:
        raise InputError([Problem(source, 1, "", "the file is empty", "download the grading worksheet again")])
    header = [h.strip() for h in first]
    col = {h: k for k, h in enumerate(header)}
    lacking = [h for h in (IDENTIFIER, FULL_NAME, STATUS, GRADE) if h not in col]
    if lacking:
        raise InputError([Problem(source, 1, "", f"not a Moodle grading worksheet: no column {', '.join(lacking)} "
                                  f"(the columns are: {', '.join(header[:12])})",
                                  "use the assignment's 'Download grading worksheet' (in English)")])
    rows, problems = [], []
    for line, row in enumerate(table, 2):
        if not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))

        def cell(name: str, row: list[str] = row) -> str:
            return row[col[name]].strip() if name in col else ""

        ident = cell(IDENTIFIER)
        if not ident.startswith(PARTICIPANT) or not ident[len(PARTICIPANT):].isdigit():
            problems.append(Problem(source, line, IDENTIFIER, f"'{ident}' is not 'Participant <number>'",
                                    "download the grading worksheet again; do not edit the Identifier column"))
            continue
        try:
            when = moodle_time(cell(SUBMITTED), tz) if times else None
        except ValueError as e:
            problems.append(Problem(source, line, SUBMITTED, f"'{cell(SUBMITTED)}': {e}"))
            continue
        try:
            top = float(cell(MAX_GRADE).replace(",", ".")) if cell(MAX_GRADE) else None
        except ValueError:
            top = None
        status = cell(STATUS)
        rows.append(WorksheetRow(line, ident[len(PARTICIPANT):], cell(FULL_NAME), cell(EMAIL), cell(ID_NUMBER), status,
                                 when.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if when else "", bool(_LATE.search(status)),
                                 top, tuple(row) if cells else ()))
    if problems:
        raise InputError(problems)
    return Worksheet(source, header, rows, bom)


def php_csv_row(cells: Iterable[str]) -> str:
    """One row as PHP's ``fputcsv`` writes it (Moodle's CSV writers): a cell is quoted when it holds the
    separator, a quote, a backslash, a space, a tab or a line break; ``\\n`` ends the row."""
    out = []
    for c in cells:
        out.append('"' + c.replace('"', '""') + '"' if re.search(r'[,"\\ \t\r\n]', c) else c)
    return ",".join(out) + "\n"


def filled(ws: Worksheet, grades: dict[str, str]) -> str:
    """The worksheet as Moodle wrote it, with the ``Grade`` cell of each participant in ``grades``
    (participant id -> grade text) replaced; every other cell as it was."""
    k = ws.header.index(GRADE)
    text = "\ufeff" if ws.bom else ""
    text += php_csv_row(ws.header)
    for r in ws.rows:
        if not r.cells:
            raise ValueError(f"{ws.source} was read without its cells: read_worksheet(..., cells=True) to fill it in")
        cells = list(r.cells)
        if r.participant in grades:
            cells[k] = grades[r.participant]
        text += php_csv_row(cells)
    return text
