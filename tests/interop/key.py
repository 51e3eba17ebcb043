"""What an import must keep, from the YAML key: texts as a reader sees them, right answers, numbers."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from kcourse.core import model as m
from kcourse.export.common import md_block, md_inline, md_plain, numeric_target


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def visible(markup: str | None) -> str:
    """The text a reader sees in an HTML fragment: tags dropped, entities decoded, spaces collapsed."""
    p = _Text()
    p.feed(markup or "")
    p.close()
    return re.sub(r"\s+", " ", "".join(p.parts)).strip()


def plain(text: str | None) -> str:
    return re.sub(r"\s+", " ", html.unescape(text or "")).strip()


def seen(md: str, *, inline: bool = False) -> str:
    """What a learner should read for Markdown ``md`` once the platform shows it."""
    return visible(md_inline(md) if inline else md_block(md))


def right_text(md: str) -> str:
    return md_plain(md)


def interval(q: m.Numeric) -> tuple[float, float]:
    t = numeric_target(q)
    return t.low, t.high
