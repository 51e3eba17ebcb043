"""Chapter 4 lab: the container building blocks, seen from your own process.

A container is not a small virtual machine: it is an ordinary process that the kernel shows a
different view of the system (namespaces), limits (cgroups), gives fewer privileges
(capabilities) and filters system calls for (seccomp). Linux shows all of this for every process
under ``/proc``:

* ``/proc/self/ns/*``   - symbolic links such as ``mnt:[4026531841]``: one namespace id per kind
* ``/proc/self/status`` - ``CapInh``/``CapPrm``/``CapEff``/``CapBnd``/``CapAmb`` capability
  masks (hexadecimal), ``NoNewPrivs`` and ``Seccomp``
* ``/proc/self/cgroup`` - the control group(s) the process belongs to

Off Linux (or where ``/proc`` cannot be read) the lab uses the samples in :data:`SAMPLES`.
Pure standard library; matplotlib is imported only inside :func:`plot_capability_counts`.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CAPABILITIES: dict[int, str] = {
    0: "CAP_CHOWN",
    1: "CAP_DAC_OVERRIDE",
    2: "CAP_DAC_READ_SEARCH",
    3: "CAP_FOWNER",
    4: "CAP_FSETID",
    5: "CAP_KILL",
    6: "CAP_SETGID",
    7: "CAP_SETUID",
    8: "CAP_SETPCAP",
    9: "CAP_LINUX_IMMUTABLE",
    10: "CAP_NET_BIND_SERVICE",
    11: "CAP_NET_BROADCAST",
    12: "CAP_NET_ADMIN",
    13: "CAP_NET_RAW",
    14: "CAP_IPC_LOCK",
    15: "CAP_IPC_OWNER",
    16: "CAP_SYS_MODULE",
    17: "CAP_SYS_RAWIO",
    18: "CAP_SYS_CHROOT",
    19: "CAP_SYS_PTRACE",
    20: "CAP_SYS_PACCT",
    21: "CAP_SYS_ADMIN",
    22: "CAP_SYS_BOOT",
    23: "CAP_SYS_NICE",
    24: "CAP_SYS_RESOURCE",
    25: "CAP_SYS_TIME",
    26: "CAP_SYS_TTY_CONFIG",
    27: "CAP_MKNOD",
    28: "CAP_LEASE",
    29: "CAP_AUDIT_WRITE",
    30: "CAP_AUDIT_CONTROL",
    31: "CAP_SETFCAP",
    32: "CAP_MAC_OVERRIDE",
    33: "CAP_MAC_ADMIN",
    34: "CAP_SYSLOG",
    35: "CAP_WAKE_ALARM",
    36: "CAP_BLOCK_SUSPEND",
    37: "CAP_AUDIT_READ",
    38: "CAP_PERFMON",
    39: "CAP_BPF",
    40: "CAP_CHECKPOINT_RESTORE",
}
"""Capability bit numbers and names, from the kernel's ``include/uapi/linux/capability.h``
(``CAP_LAST_CAP`` is ``CAP_CHECKPOINT_RESTORE``, 40, since Linux 5.9)."""

CAP_NUMBERS: dict[str, int] = {name: bit for bit, name in CAPABILITIES.items()}
"""Reverse of :data:`CAPABILITIES`."""

CAP_SETS: tuple[str, ...] = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")
"""The five capability sets in ``/proc/<pid>/status``, in the order the kernel prints them."""

CAP_SET_MEANING: dict[str, str] = {
    "CapInh": "inheritable: may be passed on across execve()",
    "CapPrm": "permitted: the most the process may make effective",
    "CapEff": "effective: what the kernel checks right now",
    "CapBnd": "bounding: the ceiling for anything gained later",
    "CapAmb": "ambient: kept across execve() of unprivileged programs",
}

SECCOMP_MODES: dict[int, str] = {0: "disabled", 1: "strict", 2: "filter"}
"""Values of the ``Seccomp`` field in ``/proc/<pid>/status``."""

INITIAL_NS_INODES: dict[str, int] = {
    "ipc": 0xEFFFFFFF,
    "uts": 0xEFFFFFFE,
    "user": 0xEFFFFFFD,
    "pid": 0xEFFFFFFC,
    "cgroup": 0xEFFFFFFB,
    "time": 0xEFFFFFFA,
}
"""Fixed ids of the *initial* namespaces (``include/linux/proc_ns.h``). A process whose id
differs runs in a namespace someone created. Mount and network namespaces have no fixed id in
that list, so the lab cannot tell from the number alone."""


# --------------------------------------------------------------------------------------------
# Capabilities
# --------------------------------------------------------------------------------------------
def cap_name(bit: int) -> str:
    """The name of capability ``bit``; bits the table does not know become ``CAP_BIT_<n>``."""
    if bit < 0:
        raise ValueError(f"capability bits are >= 0, got {bit}")
    return CAPABILITIES.get(bit, f"CAP_BIT_{bit}")


def parse_mask(mask: int | str) -> int:
    """A capability mask as an int; accepts ``0x...`` or bare hex text as in ``/proc``."""
    if isinstance(mask, int):
        if mask < 0:
            raise ValueError(f"a capability mask cannot be negative: {mask}")
        return mask
    text = mask.strip().lower()
    text = text.removeprefix("0x")
    if not text or any(c not in "0123456789abcdef" for c in text):
        raise ValueError(f"not a hexadecimal capability mask: {mask!r}")
    return int(text, 16)


def decode_caps(mask: int | str) -> list[str]:
    """The names of the capabilities set in ``mask``, lowest bit first.

    >>> decode_caps("0000000000003000")
    ['CAP_NET_ADMIN', 'CAP_NET_RAW']
    """
    value = parse_mask(mask)
    return [cap_name(bit) for bit in range(value.bit_length()) if value >> bit & 1]


def encode_caps(names: Iterable[str]) -> int:
    """The mask with the named capabilities set (the inverse of :func:`decode_caps`)."""
    value = 0
    for name in names:
        key = name.strip().upper()
        if not key.startswith("CAP_"):
            key = "CAP_" + key
        if key in CAP_NUMBERS:
            value |= 1 << CAP_NUMBERS[key]
        elif key.startswith("CAP_BIT_") and key[8:].isdigit():
            value |= 1 << int(key[8:])
        else:
            raise ValueError(f"unknown capability {name!r}")
    return value


# --------------------------------------------------------------------------------------------
# /proc/<pid>/status
# --------------------------------------------------------------------------------------------
def parse_status(text: str) -> dict[str, str]:
    """``/proc/<pid>/status`` as ``{"CapEff": "000001ffffffffff", "Seccomp": "0", ...}``.

    Each line is ``Key:<tab>value``; the value keeps inner whitespace (``Uid`` has four
    numbers) and lines without a colon are skipped.
    """
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip()
    return fields


def capability_sets(status: Mapping[str, str]) -> dict[str, int]:
    """The five capability masks from parsed status fields (a missing set counts as 0)."""
    return {name: parse_mask(status.get(name, "0") or "0") for name in CAP_SETS}


def security_flags(status: Mapping[str, str]) -> dict[str, object]:
    """``NoNewPrivs`` and ``Seccomp`` as numbers plus the seccomp mode's name.

    Missing fields (very old kernels) become ``None``.
    """
    def number(key: str) -> int | None:
        value = status.get(key)
        return int(value) if value is not None and value.strip().isdigit() else None

    seccomp = number("Seccomp")
    return {
        "NoNewPrivs": number("NoNewPrivs"),
        "Seccomp": seccomp,
        "seccomp_mode": None if seccomp is None else SECCOMP_MODES.get(seccomp, "unknown"),
        "Seccomp_filters": number("Seccomp_filters"),
    }


# --------------------------------------------------------------------------------------------
# /proc/<pid>/ns and /proc/<pid>/cgroup
# --------------------------------------------------------------------------------------------
def parse_ns_link(target: str) -> tuple[str, int]:
    """Split a namespace link target such as ``mnt:[4026531841]`` into ``("mnt", 4026531841)``."""
    kind, sep, rest = target.strip().partition(":[")
    if not sep or not rest.endswith("]") or not rest[:-1].isdigit() or not kind:
        raise ValueError(f"not a namespace link target: {target!r}")
    return kind, int(rest[:-1])


def in_initial_namespace(kind: str, inode: int) -> bool | None:
    """``True``/``False`` when the kernel's fixed initial id for ``kind`` says so, else ``None``."""
    base = kind.removesuffix("_for_children")
    expected = INITIAL_NS_INODES.get(base)
    return None if expected is None else inode == expected


