"""Tests of the chapter 8 lab: a copy-on-write tree with snapshots (path copying)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallsteps.labs import cowtree as C


@pytest.mark.parametrize(
    ("size", "fanout", "levels"),
    [
        pytest.param(1, 2, 1, id="one-key"),
        pytest.param(2, 2, 1, id="one-full-leaf"),
        pytest.param(3, 2, 2, id="just-over-one-leaf"),
        pytest.param(16, 4, 2, id="16-keys-fanout-4"),
        pytest.param(17, 4, 3, id="17-keys-need-a-third-level"),
        pytest.param(4096, 16, 3, id="4096-keys-fanout-16"),
        pytest.param(4096, 2, 12, id="4096-keys-binary"),
    ],
)
def test_levels_for(size, fanout, levels):
    assert C.levels_for(size, fanout) == levels


@pytest.mark.parametrize(
    ("size", "fanout", "message"),
    [
        pytest.param(0, 4, "size must be >= 1", id="empty-tree"),
        pytest.param(16, 1, "fanout must be >= 2", id="fanout-one"),
    ],
)
def test_levels_for_rejects(size, fanout, message):
    with pytest.raises(ValueError, match=message):
        C.levels_for(size, fanout)


@pytest.mark.parametrize(
    ("size", "fanout", "key"),
    [
        pytest.param(16, 4, 0, id="16-4-first"),
        pytest.param(17, 4, 16, id="17-4-lonely-last-key"),
        pytest.param(100, 3, 57, id="100-3-middle"),
        pytest.param(1024, 2, 1023, id="1024-binary-last"),
        pytest.param(4096, 16, 2020, id="4096-16"),
    ],
)
def test_first_write_after_snapshot_copies_the_whole_path_and_only_it(
    size, fanout, key
):
    first, second = C.copies_after_snapshot(size, fanout, key)
    assert first == C.predict_copies(size, fanout) == C.levels_for(size, fanout)
    assert second == 0  # the path now belongs to the live tree: changed in place


def test_without_a_snapshot_writes_copy_nothing():
    t = C.CowTree(64, 4)
    assert [t.write(k, k) for k in range(64)] == [0] * 64
    assert t.values() == list(range(64))


def test_snapshot_never_changes_after_later_writes():
    t = C.CowTree(32, 4, fill="old")
    snap = t.snapshot("before")
    before = snap.values()
    for k in range(32):
        t.write(k, "new")
    assert snap.values() == before == ["old"] * 32
    assert snap.read(5) == "old" and t.read(5) == "new"


def test_sharing_after_one_write():
    t = C.CowTree(64, 4)
    t.snapshot("s")
    t.write(10, "x")
    stats = {s.version: s for s in C.sharing(t.versions())}
    full = C.total_nodes(64, 4)
    for name in ("s", "live"):
        assert stats[name].nodes == full
        assert stats[name].exclusive == t.levels  # its own copy of the written path
    assert C.distinct_nodes(t.versions()) == full + t.levels


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        pytest.param(16, KeyError, "outside 0..15", id="past-the-end"),
        pytest.param(-1, KeyError, "outside 0..15", id="negative"),
        pytest.param(True, TypeError, "block numbers", id="bool-is-not-a-key"),
        pytest.param("3", TypeError, "block numbers", id="string-key"),
    ],
)
def test_bad_keys(key, error, message):
    t = C.CowTree(16, 4)
    with pytest.raises(error, match=message):
        t.write(key, 1)
    with pytest.raises(error, match=message):
        t.read(key)


def test_workload_is_seeded_and_snapshots_match_their_model():
    tree, expected = C.run_workload(128, 4, snapshots=3, writes_between=10, seed=5)
    _, expected2 = C.run_workload(128, 4, snapshots=3, writes_between=10, seed=5)
    assert expected == expected2
    for snap in tree.snapshots:
        assert snap.values() == expected[snap.name]
    assert tree.values() == expected["live"]
    stored = C.distinct_nodes(tree.versions())
    assert stored < C.total_nodes(128, 4) * len(tree.versions())


# A random program: ("w", key, value) writes, ("s",) takes a snapshot.
ops = st.lists(
    st.one_of(
        st.tuples(st.just("w"), st.integers(min_value=0, max_value=40), st.integers()),
        st.tuples(st.just("s")),
    ),
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(
    program=ops,
    size=st.integers(min_value=1, max_value=41),
    fanout=st.integers(min_value=2, max_value=6),
)
def test_cow_tree_matches_a_dict_model(program, size, fanout):
    tree = C.CowTree(size, fanout, fill=None)
    model = [None] * size
    frozen = []
    for op in program:
        if op[0] == "w":
            key = op[1] % size
            copied = tree.write(key, op[2])
            assert 0 <= copied <= tree.levels
            model[key] = op[2]
        else:
            frozen.append((tree.snapshot(), list(model)))
    assert tree.values() == model
    for snap, values in frozen:
        assert snap.values() == values  # old snapshots never change
        assert all(snap.read(k) == values[k] for k in range(size))
