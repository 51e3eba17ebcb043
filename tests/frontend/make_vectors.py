"""Build ``tests/files/grading-vectors.json``: cases the Python core and ``quiz.js`` must agree on.

The file is a golden record: the Python tests check the current core against it, the node and browser
tests check ``quiz.js`` against it. Regenerate only on purpose, after a deliberate change of the rules:

    python tests/frontend/make_vectors.py --write
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "tests" / "files" / "grading-vectors.json"
QUIZZES = ["tests/files/frontend/vectors-all-types.yml", "tests/files/frontend/grading-edge-cases.yml",
           "tests/files/frontend/variants-shuffled-pools.yml", "tests/files/frontend/unsafe-markup.yml"]

if str(ROOT) not in sys.path:  # pragma: no cover - run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from kcourse import qtypes as qt  # noqa: E402
from kcourse.core import model as m  # noqa: E402
from kcourse.core.grading import QuestionResult, correct_response, grade  # noqa: E402
from kcourse.core.loader import load_quiz  # noqa: E402
from kcourse.core.textnorm import normalise  # noqa: E402
from kcourse.core.variants import Mulberry32, make_variant, seed_for  # noqa: E402
from kcourse.views.markdown import render_block  # noqa: E402
from kcourse.views.pagedata import grading_form, page_data  # noqa: E402

GENERIC = [None, "", [], {}, 0, 1, 2.5, True, False, "zz", ["zz"], {"zz": "a"}, [1, 2], {"a": 1}]
SEEDS = [0, 1, 2, 3, 42, 1234567, 2**31 - 1, 2**31, 2**32 - 1]


def authored(q: m.Question) -> set[str]:
    """Feedback texts written by the quiz author (Markdown); everything else the grader wrote (plain text)."""
    if isinstance(q, (qt.SingleChoice, qt.MultipleSelect)):
        return {o.feedback for o in q.options if o.feedback}
    if isinstance(q, qt.TrueFalse):
        return {f for f in (q.feedback_true, q.feedback_false) if f}
    return set()


def expected(q: m.Question, r: QuestionResult) -> dict[str, Any]:
    """A Python result in the shape the browser grader returns (feedback as HTML or as text)."""
    mine = authored(q)
    return {"score": r.score, "max_score": r.max_score, "status": r.status.value,
            "feedback": [{"html": render_block(f)} if f in mine else {"text": f} for f in r.feedback]}


def responses(q: m.Question) -> list[Any]:
    """Right, wrong, partial and malformed responses for one question."""
    out: list[Any] = [correct_response(q)]
    if isinstance(q, qt.SingleChoice):
        out += [o.id for o in q.options] + [[q.correct_id], q.correct_id.upper() + "x"]
    elif isinstance(q, qt.MultipleSelect):
        ids = [o.id for o in q.options]
        right = [o.id for o in q.options if o.correct]
        wrong = [o.id for o in q.options if not o.correct]
        out += [ids, [ids[0]], [ids[-1]], right[:-1], right[:-1] + wrong[:1], right + wrong[:1], wrong,
                [right[0], right[0]], right[0], [None], list(reversed(right))]
    elif isinstance(q, qt.TrueFalse):
        out += [True, False, "true", "false", 1, 0]
    elif isinstance(q, qt.Numeric):
        a = q.accepted
        for x in (a.low, a.high):
            out += [x, math.nextafter(x, -math.inf), math.nextafter(x, math.inf)]
        out += [(a.low + a.high) / 2, -(a.high + 1), a.high * 3 + 1, 0, -0.0, 0.1, 1.5e-7, 1e16, 1.2345678901234568e20,
                f" {a.low} ", f"{a.high}\n", "1_000", "1e3", "1E+03", ".5", "5.", "+7", "-0", "0x10", "inf",
                "-Infinity", "nan", "1e400", "12 000", "١٢", "１２", "\u2003 9 \u3000", "\x1c9\x1f", "\ufeff9",
                "9\u00a0", "9e", "e9", ".", "--1", "9" * 99, "9" * 100, "one", [9], {"x": 9},
                "300,000", "13,500", "7,5", "7,50", "1.234.567", "1.234,5", "1,234.5", "12\u202f000", "13.500",
                "1.000", "2.125", "0.500", "5-6", "5 – 6", "-5--6", "5 to 6", "1,2,3", "−7", "13500 " + (q.unit or "x"),
                "13500" + (q.unit or "x").upper(), "9 parsecs", "9\n0 s", "1e-3"]
    elif isinstance(q, qt.ShortText):
        for acc in q.accept:
            out += [acc, acc.upper(), f"  {acc}  ", acc.replace("_", " "), "\u3000" + acc + "\x1c", "\ufeff" + acc,
                    acc + "\n\t" + acc, acc + "x"]
        out += ["wrong", "   ", "\x85", "6.1", "6.1.3", "v1", "vabcd", "V12", "x y", "ax y", "6.", "٦.١", "PID", "pid",
                "STRASSE", "Strasse", "straße", "ＳＴＲＡＳＳＥ", "ABC", "Abc", "A", "io-uring", "IO URING",
                "io__uring",
                "a" * 10_001 if q.id == "async-io" else "a" * 20, 5, ["io_uring"]]
        if q.id == "regex-hostile":  # pathological for backtracking engines; the 1,000-character bound
            out += ["a" * 40, "a" * 40 + "b", "x" * 40, "x" * 40 + "y", "ab " * 30, "ab " * 30 + "!", "a" * 999 + "b",
                    "a" * 1000 + "b", "é" * 999 + "b", "abc-xy.aé", "abc-x y]aé", "ab_-1yza\u00e9", "$", "ababacc",
                    "abac", "ccc", "ſ", "K", "İ", "ǅ"]
    elif isinstance(q, qt.Ordering):
        ids = [i.id for i in q.items]
        out += [list(reversed(ids)), ids[1:] + ids[:1], ids[-1:] + ids[:-1], [ids[1], ids[0]] + ids[2:],
                ids[:-1], ids + ids[:1], ids[:-1] + ids[:1], [*ids[:-1], "zz"], " ".join(ids), [1] * len(ids)]
    elif isinstance(q, qt.Matching):
        pids = [p.id for p in q.pairs]
        cids = [q.answer_of[p] for p in pids]  # each pair's right-hand choice id
        rights = [c.id for c in q.right_choices]
        rot = cids[1:] + cids[:1]
        out += [{p: r for p, r in zip(pids, rot)}, {pids[0]: cids[0]}, {pids[0]: rights[-1]},
                {p: cids[0] for p in pids}, {pids[0]: cids[0], pids[1]: cids[0]}, {"zz": cids[0]},
                {pids[0]: 1}, {pids[0]: None}, [[p, p] for p in pids], dict(zip(pids, rights[len(pids):] * 9)),
                {p: p for p in pids}]  # pair ids are not choice ids: malformed
    out += GENERIC
    unique: list[Any] = []
    for r in out:
        key = json.dumps(r, sort_keys=True, ensure_ascii=True)
        if not any(json.dumps(u, sort_keys=True, ensure_ascii=True) == key for u in unique):
            unique.append(r)
    return unique


def build_vectors() -> dict[str, Any]:
    quizzes = {path: load_quiz(ROOT / path) for path in QUIZZES}
    grading = [{"quiz": path, "question": grading_form(q),
                "cases": [{"response": r, "expected": expected(q, grade(q, r))} for r in responses(q)]}
               for path, quiz in quizzes.items() for q in quiz.all_questions]
    variants = []
    for path, quiz in quizzes.items():
        seeds = SEEDS + [seed_for(quiz.id, s) for s in ("s1", "Zoë", "学生")]
        variants.append({"quiz": path, "page": page_data(quiz, mode="practice"),
                         "grading_forms": {q.id: grading_form(q) for q in quiz.all_questions},
                         "cases": [{"seed": s, "question_ids": list(v.question_ids),
                                    "orders": {k: list(o) for k, o in v.orders.items()}}
                                   for s in seeds for v in [make_variant(quiz, s)]]})
    texts = ["", " a ", "A\u00a0\u00a0B", "ﬁ", "Ⅻ", "\x1c\x1dx\x1e\x1f", "\ufeffx", "x\u0085y", "ΑΣ ΟΔΟΣ", "İ",
             "Straße", "ＡＢＣ　ｄｅｆ", "e\u0301", "\u2028x\u2029", "\t\n\r\x0b\x0cx"]
    mul = []
    for s in SEEDS:
        rng = Mulberry32(s)
        mul.append({"seed": s, "u32": [rng.next_u32() for _ in range(5)],
                    "below": [Mulberry32(s).below(n) for n in (1, 2, 7, 1000, 2**20)]})
    floats = [0.0078125, 0.5, 2.5, 1 / 3, 2 / 3, 0.1 + 0.2, 1e-7, 123456.7890125, 2.675, 1e22, 5e-324, 1.0000005,
              0.0000005, 0.0000015, 7 / 128, 99.995, 1234.5]
    from kcourse.core import practice

    practice_cases = [{"quiz": path, "question": q.id,
                       "cases": [{"response": r, "ready": practice.ready_problem(q, r), "marks": practice.marks(q, r)}
                                 for r in responses(q)]}
                      for path, quiz in quizzes.items() for q in quiz.all_questions]
    results = {"a": {"score": 1.0}, "b": {"score": 0.333333}, "c": {"score": 2.5}}
    scores = []
    for ids_, first, max_total in ((["a", "b", "c"], {"a": {"score": 0.0}, "b": {"score": 0.333333}}, 11.0),
                                   (["a", "d"], {}, 3.0), ([], {}, 0.0), (["b", "b2"], {"b": {"score": 0.1}}, 0.7)):
        sc = practice.score(results, first, ids_, max_total)
        scores.append({"results": results, "first": first, "ids": ids_, "max_total": max_total,
                       "expected": {"total": sc.total, "first_total": sc.first_total, "max_score": sc.max_score,
                                    "checked": sc.checked, "count": sc.count, "percentage": sc.percentage},
                       "line": sc.line()})
    return {
        "about": "Generated by tests/frontend/make_vectors.py; Python (kcourse) and grader.js must agree on every case.",
        "seed_for": [{"quiz_id": qid, "student_id": sid, "seed": seed_for(qid, sid)}
                     for qid in ("valid-all-types", "ch02-growing-up") for sid in ("", "s1", "Zoë", "学生", "a\nb")],
        "mulberry32": mul,
        "normalise": [{"text": t, "case_sensitive": cs, "expected": normalise(t, case_sensitive=cs)}
                      for t in texts for cs in (False, True)],
        "round": [{"x": x, "nd": nd, "expected": round(x, nd)} for x in floats for nd in (2, 6)],
        "repr": [{"x": x, "expected": repr(x)}
                 for x in floats + [1e16, 1e15, 1.5e-5, 0.0001, 123456789012345678.0, -2.5e-300]],
        "grading": grading,
        "variants": variants,
        "practice": practice_cases,
        "scores": scores,
    }


def render(vectors: dict[str, Any]) -> str:
    """JSON with one case per line (readable diffs, a third of the size of indented JSON)."""
    def dump(x: Any) -> str:
        return json.dumps(x, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    parts = []
    for key, value in vectors.items():
        if isinstance(value, list):
            body = ",\n".join("  " + dump(v) for v in value)
            parts.append(f"{dump(key)}: [\n{body}\n ]")
        else:
            parts.append(f"{dump(key)}: {dump(value)}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)} (default: only compare)")
    args = ap.parse_args(argv)
    text = render(build_vectors())
    if args.write:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} ({len(text):,} characters)")
        return 0
    same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
    print(f"{OUT.relative_to(ROOT)} is {'up to date' if same else 'out of date: run with --write'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
