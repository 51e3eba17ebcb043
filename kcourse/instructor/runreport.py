"""What a grading run did (:class:`RunReport`) and its end-of-run summary: exact counts, bounded examples.

A run over a million files must not keep a million results: the report counts every outcome (per state, per
reason) and keeps only the first :data:`EXAMPLES` graded files and the first :data:`EXAMPLES` rejections of
each reason, and the first :data:`WARNINGS_KEPT` warnings.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..core.model import Quiz
from .gradebook import Address, WriteResult
from .judge import Graded
from .outcome import Reason, Rejection

EXAMPLES = 1000
"""Outcomes the report keeps: the first graded files, and the first rejections of each reason."""
WARNINGS_KEPT = 1000


@dataclass
class RunReport:
    """What a run did: every count exact, the outcomes themselves only the first :data:`EXAMPLES` of each kind."""

    quiz: Quiz
    gradebook: Address
    files_in: int = 0
    graded: list[Graded] = field(default_factory=list)
    """The first :data:`EXAMPLES` graded files (all of them in a class that small)."""
    rejected: list[Rejection] = field(default_factory=list)
    """The first :data:`EXAMPLES` rejected files of each reason."""
    ignored: list[str] = field(default_factory=list)
    """System files left out (``__MACOSX``, ``.DS_Store``, the gradebook itself, ...)."""
    missing: list[str] = field(default_factory=list)
    """Arguments that named no file."""
    warnings: list[str] = field(default_factory=list)
    """The first :data:`WARNINGS_KEPT` warnings (:attr:`warnings_total` counts them all)."""
    notes: list[str] = field(default_factory=list)
    write: WriteResult | None = None
    states: Counter[str] = field(default_factory=Counter)
    """Graded files per state: ``new``, ``unchanged``, ``regraded``."""
    reasons: Counter[Reason] = field(default_factory=Counter)
    """Rejected files per reason."""
    warnings_total: int = 0

    @property
    def n_graded(self) -> int:
        return sum(self.states.values())

    @property
    def n_rejected(self) -> int:
        return sum(self.reasons.values())

    @property
    def ok(self) -> bool:
        """Everything given was found and graded."""
        return not self.reasons and not self.missing

    def by_reason(self) -> dict[Reason, list[Rejection]]:
        """Examples of the rejections, by reason (:attr:`reasons` has the counts)."""
        out: dict[Reason, list[Rejection]] = {}
        for r in self.rejected:
            out.setdefault(r.reason, []).append(r)
        return {k: out.get(k, []) for k in Reason if k in self.reasons}

    def count(self, state: str) -> int:
        return self.states[state]

    def warn(self, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < WARNINGS_KEPT:
            self.warnings.append(message)

    def _graded(self, g: Graded) -> None:
        self.states[g.state] += 1
        if len(self.graded) < EXAMPLES:
            self.graded.append(g)

    def _rejected(self, r: Rejection) -> None:
        self.reasons[r.reason] += 1
        if self.reasons[r.reason] <= EXAMPLES:
            self.rejected.append(r)


def summary(report: RunReport, *, examples: int = 20) -> str:
    """The end-of-run summary: files in = graded + rejected, rejections grouped by reason."""
    n_graded, n_rej = report.n_graded, report.n_rejected
    lines = [f"{report.quiz.id}: {report.files_in} file(s) in = {n_graded} graded + {n_rej} rejected"]
    if n_graded:
        parts = [f"{report.count('new')} new"]
        if report.count("unchanged"):
            parts.append(f"{report.count('unchanged')} already in the gradebook")
        if report.count("regraded"):
            parts.append(f"{report.count('regraded')} regraded (the quiz changed)")
        lines.append(f"  graded: {', '.join(parts)}")
    for reason, items in report.by_reason().items():
        total = report.reasons[reason]
        lines.append(f"  rejected, {reason.value} ({total}):")
        for r in items[:examples]:
            lines.append(f"    {r}")
        if total > examples:
            lines.append(f"    ... and {total - examples} more")
    for m in report.missing:
        lines.append(f"  not found: {m}")
    if report.ignored:
        shown = ", ".join(report.ignored[:3]) + (", ..." if len(report.ignored) > 3 else "")
        lines.append(f"  left out {len(report.ignored)} system file(s) (__MACOSX, .DS_Store, the gradebook): {shown}")
    w = report.write
    if w is not None and w.run_id is not None:
        lines.append(f"gradebook {report.gradebook}: run {w.run_id} added {w.added} attempt(s), "
                     f"regraded {w.regraded}")
    else:
        lines.append(f"gradebook {report.gradebook}: unchanged")
    return "\n".join(lines)
