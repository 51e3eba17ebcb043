/* kcourse static quiz, the pure part: text normalisation, number reading, the grader, the variant steps and
 * the page-data key, mirrored from kcourse/textnorm.py, kcourse/grading.py, kcourse/variants.py and
 * kcourse/pagedata.py. No DOM: node loads it through module.exports (tests/frontend/node_harness.js), a page
 * through window.kcourseGraderV1 (static_html.py inlines it before quiz.js, the page part).
 * tests/files/grading-vectors.json holds cases that Python and this file must agree on.
 * What differs per question type lives in one table, TYPES, keyed by type (grade, expand, natural order).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) { module.exports = factory(); return; }
  root.kcourseGraderV1 = root.kcourseGraderV1 || factory();
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  // ---- text ---------------------------------------------------------------------------------------
  // Python's str.isspace() characters (JavaScript's \s differs: it has U+FEFF, lacks U+001C-1F, U+0085).
  const WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const EDGE_WS = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g"), RUN_WS = new RegExp("[" + WS + "]+", "g");
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const isObj = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
  const pyStrip = (s) => s.replace(EDGE_WS, "");
  const cpLen = (s) => s.length <= 1e4 ? [...s].length : Array.from(s).length;
  const ids = (list) => list.map((x) => x.id);
  const same = (a, b) => a.join("\0") === b.join("\0");

  // ---- interface strings (kcourse/core/i18n: the page carries one language's, English filling gaps) ------
  let STR = {};
  /** Installs the page's strings (a <script class="kq-strings"> block, or the test's). */
  const useStrings = (s) => { if (isObj(s)) STR = s; };
  /** i18n.group_digits: the integer part of 5 digits or more in groups of three, split by `sep` ("" = none). */
  const groupDigits = (text, sep) => !sep ? text : text.replace(/^(-?)(\d{5,})(?=\.|$)/, (m, sign, d) => sign + d.replace(/\B(?=(\d{3})+$)/g, sep));
  /** i18n.number: a number with the reader's decimal mark and thousands grouping. */
  const num = (x) => groupDigits(fmtNum(x), STR["meta.group"] || "").replace(".", STR["meta.decimal"] || ".");
  /** i18n.t: string `key`, its plural form chosen by p.n, each {name} filled from p (numbers through num). */
  function tr(key, p) {
    let s = own(STR, key) ? STR[key] : key;
    p = p || {};
    if (isObj(s)) s = p.n === 1 ? s.one : s.other;
    return String(s).replace(/\{([a-z_]+)\}/g, (m, k) => !own(p, k) ? m : typeof p[k] === "number" ? num(p[k]) : String(p[k]));
  }

  /** textnorm.normalise: NFKC, trimmed, whitespace runs to one space, lower case unless case-sensitive. */
  const normalise = (s, cs) => {
    s = pyStrip(s.normalize("NFKC")).replace(RUN_WS, " ");
    return cs ? s : s.toLowerCase();
  };

  // ---- numbers ------------------------------------------------------------------------------------
  const ND = /\p{Nd}/u, ND_ALL = /\p{Nd}/gu;
  /** The ASCII digit of any Unicode decimal digit (they come in runs of 0..9). */
  function digitValue(ch) {
    const cp = ch.codePointAt(0);
    let start = cp;
    while (ND.test(String.fromCodePoint(start - 1))) start--;
    return String((cp - start) % 10);
  }
  // numbers.read_number: a number as a person writes it, or what to write instead (kcourse/numbers.py)
  const SP = "\\u00a0\\u2009\\u202f ", NUM = "[+-]?(?:[0-9][0-9.,'" + SP + "]*|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?";
  const RANGE = new RegExp("^(" + NUM + ")[" + WS + "]*(?:-|–|—|\\.\\.|to)[" + WS + "]*(" + NUM + ")$");
  const UNIT = new RegExp("^([^\\n]*?[0-9]\\.?)[" + WS + "]*([^0-9" + WS + ".,+\\-][^0-9]*)$");
  const PLAIN = /^[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?$|^\.[0-9]+(?:[eE][+-]?[0-9]+)?$/, AMBIGUOUS = /^([1-9][0-9]{0,2})\.([0-9][0-9]0)$/;
  const FORMS = [[PLAIN, (s) => s], [/^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$/, (s) => s.replace(/,/g, "")],
    [/^[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]+)?$|^[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+$/, (s) => s.replace(/\./g, "").replace(",", ".")],
    [new RegExp("^[0-9]{1,3}(?:[" + SP + "][0-9]{3})+(?:[.,][0-9]+)?$"), (s) => s.replace(new RegExp("[" + SP + "]", "g"), "").replace(",", ".")],
    [/^[0-9]*,[0-9]+(?:[eE][+-]?[0-9]+)?$/, (s) => s.replace(",", ".")]];
  function body(s) {
    for (const [re, f] of FORMS) if (re.test(s)) return Number(f(s));
    return null;
  }
  function unitKey(u) {
    u = pyStrip(u).toLowerCase().replace(/\.+$/, "");
    return [...u].length > 2 && u.endsWith("s") ? u.slice(0, -1) : u;
  }
  const sameUnit = (given, unit) => unitKey(given) === unitKey(unit) || (unit.includes(" per ") && unitKey(given) === unitKey(unit.split(" per ")[0]));
  /** {value} or {problem}: see kcourse/numbers.py for the rules. */
  function readNumber(text, unit) {
    let s = pyStrip(text).replace(ND_ALL, digitValue).replace(/\u2212/g, "-");
    if (!s) return { problem: tr("num.first") };
    const m = UNIT.exec(s);
    if (m && !/^[eE][+-]?$/.test(m[2])) {
      const given = pyStrip(m[2]);
      s = pyStrip(m[1]);
      if (!unit || !sameUnit(given, unit))
        return { problem: unit ? tr("num.unit_wrong", { unit, given }) : tr("num.no_unit", { given }) };
    }
    const r = RANGE.exec(s), unsigned = (x) => pyStrip(x).replace(/^[+-]+/, "");
    if (r && body(unsigned(r[1])) !== null && body(unsigned(r[2])) !== null) return { problem: unit ? tr("num.range_unit", { unit }) : tr("num.range") };
    const sign = s[0] === "-" ? -1 : 1, b = "+-".includes(s[0]) ? s.slice(1) : s, a = AMBIGUOUS.exec(b);
    if (a) {
      const whole = a[1] + a[2], frac = (a[1] + "." + a[2].replace(/0+$/, "")).replace(/\.$/, "");
      return { problem: tr("num.ambiguous", { text: s, whole, frac }) };
    }
    const x = body(b);
    if (x === null) return { problem: tr("num.not_number") };
    if (!isFinite(x)) return { problem: tr("num.too_large") };
    return { value: sign * x };
  }
  /** grading.to_number: a finite number from a number, or from text (readNumber without a unit). */
  function toNumber(r) {
    if (typeof r === "number") return isFinite(r) ? r : null;
    if (typeof r === "string" && cpLen(r) < 100) { const x = readNumber(r, "").value; return x === undefined ? null : x; }
    return null;
  }
  /** Python's round(x, nd): half-even rounding of the exact binary value (BigInt arithmetic). */
  function pyRound(x, nd) {
    if (!isFinite(x) || x === 0) return x;
    // x already has at most nd decimals: x itself, without the exact BigInt path (slow on its first calls: it
    // delayed a page's first quiz by ~10 ms). Exact: |x| < 2^20 makes half an ulp far smaller than 10^-nd/2.
    if (nd >= 0 && nd < 10 && Math.abs(x) < 1e6 && +x.toFixed(nd) === x) return x;
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, Math.abs(x));
    const hi = dv.getUint32(0);
    let exp = hi >>> 20, mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(dv.getUint32(4));
    if (exp) mant |= 1n << 52n; else exp = 1;
    const e2 = exp - 1075;
    let num = mant * 10n ** BigInt(nd), den = 1n;
    if (e2 >= 0) num <<= BigInt(e2); else den <<= BigInt(-e2);
    let q = num / den;
    const r2 = 2n * (num - q * den);
    if (r2 > den || (r2 === den && (q & 1n))) q += 1n;
    const s = q.toString().padStart(nd + 1, "0"), v = Number(s.slice(0, s.length - nd) + "." + s.slice(s.length - nd));
    return x < 0 ? -v : v;
  }
  /** Python's repr(float). */
  function pyRepr(x) {
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential());
    const sign = m[1], digits = m[2] + (m[3] || ""), e = +m[4];
    if (e < -4 || e >= 16) {
      return sign + digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "") + "e" + (e < 0 ? "-" : "+") +
        String(Math.abs(e)).padStart(2, "0");
    }
    if (e < 0) return sign + "0." + "0".repeat(-e - 1) + digits;
    return sign + digits.slice(0, e + 1).padEnd(e + 1, "0") + "." + (digits.slice(e + 1) || "0");
  }
  const fmtNum = (x) => Number.isInteger(x) && Math.abs(x) < 1e15 ? String(x) : pyRepr(x);

  // ---- grading (kcourse/grading.py) -----------------------------------------------------------------
  const isBlank = (r) => r === null || r === undefined || ((typeof r === "string" || Array.isArray(r)) && !r.length) ||
    (isObj(r) && !Object.keys(r).length);
  function result(q, fraction, feedback, unanswered) {
    fraction = Math.min(1, Math.max(0, fraction));
    return {
      score: pyRound(q.points * fraction, 6), max_score: q.points,
      status: unanswered ? "unanswered" : fraction >= 1 ? "correct" : fraction > 0 ? "partial" : "incorrect",
      feedback: (feedback || []).filter((f) => f.html || f.text), explanation_html: q.explanation_html || ""
    };
  }
  const malformed = (q, key, p) => result(q, 0, [{ text: tr("grade.malformed", { expected: tr(key, p) }) }]);
  const isStr = (x) => typeof x === "string";
  /** Text matching (``text`` questions): an accepted answer, or the author's pattern (saferegex.js, time linear in
   * the answer; the page carries it before this file, node tests load it first). */
  function textMatches(q, given) {
    if (q.accept.some((a) => normalise(a, q.case_sensitive) === given)) return true;
    if (q.pattern == null) return false;
    try { return globalThis.kcourseSafeRegexV1.fullmatch(q.pattern, given, !q.case_sensitive); } catch (e) { return false; }
  }

  // ---- one row per question type: grade(q, r) on a non-blank response; expand(f, p, k) fills the grading
  // form from the public part p and the unpacked key k; natural(q): the ids a variant shuffles; shuffle: how
  // (the type's Shuffle in kcourse/qtypes, by value: never, options, always, not_natural); practice (the type's
  // marks and ready in kcourse/qtypes): marks(q, r) part by part right or wrong, ready(q, r) on a non-blank
  // response what to fix before it counts as a try (null: nothing).
  const optionIds = (q) => ids(q.options), noMarks = () => ({}), alwaysReady = () => null;
  const TYPES = {
    single: {
      grade(q, r) {
        const o = q.options.find((x) => x.id === r);
        if (!isStr(r) || !o) return malformed(q, "grade.expect_one", { ids: ids(q.options).join(", ") });
        return result(q, o.correct ? 1 : 0, [{ html: o.feedback_html }]);
      },
      expand: expandChoice, natural: optionIds, shuffle: "options", marks: noMarks, ready: alwaysReady
    },
    multiple: {
      grade(q, r) {
        const known = new Set(ids(q.options));
        if (!Array.isArray(r) || !r.every((x) => isStr(x) && known.has(x)) || new Set(r).size !== r.length)
          return malformed(q, "grade.expect_list", { ids: ids(q.options).join(", ") });
        const chosen = new Set(r), fb = [];
        let right = 0, wrong = 0, nright = 0;
        for (const o of q.options) {
          if (o.correct) nright++;
          if (chosen.has(o.id)) { if (o.correct) right++; else wrong++; fb.push({ html: o.feedback_html }); }
        }
        const missed = nright - right;
        if (missed) fb.push({ text: tr("grade.missed", { n: missed }) });
        return result(q, (right - wrong) / nright, fb);
      },
      expand: expandChoice, natural: optionIds, shuffle: "options",
      marks(q, r) {
        const out = {};
        if (!Array.isArray(r)) return out;
        const by = new Map(q.options.map((o) => [o.id, o]));
        for (const x of r) if (isStr(x) && by.has(x) && !own(out, x)) out[x] = by.get(x).correct;
        return out;
      },
      ready: alwaysReady
    },
    true_false: {
      grade(q, r) {
        if (typeof r !== "boolean") return malformed(q, "grade.expect_bool");
        return result(q, r === q.answer ? 1 : 0, [{ html: r ? q.feedback_true_html : q.feedback_false_html }]);
      },
      expand: (f, p, k) => Object.assign(f, k),  // the key holds exactly the grading fields
      natural: () => [], shuffle: "never", marks: noMarks, ready: alwaysReady
    },
    numeric: {
      grade(q, r) {
        let x;
        if (isStr(r) && cpLen(r) < 100) {
          const rd = readNumber(r, q.unit || "");
          if (rd.problem) return result(q, 0, [{ text: rd.problem }], true);  // not an answer yet: costs no try
          x = rd.value;
        } else x = toNumber(r);
        if (x === null) return malformed(q, "grade.expect_number");
        if ((q.low_inclusive ? x >= q.low : x > q.low) && (q.high_inclusive ? x <= q.high : x < q.high)) return result(q, 1);
        return result(q, 0, [{ text: tr(x >= q.high ? "grade.too_high" : "grade.too_low", { x }) }]);
      },
      expand(f, p, k) { const { answer_text, ...rest } = k; Object.assign(f, rest, { unit: p.unit, answer_text }); },
      natural: () => [], shuffle: "never", marks: noMarks, ready: alwaysReady
    },
    text: {
      grade(q, r) {
        if (!isStr(r) || cpLen(r) > 10000) return malformed(q, "grade.expect_text");
        const given = normalise(r, q.case_sensitive);
        if (!given) return result(q, 0, [], true);
        return result(q, textMatches(q, given) ? 1 : 0);
      },
      expand: (f, p, k) => Object.assign(f, k),
      natural: () => [], shuffle: "never", marks: noMarks, ready: alwaysReady
    },
    ordering: {
      grade(q, r) {
        const want = ids(q.items), sorted = want.slice().sort();
        if (!Array.isArray(r) || !r.every(isStr) || !same(r.slice().sort(), sorted))
          return malformed(q, "grade.expect_items", { ids: sorted.join(", ") });
        const pos = new Map(r.map((id, k) => [id, k])), n = want.length;
        let good = 0;
        for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (pos.get(want[a]) < pos.get(want[b])) good++;
        const pairs = n * (n - 1) / 2;
        return result(q, good / pairs, good < pairs ? [{ text: tr("grade.order_pairs", { good, pairs }) }] : []);
      },
      expand(f, p, k) {
        const html = new Map(p.items.map((i) => [i.id, i.html]));
        f.items = (k.order || ids(p.items)).map((id) => ({ id, html: html.get(id) }));
      },
      natural: (q) => ids(q.items), shuffle: "not_natural",
      marks(q, r) {
        const right = ids(q.items), out = {};
        if (!Array.isArray(r) || !same(r.map(String).sort(), right.slice().sort())) return out;
        r.forEach((x, k) => { out[x] = right[k] === x; });
        return out;
      },
      ready: alwaysReady
    },
    matching: {
      grade(q, r) {
        const lefts = new Set(ids(q.pairs)), rights = new Set(ids(q.rights));
        if (!isObj(r) || !Object.keys(r).every((k) => lefts.has(k) && isStr(r[k]) && rights.has(r[k])))
          return malformed(q, "grade.expect_map", { ids: [...lefts].sort().join(", ") });
        return result(q, Object.keys(r).filter((k) => r[k] === q.answer[k]).length / q.pairs.length);
      },
      expand(f, p, k) {
        f.pairs = p.pairs;  // `ref`: the right-hand choice's index in the page data, used as the <option> value
        f.rights = (k.natural || p.rights.map((_, i) => i)).map((i) => ({ id: p.rights[i].id, text: p.rights[i].text, ref: i }));
        f.answer = k.answer || {};  // practice only: pair id -> choice id
      },
      natural: (q) => ids(q.rights), shuffle: "always",
      marks(q, r) {
        const out = {};
        if (isObj(r)) for (const p of q.pairs) if (own(r, p.id)) out[p.id] = r[p.id] === q.answer[p.id];
        return out;
      },
      ready(q, r) {
        if (!isObj(r)) return null;
        const left = q.pairs.filter((p) => isBlank(own(r, p.id) ? r[p.id] : null)).length;
        if (left) return tr("practice.rows_left", { n: left, choose: tr("quiz.choose") });
        if (new Set(Object.values(q.answer)).size === q.pairs.length) {  // each answer fits one row
          const seen = new Map();
          for (let k = 0; k < q.pairs.length; k++) {
            const v = r[q.pairs[k].id];
            if (isStr(v) && seen.has(v)) return tr("practice.same_answer", { a: seen.get(v), b: k + 1 });
            if (isStr(v)) seen.set(v, k + 1);
          }
        }
        return null;
      }
    }
  };
  function expandChoice(f, p, k) {
    const cor = new Set(k.correct || []), fb = k.feedback || {};
    f.options = p.options.map((o) => ({ id: o.id, html: o.html, correct: cor.has(o.id), feedback_html: own(fb, o.id) ? fb[o.id] : "" }));
  }
  /** grading.grade: one response to one question in grading form (kcourse.pagedata.grading_form). */
  const grade = (q, r) => isBlank(r) ? result(q, 0, [], true) : TYPES[q.type].grade(q, r);
  /** grading.grade_responses: the results, total, maximum, percentage and pass of questions ``qs``. */
  function gradeAll(qs, responses, passMark) {
    const results = qs.map((q) => grade(q, own(responses, q.id) ? responses[q.id] : null));
    const total = pyRound(results.reduce((s, x) => s + x.score, 0), 6);
    const max = pyRound(results.reduce((s, x) => s + x.max_score, 0), 6);
    const pct = max ? pyRound(100 * total / max, 2) : 0;
    return { results, total, max_score: max, percentage: pct, passed: pct >= passMark };
  }

  // ---- practice rules (kcourse/practice.py): what a try costs, what it shows, the one score ------------
  const DEFAULT_TRIES = 2, answerFirst = () => tr("practice.answer_first");
  /** What to fix before ``r`` counts as a try; null when it can be checked. */
  function readyProblem(q, r) {
    if (isBlank(r)) return answerFirst();
    const problem = TYPES[q.type].ready(q, r);
    if (problem !== null) return problem;
    const res = grade(q, r);
    if (res.status === "unanswered") return res.feedback.length ? res.feedback[0].text : answerFirst();
    return null;
  }
  /** Part by part, right (true) or wrong: chosen options, ordering items in place, matching rows (the row's marks). */
  const marks = (q, r) => TYPES[q.type].marks(q, r);
  const answerShown = (status, tries, n, asked) => asked || status === "correct" || tries >= n;
  /** The one score of a practice quiz from the last and first results by question id. */
  function scoreOf(results, first, qids, maxTotal) {
    const sum = (m) => pyRound(qids.reduce((t, id) => t + (own(m, id) ? m[id].score : 0), 0), 6), max = pyRound(maxTotal, 6);
    const total = sum(results);
    return { total, first_total: sum(first), max_score: max, checked: qids.filter((id) => own(results, id)).length,
      count: qids.length, percentage: max ? pyRound(100 * total / max, 2) : 0 };
  }
  /** A score as people read it: 2 decimals at most, the reader's decimal mark (i18n.shown). */
  const shown = (x) => num(pyRound(x, 2));
  const points = (x) => tr("practice.points", { n: pyRound(x, 2) });
  const scoreLine = (s) => tr("practice.score_line", { total: pyRound(s.total, 2), points: points(s.max_score), pct: pyRound(s.percentage, 2),
    first: pyRound(s.first_total, 2), checked: s.checked, count: s.count });

  // ---- variants (kcourse/variants.py) ---------------------------------------------------------------
  function fnv1a32(s) {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h;
  }
  const seedFor = (quizId, studentId) => fnv1a32(quizId + "\n" + studentId);
  function Mulberry32(seed) { this.state = seed >>> 0; }
  Mulberry32.prototype.nextU32 = function () {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  Mulberry32.prototype.below = function (n) { return Math.floor(this.nextU32() * n / 4294967296); };
  /** Fisher-Yates from the end: for i = n-1 .. 1, swap i with rng.below(i + 1). */
  function shuffled(items, rng) {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) { const j = rng.below(i + 1); [out[i], out[j]] = [out[j], out[i]]; }
    return out;
  }
  const naturalOrder = (q) => TYPES[q.type].natural(q);
  /** variants.make_variant from the page's variant_rules and the grading forms by question id. */
  function makeVariant(rules, forms, seed) {
    const rng = new Mulberry32(seed), orders = {};
    let qids = rules.fixed.slice();
    for (const pool of rules.pools) {
      const drawn = new Set(shuffled(pool.questions, rng).slice(0, pool.draw));
      qids.push(...pool.questions.filter((id) => drawn.has(id)));
    }
    if (rules.shuffle_questions) qids = shuffled(qids, rng);
    for (const id of qids) {
      const q = forms[id], nat = naturalOrder(q);
      if (!nat.length) continue;
      const how = TYPES[q.type].shuffle;
      if (how === "never" || (how === "options" && !rules.shuffle_options)) { orders[id] = nat; continue; }
      let o = shuffled(nat, rng);
      if (how === "not_natural" && same(o, nat)) o = o.slice(1).concat(o.slice(0, 1));
      orders[id] = o;
    }
    return { seed, question_ids: qids, orders };
  }

  // ---- page data (kcourse/pagedata.py) --------------------------------------------------------------
  function unpack(quizId, qid, packed) {
    const bin = atob(packed), rng = new Mulberry32(fnv1a32("kcourse-key\n" + quizId + "\n" + qid));
    const bytes = new Uint8Array(bin.length);
    let w = 0;
    for (let i = 0; i < bin.length; i++) {
      if (i % 4 === 0) w = rng.nextU32();
      bytes[i] = bin.charCodeAt(i) ^ ((w >>> (8 * (i % 4))) & 255);
    }
    return JSON.parse(new TextDecoder("utf-8").decode(bytes));
  }
  /** A question of the page data, with its unpacked key if it has one, in grading form. */
  function expand(quizId, p) {
    const k = p.key ? unpack(quizId, p.id, p.key) : {};
    const f = { id: p.id, type: p.type, points: p.points, explanation_html: k.explanation_html || "" };
    TYPES[p.type].expand(f, p, k);
    return f;
  }

  return { useStrings, tr, num, groupDigits, TYPES, DEFAULT_TRIES, readyProblem, marks, answerShown, scoreOf, shown, points, scoreLine, normalise, readNumber, toNumber, pyRound, pyRepr, fmtNum, isBlank, isObj, own, ids, same,
    grade, gradeAll, fnv1a32, seedFor, Mulberry32, shuffled, naturalOrder, makeVariant, unpack, expand };
});
