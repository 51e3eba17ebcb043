"""Sphinx extension: render LaTeX math as MathML at build time, so pages need no MathJax from a CDN.

Browsers render MathML Core natively (Chromium since 109, Firefox, Safari). Select it with
``html_math_renderer = "mathml"``; a formula latex2mathml cannot convert fails the build with its source.
"""
from __future__ import annotations

from docutils import nodes
from sphinx.errors import ExtensionError


def _convert(latex: str, display: str) -> str:
    from latex2mathml.converter import convert

    try:
        return convert(latex, display=display)
    except Exception as e:  # latex2mathml raises several exception types for unsupported input
        raise ExtensionError(f"cannot convert math to MathML ({e}): {latex!r}") from e


def visit_math(self, node: nodes.math) -> None:
    self.body.append(_convert(node.astext(), "inline"))
    raise nodes.SkipNode


def visit_displaymath(self, node) -> None:
    parts = [p for p in node.astext().split("\n\n") if p.strip()]  # one equation per paragraph, as MathJax does
    block = "".join(_convert(p, "block") for p in parts)
    self.body.append(f'<div class="math-display">{block}</div>')
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
