"""``kcourse stats``: item statistics of a quiz from the gradebook's counted attempts (one per student)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..core import model as m
from . import gradebook as gb
from .files import write_text_atomically
from .report import html_report, terminal_table
from .stats import Observation, QuizStats
from .stats_stream import StatsStream


@dataclass(frozen=True)
class Analysis:
    stats: QuizStats
    policy: str
    table: str
    """The terminal table."""


def observations(conn, quiz_id: str, policy: str) -> tuple[list[dict[str, Observation]], list[float]]:
    """Per counted attempt: ``question_id -> Observation`` (responses parsed), and the attempt's percentage."""
    chosen, items = gb.counted_items(conn, quiz_id, policy)
    parsed: dict[str, object] = {}  # answers repeat a lot: parse each distinct JSON text once
    out = [{qid: Observation(r.score, r.max_score, _value(r.response, parsed), r.response) for qid, r in rows.items()}
           for rows in items]
    return out, [a.percentage for a in chosen]


def analyse(*, quiz: m.Quiz, gradebook: str | Path, policy: str | None = None,
            html_out: str | Path | None = None, plots: bool = True) -> Analysis:
    """Compute the statistics (streamed: one pass over the counted attempts, :mod:`.stats_stream`), render the
    terminal table and (with ``html_out``) write the HTML report."""
    with gb.reading(gradebook, quiz.id) as (conn, row):
        policy = policy or row.policy
        stream = StatsStream(quiz)
        parsed: dict[str, object] = {}
        for a, items in gb.iter_counted_items(conn, quiz.id, policy):
            stream.add({qid: Observation(r.score, r.max_score, _value(r.response, parsed), r.response)
                        for qid, r in items.items()}, a.percentage)
            if len(parsed) > 50_000:
                parsed.clear()
        stats = stream.result()
    if html_out is not None:
        write_text_atomically(html_out, html_report(stats, title=quiz.title, policy=policy, plots=plots))
    return Analysis(stats, policy, terminal_table(stats, title=quiz.title, policy=policy))


def _value(raw: str | None, parsed: dict[str, object]) -> object:
    """The answer's JSON parsed (each distinct text once: answers repeat a lot)."""
    if raw is None:
        return None
    v = parsed.get(raw, parsed)
    if v is parsed:
        v = parsed[raw] = json.loads(raw)
    return v
