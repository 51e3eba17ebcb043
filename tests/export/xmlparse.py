"""Parse exported XML back: with defusedxml when it is installed, else the standard library (our own output)."""
from __future__ import annotations

try:
    from defusedxml.ElementTree import fromstring
except ImportError:  # pragma: no cover - defusedxml is optional
    from xml.etree.ElementTree import fromstring  # noqa: S405 - only ever parses our own output

__all__ = ["fromstring", "strip_ns"]


def strip_ns(root):
    """Drop ``{namespace}`` from every tag so tests can say ``item`` instead of ``{http://...}item``."""
    for e in root.iter():
        if isinstance(e.tag, str) and e.tag.startswith("{"):
            e.tag = e.tag.split("}", 1)[1]
    return root
