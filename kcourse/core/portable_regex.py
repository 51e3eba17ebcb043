"""Regular expressions that mean the same in Python and in JavaScript (the browser grader): what a text
question's ``pattern`` must avoid."""
from __future__ import annotations

import re

NON_PORTABLE_REGEX = [
    (r"\(\?P[<=]", "a Python named group (?P<...>)"),
    (r"\(\?[aiLmsux]+[):]", "an inline flag such as (?i)"),
    (r"\\[AZ]", "\\A or \\Z"),
    (r"\(\?#", "a (?#...) comment"),
    (r"\(\?>", "an atomic group (?>...)"),
    (r"(?<!\\)[*+?}]\+", "a possessive quantifier such as *+"),
    (r"\\N\{", "a named character \\N{...}"),
    (r"\\a", "the bell escape \\a"),
]


def pattern_problem(pattern: str) -> tuple[str, str] | None:
    """``(what is wrong, fix)`` when ``pattern`` is not portable or not valid; ``None`` when it is fine."""
    for bad, why in NON_PORTABLE_REGEX:
        if re.search(bad, pattern):
            return (f"the pattern uses {why}, which the browser quiz (JavaScript) does not understand the same way",
                    "rewrite it with plain groups, classes and quantifiers")
    try:
        re.compile(pattern)
    except re.error as e:
        return f"not a valid regular expression: {e}", "fix the pattern"
    return None
