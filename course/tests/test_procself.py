"""Tests for smallsteps.labs.procself (chapter 4: namespaces, capabilities, seccomp, cgroups)."""
from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smallsteps.labs import procself as lab

ALL_41 = "000001ffffffffff"


# ---------------------------------------------------------------------------- the table
def test_table_is_complete_and_consecutive():
    assert sorted(lab.CAPABILITIES) == list(range(41))
    assert len(set(lab.CAPABILITIES.values())) == 41
    assert all(name.startswith("CAP_") for name in lab.CAPABILITIES.values())


@pytest.mark.parametrize(
    ("bit", "name"),
    [(0, "CAP_CHOWN"), (12, "CAP_NET_ADMIN"), (21, "CAP_SYS_ADMIN"), (31, "CAP_SETFCAP"),
     (39, "CAP_BPF"), (40, "CAP_CHECKPOINT_RESTORE"), (45, "CAP_BIT_45")],
    ids=lambda v: str(v),
)
def test_cap_name(bit, name):
    assert lab.cap_name(bit) == name


# ---------------------------------------------------------------------------- decoding masks
@pytest.mark.parametrize(
    ("mask", "expected"),
    [
        pytest.param("0000000000000000", [], id="empty"),
        pytest.param("0000000000000001", ["CAP_CHOWN"], id="lowest-bit"),
        pytest.param("0000000000003000", ["CAP_NET_ADMIN", "CAP_NET_RAW"], id="network-pair"),
        pytest.param("0x0000000000200000", ["CAP_SYS_ADMIN"], id="with-0x-prefix"),
        pytest.param(" 0000010000000000\n", ["CAP_CHECKPOINT_RESTORE"], id="whitespace"),
        pytest.param(1 << 45, ["CAP_BIT_45"], id="bit-unknown-to-the-table"),
    ],
)
def test_decode_caps(mask, expected):
    assert lab.decode_caps(mask) == expected


@pytest.mark.parametrize(
    ("mask", "count"),
    [
        pytest.param(ALL_41, 41, id="full-bounding-set-kernel-5.9+"),
        pytest.param("0000003fffffffff", 38, id="full-bounding-set-kernel-5.8"),
        pytest.param("000001fffeffffff", 40, id="all-but-sys-resource"),
        pytest.param("00000000a80425fb", 14, id="docker-default"),
    ],
)
def test_decode_counts(mask, count):
    assert len(lab.decode_caps(mask)) == count


def test_docker_default_mask_is_mobys_list():
    assert set(lab.decode_caps("00000000a80425fb")) == set(lab.DOCKER_DEFAULT_CAPS)
    assert lab.encode_caps(lab.DOCKER_DEFAULT_CAPS) == 0xA80425FB


@pytest.mark.parametrize("bad", ["", "0x", "xyz", "12g4", "-1"], ids=repr)
def test_parse_mask_rejects_non_hex(bad):
    with pytest.raises(ValueError, match="not a hexadecimal capability mask"):
        lab.parse_mask(bad)


def test_parse_mask_rejects_negative_int():
    with pytest.raises(ValueError, match="negative"):
        lab.parse_mask(-5)


@pytest.mark.parametrize(("names", "mask"),
                         [(["net_admin", "CAP_NET_RAW"], 0x3000), (["cap_bit_45"], 1 << 45)],
                         ids=["short-and-long-names", "unknown-bit"])
def test_encode_caps(names, mask):
    assert lab.encode_caps(names) == mask


def test_encode_caps_rejects_unknown_name():
    with pytest.raises(ValueError, match="unknown capability 'CAP_FLY'"):
        lab.encode_caps(["CAP_FLY"])


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_decode_encode_round_trip(mask):
    names = lab.decode_caps(mask)
    assert lab.encode_caps(names) == mask
    assert len(names) == sum(1 for bit in range(64) if mask >> bit & 1)
    assert lab.decode_caps(f"{mask:016x}") == names


@given(st.sets(st.sampled_from(sorted(lab.CAPABILITIES.values()))))
def test_encode_decode_round_trip(names):
    decoded = lab.decode_caps(lab.encode_caps(names))
    assert set(decoded) == names
    assert decoded == sorted(decoded, key=lab.CAP_NUMBERS.get), "lowest bit first"


@given(st.integers(0, 2**41 - 1), st.integers(0, 2**41 - 1))
def test_union_of_masks_is_union_of_names(a, b):
    assert set(lab.decode_caps(a | b)) == set(lab.decode_caps(a)) | set(lab.decode_caps(b))


# ---------------------------------------------------------------------------- status
def test_parse_status_on_the_sample():
    status = lab.parse_status(lab.SAMPLE_USER_STATUS)
    assert status["Uid"] == "1000\t1000\t1000\t1000"
    assert lab.capability_sets(status) == {
        "CapInh": 0, "CapPrm": 0, "CapEff": 0, "CapBnd": 2**41 - 1, "CapAmb": 0}
    assert lab.security_flags(status) == {
        "NoNewPrivs": 0, "Seccomp": 0, "seccomp_mode": "disabled", "Seccomp_filters": 0}


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        pytest.param("Seccomp:\t2\nNoNewPrivs:\t1\n",
                     {"NoNewPrivs": 1, "Seccomp": 2, "seccomp_mode": "filter",
                      "Seccomp_filters": None}, id="filter-mode"),
        pytest.param("Seccomp:\t1\n", {"NoNewPrivs": None, "Seccomp": 1,
                                       "seccomp_mode": "strict", "Seccomp_filters": None},
                     id="strict-mode"),
        pytest.param("Name:\tx\n", {"NoNewPrivs": None, "Seccomp": None, "seccomp_mode": None,
                                    "Seccomp_filters": None}, id="old-kernel-no-fields"),
    ],
)
def test_security_flags(text, flags):
    assert lab.security_flags(lab.parse_status(text)) == flags


