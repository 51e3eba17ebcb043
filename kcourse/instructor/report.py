"""Item statistics for people: a table for the terminal and a self-contained HTML report with plots.

The HTML report is one file: inline CSS, plots drawn by matplotlib (Agg, no display needed) and embedded
as base64 PNG. It loads nothing from anywhere. Every text from the quiz or from a student is escaped.
"""
from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

from .. import __version__
from .answers import terminal_safe
from .stats import EASY, HARD, NEGATIVE, ItemStat, QuizStats


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


THRESHOLDS = (f"Flags: too easy when the share with full marks > {EASY:g} (a partly right answer is not easy); too "
              f"hard when facility < {HARD:g}; negative discrimination when discrimination < {NEGATIVE:g}; "
              "distractor beats the key when a wrong option was chosen more than every right one. "
              "Discrimination is the correlation of the item "
              "score with the rest of the test (total minus the item); – means undefined (no spread).")


def reliability_text(stats: QuizStats) -> str:
    if stats.reliability is None:
        return f"reliability: – (needs 2 students and 2 questions everyone was asked; {stats.reliability_items})"
    return (f"reliability ({stats.reliability_name}, over the {stats.reliability_items} questions everyone was "
            f"asked): {stats.reliability:.2f}")


def terminal_table(stats: QuizStats, *, title: str = "", policy: str = "latest") -> str:
    """The statistics as plain text (control characters in answers are shown escaped)."""
    mean = stats.mean_percentage
    head = (f"{terminal_safe(title or stats.quiz_id, 80)} ({stats.quiz_id}): {stats.students} student(s), "
            f"counted attempt: {policy}; mean {_f(mean, 1)}%; {reliability_text(stats)}")
    width = max([len("question")] + [len(terminal_safe(i.question_id, 40)) for i in stats.items])
    lines = [head, "",
             f"{'question':<{width}}  {'type':<10} {'n':>5} {'facility':>8} {'full':>5} {'discrim.':>8}  flags"]
    for i in stats.items:
        lines.append(f"{terminal_safe(i.question_id, 40):<{width}}  {i.type:<10} {i.n:>5} {_f(i.facility):>8} "
                     f"{_f(i.full_marks):>5} {_f(i.discrimination):>8}  {', '.join(i.flags)}")
    lines += ["", THRESHOLDS, "", "Answers chosen (✓ right):"]
    for i in stats.items:
        parts = [f"{'✓ ' if c.correct else ''}{terminal_safe(c.label, 30)}: {c.count}" for c in i.choices
                 if c.count or c.key]
        lines.append(f"  {terminal_safe(i.question_id, 40)}: " + " · ".join(parts))
    return "\n".join(lines)


# -- plots ---------------------------------------------------------------------------------------------

def _png(fig) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _label(text: str) -> str:
    # matplotlib reads $...$ as math; show dollars as dollars
    return text.replace("$", r"\$")


def plot_scores(score_counts: Sequence[tuple[float, int]]) -> str:
    """The histogram of the scores in 10-point bins, from ``(percentage, students)`` pairs."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(6, 2.6))
    ax = fig.add_subplot()
    ax.hist([p for p, _c in score_counts], bins=[k * 10 for k in range(11)], weights=[c for _p, c in score_counts],
            color="#4477aa", edgecolor="white")
    ax.set_xlabel("score (%)")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count of students: no 0.5 or 1.5 students
    ax.set_xlim(0, 100)
    ax.set_title("Scores of the counted attempts")
    return _png(fig)


def plot_items(items: Sequence[ItemStat]) -> str:
    return _png(items_figure(items))


def items_figure(items: Sequence[ItemStat]):
    """Facility against discrimination, one point per question, labelled with its id (never overlapping)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .plotlabels import place_labels

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.axvspan(0, HARD, color="#eedd88", alpha=0.4, lw=0)
    ax.axvspan(EASY, 1, color="#eedd88", alpha=0.4, lw=0)
    ax.axhspan(-1, NEGATIVE, color="#ee8866", alpha=0.25, lw=0)
    points = []
    for i in items:
        if i.facility is None:
            continue
        d = 0.0 if i.discrimination is None else i.discrimination
        ax.plot(i.facility, d, "o", color="#4477aa" if not i.flags else "#cc3311",
                markerfacecolor="none" if i.discrimination is None else None)
        points.append((i.facility, d, _label(i.question_id)))
    ax.set_xlim(0, 1)
    ax.set_ylim(-1, 1)
    ax.set_xlabel("facility (mean score / maximum)")
    ax.set_ylabel("discrimination (r with rest of test)")
    placed = place_labels(fig, ax, points)
    left_out = len(points) - sum(len(a.get_text().split("\n")) for a in placed)
    ax.set_title("Items (shaded: flagged regions; hollow: undefined discrimination)"
                 + (f"\n{left_out} label(s) left out for room: the table below has every question" if left_out
                    else ""), fontsize=10)
    return fig


