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

from .procself_parse import (  # noqa: F401  (the chapter reads them as procself.<name>)
    CAP_NUMBERS,
    CAP_SET_MEANING,
    CAP_SETS,
    CAPABILITIES,
    CgroupEntry,
    cap_name,
    capability_sets,
    cgroup_version,
    decode_caps,
    encode_caps,
    in_initial_namespace,
    parse_cgroup,
    parse_mask,
    parse_ns_link,
    parse_status,
    security_flags,
)


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