def test_missing_cap_sets_count_as_empty():
    assert lab.capability_sets({"CapEff": "3"}) == {
        "CapInh": 0, "CapPrm": 0, "CapEff": 3, "CapBnd": 0, "CapAmb": 0}


# ---------------------------------------------------------------------------- namespaces
@pytest.mark.parametrize(
    ("target", "parsed"),
    [("mnt:[4026531841]", ("mnt", 4026531841)), ("pid:[4026532512]", ("pid", 4026532512)),
     ("time:[4026531834]\n", ("time", 4026531834))],
    ids=["mnt", "pid", "trailing-newline"],
)
def test_parse_ns_link(target, parsed):
    assert lab.parse_ns_link(target) == parsed


@pytest.mark.parametrize("bad", ["mnt", "mnt:[]", "mnt:[12", ":[12]", "mnt:[abc]", "/dev/null"])
def test_parse_ns_link_rejects(bad):
    with pytest.raises(ValueError, match="not a namespace link target"):
        lab.parse_ns_link(bad)


@given(st.from_regex(r"[a-z_]{1,20}", fullmatch=True), st.integers(0, 2**64))
def test_parse_ns_link_round_trip(kind, inode):
    assert lab.parse_ns_link(f"{kind}:[{inode}]") == (kind, inode)


@pytest.mark.parametrize(
    ("kind", "inode", "answer"),
    [("pid", 4026531836, True), ("pid", 4026532512, False), ("pid_for_children", 4026531836, True),
     ("user", 4026531837, True), ("mnt", 4026531841, None), ("net", 4026531840, None)],
    ids=["host-pid", "container-pid", "for-children", "host-user", "mnt-unknown", "net-unknown"],
)
def test_in_initial_namespace(kind, inode, answer):
    assert lab.in_initial_namespace(kind, inode) is answer


# ---------------------------------------------------------------------------- cgroups
@pytest.mark.parametrize(
    ("text", "version", "first"),
    [
        pytest.param("0::/user.slice/user-1000.slice\n", "v2",
                     lab.CgroupEntry(0, (), "/user.slice/user-1000.slice"), id="v2"),
        pytest.param("4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n", "v1",
                     lab.CgroupEntry(4, ("memory",), "/docker/abc"), id="v1"),
        pytest.param("1:name=systemd:/x\n0::/x\n", "hybrid",
                     lab.CgroupEntry(1, ("name=systemd",), "/x"), id="hybrid"),
        pytest.param("0::/odd:path:with:colons\n", "v2",
                     lab.CgroupEntry(0, (), "/odd:path:with:colons"), id="colons-in-path"),
    ],
)
def test_parse_cgroup(text, version, first):
    entries = lab.parse_cgroup(text)
    assert entries[0] == first
    assert lab.cgroup_version(entries) == version


def test_cgroup_controllers_are_split():
    (entry,) = lab.parse_cgroup("3:cpu,cpuacct:/\n")
    assert entry.controllers == ("cpu", "cpuacct")


@pytest.mark.parametrize("bad", ["nonsense", "x::/", "0:/"], ids=repr)
def test_parse_cgroup_rejects(bad):
    with pytest.raises(ValueError, match="not a /proc/<pid>/cgroup line"):
        lab.parse_cgroup(bad)


def test_cgroup_version_of_nothing():
    assert lab.cgroup_version([]) == "none"


# ---------------------------------------------------------------------------- snapshots
def test_samples_tell_the_container_story():
    user = lab.SAMPLES["user shell"]
    docker = lab.SAMPLES["root in Docker"]
    assert user.cap_counts == {"CapInh": 0, "CapPrm": 0, "CapEff": 0, "CapBnd": 41, "CapAmb": 0}
    assert docker.cap_counts == {"CapInh": 0, "CapPrm": 14, "CapEff": 14, "CapBnd": 14,
                                 "CapAmb": 0}
    assert docker.flags["seccomp_mode"] == "filter"
    assert lab.in_initial_namespace("pid", docker.namespaces["pid"]) is False
    assert lab.in_initial_namespace("user", docker.namespaces["user"]) is True
    assert lab.in_initial_namespace("pid", user.namespaces["pid"]) is True
    assert "illustrative" in user.source and "illustrative" in docker.source


def test_current_or_sample_falls_back_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    snap, message = lab.current_or_sample()
    assert snap is lab.SAMPLES["user shell"]
    assert "not available" in message


def test_read_live_on_a_fake_proc(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    (tmp_path / "status").write_text(lab.SAMPLE_CONTAINER_STATUS)
    (tmp_path / "cgroup").write_text("0::/\n")
    ns = tmp_path / "ns"
    ns.mkdir()
    (ns / "pid").symlink_to("pid:[4026532512]")
    (ns / "pid_for_children").symlink_to("pid:[4026532512]")
    snap = lab.read_live(str(tmp_path))
    assert snap is not None
    assert snap.namespaces == {"pid": 4026532512, "pid_for_children": 4026532512}
    assert snap.cap_counts["CapEff"] == 14


def test_read_live_returns_none_when_unreadable(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert lab.read_live(str(tmp_path / "missing")) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux /proc")
def test_read_live_on_this_machine():
    snap = lab.read_live()
    assert snap is not None
    assert set(snap.caps) == set(lab.CAP_SETS)
    # the effective set can never hold more than the permitted set
    assert snap.caps["CapEff"] & ~snap.caps["CapPrm"] == 0


def test_describe_mentions_every_set():
    text = lab.describe(lab.SAMPLES["root in Docker"])
    for name in lab.CAP_SETS:
        assert name in text
    assert "filter" in text and "a namespace someone created" in text