@dataclass(frozen=True)
class CgroupEntry:
    """One line of ``/proc/<pid>/cgroup``: ``hierarchy-id:controllers:path``."""

    hierarchy: int
    """Hierarchy id; 0 is the single cgroup v2 (unified) hierarchy."""
    controllers: tuple[str, ...]
    """Controllers bound to this v1 hierarchy; empty for v2."""
    path: str
    """The group's path inside the hierarchy."""


def parse_cgroup(text: str) -> list[CgroupEntry]:
    """Parse ``/proc/<pid>/cgroup``. The path may itself contain colons, so split twice only."""
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split(":", 2)
        if len(parts) != 3 or not parts[0].isdigit():
            raise ValueError(f"not a /proc/<pid>/cgroup line: {line!r}")
        hid, controllers, path = parts
        names = tuple(c for c in controllers.split(",") if c)
        entries.append(CgroupEntry(int(hid), names, path))
    return entries


def cgroup_version(entries: Iterable[CgroupEntry]) -> str:
    """``"v2"`` (only the unified line), ``"v1"`` (only v1 lines), ``"hybrid"`` or ``"none"``."""
    entries = list(entries)
    has_v2 = any(e.hierarchy == 0 and not e.controllers for e in entries)
    has_v1 = any(e.hierarchy != 0 for e in entries)
    if has_v2 and has_v1:
        return "hybrid"
    if has_v2:
        return "v2"
    if has_v1:
        return "v1"
    return "none"


