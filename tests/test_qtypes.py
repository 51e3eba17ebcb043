"""Every question type is handled everywhere: the registry is the one list of types, and every per-format
table (front ends, views, exporters, instructor tools) has an entry for each type in it, and nothing else.

Adding a type: its module in kcourse/qtypes/ and its entry in kcourse/qtypes/__init__.py, then this test names
each table that still lacks it, the browser's (grader.js, quiz.js, read under node) included."""
import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from kcourse import qtypes as qt
from kcourse.core.schema import COMMON_QUESTION, QUESTION_SCHEMAS, full_schema
from kcourse.export import gift, moodle, qti_items
from kcourse.frontend import controls, panel
from kcourse.instructor import answers, assign, stats
from kcourse.views import pagedata, textview

TABLES = {
    "export/gift.py _WRITERS": gift._WRITERS,
    "export/moodle.py _WRITERS": moodle._WRITERS,
    "export/qti_items.py _KIND": qti_items._KIND,
    "export/qti_items.py _BODY": qti_items._BODY,
    "export/qti_items.py _LEFT_OUT": qti_items._LEFT_OUT,
    "export/qti_items.py _PROMPT_EXTRA": qti_items._PROMPT_EXTRA,
    "frontend/controls.py CONTROLS": controls.CONTROLS,
    "frontend/panel.py ANSWER_HTML": panel.ANSWER_HTML,
    "instructor/answers.py _DESCRIBE": answers._DESCRIBE,
    "instructor/answers.py _RIGHT_ANSWER": answers._RIGHT_ANSWER,
    "instructor/answers.py _GROUP_KEY": answers._GROUP_KEY,
    "instructor/assign.py _KEY_TEXTS": assign._KEY_TEXTS,
    "instructor/stats.py _COUNTS": stats._COUNTS,
    "views/pagedata.py _GRADING_FORM": pagedata._GRADING_FORM,
    "views/pagedata.py _PRACTICE": pagedata._PRACTICE,
    "views/textview.py _LINES": textview._LINES,
}
JS_TABLES = ("grader.js TYPES", "quiz.js CONTROLS", "quiz.js ANSWER_VIEW")
"""The browser's per-type tables (kcourse/frontend/static/), as tests/frontend/type_tables.js reads them."""


STATIC = Path(__file__).parents[1] / "kcourse" / "frontend" / "static"
BUILDS = {"source": STATIC, "bundle": STATIC / "min"}
"""The browser scripts as written, and as pages embed them (terser's bundles): both have every table."""


@lru_cache(maxsize=2)
def js_tables(build: str = "source") -> dict[str, dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing (Debian: apt-get install -y nodejs)")
    script = Path(__file__).parent / "frontend" / "type_tables.js"
    out = subprocess.run([node, str(script), str(BUILDS[build])], capture_output=True, text=True, check=True,
                         timeout=60)
    return json.loads(out.stdout)


def gaps(table) -> tuple[set[str], set[str]]:
    """(types the table lacks, keys that are no type)."""
    return set(qt.REGISTRY) - set(table), set(table) - set(qt.REGISTRY)


@pytest.mark.parametrize("where", sorted(TABLES))
def test_every_table_handles_every_type_and_nothing_else(where):
    missing, extra = gaps(TABLES[where])
    assert not missing, f"{where} has no entry for {sorted(missing)}"
    assert not extra, f"{where} has entries for unknown types {sorted(extra)}"


@pytest.mark.node
@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("where", JS_TABLES)
def test_every_browser_table_handles_every_type_and_nothing_else(where, build):
    tables = js_tables(build)
    assert sorted(tables) == sorted(JS_TABLES), "type_tables.js reads other tables than this test names"
    missing, extra = gaps(tables[where])
    assert not missing, f"{where} has no entry for {sorted(missing)}"
    assert not extra, f"{where} has entries for unknown types {sorted(extra)}"
    for name, row in tables[where].items():
        if isinstance(row, str):
            assert row == "function", f"{where}[{name!r}] is a {row}, not a function"
        else:
            assert None not in row.values(), f"{where}[{name!r}] lacks {[k for k, v in row.items() if v is None]}"
            assert {k for k, v in row.items() if v == "function"} == {"grade", "expand", "natural", "marks", "ready"}, (
                where, name)


@pytest.mark.node
@pytest.mark.parametrize("build", BUILDS)
def test_the_browser_shuffles_each_type_as_the_registry_says(build):
    """The variant rule of each type is the registry's (kcourse/qtypes ``shuffle``), in grader.js too."""
    shuffles = {name: row["shuffle"] for name, row in js_tables(build)["grader.js TYPES"].items()}
    assert shuffles == {name: t.shuffle.value for name, t in qt.REGISTRY.items()}


def test_the_check_sees_a_type_left_out_of_a_table():
    table = dict(TABLES["export/gift.py _WRITERS"])
    del table["numeric"]
    assert gaps(table) == ({"numeric"}, set())


def test_an_unknown_type_raises_and_says_where():
    with pytest.raises(TypeError, match="GIFT export: no entry for question type 'essay'"):
        qt.dispatch(gift._WRITERS, "essay", "GIFT export")


def test_the_registry_is_the_one_list_of_types():
    assert list(qt.REGISTRY) == ["single", "multiple", "true_false", "numeric", "text", "ordering", "matching"]
    assert all(name == t.cls.TYPE for name, t in qt.REGISTRY.items())
    assert COMMON_QUESTION["type"]["enum"] == list(qt.REGISTRY) == list(QUESTION_SCHEMAS)
    branches = full_schema()["properties"]["questions"]["items"]["allOf"]
    assert [b["if"]["properties"]["type"]["const"] for b in branches] == list(qt.REGISTRY)


def test_a_type_adds_keys_without_redefining_the_common_ones():
    for name, t in qt.REGISTRY.items():
        assert not set(t.properties) & set(COMMON_QUESTION), name
        assert set(t.required) <= set(t.properties), name
        assert set(t.required) <= set(t.required_fix), name


def test_every_type_is_in_the_all_types_fixture(all_types_quiz):
    assert {q.type for q in all_types_quiz.all_questions} == set(qt.REGISTRY)


def test_a_type_says_which_fields_of_the_learners_view_it_sets(all_types_quiz):
    """``shows`` is what a key-less copy writes and reads back for the type: exactly what ``public`` sets."""
    from kcourse.core.public import PublicQuestion

    defaults = PublicQuestion(id="x", type="single", prompt="", points=1.0)
    for q in all_types_quiz.all_questions:
        t = qt.qtype(q)
        parts = t.public(q, t.natural_order(q))
        assert set(parts) == set(t.shows), q.type
        assert all(parts[f] != getattr(defaults, f) for f in t.shows), q.type
