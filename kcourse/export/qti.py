"""Canvas QTI 1.2: a zip with ``imsmanifest.xml``, the assessment and Canvas's ``assessment_meta.xml``.

The item shapes follow what Canvas itself exports for classic quizzes (canvas-lms
``lib/cc/qti/qti_items.rb``), which its "QTI .zip file" import reads back. Pools become question
groups: a ``<section>`` whose ``selection_number`` says how many to draw. Canvas classic quizzes have
no ordering question: one becomes a matching of each item to its position (reported through ``warn``).

What Canvas's import does to identifiers decides the shapes here (tests/interop runs the packages through
Canvas's QTIMigrationTool and canvas-lms's converter). Each question's ``<item>`` is written by
:mod:`kcourse.export.qti_items`:

- QTIMigrationTool rewrites ``.`` and any character outside ``[A-Za-z0-9_-]`` in some identifiers but not
  in the ``<varequal>`` values that point at them, so every identifier is ``[A-Za-z][A-Za-z0-9_-]*``.
- Canvas takes a matching answer's match id from the first run of digits in the right side's identifier,
  so right sides are ``m1``, ``m2``, ... (then the author's id), whatever digits the quiz id holds.
- Canvas drops the feedback of an id matching ``general_|_all|wrong|incorrect|correct|_IC$|_C$`` and reads
  ``solution`` as an example answer, so option feedback ids are ``fb1``, ``fb2``, ...
- Canvas reads the quiz settings from ``<assessment ident>/assessment_meta.xml`` only.
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from ..core import model as m
from ..core.warnings_ import WarnCallback, ignore
from .common import Reporter, num, placed_questions
from .qti_items import _esc, _field, _item, _sub, _xml, qti_ident

FORMAT = "Canvas QTI"
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every zip member gets this date, so the same quiz always gives the same bytes."""


def to_qti_zip(quiz: m.Quiz, *, warn: WarnCallback = ignore) -> bytes:
    """The quiz as a Canvas QTI 1.2 package (zip bytes, byte-identical for the same quiz)."""
    members = qti_members(quiz, warn=warn)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever machine writes it
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def qti_members(quiz: m.Quiz, *, warn: WarnCallback = ignore) -> dict[str, bytes]:
    """The files of the package by name: the manifest, the assessment and its Canvas settings."""
    rep = Reporter(quiz, FORMAT, warn)
    aid = qti_ident("kcourse", quiz.id)
    assessment, points = _assessment(quiz, aid, rep)
    folder = aid  # Canvas looks for <assessment ident>/assessment_meta.xml
    return {
        "imsmanifest.xml": _manifest(quiz, aid, folder),
        f"{folder}/{quiz.id}.xml": assessment,
        f"{folder}/assessment_meta.xml": _meta(quiz, aid, points),
    }


__all__ = ["FORMAT", "qti_ident", "qti_members", "to_qti_zip"]


# --------------------------------------------------------------------------------------- assessment


def _assessment(quiz: m.Quiz, aid: str, rep: Reporter) -> tuple[bytes, float]:
    root = ET.Element("questestinterop", {
        "xmlns": QTI_NS,
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:schemaLocation": f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd",
    })
    asmt = _sub(root, "assessment", ident=aid, title=quiz.title)
    meta = _sub(asmt, "qtimetadata")
    _field(meta, "cc_maxattempts", "unlimited" if quiz.mode == "practice" else "1")
    section = _sub(asmt, "section", ident="root_section")
    points = 0.0
    group = None
    current = None
    used: set[str] = set()
    for placed in placed_questions(quiz):
        pool = placed.pool
        if pool is None:
            parent = section
        else:
            if pool is not current or group is None:
                current = pool
                group, per_item = _group(quiz, pool, section, rep)
                points += pool.draw * per_item
            parent = group
        if _item(quiz, placed, parent, rep, used) and pool is None:
            points += placed.question.points
    return _xml(root), points


def _group(quiz: m.Quiz, pool: m.Pool, section: ET.Element, rep: Reporter) -> tuple[ET.Element, float]:
    group = _sub(section, "section", ident=qti_ident("kcourse", quiz.id, "pool", pool.id), title=pool.id)
    sel = _sub(_sub(group, "selection_ordering"), "selection")
    _sub(sel, "selection_number", str(pool.draw))
    values = sorted({q.points for q in pool.questions})
    per_item = values[-1]
    if len(values) > 1:
        rep.warn(None, f"a Canvas question group gives every question the same points; pool '{pool.id}' "
                 f"mixes {', '.join(num(v) for v in values)}, so each is worth {num(per_item)}",
                 path=("pools", quiz.pools.index(pool)))
    _sub(_sub(sel, "selection_extension"), "points_per_item", num(per_item))
    return group, per_item


# ------------------------------------------------------------------------------ manifest and settings


def _manifest(quiz: m.Quiz, aid: str, folder: str) -> bytes:
    root = ET.Element("manifest", {
        "identifier": qti_ident("kcourse", quiz.id, "manifest"),
        "xmlns": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:schemaLocation": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1 "
                              "http://www.imsglobal.org/xsd/imscp_v1p1.xsd",
    })
    meta = _sub(root, "metadata")
    _sub(meta, "schema", "IMS Content")
    _sub(meta, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    dep = qti_ident("kcourse", quiz.id, "meta")
    res = _sub(resources, "resource", identifier=aid, type="imsqti_xmlv1p2")
    _sub(res, "file", href=f"{folder}/{quiz.id}.xml")
    _sub(res, "dependency", identifierref=dep)
    res = _sub(resources, "resource", identifier=dep,
               type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
               href=f"{folder}/assessment_meta.xml")
    _sub(res, "file", href=f"{folder}/assessment_meta.xml")
    return _xml(root)


def _meta(quiz: m.Quiz, aid: str, points: float) -> bytes:
    practice = quiz.mode == "practice"
    root = ET.Element("quiz", {"identifier": aid, "xmlns": CANVAS_NS})
    for tag, value in (
        ("title", quiz.title),
        ("description",
         f"<p>{quiz.chapter_label.capitalize()} quiz ({_esc(quiz.id)}); pass mark {num(quiz.pass_mark)}%.</p>"),
        ("shuffle_answers", "true" if quiz.shuffle_options else "false"),
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "assignment"),
        ("points_possible", num(points)),
        ("show_correct_answers", "true" if practice else "false"),
        ("allowed_attempts", "-1" if practice else "1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
    ):
        _sub(root, tag, value)
    return _xml(root)