# --------------------------------------------------------------------------------------------
# A snapshot of one process
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProcSnapshot:
    """What ``/proc`` says about one process (live or from a sample)."""

    label: str
    """Short name for tables and plots."""
    source: str
    """Where the data comes from: ``live /proc/self`` or a description of the sample."""
    status: dict[str, str]
    """Parsed ``/proc/<pid>/status`` fields (only the ones the lab uses need to be there)."""
    namespaces: dict[str, int] = field(default_factory=dict)
    """Entry name in ``/proc/<pid>/ns`` (``mnt``, ``pid_for_children``, ...) to namespace id."""
    cgroups: tuple[CgroupEntry, ...] = ()
    """Parsed ``/proc/<pid>/cgroup``."""

    @property
    def caps(self) -> dict[str, int]:
        """The five capability masks."""
        return capability_sets(self.status)

    @property
    def cap_counts(self) -> dict[str, int]:
        """How many capabilities each set holds."""
        return {name: mask.bit_count() for name, mask in self.caps.items()}

    @property
    def flags(self) -> dict[str, object]:
        """NoNewPrivs and seccomp."""
        return security_flags(self.status)


def snapshot_from_text(label: str, source: str, status_text: str, ns_links: Mapping[str, str],
                       cgroup_text: str) -> ProcSnapshot:
    """Build a snapshot from the raw texts (how the samples and the tests use the parsers)."""
    namespaces = {name: parse_ns_link(target)[1] for name, target in ns_links.items()}
    return ProcSnapshot(label, source, parse_status(status_text), namespaces,
                        tuple(parse_cgroup(cgroup_text)))


