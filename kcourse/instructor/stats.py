"""Item statistics of a quiz over the counted attempts (one per student). Pure: no I/O, no plotting.

For each question, over the students whose variant asked it:

- **facility** = mean score / maximum score (0: nobody got it, 1: everybody did);
- **discrimination** = the corrected item-total correlation: Pearson's r between the question's score and
  the *rest* of the test (the student's total minus this question), so a question does not correlate
  with itself. ``None`` when it is undefined (fewer than 2 students, or no spread in either score);
- how often each option was chosen (choice and true/false questions: every option, in file order), or the
  most common answers (other types), each marked right or not;
- **full marks**: the share of students with the question's full marks. For a right/wrong question it
  is the facility; for a partial-credit question (multiple select, matching, ordering) the facility also
  counts the partly right, so "too easy" is judged on full marks: half the class partly wrong is not easy;
- flags, with these thresholds: *too easy* when full marks > :data:`EASY` (0.9), *too hard* when facility
  < :data:`HARD` (0.2), *negative discrimination* when discrimination < :data:`NEGATIVE` (0): students who
  did well on the rest tended to get this one wrong, which usually means a wrong key or a misleading
  wording; *distractor beats the key* when a wrong option of a choice question was chosen by more students
  than every right option.

And for the whole test, its reliability (internal consistency) over the questions every student was asked:
Cronbach's α = k/(k-1) · (1 - Σ item variances / variance of the totals), population variances; when every
one of those questions is scored right/wrong (0 or full marks) this is KR-20 and is named so. ``None`` with
fewer than 2 such questions or 2 students, or no spread in the totals.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from .. import qtypes as qt
from ..core import model as m
from ..core.grading import Status, grade, is_blank
from ..core.rules import percentage
from . import answers

EASY = 0.9
"""Facility above this: too easy."""
HARD = 0.2
"""Facility below this: too hard."""
NEGATIVE = 0.0
"""Discrimination below this: negatively discriminating."""
TOP_ANSWERS = 5


class Observation(NamedTuple):
    """One student's result on one question (a named tuple: there are many)."""

    score: float
    max_score: float
    response: Any = None
    """The response as parsed JSON (``None`` when unanswered)."""
    raw: str | None = None
    """The response's JSON text, when known: equal texts are grouped without looking inside."""


@dataclass(frozen=True)
class ChoiceCount:
    key: str
    """An option id, ``true``/``false``, or a group of equal answers."""
    label: str
    """Plain text (not escaped)."""
    count: int
    correct: bool | None
    """Whether choosing it is right (``None`` for "no answer")."""


@dataclass(frozen=True)
class ItemStat:
    question_id: str
    type: str
    prompt: str
    """Plain text."""
    n: int
    """Students whose variant asked this question."""
    answered: int
    max_score: float
    mean_score: float | None
    facility: float | None
    discrimination: float | None
    choices: tuple[ChoiceCount, ...]
    flags: tuple[str, ...]
    full_marks: float | None = None
    """Share of the students asked who got the full marks."""
    partial_credit: bool = False
    """Some student got more than 0 and less than full marks."""


@dataclass(frozen=True)
class QuizStats:
    quiz_id: str
    students: int
    score_counts: tuple[tuple[float, int], ...]
    """How many counted attempts have each percentage: ``(percentage, students)``, ascending (percentages are
    rounded, so there are at most 10,001 of them between 0 and 100, whatever the class size)."""
    items: tuple[ItemStat, ...]
    reliability: float | None = None
    reliability_name: str = "Cronbach's α"
    """``KR-20`` when every question it is computed over is scored right/wrong."""
    reliability_items: int = 0
    """The questions every student was asked (what the reliability is computed over)."""

    @property
    def mean_percentage(self) -> float | None:
        """The mean of the percentages: their exact sum correctly rounded (as ``math.fsum`` gives it), divided."""
        n = sum(c for _p, c in self.score_counts)
        return float(sum(Fraction(p) * c for p, c in self.score_counts)) / n if n else None