def plot_choices(item: ItemStat) -> str:
    from matplotlib.figure import Figure

    rows = [c for c in item.choices if c.count or c.key]
    fig = Figure(figsize=(6, 0.35 * len(rows) + 0.8))
    ax = fig.add_subplot()
    labels = [_label(answers_short(c.label)) for c in rows]
    colors = ["#228833" if c.correct else ("#bbbbbb" if c.correct is None else "#cc3311") for c in rows]
    ax.barh(range(len(rows)), [c.count for c in rows], color=colors)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("students")
    return _png(fig)


def answers_short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the page ------------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;
color:#1f2328;overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus{outline:2px solid #0969da}.scroll code{white-space:nowrap}
table{border-collapse:collapse;margin:.5rem 0;overflow-wrap:normal}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;
vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums}.flag{color:#a40e26;font-weight:600}
.right{color:#1a7f37;font-weight:600}img{max-width:100%;height:auto}section{margin:1.5rem 0}
"""


def _scroll(table: str, name: str) -> str:
    """A table in its own box that scrolls sideways on a narrow screen (the page itself never does), reachable
    by keyboard."""
    return (f"<div class='scroll' role='region' tabindex='0' aria-label='{html.escape(name)} (scrolls sideways)'>"
            f"{table}</div>")


def html_report(stats: QuizStats, *, title: str = "", policy: str = "latest", plots: bool = True) -> str:
    """The whole report page (self-contained)."""
    e = html.escape
    name = title or stats.quiz_id
    rows = []
    for i in stats.items:
        flags = "".join(f"<span class='flag'>{e(f)}</span> " for f in i.flags)
        rows.append(f"<tr><td><a href='#q-{e(i.question_id)}'><code>{e(i.question_id)}</code></a></td>"
                    f"<td>{e(i.type)}</td><td class='num'>{i.n}</td><td class='num'>{_f(i.facility)}</td>"
                    f"<td class='num'>{_f(i.discrimination)}</td><td>{flags}</td></tr>")
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Item statistics: {e(name)}</title>"
           f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
           f"<style>{CSS}</style></head><body>",
           f"<h1>Item statistics: {e(name)}</h1>",
           f"<p>Quiz <code>{e(stats.quiz_id)}</code>: {stats.students} student(s); counted attempt per student: "
           f"<strong>{e(policy)}</strong>; mean score {_f(stats.mean_percentage, 1)}%; {e(reliability_text(stats))}."
           "</p>",
           f"<p>{e(THRESHOLDS)}</p>"]
    if plots and stats.students:
        out.append(f"<img alt='Histogram of the students&#39; scores' src='data:image/png;base64,"
                   f"{plot_scores(stats.score_counts)}'>")
        out.append(f"<img alt='Facility against discrimination for each question' src='data:image/png;base64,"
                   f"{plot_items(stats.items)}'>")
    out.append(_scroll("<table><thead><tr><th>question</th><th>type</th><th>n</th><th>facility</th><th>"
                       "discrimination</th><th>flags</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>",
                       "The questions"))
    for i in stats.items:
        out.append(f"<section id='q-{e(i.question_id)}'><h2><code>{e(i.question_id)}</code> ({e(i.type)})</h2>"
                   f"<p>{e(i.prompt)}</p><p>Asked {i.n}, answered {i.answered}; mean score {_f(i.mean_score)} of "
                   f"{i.max_score:g}.</p>")
        if i.choices:
            trs = "".join(f"<tr><td>{'<span class=right>✓</span>' if c.correct else ''}</td><td>{e(c.label)}</td>"
                          f"<td class='num'>{c.count}</td></tr>" for c in i.choices)
            out.append(_scroll("<table><thead><tr><th>right</th><th>answer</th><th>students</th></tr></thead>"
                               f"<tbody>{trs}</tbody></table>", f"Answers chosen for {i.question_id}"))
            if plots and i.n:
                out.append(f"<img alt='Answers chosen for {e(i.question_id)}' src='data:image/png;base64,"
                           f"{plot_choices(i)}'>")
        out.append("</section>")
    out.append(f"<p><small>Written by kcourse {e(__version__)}.</small></p></body></html>\n")
    return "".join(out)
