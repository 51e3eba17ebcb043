"""Write the sample platform files in tests/instructor/files/ (see its README)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from . import platforms as pf

FILES = Path(__file__).resolve().parent / "files"
SUBMISSION = b'{"quiz_id": "valid-all-types", "student_id": "%s", "variant_seed": 1, "responses": {}}\n'


def samples() -> dict[str, bytes]:
    people = pf.make_class(6)
    people[2] = pf.Person(**{**people[2].__dict__, "sis_id": ""})
    people[4] = pf.Person(**{**people[4].__dict__, "suspended": True})
    canvas_zip = {pf.canvas_submission_name(p, attachment_id=700 + k, original="quiz answers (2).json",
                                            late=k == 1): SUBMISSION % (p.sis_id or p.login).encode()
                  for k, p in enumerate(people)}
    moodle_zip = {f"{pf.moodle_submission_folder(p)}/quiz.json": SUBMISSION % p.sis_id.encode() for p in people}
    berlin = ZoneInfo("Europe/Berlin")
    sheet = [pf.SheetRow(p, "Submitted for grading" + (" - 1 day 2 hours late" if k == 1 else ""),
                         datetime(2026, 11, 26 + (k == 1), 9 + k, 5 * k, tzinfo=berlin))
             for k, p in enumerate(people[:5])] + [pf.SheetRow(people[5])]
    anonymous = {pf.canvas_anonymous_name(aid, attachment_id=800 + k, original="quiz answers (2).json", late=k == 1):
                 SUBMISSION % (p.sis_id or p.login).encode()
                 for k, (aid, p) in enumerate(zip(["Ab3dE", "Zz9yX", "Qq1wE"], people, strict=False))}
    return {
        "canvas-gradebook-export.csv": pf.canvas_gradebook(people, assignment="Every question type",
                                                           assignment_id=4711, points=10, bom=True),
        "canvas-submissions.zip": pf.zip_of(canvas_zip),
        "moodle-grades-export.csv": pf.moodle_grades(people, assignment="Every question type"),
        "moodle-submissions.zip": pf.zip_of(moodle_zip),
        "moodle-grading-worksheet.csv": pf.moodle_worksheet(sheet),
        "canvas-anonymous-submissions.zip": pf.zip_of(anonymous),
    }


def main() -> None:
    for name, data in samples().items():
        (FILES / name).write_bytes(data)
        print(f"wrote {FILES / name}")


if __name__ == "__main__":
    main()