def score_counts(counts: Mapping[float, int]) -> tuple[tuple[float, int], ...]:
    """:attr:`QuizStats.score_counts` from students per percentage."""
    return tuple(sorted(counts.items()))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation coefficient; ``None`` when undefined (n < 2 or a constant sequence)."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    dx = [x - mx for x in xs]
    dy = [y - my for y in ys]
    sxx, syy = math.fsum(d * d for d in dx), math.fsum(d * d for d in dy)
    if sxx <= 1e-12 * n or syy <= 1e-12 * n:
        return None
    r = math.fsum(a * b for a, b in zip(dx, dy)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def flags_for(facility: float | None, discrimination: float | None, full_marks: float | None = None,
              choices: Sequence[ChoiceCount] = ()) -> tuple[str, ...]:
    out = []
    easy = facility if full_marks is None else full_marks
    if easy is not None and easy > EASY:
        out.append("too easy")
    if facility is not None and facility < HARD:
        out.append("too hard")
    if discrimination is not None and discrimination < NEGATIVE:
        out.append("negative discrimination")
    keyed = [c.count for c in choices if c.correct]
    beaten = [c for c in choices if c.correct is False and c.key != "(unreadable)" and keyed and c.count > max(keyed)]
    if beaten:
        out.append(f"distractor beats the key ({', '.join(c.key for c in beaten)})")
    return tuple(out)


def _pvar(xs: Sequence[float]) -> float:
    n = len(xs)
    m = math.fsum(xs) / n
    return math.fsum((x - m) ** 2 for x in xs) / n


def reliability(attempts: Sequence[Mapping[str, Observation]]) -> tuple[float | None, str, int]:
    """(α or KR-20, its name, the number of questions) over the questions every attempt has."""
    if len(attempts) < 2:
        return None, "Cronbach's α", 0
    common = set(attempts[0])
    for a in attempts[1:]:
        common &= a.keys()
    qids = sorted(common)
    k = len(qids)
    if k < 2:
        return None, "Cronbach's α", k
    dichotomous = all(a[q].score in (0, a[q].max_score) for a in attempts for q in qids)
    name = "KR-20" if dichotomous else "Cronbach's α"
    totals = [math.fsum(a[q].score for q in qids) for a in attempts]
    var_total = _pvar(totals)
    if var_total <= 1e-12:
        return None, name, k
    var_items = math.fsum(_pvar([a[q].score for a in attempts]) for q in qids)
    return k / (k - 1) * (1 - var_items / var_total), name, k


def _choices(q: m.Question, obs: list[Observation]) -> tuple[ChoiceCount, ...]:
    """:func:`choice_counts` of the observations, equal answers counted together."""
    counts: Counter[str] = Counter()
    example: dict[str, Any] = {}
    blank = 0
    for o in obs:
        if is_blank(o.response):
            blank += 1
            continue
        text = o.raw if o.raw is not None else repr(o.response)
        counts[text] += 1
        example.setdefault(text, o.response)
    return choice_counts(q, [(example[t], c) for t, c in counts.items()] + [(None, blank)])


def choice_counts(q: m.Question, given: list[tuple[Any, int]]) -> tuple[ChoiceCount, ...]:
    """How often each option was chosen (choice and true/false questions), or the most common answers (other
    types), from ``(response, how many students gave it)`` pairs (parsed responses; blank ones are counted as
    "no answer")."""
    blank = sum(c for r, c in given if is_blank(r))
    given = [(r, c) for r, c in given if not is_blank(r) and c]
    out = qt.dispatch(_COUNTS, q, "answer counts")(q, given)
    out.append(ChoiceCount("", answers.NO_ANSWER, blank, None))
    return tuple(out)


def _option_counts(q: Any, given: list[tuple[Any, int]]) -> list[ChoiceCount]:
    counts: Counter[str] = Counter()
    other = 0
    option_ids = {o.id for o in q.options}
    for r, c in given:
        ids = r if isinstance(r, list) else [r]
        known = [i for i in ids if isinstance(i, str) and i in option_ids]
        for i in set(known):
            counts[i] += c
        other += c * (len(known) < len(ids))
    out = [ChoiceCount(o.id, answers.plain(o.text), counts[o.id], o.correct) for o in q.options]
    if other:
        out.append(ChoiceCount("(unreadable)", "(unreadable answer)", other, False))
    return out


def _true_false_counts(q: Any, given: list[tuple[Any, int]]) -> list[ChoiceCount]:
    out = [ChoiceCount(str(v).lower(), str(v).lower(), sum(c for r, c in given if r is v), v == q.answer)
           for v in (True, False)]
    other = sum(c for r, c in given if not isinstance(r, bool))
    if other:
        out.append(ChoiceCount("(unreadable)", "(unreadable answer)", other, False))
    return out


def _top_answers(q: m.Question, given: list[tuple[Any, int]]) -> list[ChoiceCount]:
    groups: Counter[str] = Counter()
    example: dict[str, Any] = {}
    for r, c in given:
        k = answers.group_key(q, r)
        groups[k] += c
        example.setdefault(k, r)
    out = []
    for k, c in sorted(groups.items(), key=lambda kc: (-kc[1], kc[0]))[:TOP_ANSWERS]:
        r = example[k]
        out.append(ChoiceCount(k, answers.describe(q, r), c, grade(q, r).status is Status.CORRECT))
    return out


_COUNTS: dict[str, Callable[[Any, list[tuple[Any, int]]], list[ChoiceCount]]] = {
    "single": _option_counts, "multiple": _option_counts, "true_false": _true_false_counts,
    "numeric": _top_answers, "text": _top_answers, "ordering": _top_answers, "matching": _top_answers,
}
"""What the item analysis counts for each type, from the non-blank ``(response, students)`` pairs: each option
(and unreadable answers), or the :data:`TOP_ANSWERS` most common answers."""


def quiz_statistics(quiz: m.Quiz, attempts: Sequence[Mapping[str, Observation]],
                    percentages: Sequence[float] | None = None) -> QuizStats:
    """Statistics over ``attempts`` (one mapping ``question_id -> Observation`` per student)."""
    totals = [sum([o.score for o in a.values()]) for a in attempts]
    asked: dict[str, list[tuple[int, Observation]]] = {}
    for k, a in enumerate(attempts):
        for qid, o in a.items():
            asked.setdefault(qid, []).append((k, o))
    order = [q.id for q in quiz.all_questions] + sorted(set(asked) - {q.id for q in quiz.all_questions})
    items = []
    for qid in order:
        obs = asked.get(qid, [])
        q = quiz.question(qid) if quiz.has_question(qid) else None
        if q is None and not obs:
            continue
        n = len(obs)
        mx = max((o.max_score for _, o in obs), default=q.points if q else 0.0)
        mean = math.fsum(o.score for _, o in obs) / n if n else None
        facility = (math.fsum(o.score / o.max_score for _, o in obs if o.max_score) / n) if n else None
        disc = pearson([o.score for _, o in obs], [totals[k] - o.score for k, o in obs])
        choices = _choices(q, [o for _, o in obs]) if q is not None else ()
        full = (sum(1 for _, o in obs if o.max_score and o.score >= o.max_score - 1e-9) / n) if n else None
        partial = any(0 < o.score < o.max_score for _, o in obs)
        items.append(ItemStat(
            question_id=qid, type=q.type if q else "?", prompt=answers.plain(q.prompt) if q else "(no longer in "
            "the quiz)", n=n, answered=sum(1 for _, o in obs if not is_blank(o.response)), max_score=mx,
            mean_score=mean, facility=facility, discrimination=disc, choices=choices,
            flags=flags_for(facility, disc, full, choices), full_marks=full, partial_credit=partial))
    if percentages is None:
        percentages = []
        for a, t in zip(attempts, totals):
            mx = math.fsum(o.max_score for o in a.values())
            percentages.append(percentage(t, mx))
    rel, rel_name, rel_k = reliability(attempts)
    return QuizStats(quiz.id, len(attempts), score_counts(Counter(percentages)), tuple(items), rel, rel_name, rel_k)
