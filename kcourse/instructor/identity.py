"""Who handed a file in, according to the platform, against whose file it says it is.

The platform's file name (:mod:`.platform`) names the account that uploaded the file; the file names the
student whose page wrote it. When they are two different students of the roster, the file was handed in
under someone else's account: it is rejected (:attr:`~.outcome.Reason.FOREIGN_ACCOUNT`), never credited
silently. The uploader is known for sure from Canvas's user id when the roster came from a Canvas export
(its ``ID`` column); otherwise from the name in the file name: when every roster student of that name
(two students may share one) is someone other than the file's student, the file is rejected too; a name
that matches no roster student gives a warning, not a rejection (names get respelled). A Moodle participant
id is known for sure when the assignment's grading worksheet (:mod:`.moodle_worksheet`) maps it to a roster
student (by ID number, email, or a name only they have). Canvas's anonymous grading names no one: those files
cannot be checked here (:func:`.uploads.anonymous_conflicts` holds back what cannot be told apart).
"""
from __future__ import annotations

from dataclasses import dataclass

from .moodle_worksheet import Worksheet
from .platform import CANVAS, MOODLE, Uploader, canvas_name_key, display_name, moodle_name_key, same_name
from .roster import Roster, Student


@dataclass(frozen=True)
class Verdict:
    uploader: Student | None
    """The roster student who uploaded the file, when known."""
    reject: str = ""
    warn: str = ""


class IdentityCheck:
    def __init__(self, roster: Roster | None, worksheet: Worksheet | None = None):
        self.roster = roster
        self.by_moodle: dict[str, Student] = {}
        """Moodle participant id -> student, from the assignment's grading worksheet."""
        if roster is not None and worksheet is not None:
            match = worksheet.matcher(roster)
            for row in worksheet.rows:
                s = match(row)
                if s is not None:
                    self.by_moodle[row.participant] = s
        self.by_canvas: dict[str, Student] = {}
        self.by_canvas_name: dict[str, list[Student]] = {}
        self.by_moodle_name: dict[str, list[Student]] = {}
        if roster is not None:
            for s in roster:
                if s.canvas_id:
                    self.by_canvas[s.canvas_id] = s
                self.by_canvas_name.setdefault(canvas_name_key(s.name), []).append(s)
                self.by_moodle_name.setdefault(moodle_name_key(display_name(s.name)).casefold(), []).append(s)

    def candidates(self, up: Uploader) -> tuple[list[Student], bool]:
        """The roster students the upload can be from, and whether that is certain (a Canvas user id)."""
        if up.anonymous:
            return [], False
        if up.platform == MOODLE and up.user in self.by_moodle:
            return [self.by_moodle[up.user]], True
        if up.platform == CANVAS:
            if up.user in self.by_canvas:
                return [self.by_canvas[up.user]], True
            return self.by_canvas_name.get(up.name_key, []), False
        return self.by_moodle_name.get(moodle_name_key(up.name_key).casefold(), []), False

    def uploader(self, up: Uploader) -> tuple[Student | None, bool]:
        """The one roster student behind the upload (``None`` when no one or several) and whether certain."""
        hits, certain = self.candidates(up)
        return (hits[0], certain) if len(hits) == 1 else (None, False)

    def check(self, up: Uploader, student_id: str) -> Verdict:
        if self.roster is None or up.anonymous:
            return Verdict(None)
        hits, certain = self.candidates(up)
        owner = self.roster.find(student_id)
        if not hits:
            if up.platform == CANVAS and self.by_canvas and up.user not in self.by_canvas:
                return Verdict(None, warn=f"uploaded by {up.label}, who is not on the roster "
                                          f"{self.roster.source}; the file says it is '{student_id}'")
            if owner is not None and not _name_matches(up, owner):
                return Verdict(None, warn=f"uploaded by {up.label}, whose name is not on the roster "
                                          f"{self.roster.source}; the file says it is '{student_id}' ({owner.name}): "
                                          "check who handed it in")
            return Verdict(None)
        if owner is not None and any(h.student_id == owner.student_id for h in hits):
            return Verdict(owner)
        who = hits[0]
        account = who.label if len(hits) == 1 else " or ".join(h.label for h in hits)
        owner_text = f"'{student_id}'" + (f" ({owner.name})" if owner is not None and owner.name else "")
        return Verdict(who if len(hits) == 1 else None, reject=(
            f"uploaded under the account of {account}, {up.label}, but the file says it is {owner_text}'s: it was "
            "handed in for someone else; ask both students, then grade the owner's own file"))


def _name_matches(up: Uploader, s: Student) -> bool:
    if up.platform == CANVAS:
        return canvas_name_key(s.name) == up.name_key
    return same_name(moodle_name_key(display_name(s.name)), moodle_name_key(up.name_key))
