"""Chapter 4 lab, the parsers: capability masks and names, ``/proc/<pid>/status``, namespace links and
``/proc/<pid>/cgroup``, all pure functions of text. :mod:`smallsteps.labs.procself` (snapshots, samples,
what they mean) is what the chapter imports; it re-exports these.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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
