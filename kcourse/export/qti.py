"""Canvas QTI 1.2: a zip with ``imsmanifest.xml``, the assessment and Canvas's ``assessment_meta.xml``.

The item shapes follow what Canvas itself exports for classic quizzes (canvas-lms
``lib/cc/qti/qti_items.rb``), which its "QTI .zip file" import reads back. Pools become question
groups: a ``<section>`` whose ``selection_number`` says how many to draw. Canvas classic quizzes have
no ordering question: one becomes a matching of each item to its position (reported through ``warn``).

What Canvas's import does to identifiers decides the shapes here (tests/interop runs the packages through
Canvas's QTIMigrationTool and canvas-lms's converter):

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
import re
import xml.etree.ElementTree as ET
import zipfile

from ..core import model as m
from ..core.warnings_ import WarnCallback, ignore
from .common import (
    Placed,
    Reporter,
    exclusive_ends,
    md_block,
    md_inline,
    md_plain,
    num,
    numeric_target,
    placed_questions,
    presented_order,
    xml_safe,
)

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


# ------------------------------------------------------------------------------------------ helpers

_NOT_IDENT = re.compile(r"[^A-Za-z0-9_-]")


def qti_ident(*parts: str) -> str:
    """An identifier Canvas's import keeps as it is: ``ch02-growing-up_bkl-years``.

    Parts are joined with ``_`` (quiz ids have none, so the quiz part stays recognisable); a ``/`` of a
    question taken from another quiz becomes ``_``; anything else outside ``[A-Za-z0-9_-]`` becomes
    ``-``, and an identifier that does not start with a letter gets a ``k`` in front.
    """
    s = _NOT_IDENT.sub("-", "_".join(p.replace("/", "_") for p in parts))
    return s if s[:1].isascii() and s[:1].isalpha() else "k" + s



def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, attrs)
    if text is not None:
        e.text = xml_safe(text)
    return e


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _field(meta: ET.Element, label: str, entry: str) -> None:
    f = _sub(meta, "qtimetadatafield")
    _sub(f, "fieldlabel", label)
    _sub(f, "fieldentry", entry)


def _material(parent: ET.Element, html: str) -> None:
    mat = _sub(parent, "material")
    _sub(mat, "mattext", html, texttype="text/html")


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


def _item(quiz: m.Quiz, placed: Placed, parent: ET.Element, rep: Reporter, used: set[str]) -> bool:
    """Writes the question as an ``<item>`` into ``parent``; ``False`` when it is left out."""
    q = placed.question
    kind = _KIND.get(q.type, "")
    if isinstance(q, m.ShortText) and not _short_ok(placed, rep):
        return False
    if isinstance(q, m.Ordering):
        rep.warn(placed, "Canvas classic quizzes have no ordering question: exported as a matching of each "
                 "item to its position (1, 2, ...), graded per item in place instead of per pair in order")
        kind = "matching_question"
    qid = qti_ident(quiz.id, q.id)
    while qid in used:  # only if two ids differ by '/' against '_' or by characters outside the ident set
        qid += "-x"
    used.add(qid)
    item = _sub(parent, "item", ident=qid, title=q.id)
    meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", kind)
    _field(meta, "points_possible", num(q.points))
    pres = _sub(item, "presentation")
    prompt = md_block(q.prompt)
    if isinstance(q, m.Numeric) and q.unit:
        prompt += f"<p>(Answer in {_esc(q.unit)}.)</p>"
    if isinstance(q, m.Ordering):
        prompt += "<p>Give each item its position in the order (1 = first).</p>"
    _material(pres, prompt)
    proc = _sub(item, "resprocessing")
    _sub(_sub(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    feedback: list[tuple[str, str]] = []  # (ident, html)
    if q.explanation.strip():
        cond = _sub(proc, "respcondition", **{"continue": "Yes"})
        _sub(_sub(cond, "conditionvar"), "other")
        _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        feedback.append(("general_fb", md_block(q.explanation)))

    if isinstance(q, (m.SingleChoice, m.MultipleSelect, m.TrueFalse)):
        _choices(q, pres, proc, feedback)
    elif isinstance(q, m.Numeric):
        _numeric(placed, pres, proc, rep)
    elif isinstance(q, m.ShortText):
        lid = _sub(pres, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(lid, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        cond = _sub(proc, "respcondition", **{"continue": "No"})
        var = _sub(cond, "conditionvar")
        for a in q.accept:
            _sub(var, "varequal", a, respident="response1")
        _sub(cond, "setvar", "100", action="Set", varname="SCORE")
    elif isinstance(q, m.Matching):
        right_id = {c.id: qti_ident(f"m{j}", c.id) for j, c in enumerate(q.right_choices, 1)}
        rights = [(right_id[c.id], md_plain(c.text)) for c in q.right_choices]
        lefts = [(md_inline(p.left), right_id[q.answer_of[p.id]]) for p in q.pairs]
        _matching(lefts, rights, pres, proc)
    elif isinstance(q, m.Ordering):
        n = len(q.items)
        rights = [(f"m{k}", str(k)) for k in range(1, n + 1)]
        position = {i.id: k for k, i in enumerate(q.items, 1)}
        # listed in a fixed scrambled order: in the right order the answer would read 1, 2, 3, ...
        lefts = [(md_inline(i.text), f"m{position[i.id]}") for i in presented_order(quiz.id, q.id, q.items)]
        _matching(lefts, rights, pres, proc)

    for fid, html in feedback:
        fb = _sub(item, "itemfeedback", ident=fid)
        _material(_sub(fb, "flow_mat"), html)
    return True


_KIND = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
         "true_false": "true_false_question", "numeric": "numerical_question", "text": "short_answer_question",
         "matching": "matching_question", "ordering": "matching_question"}


def _choices(q, pres: ET.Element, proc: ET.Element, feedback: list[tuple[str, str]]) -> None:
    if isinstance(q, m.TrueFalse):
        options = [("o1_true", "True", q.answer, q.feedback_true),
                   ("o2_false", "False", not q.answer, q.feedback_false)]
    else:
        options = [(qti_ident(f"o{n}", o.id), md_inline(o.text), o.correct, o.feedback)
                   for n, o in enumerate(q.options, 1)]
    card = "Multiple" if isinstance(q, m.MultipleSelect) else "Single"
    rc = _sub(_sub(pres, "response_lid", ident="response1", rcardinality=card), "render_choice")
    for oid, html, _, _ in options:
        _material(_sub(rc, "response_label", ident=oid), html)
    # Feedback conditions come before the scoring one: Canvas reads them in order and the last
    # condition that names an option sets its weight.
    for n, (oid, _, _, fb) in enumerate(options, 1):
        if fb.strip():
            cond = _sub(proc, "respcondition", **{"continue": "Yes"})
            _sub(_sub(cond, "conditionvar"), "varequal", oid, respident="response1")
            _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"fb{n}")
            feedback.append((f"fb{n}", md_block(fb)))
    cond = _sub(proc, "respcondition", **{"continue": "No"})
    var = _sub(cond, "conditionvar")
    if card == "Multiple":
        # Canvas reads the right options from this condition and grades multiple answers with partial
        # credit: each right option adds 1/R, each wrong one takes 1/R, never below 0 -- our rule.
        both = _sub(var, "and")
        for oid, _, correct, _ in options:
            if correct:
                _sub(both, "varequal", oid, respident="response1")
            else:
                _sub(_sub(both, "not"), "varequal", oid, respident="response1")
    else:
        right = next(oid for oid, _, correct, _ in options if correct)
        _sub(var, "varequal", right, respident="response1")
    _sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _numeric(placed: Placed, pres: ET.Element, proc: ET.Element, rep: Reporter) -> None:
    q = placed.question
    assert isinstance(q, m.Numeric)  # internal: dispatched by type above
    lid = _sub(pres, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(lid, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    t = numeric_target(q)
    if exclusive_ends(q):
        rep.warn(placed, f"Canvas numeric answers include both ends, so {exclusive_ends(q)} is exported as "
                 f"{num(t.low)} <= x <= {num(t.high)}")
    cond = _sub(proc, "respcondition", **{"continue": "No"})
    var = _sub(cond, "conditionvar")
    if t.answer is not None:  # "exact answer" with a margin, as Canvas writes it
        either = _sub(var, "or")
        _sub(either, "varequal", num(t.answer), respident="response1")
        both = _sub(either, "and")
        _sub(both, "vargte", num(t.low), respident="response1")
        _sub(both, "varlte", num(t.high), respident="response1")
    else:  # "answer in range"
        _sub(var, "vargte", num(t.low), respident="response1")
        _sub(var, "varlte", num(t.high), respident="response1")
    _sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _matching(lefts: list[tuple[str, str]], rights: list[tuple[str, str]],
              pres: ET.Element, proc: ET.Element) -> None:
    """One ``response_lid`` (``response_1``, ...) per left side offering every right side; each right
    match adds 100/n."""
    share = f"{100 / len(lefts):.2f}"
    for k, (left_html, _) in enumerate(lefts, 1):
        lid = _sub(pres, "response_lid", ident=f"response_{k}")
        _material(lid, left_html)
        rc = _sub(lid, "render_choice")
        for rid, text in rights:
            mat = _sub(_sub(rc, "response_label", ident=rid), "material")
            _sub(mat, "mattext", text)
    for k, (_, right_id) in enumerate(lefts, 1):
        cond = _sub(proc, "respcondition")
        _sub(_sub(cond, "conditionvar"), "varequal", right_id, respident=f"response_{k}")
        _sub(cond, "setvar", share, varname="SCORE", action="Add")


def _short_ok(placed: Placed, rep: Reporter) -> bool:
    q = placed.question
    assert isinstance(q, m.ShortText)  # internal: dispatched by type above
    if q.case_sensitive:
        rep.warn(placed, "Canvas compares short answers without case; the case-sensitive check is lost")
    if q.pattern is not None:
        if not q.accept:
            rep.warn(placed, f"left out: the pattern /{q.pattern}/ is its only answer and Canvas short answers "
                     "cannot hold a regular expression")
            return False
        rep.warn(placed, f"the pattern /{q.pattern}/ cannot be expressed; only the accept list is exported")
    return True


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
