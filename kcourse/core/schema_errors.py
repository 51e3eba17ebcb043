"""Schema errors as problems a person can act on: jsonschema's errors on a quiz file, translated into
``file:line: field: what (fix)`` (the checker adds file and line)."""
from __future__ import annotations

import difflib
import math
import re
from functools import cache
from typing import Any

from ..qtypes import REGISTRY
from .schema import QUESTION_SCHEMAS, QUIZ
from .yamlsource import INVALID, PathKey


def _import_jsonschema():
    """Import jsonschema without ``rfc3987_syntax``, which it loads at import time only to check the ``iri``
    format (a 1.7 s grammar build here) and which our schema never uses. Other importers are unaffected."""
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema

        return jsonschema
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # its import then fails, which jsonschema allows
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema


@cache
def validator(kind: str):
    jsonschema = _import_jsonschema()

    schema = QUIZ if kind == "quiz" else QUESTION_SCHEMAS[kind]
    return jsonschema.Draft202012Validator(schema)


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "nothing",
}


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f'"{short}"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_NUMBER_TEXT = re.compile(r"[-+]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][-+]?\d+)?")


def _fix_for_type(expected: str, value: Any) -> str:
    if expected == "boolean":
        return "write true or false, without quotes"
    if expected in ("number", "integer"):
        if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()) and "e" in value.lower():
            x = float(value.replace("_", ""))
            if not math.isfinite(x):
                return (f"{value} is beyond the largest number a computer float holds (about 1.8e+308); write a "
                        "smaller number")
            return ("YAML reads a number with an exponent as text unless it has a dot and a signed exponent: "
                    f"write {_yaml_float(x)}")
        return "write a number without quotes or units" if isinstance(value, str) else "write a number"
    if expected == "string":
        if isinstance(value, bool):
            return "YAML reads unquoted yes/no/on/off/true/false as true or false: put the text in quotes"
        return 'put the text in quotes, e.g. "2.6.39"' if isinstance(value, (int, float)) else "write text"
    if expected == "array":
        return "write a list: one '- ' entry per line"
    if expected == "object":
        return "write keys with values, one 'key: value' per line"
    return ""


def translate(err, path: PathKey) -> list[tuple[PathKey, str, str]]:
    """One jsonschema error as located problems ``(path, message, fix)`` a person can act on."""
    out: list[tuple[PathKey, str, str]] = []
    v, inst = err.validator, err.instance
    if inst is INVALID:
        return out  # already reported where it was read
    if v == "required":
        missing = [k for k in err.validator_value if isinstance(inst, dict) and k not in inst]
        for k in missing:
            _add(out, path, f"missing required key '{k}'", REQUIRED_FIX.get(k, f"add '{k}:'"))
    elif v == "additionalProperties":
        known = sorted(err.schema.get("properties", {}))
        for k in inst:
            if k in known:
                continue
            close = difflib.get_close_matches(str(k), known, n=1)
            fix = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
            _add(out, path + (k,), f"unknown key '{k}'", fix if close else "remove it; " + fix)
    elif v == "type":
        expected = err.validator_value
        _add(out, path, f"expected {_TYPE_WORDS.get(expected, expected)}, got {describe(inst)}",
                     _fix_for_type(expected, inst))
    elif v == "enum":
        choices = ", ".join(str(c) for c in err.validator_value)
        close = difflib.get_close_matches(str(inst), [str(c) for c in err.validator_value], n=1)
        _add(out, path, f"{describe(inst)} is not one of: {choices}",
                     f"did you mean '{close[0]}'?" if close else "use one of those")
    elif v == "pattern":
        _add(out, path, f"{describe(inst)} is not a valid id",
                     "use letters, digits, '-' and '_' (quiz ids: lowercase letters, digits and '-')")
    elif v == "minItems":
        _add(out, path, f"needs at least {err.validator_value} entries, has {len(inst)}", "add entries")
    elif v == "maxItems":
        _add(out, path, f"has {len(inst)} entries, at most {err.validator_value} are allowed", "split it")
    elif v == "minLength":
        _add(out, path, "must not be empty", "write the text")
    elif v == "maxLength":
        _add(out, path, f"is longer than {err.validator_value:,} characters", "shorten it")
    elif v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[v]
        _add(out, path, f"must be {op} {err.validator_value}, got {describe(inst)}", "change the number")
    else:  # pragma: no cover - every validator used by the schema is handled above
        _add(out, path, err.message)
    return out



def _yaml_float(x: float) -> str:
    """``x`` as YAML 1.1 reads a float: ``1.0e+09``."""
    mantissa, exp = f"{x:e}".split("e")
    mantissa = mantissa.rstrip("0")
    return f"{mantissa}0e{exp}" if mantissa.endswith(".") else f"{mantissa}e{exp}"


def _add(out: list, path: PathKey, message: str, fix: str = "") -> None:
    out.append((path, message, fix))


REQUIRED_FIX = {
    "schema_version": "add 'schema_version: 1'",
    "id": "add 'id:' with a short unique name",
    "title": "add 'title:'",
    "prompt": "add 'prompt:' with the question text",
    "explanation": "add 'explanation:' saying why the answer is right",
    **{k: fix for t in REGISTRY.values() for k, fix in t.required_fix.items()},
    "type": f"add 'type:' ({', '.join(list(REGISTRY)[:-1])} or {list(REGISTRY)[-1]})",
    "draw": "add 'draw:' with how many questions to draw",
}
