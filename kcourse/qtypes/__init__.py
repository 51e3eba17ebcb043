"""The question types: one module per type holds everything the core knows about it (its dataclass, its keys
in the file as JSON Schema, its checks and builder, its grading, a correct response, the order a variant
shuffles); :data:`REGISTRY` collects them. The file format's ``type:`` enum, the validator's dispatch, grading
and variants are all derived from it.

Front ends and exporters keep their per-format code in tables keyed by type name;
``tests/test_qtypes.py`` checks that every table covers every type in :data:`REGISTRY`.

To add a type (21 places in 14 files, every one checked: ``tests/test_qtypes.py`` fails naming each table that
lacks it, and a module that leaves out a :class:`QType` field without a default fails on import): a module here
(copy the nearest one; it says how the type grades, marks the parts of an answer in practice (``marks``) and
what to fix before an answer counts as a try (``ready``)) and its entry in ``_MODULES``; then one entry in each
per-format table: GIFT (``export/gift.py``), Moodle XML (``export/moodle.py``), Canvas QTI kind, body, left-out
check and prompt extra (``_KIND``, ``_BODY``, ``_LEFT_OUT``, ``_PROMPT_EXTRA`` in ``export/qti_items.py``), the
widget and its right-answer words (``frontend/controls.py``, ``frontend/panel.py``), the instructor's words for a
response and for the key and how like answers group (``_DESCRIBE``, ``_RIGHT_ANSWER``, ``_GROUP_KEY`` in
``instructor/answers.py``), the texts only the key holds (``_KEY_TEXTS`` in ``instructor/assign.py``), what the
item analysis counts (``_COUNTS`` in ``instructor/stats.py``), the page data's grading form and practice key
(``views/pagedata.py``), the text view (``views/textview.py``); and in the browser, the grader's row (``TYPES`` in
``frontend/static/grader.js``: grade, expand, natural order, shuffle, marks, ready) and the page's control and
right-answer view (``CONTROLS`` and ``ANSWER_VIEW`` in ``frontend/static/quiz.js``). The schema, the validator's
dispatch and fixes, grading, correct responses, variants, the practice rules (``core/practice.py``), the learner's
view (:func:`kcourse.core.public.public_view`) and so the key-less copy follow from the module; the grading
vectors check that the Python and JavaScript rows agree.
"""
from __future__ import annotations

from typing import Any

from ..core import model as m
from . import matching, multiple, numeric, ordering, single, text, true_false
from .base import QType, Shuffle
from .matching import Matching
from .multiple import MultipleSelect
from .numeric import Numeric
from .ordering import Ordering
from .single import SingleChoice
from .text import ShortText
from .true_false import TrueFalse

_MODULES = (single, multiple, true_false, numeric, text, ordering, matching)

REGISTRY: dict[str, QType] = {mod.TYPE.name: mod.TYPE for mod in _MODULES}
"""Every question type by its ``type:`` name, in the order the reference documents them."""

NAMES: tuple[str, ...] = tuple(REGISTRY)

_BY_CLASS: dict[type, QType] = {t.cls: t for t in REGISTRY.values()}


def qtype(q: m.Question) -> QType:
    """The type record of a question."""
    return _BY_CLASS[type(q)]


def dispatch(table: dict[str, Any], q: m.Question | str, what: str) -> Any:
    """``table[type]`` for a question (or type name); an unknown type is a programming error, said plainly."""
    name = q if isinstance(q, str) else q.type
    try:
        return table[name]
    except KeyError:
        raise TypeError(f"{what}: no entry for question type {name!r}") from None


__all__ = ["NAMES", "REGISTRY", "Matching", "MultipleSelect", "Numeric", "Ordering", "QType", "ShortText",
           "SingleChoice", "Shuffle", "TrueFalse", "dispatch", "qtype"]
