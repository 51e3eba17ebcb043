"""The book's myst-nb renderer (``nb_render_plugin: kcourse`` in _config.yml).

Executing a notebook saves the ipywidgets state of its quiz widgets in the notebook metadata, and myst-nb
embeds that state in the page for widget JavaScript to pick up. The static book loads no widget JavaScript
(every quiz output carries its own self-contained HTML form), so the state is dead weight: several hundred
kilobytes of JSON per chapter page. This renderer leaves it out and renders everything else as myst-nb does.
"""
from __future__ import annotations

from myst_nb.core.render import NbElementRenderer


class KcourseRenderer(NbElementRenderer):
    def render_nb_finalise(self, metadata: dict) -> None:
        super().render_nb_finalise({k: v for k, v in metadata.items() if k != "widgets"})
