"""Small CSV tables of kernel versions and dates (the labs' data files), read with located errors.

A table has a header line naming its columns, ``#`` lines are comments, one column holds a version
(numbers joined by dots) and one an ISO date. Every problem names ``source:line``.
"""
from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date


def parse_version(text: str) -> tuple[int, ...]:
    """Turn ``"2.6.39"`` into ``(2, 6, 39)``; ``ValueError`` for anything but non-negative integers joined by dots."""
    parts = text.strip().split(".")
    if not text.strip() or not all(p.isdigit() and p.isascii() for p in parts):
        raise ValueError(f"not a kernel version: {text!r} (expected numbers joined by dots, e.g. '2.6.39')")
    return tuple(int(p) for p in parts)


def read_rows(text: str, *, source: str, columns: tuple[str, ...], date_column: str,
              error: type[Exception], check_version: Callable[[str], object] = parse_version,
              ) -> list[tuple[dict[str, str], date]]:
    """The rows of the table in file order, each as ``{column: text}`` with its parsed date.

    Checks the header (exactly ``columns``), the number of fields, the ``version`` column (with
    ``check_version``), the date and that no version appears twice; raises ``error`` naming ``source:line``.
    """
    wanted = ",".join(columns)
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise error(f"{source}: no header line (expected '{wanted}')")
    header_no, header = lines[0]
    found = tuple(c.strip() for c in next(csv.reader([header])))
    if found != columns:
        raise error(f"{source}:{header_no}: header is {','.join(found)!r} (expected '{wanted}')")
    rows: list[tuple[dict[str, str], date]] = []
    seen: dict[str, int] = {}
    for line_no, line in lines[1:]:
        fields = [f.strip() for f in next(csv.reader([line]))]
        if len(fields) != len(columns):
            raise error(f"{source}:{line_no}: expected {len(columns)} fields ({wanted}), got {len(fields)}"
                        " (quote a text that holds a comma)")
        row = dict(zip(columns, fields))
        try:
            check_version(row["version"])
        except ValueError as exc:
            raise error(f"{source}:{line_no}: version: {exc}") from None
        try:
            day = date.fromisoformat(row[date_column])
        except ValueError:
            raise error(f"{source}:{line_no}: {date_column}: {row[date_column]!r} is not an ISO date "
                        "(write YYYY-MM-DD)") from None
        if row["version"] in seen:
            raise error(f"{source}:{line_no}: version {row['version']} already given on line {seen[row['version']]}")
        seen[row["version"]] = line_no
        rows.append((row, day))
    return rows
