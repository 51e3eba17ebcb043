"""JSON Schema pieces shared by the quiz file's schema (:mod:`kcourse.core.schema`) and the question types
(:mod:`kcourse.qtypes`)."""
from __future__ import annotations

QUIZ_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$", "maxLength": 80}
ITEM_ID = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]*$", "maxLength": 80}
TEXT = {"type": "string", "minLength": 1, "maxLength": 20_000}
OPTIONAL_TEXT = {"type": "string", "maxLength": 20_000}
NUMBER = {"type": "number"}

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
OPTIONS = {"type": "array", "items": CHOICE, "minItems": 2, "maxItems": 26}
