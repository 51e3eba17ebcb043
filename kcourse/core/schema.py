"""JSON Schema (draft 2020-12) of quiz files, schema version 1.

The structure is checked with ``jsonschema``; what a schema cannot say well (exactly one correct option,
unique ids, a pool that asks for more than it holds, ...) is checked in :mod:`kcourse.core.validate`.
``kcourse schema`` prints the whole schema for editors (e.g. the YAML extension of VS Code).
"""
from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1

QUIZ_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$", "maxLength": 80}
ITEM_ID = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]*$", "maxLength": 80}
TEXT = {"type": "string", "minLength": 1, "maxLength": 20_000}
OPTIONAL_TEXT = {"type": "string", "maxLength": 20_000}
NUMBER = {"type": "number"}

COMMON_QUESTION = {
    "id": ITEM_ID,
    "type": {"enum": ["single", "multiple", "true_false", "numeric", "text", "ordering", "matching"]},
    "prompt": TEXT,
    "explanation": TEXT,
    "points": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
    "hints": {"type": "array", "items": TEXT, "maxItems": 10},
    "tags": {"type": "array", "items": ITEM_ID, "maxItems": 20},
}
REQUIRED_COMMON = ["id", "type", "prompt", "explanation"]

CHOICE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "text", "correct"],
    "properties": {"id": ITEM_ID, "text": TEXT, "correct": {"type": "boolean"}, "feedback": OPTIONAL_TEXT},
}
ITEM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "text"],
    "properties": {"id": ITEM_ID, "text": TEXT},
}
PAIR = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "left", "right"],
    "properties": {"id": ITEM_ID, "left": TEXT, "right": TEXT},
}


def _question(extra: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": REQUIRED_COMMON + required,
        "properties": {**COMMON_QUESTION, **extra},
    }


QUESTION_SCHEMAS: dict[str, dict] = {
    "single": _question({"options": {"type": "array", "items": CHOICE, "minItems": 2, "maxItems": 26}}, ["options"]),
    "multiple": _question({"options": {"type": "array", "items": CHOICE, "minItems": 2, "maxItems": 26}}, ["options"]),
    "true_false": _question(
        {"answer": {"type": "boolean"}, "feedback_true": OPTIONAL_TEXT, "feedback_false": OPTIONAL_TEXT}, ["answer"]
    ),
    "numeric": _question(
        {
            "answer": NUMBER,
            "tolerance": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"absolute": NUMBER, "relative": NUMBER},
            },
            "range": {
                "type": "object",
                "additionalProperties": False,
                "required": ["min", "max"],
                "properties": {
                    "min": NUMBER,
                    "max": NUMBER,
                    "min_inclusive": {"type": "boolean"},
                    "max_inclusive": {"type": "boolean"},
                },
            },
            "unit": OPTIONAL_TEXT,
        },
        [],
    ),
    "text": _question(
        {
            "accept": {"type": "array", "items": TEXT, "maxItems": 100},
            "pattern": {"type": "string", "minLength": 1, "maxLength": 1000},
            "case_sensitive": {"type": "boolean"},
        },
        [],
    ),
    "ordering": _question({"items": {"type": "array", "items": ITEM, "minItems": 2, "maxItems": 20}}, ["items"]),
    "matching": _question(
        {
            "pairs": {"type": "array", "items": PAIR, "minItems": 2, "maxItems": 20},
            "distractors": {"type": "array", "items": ITEM, "maxItems": 20},
        },
        ["pairs"],
    ),
}

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
        "mode": {"enum": ["practice", "assessment"]},
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