def read_live(proc: str = "/proc/self") -> ProcSnapshot | None:
    """A snapshot of the running process, or ``None`` off Linux or if ``/proc`` is unreadable.

    Namespace links that cannot be read (some sandboxes hide them) are left out.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open(os.path.join(proc, "status"), encoding="utf-8") as f:
            status_text = f.read()
        with open(os.path.join(proc, "cgroup"), encoding="utf-8") as f:
            cgroup_text = f.read()
    except OSError:
        return None
    links: dict[str, str] = {}
    ns_dir = os.path.join(proc, "ns")
    try:
        names = sorted(os.listdir(ns_dir))
    except OSError:
        names = []
    for name in names:
        try:
            links[name] = os.readlink(os.path.join(ns_dir, name))
        except OSError:
            continue
    try:
        return snapshot_from_text("this process", f"live {proc}", status_text, links,
                                  cgroup_text)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Samples for machines that are not Linux
# --------------------------------------------------------------------------------------------
_SAMPLE_NS_HOST = {
    "cgroup": "cgroup:[4026531835]",
    "ipc": "ipc:[4026531839]",
    "mnt": "mnt:[4026531841]",
    "net": "net:[4026531840]",
    "pid": "pid:[4026531836]",
    "pid_for_children": "pid:[4026531836]",
    "time": "time:[4026531834]",
    "time_for_children": "time:[4026531834]",
    "user": "user:[4026531837]",
    "uts": "uts:[4026531838]",
}

SAMPLE_USER_STATUS = """\
Name:	python3
Umask:	0022
State:	R (running)
Uid:	1000	1000	1000	1000
Gid:	1000	1000	1000	1000
CapInh:	0000000000000000
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	000001ffffffffff
CapAmb:	0000000000000000
NoNewPrivs:	0
Seccomp:	0
Seccomp_filters:	0
"""

SAMPLE_USER_CGROUP = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/jupyter.scope\n"

SAMPLE_CONTAINER_STATUS = """\
Name:	python3
Umask:	0022
State:	R (running)
Uid:	0	0	0	0
Gid:	0	0	0	0
CapInh:	0000000000000000
CapPrm:	00000000a80425fb
CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
CapAmb:	0000000000000000
NoNewPrivs:	0
Seccomp:	2
"""

SAMPLE_CONTAINER_CGROUP = "0::/\n"

_SAMPLE_NS_CONTAINER = {
    "cgroup": "cgroup:[4026532513]",
    "ipc": "ipc:[4026532511]",
    "mnt": "mnt:[4026532509]",
    "net": "net:[4026532514]",
    "pid": "pid:[4026532512]",
    "pid_for_children": "pid:[4026532512]",
    "time": "time:[4026531834]",
    "time_for_children": "time:[4026531834]",
    "user": "user:[4026531837]",
    "uts": "uts:[4026532510]",
}

SAMPLES: dict[str, ProcSnapshot] = {
    "user shell": snapshot_from_text(
        "user shell",
        "illustrative sample: an ordinary user's process on a systemd distribution with "
        "cgroup v2 and a kernel >= 5.9 (41 capabilities); namespace ids other than the fixed "
        "initial ones are made up",
        SAMPLE_USER_STATUS, _SAMPLE_NS_HOST, SAMPLE_USER_CGROUP),
    "root in Docker": snapshot_from_text(
        "root in Docker",
        "illustrative sample: root inside a container started with Docker's defaults "
        "(14 default capabilities, empty inheritable set since Docker 20.10.14, default "
        "seccomp profile = mode 2, own mount/uts/ipc/pid/net/cgroup namespaces, host user "
        "namespace); the namespace ids are made up",
        SAMPLE_CONTAINER_STATUS, _SAMPLE_NS_CONTAINER, SAMPLE_CONTAINER_CGROUP),
}
"""Samples to look at where ``/proc`` is not available, and to compare with your own process."""

DOCKER_DEFAULT_CAPS: tuple[str, ...] = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
)
"""Docker's default capability list, as in moby's ``oci/caps/defaults.go``."""


def current_or_sample() -> tuple[ProcSnapshot, str]:
    """The live snapshot if possible, else the user-shell sample; plus a sentence saying which."""
    live = read_live()
    if live is not None:
        return live, "Reading the live /proc/self of this notebook's process."
    return SAMPLES["user shell"], (
        f"{sys.platform}: /proc/self is not available here, so the lab shows a sample "
        "instead (see its .source).")


# --------------------------------------------------------------------------------------------
# Showing it
# --------------------------------------------------------------------------------------------
def describe(snap: ProcSnapshot) -> str:
    """A readable multi-line summary of a snapshot."""
    lines = [f"{snap.label}  ({snap.source})", "", "Namespaces:"]
    for kind, inode in sorted(snap.namespaces.items()):
        initial = in_initial_namespace(kind, inode)
        note = {True: "initial (host) namespace", False: "a namespace someone created",
                None: "no fixed initial id to compare"}[initial]
        lines.append(f"  {kind:<18} {inode:>12}  {note}")
    lines += ["", "Capabilities:"]
    for name, mask in snap.caps.items():
        names = decode_caps(mask)
        shown = ", ".join(n.removeprefix("CAP_") for n in names[:6])
        more = f" ... (+{len(names) - 6})" if len(names) > 6 else ""
        lines.append(f"  {name} {mask:016x} {len(names):>2}  {shown}{more}")
    flags = snap.flags
    seccomp = f"Seccomp: {flags['Seccomp']} ({flags['seccomp_mode']})"
    lines += ["", f"NoNewPrivs: {flags['NoNewPrivs']}   {seccomp}", "",
              f"cgroups ({cgroup_version(snap.cgroups)}):"]
    for e in snap.cgroups:
        ctl = ",".join(e.controllers) or "(unified)"
        lines.append(f"  {e.hierarchy}:{ctl}:{e.path}")
    return "\n".join(lines)


def plot_capability_counts(snapshots: Mapping[str, ProcSnapshot] | Iterable[ProcSnapshot],
                           title: str = "How many capabilities in each set?"):
    """Grouped bars: for each snapshot, the number of capabilities in each of the five sets."""
    import matplotlib.pyplot as plt

    snaps = list(snapshots.values()) if isinstance(snapshots, Mapping) else list(snapshots)
    fig, ax = plt.subplots(figsize=(9, 3.8))
    width = 0.8 / max(1, len(snaps))
    for i, snap in enumerate(snaps):
        counts = snap.cap_counts
        xs = [j + (i - (len(snaps) - 1) / 2) * width for j in range(len(CAP_SETS))]
        bars = ax.bar(xs, [counts[s] for s in CAP_SETS], width, label=snap.label)
        ax.bar_label(bars, fontsize=8)
    ax.set_xticks(range(len(CAP_SETS)), [f"{s}\n{CAP_SET_MEANING[s].split(':')[0]}"
                                         for s in CAP_SETS])
    ax.set_ylabel("capabilities in the set")
    ax.set_ylim(0, len(CAPABILITIES) + 14)
    ax.set_title(title)
    ax.legend(loc="upper center", ncols=max(1, len(snaps)), frameon=False)
    fig.tight_layout()
    return fig
