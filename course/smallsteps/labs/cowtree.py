"""Chapter 8 lab: a copy-on-write tree with snapshots, the idea under ZFS, Btrfs and bcachefs.

The tree maps block numbers ``0 .. size-1`` to values (think: which data a file has in each
block).  It has a fixed, balanced shape: every node has up to ``fanout`` slots, the values live
in the leaves, and every leaf is at the same depth.

A *write* never changes a node that an older version can still see.  It copies the nodes on the
path from the root to the leaf (**path copying**), changes the copies, and leaves everything else
shared.  A *snapshot* is just the old root: taking one costs nothing, and nothing it can reach is
ever modified again.

Like Btrfs, the tree tells "may I modify this node in place?" from a **generation** number: each
node records the generation that created it, and :meth:`CowTree.snapshot` starts a new generation.
A node from an older generation may be shared with a snapshot, so it is copied before a change;
a node from the current generation belongs to the live tree alone and is changed in place.

Pure Python; matplotlib is imported inside the plotting helpers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CowTree",
    "Node",
    "Sharing",
    "Snapshot",
    "copies_after_snapshot",
    "distinct_nodes",
    "levels_for",
    "plot_copies_vs_size",
    "plot_sharing",
    "predict_copies",
    "run_workload",
    "sharing",
    "total_nodes",
]


class Node:
    """One tree node: ``items`` are child nodes (inner node) or values (leaf)."""

    __slots__ = ("gen", "items", "leaf")

    def __init__(self, gen: int, leaf: bool, items: list):
        self.gen = gen
        self.leaf = leaf
        self.items = items

    def __repr__(self) -> str:
        kind = "leaf" if self.leaf else "node"
        return f"<{kind} gen={self.gen} slots={len(self.items)}>"


def levels_for(size: int, fanout: int) -> int:
    """How many nodes a root-to-leaf path has when ``size`` keys sit in a tree of ``fanout``.

    The smallest ``L >= 1`` with ``fanout ** L >= size`` (integer arithmetic, no rounding).
    """
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    if fanout < 2:
        raise ValueError(f"fanout must be >= 2, got {fanout}")
    levels, span = 1, fanout
    while span < size:
        span *= fanout
        levels += 1
    return levels


def predict_copies(size: int, fanout: int) -> int:
    """Reference answer for the notebook's exercise: nodes copied by the first write after a
    snapshot.  Every node on the root-to-leaf path is shared with the snapshot, so all of them
    are copied: one per level."""
    return levels_for(size, fanout)


@dataclass(frozen=True)
class Snapshot:
    """A read-only version of the tree: an old root and the generation it was taken in."""

    name: str
    """Label given to :meth:`CowTree.snapshot`."""
    root: Node
    """The root node this version sees."""
    gen: int
    """The generation that was current when the snapshot was taken."""
    size: int
    """Number of keys."""
    fanout: int
    """Slots per node."""
    levels: int
    """Nodes on a root-to-leaf path."""

    def read(self, key: int) -> Any:
        """The value of ``key`` in this version."""
        return _lookup(self.root, key, self.size, self.fanout, self.levels)

    def values(self) -> list:
        """All values, in key order."""
        return list(_leaf_values(self.root))


def _check_key(key: int, size: int) -> None:
    if not isinstance(key, int) or isinstance(key, bool):
        raise TypeError(f"keys are block numbers (int), got {key!r}")
    if not 0 <= key < size:
        raise KeyError(f"key {key} outside 0..{size - 1}")


def _digits(key: int, fanout: int, levels: int) -> list[int]:
    """Slot index at each level, root first: ``key`` written in base ``fanout``."""
    out = []
    for _ in range(levels):
        key, d = divmod(key, fanout)
        out.append(d)
    return out[::-1]


def _lookup(root: Node, key: int, size: int, fanout: int, levels: int) -> Any:
    _check_key(key, size)
    node = root
    for d in _digits(key, fanout, levels):
        node = node.items[d]
    return node


def _leaf_values(node: Node) -> Iterator[Any]:
    if node.leaf:
        yield from node.items
    else:
        for child in node.items:
            yield from _leaf_values(child)


def _build(lo: int, size: int, fanout: int, level: int, gen: int, fill: Any) -> Node:
    """Build the subtree covering keys ``lo ..`` at ``level`` (1 = leaf), only for keys < size."""
    if level == 1:
        n = min(fanout, size - lo)
        return Node(gen, True, [fill] * n)
    span = fanout ** (level - 1)
    children = []
    for i in range(fanout):
        start = lo + i * span
        if start >= size:
            break
        children.append(_build(start, size, fanout, level - 1, gen, fill))
    return Node(gen, False, children)


class CowTree:
    """The live, writable version of a copy-on-write tree, plus the snapshots taken from it."""

    def __init__(self, size: int, fanout: int = 4, fill: Any = None):
        self.size = size
        self.fanout = fanout
        self.levels = levels_for(size, fanout)
        self.gen = 0
        self.root = _build(0, size, fanout, self.levels, self.gen, fill)
        self.snapshots: list[Snapshot] = []
        self.copied_total = 0
        """Nodes copied by all writes so far."""

    def __repr__(self) -> str:
        return (
            f"CowTree(size={self.size}, fanout={self.fanout}, levels={self.levels}, "
            f"gen={self.gen}, snapshots={len(self.snapshots)})"
        )

    def read(self, key: int) -> Any:
        """The current value of ``key``."""
        return _lookup(self.root, key, self.size, self.fanout, self.levels)

    def values(self) -> list:
        """All current values, in key order."""
        return list(_leaf_values(self.root))

    def _own(self, node: Node) -> tuple[Node, int]:
        """``node`` itself if this generation created it, else a fresh copy (and 1 copy made)."""
        if node.gen == self.gen:
            return node, 0
        return Node(self.gen, node.leaf, list(node.items)), 1

    def write(self, key: int, value: Any) -> int:
        """Set ``key`` to ``value``; returns how many nodes had to be copied.

        Walks from the root to the leaf.  Each node on the way that an older generation created
        (and a snapshot may therefore still see) is copied, and its parent is pointed at the copy.
        Nodes of the current generation are changed in place.
        """
        _check_key(key, self.size)
        copied = 0
        self.root, c = self._own(self.root)
        copied += c
        node = self.root
        digits = _digits(key, self.fanout, self.levels)
        for d in digits[:-1]:
            child, c = self._own(node.items[d])
            copied += c
            node.items[d] = child
            node = child
        node.items[digits[-1]] = value
        self.copied_total += copied
        return copied

    def snapshot(self, name: str | None = None) -> Snapshot:
        """Freeze the current version: remember its root and start a new generation.

        Costs no copying at all; the price is paid later, one path at a time, by writes.
        """
        snap = Snapshot(
            name=name or f"snap{len(self.snapshots) + 1}",
            root=self.root,
            gen=self.gen,
            size=self.size,
            fanout=self.fanout,
            levels=self.levels,
        )
        self.snapshots.append(snap)
        self.gen += 1
        return snap

    def versions(self) -> dict[str, Node]:
        """Roots of every snapshot (oldest first) and of the live tree (last, named ``live``)."""
        out = {s.name: s.root for s in self.snapshots}
        out["live"] = self.root
        return out


# --------------------------------------------------------------------------- accounting


def _reachable(root: Node) -> dict[int, Node]:
    seen: dict[int, Node] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen[id(node)] = node
        if not node.leaf:
            stack.extend(node.items)
    return seen


@dataclass(frozen=True)
class Sharing:
    """How the nodes one version can reach split into shared and exclusive ones."""

    version: str
    """Snapshot name, or ``live``."""
    nodes: int
    """Nodes this version can reach."""
    shared: int
    """Of those, reachable from at least one other version too."""

    @property
    def exclusive(self) -> int:
        """Reachable from this version only: what deleting it would free."""
        return self.nodes - self.shared


def sharing(versions: dict[str, Node]) -> list[Sharing]:
    """For each version (name -> root), count reachable nodes and how many of them are shared."""
    reach = {name: _reachable(root) for name, root in versions.items()}
    count: dict[int, int] = {}
    for nodes in reach.values():
        for nid in nodes:
            count[nid] = count.get(nid, 0) + 1
    return [
        Sharing(name, len(nodes), sum(1 for nid in nodes if count[nid] > 1))
        for name, nodes in reach.items()
    ]


def distinct_nodes(versions: dict[str, Node]) -> int:
    """Nodes stored in total for all versions together (each shared node counted once)."""
    ids: set[int] = set()
    for root in versions.values():
        ids.update(_reachable(root))
    return len(ids)


def total_nodes(size: int, fanout: int) -> int:
    """Nodes in one full tree: what copying the whole tree for a snapshot would cost."""
    return len(_reachable(_build(0, size, fanout, levels_for(size, fanout), 0, None)))


def copies_after_snapshot(size: int, fanout: int, key: int = 0) -> tuple[int, int]:
    """Measure: nodes copied by the first and by a second write of ``key`` after a snapshot."""
    t = CowTree(size, fanout)
    t.snapshot()
    first = t.write(key, "new")
    second = t.write(key, "newer")
    return first, second


def run_workload(
    size: int = 256,
    fanout: int = 4,
    *,
    snapshots: int = 5,
    writes_between: int = 20,
    seed: int = 2020,
) -> tuple[CowTree, dict[str, list]]:
    """Seeded workload: ``snapshots`` times, write ``writes_between`` random blocks, then snapshot.

    Returns the tree and, per snapshot name, the values it held when it was taken (a plain copy,
    the "model" the tests and the notebook compare against).  The live tree gets one more round of
    writes after the last snapshot.
    """
    import random

    rng = random.Random(seed)
    tree = CowTree(size, fanout, fill=0)
    expected: dict[str, list] = {}
    for round_ in range(snapshots + 1):
        for _ in range(writes_between):
            tree.write(rng.randrange(size), f"r{round_}")
        if round_ < snapshots:
            snap = tree.snapshot()
            expected[snap.name] = tree.values()
    expected["live"] = tree.values()
    return tree, expected


# --------------------------------------------------------------------------- plots


def plot_copies_vs_size(sizes: Sequence[int], fanouts: Sequence[int], *, ax=None):
    """Nodes copied by a write after a snapshot, against tree size, next to a full copy."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for i, f in enumerate(fanouts):
        measured = [copies_after_snapshot(s, f)[0] for s in sizes]
        ax.plot(sizes, measured, "o-", color=f"C{i}", label=f"path copy, fanout {f}")
        ax.plot(
            sizes,
            [total_nodes(s, f) for s in sizes],
            ":",
            color=f"C{i}",
            label=f"full copy, fanout {f}",
        )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("tree size (keys, log scale)")
    ax.set_ylabel("nodes copied by one write (log scale)")
    ax.legend(fontsize="small")
    return ax


def plot_sharing(stats: Sequence[Sharing], *, ax=None):
    """Stacked bars: shared and exclusive nodes of each version."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    names = [s.version for s in stats]
    shared = [s.shared for s in stats]
    excl = [s.exclusive for s in stats]
    ax.bar(names, shared, color="C0", label="shared with another version")
    ax.bar(names, excl, bottom=shared, color="C1", label="exclusive (freed if deleted)")
    ax.set_ylabel("nodes reachable")
    ax.set_ylim(0, max((s.nodes for s in stats), default=1) * 1.3)
    ax.legend(fontsize="small", loc="upper center", ncol=2)
    return ax
