"""Labels of points in a matplotlib plot that never overlap one another, the points, or leave the axes.

Points at the same place share one label (their names one under the other). Each label is then put at the
first free place of a fixed list of places around its point, nearer ones first (a line leads to a far one);
a label with no free place is left out and counted, so a crowded plot says so instead of printing labels
over each other. Greedy and deterministic: the same items give the same picture.
"""
from __future__ import annotations

from collections.abc import Sequence

_DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (0, 1), (0, -1), (1, 0), (-1, 0))
_RADII = (4, 10, 18, 28, 40, 55, 75, 100)
"""Distances (points) from a point to its label's corner, tried in this order."""
_LEADER_FROM = 18
"""From this distance on a thin line leads from the label to its point."""
_PAD = 1.5
"""Pixels kept free around a label."""


def _groups(ax, points: Sequence[tuple[float, float, str]], near_px: float) -> list[tuple[float, float, list[str]]]:
    """Points closer than ``near_px`` pixels, with their names (in the order given)."""
    groups: list[tuple[float, float, list[str], tuple[float, float]]] = []
    for x, y, name in points:
        px, py = ax.transData.transform((x, y))
        for _x, _y, names, (qx, qy) in groups:
            if abs(px - qx) < near_px and abs(py - qy) < near_px:
                names.append(name)
                break
        else:
            groups.append((x, y, [name], (px, py)))
    return [(x, y, names) for x, y, names, _ in groups]


def place_labels(fig, ax, points: Sequence[tuple[float, float, str]], *, fontsize: float = 8,
                 marker_px: float = 8) -> list:
    """Annotate ``ax`` with ``(x, y, name)`` points' names; returns the labels placed (matplotlib Annotations).

    Names left out (no free place) are the names of ``points`` found in none of the returned labels.
    """
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = []
    for x, y in ((p[0], p[1]) for p in points):
        px, py = ax.transData.transform((x, y))
        half = marker_px / 2
        taken.append(Bbox.from_extents(px - half, py - half, px + half, py + half))
    placed = []
    for x, y, names in _groups(ax, points, marker_px / 2):
        text = "\n".join(names)
        chosen = None
        for r in _RADII:
            for dx, dy in _DIRECTIONS:
                ann = ax.annotate(text, (x, y), xytext=(dx * r, dy * r), textcoords="offset points",
                                  fontsize=fontsize, ha={1: "left", -1: "right", 0: "center"}[dx],
                                  va={1: "bottom", -1: "top", 0: "center"}[dy], annotation_clip=False)
                ann.get_window_extent(renderer)  # lays it out
                box = Text.get_window_extent(ann).expanded(1, 1).padded(_PAD)
                if (frame.containsx(box.x0) and frame.containsx(box.x1) and frame.containsy(box.y0)
                        and frame.containsy(box.y1) and not any(box.overlaps(t) for t in taken)):
                    chosen = (ann, box, r, dx, dy)
                    break
                ann.remove()
            if chosen:
                break
        if chosen is None:
            continue
        ann, box, r, dx, dy = chosen
        if r >= _LEADER_FROM:  # far from its point: draw again with a line to it
            ann.remove()
            ann = ax.annotate(text, (x, y), xytext=(dx * r, dy * r), textcoords="offset points", fontsize=fontsize,
                              ha=ann.get_ha(), va=ann.get_va(), annotation_clip=False,
                              arrowprops={"arrowstyle": "-", "color": "#888888", "lw": 0.6, "shrinkA": 1,
                                          "shrinkB": 3})
        taken.append(box)
        placed.append(ann)
    return placed
