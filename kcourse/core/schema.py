"""JSON Schema (draft 2020-12) of quiz files, schema version 1.

The structure is checked with ``jsonschema``; what a schema cannot say well (exactly one correct option,
unique ids, a pool that asks for more than it holds, ...) is checked in :mod:`kcourse.core.validate`.
``kcourse schema`` prints the whole schema for editors (e.g. the YAML extension of VS Code).
"""
from __future__ import annotations

from typing import Any

from ..qtypes import REGISTRY
from .fragments import ITEM_ID, QUIZ_ID, TEXT
from .rules import MODES

SCHEMA_VERSION = 1

COMMON_QUESTION = {
    "id": ITEM_ID,
    "type": {"enum": list(REGISTRY)},
    "prompt": TEXT,
    "explanation": TEXT,
    "points": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
    "hints": {"type": "array", "items": TEXT, "maxItems": 10},
    "tags": {"type": "array", "items": ITEM_ID, "maxItems": 20},
}
REQUIRED_COMMON = ["id", "type", "prompt", "explanation"]

QUESTION_SCHEMAS: dict[str, dict] = {
    name: {
        "type": "object",
        "additionalProperties": False,
        "required": REQUIRED_COMMON + list(t.required),
        "properties": {**COMMON_QUESTION, **t.properties},
    }
    for name, t in REGISTRY.items()
}
"""One schema per question type, from its module in :mod:`kcourse.qtypes`."""

QUESTION_STUB = {"type": "object", "required": ["type"], "properties": {"type": COMMON_QUESTION["type"]}}

POOL = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "draw"],
    "properties": {
        "id": ITEM_ID,
        "draw": {"type": "integer", "minimum": 1},
        "questions": {"type": "array", "items": QUESTION_STUB, "minItems": 1},
        "from_quiz": QUIZ_ID,
    },
}

QUIZ: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "kcourse quiz file, schema version 1",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "id", "title"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "id": QUIZ_ID,
        "title": TEXT,
        "chapter": {"type": "integer", "minimum": 1, "maximum": 99},
        "pass_mark": {"type": "number", "minimum": 0, "maximum": 100},
        "mode": {"enum": list(MODES)},
        "shuffle_questions": {"type": "boolean"},
        "shuffle_options": {"type": "boolean"},
        "tries_before_answer": {"type": "integer", "minimum": 1, "maximum": 10},
        "questions": {"type": "array", "items": QUESTION_STUB, "maxItems": 500},
        "pools": {"type": "array", "items": POOL, "maxItems": 50},
    },
}


def full_schema() -> dict:
    """One self-contained schema (question types as ``if``/``then`` branches), for editors."""
    import copy

    schema: dict[str, Any] = copy.deepcopy(QUIZ)
    branches = [
        {"if": {"properties": {"type": {"const": t}}}, "then": s} for t, s in QUESTION_SCHEMAS.items()
    ]
    question = {"type": "object", "required": ["type"], "allOf": branches}
    schema["properties"]["questions"]["items"] = question
    schema["properties"]["pools"]["items"]["properties"]["questions"]["items"] = question
    return schema
