/* kcourse static quiz: the browser side of kcourse/frontend/static_html.py.
 *
 * Pure part (loadable in node through module.exports): text normalisation, the grader and the variant
 * steps, mirrored from kcourse/textnorm.py, kcourse/grading.py and kcourse/variants.py.
 * tests/files/grading-vectors.json holds cases that both must agree on.
 * Page part: builds each quiz from its <script type="application/json" class="kq-data"> block.
 * HTML comes only from that data (rendered and escaped by kcourse/markdown.py); anything a learner
 * types is handled as text (value / textContent), never as HTML.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) { module.exports = factory(); return; }
  const api = root.kcourseQuizV1 || (root.kcourseQuizV1 = factory());
  api.mountAll(root.document);
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

  /** textnorm.normalise: NFKC, trimmed, whitespace runs to one space, lower case unless case-sensitive. */
  const normalise = (s, cs) => {
    s = pyStrip(s.normalize("NFKC")).replace(RUN_WS, " ");
    return cs ? s : s.toLowerCase();
  };

  // ---- numbers ------------------------------------------------------------------------------------
  const ND = /\p{Nd}/u, ND_ALL = /\p{Nd}/gu, FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  /** The ASCII digit of any Unicode decimal digit (they come in runs of 0..9), as Python's float() reads it. */
  function digitValue(ch) {
    const cp = ch.codePointAt(0);
    let start = cp;
    while (ND.test(String.fromCodePoint(start - 1))) start--;
    return String((cp - start) % 10);
  }
  /** grading.to_number: a finite number from a number, or from text read as Python's float() reads it. */
  function toNumber(r) {
    let x;
    if (typeof r === "number") x = r;
    else if (typeof r === "string" && cpLen(r) < 100) {
      const s = pyStrip(r).replace(ND_ALL, digitValue);
      if (!FLOAT.test(s)) return null;
      x = Number(s);
    } else return null;
    return isFinite(x) ? x : null;
  }
  /** Python's round(x, nd): half-even rounding of the exact binary value (BigInt arithmetic). */
  function pyRound(x, nd) {
    if (!isFinite(x) || x === 0) return x;
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

  // ---- Python regular expressions in JavaScript ------------------------------------------------
  const W = "\\p{L}\\p{N}_", CLASS_ESC = { d: "\\p{Nd}", w: W, s: WS };
  /** A RegExp that matches like re.fullmatch(p, s, IGNORECASE unless case-sensitive): Unicode \d \w \s \b. */
  function pyRegex(p, cs) {
    let out = "", inClass = false, i = 0;
    while (i < p.length) {
      const c = p[i++];
      if (c === "\\" && i < p.length) {
        const n = p[i++], lower = n.toLowerCase();
        if (own(CLASS_ESC, n)) out += inClass ? CLASS_ESC[n] : "[" + CLASS_ESC[n] + "]";
        else if (!inClass && own(CLASS_ESC, lower)) out += "[^" + CLASS_ESC[lower] + "]";
        else if (!inClass && lower === "b") {
          const a = "(?<=[" + W + "])", na = "(?<![" + W + "])", b = "(?=[" + W + "])", nb = "(?![" + W + "])";
          out += n === "b" ? "(?:" + a + nb + "|" + na + b + ")" : "(?:" + a + b + "|" + na + nb + ")";
        } else if (n === "U" && /^[0-9a-fA-F]{8}/.test(p.slice(i))) { out += "\\u{" + p.slice(i, i + 8) + "}"; i += 8; }
        else if (/[A-Za-z0-9]/.test(n)) out += "\\" + n;
        else { const cp = p.codePointAt(i - 1); out += "\\u{" + cp.toString(16) + "}"; if (cp > 0xffff) i++; }
      } else if (inClass) {
        if (c === "]") inClass = false;
        out += c;
      } else if (c === "[") {
        inClass = true; out += c;
        if (p[i] === "^") { out += "^"; i++; }
        if (p[i] === "]") { out += "\\]"; i++; }
      } else if (c === "{") {  // Python reads {,n} as a quantifier and any other stray brace as a literal
        const m = /^(\d*)(,(\d*))?\}/.exec(p.slice(i));
        if (m && (m[1] || m[2]) && out) { out += "{" + (m[1] || "0") + (m[2] || "") + "}"; i += m[0].length; }
        else out += "\\{";
      } else if (c === "}" || c === "]") out += "\\" + c;
      else out += c;
    }
    return new RegExp("^(?:" + out + ")$", cs ? "u" : "iu");
  }

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
  const malformed = (q, expected) => result(q, 0, [{ text: "This answer could not be read: expected " + expected + "." }]);
  const isStr = (x) => typeof x === "string";

  const GRADERS = {
    single(q, r) {
      const o = q.options.find((x) => x.id === r);
      if (!isStr(r) || !o) return malformed(q, "one option id of " + ids(q.options).join(", "));
      return result(q, o.correct ? 1 : 0, [{ html: o.feedback_html }]);
    },
    multiple(q, r) {
      const known = new Set(ids(q.options));
      if (!Array.isArray(r) || !r.every((x) => isStr(x) && known.has(x)) || new Set(r).size !== r.length)
        return malformed(q, "a list of different option ids from " + ids(q.options).join(", "));
      const chosen = new Set(r), fb = [];
      let right = 0, wrong = 0, nright = 0;
      for (const o of q.options) {
        if (o.correct) nright++;
        if (chosen.has(o.id)) { if (o.correct) right++; else wrong++; fb.push({ html: o.feedback_html }); }
      }
      const missed = nright - right;
      if (missed) fb.push({ text: "You missed " + missed + " right option" + (missed > 1 ? "s" : "") + "." });
      return result(q, (right - wrong) / nright, fb);
    },
    true_false(q, r) {
      if (typeof r !== "boolean") return malformed(q, "true or false");
      return result(q, r === q.answer ? 1 : 0, [{ html: r ? q.feedback_true_html : q.feedback_false_html }]);
    },
    numeric(q, r) {
      const x = toNumber(r);
      if (x === null) return malformed(q, "a number such as 13500 or 2.5");
      if ((q.low_inclusive ? x >= q.low : x > q.low) && (q.high_inclusive ? x <= q.high : x < q.high)) return result(q, 1);
      return result(q, 0, [{ text: fmtNum(x) + " is " + (x >= q.high ? "too high" : "too low") + "." }]);
    },
    text(q, r) {
      if (!isStr(r) || cpLen(r) > 10000) return malformed(q, "text");
      const given = normalise(r, q.case_sensitive);
      if (!given) return result(q, 0, [], true);
      let ok = q.accept.some((a) => normalise(a, q.case_sensitive) === given);
      if (!ok && q.pattern != null) {  // kcourse/frontend/static/saferegex.js (time linear in the answer)
        try { ok = globalThis.kcourseSafeRegexV1.fullmatch(q.pattern, given, !q.case_sensitive); } catch (e) { ok = false; }
      }
      return result(q, ok ? 1 : 0);
    },
    ordering(q, r) {
      const want = ids(q.items), sorted = want.slice().sort();
      if (!Array.isArray(r) || !r.every(isStr) || !same(r.slice().sort(), sorted))
        return malformed(q, "every item id exactly once: " + sorted.join(", "));
      const pos = new Map(r.map((id, k) => [id, k])), n = want.length;
      let good = 0;
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (pos.get(want[a]) < pos.get(want[b])) good++;
      return result(q, good / (n * (n - 1) / 2));
    },
    matching(q, r) {
      const lefts = new Set(ids(q.pairs)), rights = new Set(ids(q.rights));
      if (!isObj(r) || !Object.keys(r).every((k) => lefts.has(k) && isStr(r[k]) && rights.has(r[k])))
        return malformed(q, "a mapping from pair ids (" + [...lefts].sort().join(", ") + ") to right-hand choice ids");
      return result(q, Object.keys(r).filter((k) => r[k] === q.answer[k]).length / q.pairs.length);
    }
  };
  /** grading.grade: one response to one question in grading form (kcourse.pagedata.grading_form). */
  const grade = (q, r) => isBlank(r) ? result(q, 0, [], true) : GRADERS[q.type](q, r);
  /** grading.grade_responses: the results, total, maximum, percentage and pass of questions ``qs``. */
  function gradeAll(qs, responses, passMark) {
    const results = qs.map((q) => grade(q, own(responses, q.id) ? responses[q.id] : null));
    const total = pyRound(results.reduce((s, x) => s + x.score, 0), 6);
    const max = pyRound(results.reduce((s, x) => s + x.max_score, 0), 6);
    const pct = max ? pyRound(100 * total / max, 2) : 0;
    return { results, total, max_score: max, percentage: pct, passed: pct >= passMark };
  }

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
  const isChoice = (q) => q.type === "single" || q.type === "multiple";
  const naturalOrder = (q) => ids(isChoice(q) ? q.options : q.type === "ordering" ? q.items : q.type === "matching" ? q.rights : []);
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
      if (isChoice(q) && !rules.shuffle_options) { orders[id] = nat; continue; }
      let o = shuffled(nat, rng);
      if (q.type === "ordering" && same(o, nat)) o = o.slice(1).concat(o.slice(0, 1));
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
    if (isChoice(p)) {
      const cor = new Set(k.correct || []), fb = k.feedback || {};
      f.options = p.options.map((o) => ({ id: o.id, html: o.html, correct: cor.has(o.id), feedback_html: own(fb, o.id) ? fb[o.id] : "" }));
    } else if (p.type === "true_false" || p.type === "text") {
      Object.assign(f, k);  // the key holds exactly the grading fields
    } else if (p.type === "numeric") {
      Object.assign(f, k, { unit: p.unit });
    } else if (p.type === "ordering") {
      const html = new Map(p.items.map((i) => [i.id, i.html]));
      f.items = (k.order || ids(p.items)).map((id) => ({ id, html: html.get(id) }));
    } else if (p.type === "matching") {
      f.pairs = p.pairs;  // `ref`: the right-hand choice's index in the page data, used as the <option> value
      f.rights = (k.natural || p.rights.map((_, i) => i)).map((i) => ({ id: p.rights[i].id, text: p.rights[i].text, ref: i }));
      f.answer = k.answer || {};  // practice only: pair id -> choice id
    }
    return f;
  }

  // ---- the page -------------------------------------------------------------------------------------
  let counter = 0;
  /** An element; `text` is set as text, `html` only ever gets HTML made by kcourse/markdown.py. */
  function h(tag, attrs, kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = v;
      else if (k === "html") e.innerHTML = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k === "cls" ? "class" : k, v === true ? "" : v);
    }
    for (const c of kids || []) if (c) e.appendChild(c);
    return e;
  }
  /* The storage key: kcourse:v2:<course>:<quiz id>:<mode>[:<seed>]. Pages from before course ids used v1 (no
     course); the first course that finds a v1 entry of its quiz takes it over (reads it once, then removes it). */
  function storeKeys(root, quiz, seed) {
    const rest = quiz.id + ":" + quiz.mode + (seed === null ? "" : ":" + seed);
    const course = root.getAttribute("data-kq-course");
    return course ? ["kcourse:v2:" + course + ":" + rest, "kcourse:v1:" + rest] : ["kcourse:v1:" + rest, null];
  }
  function makeStore(keys) {
    const key = keys[0], legacy = keys[1];
    let ls = null;
    try { ls = window.localStorage; ls.setItem(key + ":probe", "1"); ls.removeItem(key + ":probe"); } catch (e) { ls = null; }
    function adopt() {
      const v = ls.getItem(legacy);
      if (v !== null) { ls.setItem(key, v); ls.removeItem(legacy); }
      return v;
    }
    return {
      ok: !!ls,
      load() { try { return ls && JSON.parse(ls.getItem(key) || (legacy && adopt()) || "null"); } catch (e) { return null; } },
      save(v) { try { if (ls) ls.setItem(key, JSON.stringify(v)); } catch (e) { /* full or gone: the page goes on */ } }
    };
  }
  function randomSeed() {
    try { return crypto.getRandomValues(new Uint32Array(1))[0]; } catch (e) { return Math.floor(Math.random() * 4294967296); }
  }
  const isSeed = (x) => Number.isInteger(x) && x >= 0 && x <= 4294967295;
  const nowIso = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const show = (x) => String(pyRound(x, 2));  // scores as people read them; files and grading keep 6 decimals
  const plural = (n, word) => show(n) + " " + word + (n === 1 ? "" : "s");
  const btn = (text, onclick, cls, more) => h("button", Object.assign({ type: "button", cls: "kq-btn " + (cls || ""), text, onclick }, more));
  const VERDICT = { correct: "✓ Correct", partial: "◐ Partly right", incorrect: "✗ Not right", unanswered: "No answer yet" };

  function mountAll(doc) {
    if (!doc) return;
    const go = () => doc.querySelectorAll("[data-kq]:not([data-kq-state])").forEach((el) => {
      try { mount(el); } catch (e) {
        el.setAttribute("data-kq-state", "error");
        el.appendChild(h("p", { role: "alert", text: "This quiz could not start: " + e }));
      }
    });
    go();
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", go);
  }

  function mount(root) {
    root.setAttribute("data-kq-state", "mounting");
    const data = JSON.parse(root.querySelector("script.kq-data").textContent);
    const quiz = data.quiz, practice = quiz.mode === "practice", uid = "kq" + (++counter) + "-";
    const store = makeStore(storeKeys(root, quiz, data.seed));
    let st = store.load();
    if (!isObj(st)) st = {};
    const seed = data.seed !== null ? data.seed : isSeed(st.seed) ? st.seed : randomSeed();
    if (st.seed !== seed) Object.assign(st, { seed, answers: {}, checked: {}, touched: {} });
    // maps keyed by question id: no prototype, so an id such as "constructor" finds nothing it should not
    for (const k of ["answers", "checked", "hints", "touched"]) st[k] = Object.assign(Object.create(null), isObj(st[k]) ? st[k] : {});
    if (data.student_id && !st.student_id) st.student_id = data.student_id;
    const forms = {}, pubs = {};
    for (const p of data.questions) { pubs[p.id] = p; forms[p.id] = expand(quiz.id, p); }
    let qids, orders = {};
    if (practice) ({ question_ids: qids, orders } = makeVariant(data.variant_rules, forms, seed));
    else { qids = ids(data.questions); for (const id of qids) orders[id] = naturalOrder(forms[id]); }
    const save = () => store.save(st);
    const variantForms = () => qids.map((id) => forms[id]);
    const responses = (onlyChecked) => {
      const out = {};
      for (const id of qids) if (id in st.answers && !isBlank(st.answers[id]) && (!onlyChecked || st.checked[id])) out[id] = st.answers[id];
      return out;
    };

    const app = root.querySelector(".kq-app");
    const live = h("div", { cls: "kq-live", role: "status", "aria-live": "polite" });
    const say = (text) => { live.textContent = ""; setTimeout(() => { live.textContent = text; }, 30); };
    const scoreLine = h("p", { cls: "kq-score" }), summary = h("div", { cls: "kq-summary" });
    app.appendChild(h("div", { cls: "kq-meta" }, [h("p", {
      text: (practice ? "Practice quiz: check each answer as you go. " : "Assessment: answers are saved, not marked here. ") +
        plural(qids.length, "question") + (practice ? ", pass mark " + quiz.pass_mark + " %." : ".")
    }), scoreLine]));
    if (!store.ok) {
      app.appendChild(h("p", { cls: "kq-note", role: "note", text: "This browser does not let the page keep your answers (private " +
        "mode, or a page opened from a file?). They are lost when you reload or close it: download them before you leave." }));
    }
    const views = qids.map((qid, n) => questionView(qid, n));
    for (const vw of views) app.appendChild(vw);
    app.append(summary, saveBox(), live);

    function refresh() {
      if (!practice) {
        scoreLine.textContent = "Answered " + Object.keys(responses()).length + " of " + qids.length + ". Answers are kept in " +
          "this browser" + (store.ok ? "" : " only until you leave") + "; download them when you are done.";
        return;
      }
      const done = qids.filter((id) => st.checked[id]).length, g = gradeAll(variantForms(), responses(true), quiz.pass_mark);
      scoreLine.textContent = "Score: " + show(g.total) + " of " + plural(g.max_score, "point") + ", " + done + " of " + qids.length + " questions checked.";
      summary.textContent = "";
      if (done < qids.length) return;
      summary.append(h("h3", { cls: "kq-h", text: "Summary" }), h("p", {
        text: "All questions checked: " + show(g.total) + " of " + plural(g.max_score, "point") + " (" + g.percentage + " %). " +
          (g.passed ? "Passed" : "Not passed yet") + ": the pass mark is " + quiz.pass_mark + " %."
      }), h("ol", null, g.results.map((r) => h("li", { cls: "kq-st-" + r.status, text: VERDICT[r.status] + ": " + show(r.score) + " of " + plural(r.max_score, "point") }))));
    }

    function questionView(qid, n) {
      const p = pubs[qid], q = forms[qid], base = uid + "q" + n, name = "Question " + (n + 1);
      const promptBlock = p.prompt_inline ? null : h("div", { cls: "kq-prompt", id: base + "-p", html: p.prompt_html });
      const ctl = CONTROLS[p.type](p, q, orders[qid] || [], base, onChange, say);
      const fb = h("div", { cls: "kq-fb" }), hints = h("div", { cls: "kq-hints" });
      const checkBtn = practice ? btn("Check", check) : btn("Save answer", saveAnswer);
      const againBtn = practice ? btn("Try again", again, "kq-btn2", { hidden: true }) : null;
      const hintBtn = p.hints_html.length ? btn("", hint, "kq-btn2") : null;
      const el = h("fieldset", { cls: "kq-q", "data-qid": qid, "aria-describedby": promptBlock ? base + "-p" : null }, [
        h("legend", { cls: "kq-legend" }, [
          h("span", { cls: "kq-num", text: name + " of " + qids.length + " · " + plural(p.points, "point") }),
          p.prompt_inline ? h("span", { cls: "kq-prompt", html: p.prompt_html }) : null]),
        promptBlock, ctl.el, h("div", { cls: "kq-actions" }, [checkBtn, againBtn, hintBtn]), hints, fb]);

      function onChange() {
        const r = ctl.get();
        if (isBlank(r)) delete st.answers[qid]; else st.answers[qid] = r;
        if (ctl.touched) st.touched[qid] = true;
        if (!st.started_at) st.started_at = nowIso();
        save(); refresh();
        if (!practice) fb.textContent = "";
      }
      function showHints(k) {
        hints.textContent = "";
        for (let i = 0; i < k; i++) {
          hints.appendChild(h("div", { cls: "kq-hint", tabindex: "-1" }, [h("strong", { text: "Hint " + (i + 1) + ": " }), h("div", { html: p.hints_html[i] })]));
        }
        if (hintBtn) {
          hintBtn.hidden = k >= p.hints_html.length;
          hintBtn.textContent = (k ? "Show another hint" : "Show a hint") + " (" + (k + 1) + " of " + p.hints_html.length + ")";
        }
      }
      function hint() {
        const k = Math.min((st.hints[qid] || 0) + 1, p.hints_html.length);
        st.hints[qid] = k; save(); showHints(k);
        say(hints.lastChild.textContent);
        if (hintBtn.hidden) hints.lastChild.focus();
      }
      function showResult(r) {
        fb.textContent = "";
        fb.className = "kq-fb kq-st-" + r.status;
        fb.appendChild(h("p", { cls: "kq-verdict", text: VERDICT[r.status] + ": " + show(r.score) + " of " + plural(r.max_score, "point") + "." }));
        if (r.feedback.length) fb.appendChild(h("ul", { cls: "kq-fblist" }, r.feedback.map((f) => h("li", f.html ? { html: f.html } : { text: f.text }))));
        if (r.explanation_html) fb.appendChild(h("div", { cls: "kq-expl" }, [h("strong", { text: "Explanation" }), h("div", { html: r.explanation_html })]));
      }
      function setChecked(on) {
        ctl.disable(on);
        checkBtn.hidden = on;
        againBtn.hidden = !on;
      }
      function takeOrder() {  // checking or saving an ordering answers it as shown, moved or not
        if (p.type === "ordering" && !(qid in st.answers)) { ctl.touched = true; onChange(); }
      }
      function check() {
        takeOrder();
        const res = grade(q, qid in st.answers ? st.answers[qid] : null);
        if (res.status === "unanswered") {
          fb.className = "kq-fb"; fb.textContent = "Answer first, then check."; say(name + ": answer first, then check."); return;
        }
        st.checked[qid] = true; save(); setChecked(true); showResult(res); refresh();
        say(name + ": " + [...fb.querySelectorAll(".kq-verdict, .kq-fblist li")].map((x) => x.textContent).join(" ") +
          (qids.every((id) => st.checked[id]) ? " All questions checked. " + scoreLine.textContent : ""));
        againBtn.focus();
      }
      function again() {
        delete st.checked[qid]; save(); setChecked(false);
        fb.textContent = ""; fb.className = "kq-fb"; refresh(); ctl.focus();
        say(name + ": try again.");
      }
      function saveAnswer() {
        onChange();
        takeOrder();
        fb.textContent = qid in st.answers ? "Saved at " + new Date().toLocaleTimeString() + (store.ok ? "." : " (until you leave this page).")
          : "Nothing to save yet: answer first.";
        say(name + ": " + fb.textContent);
      }

      if (qid in st.answers) ctl.set(st.answers[qid], !!st.touched[qid]);
      showHints(Math.min(st.hints[qid] || 0, p.hints_html.length));
      if (practice && st.checked[qid] && qid in st.answers) { setChecked(true); showResult(grade(q, st.answers[qid])); }
      else delete st.checked[qid];
      return el;
    }

    function saveBox() {
      const sid = h("input", { type: "text", id: uid + "sid", cls: "kq-input", autocomplete: "off", spellcheck: "false",
        oninput: () => { st.student_id = sid.value; save(); } });
      sid.value = st.student_id || "";
      const msg = h("p", { cls: "kq-savemsg" });
      function download() {
        const id = sid.value.trim();
        if (!id) { msg.textContent = "Type your student id first."; say(msg.textContent); sid.focus(); return; }
        const resp = responses();
        const sub = { schema_version: 1, quiz_id: quiz.id, student_id: id.slice(0, 200), variant_seed: seed, responses: resp,
          started_at: st.started_at || null, submitted_at: nowIso(), generator: data.generator };
        const file = (quiz.id + "-" + id).replace(/[^A-Za-z0-9._-]+/g, "_") + ".json";
        const url = URL.createObjectURL(new Blob([JSON.stringify(sub, null, 2) + "\n"], { type: "application/json" }));
        const a = h("a", { href: url, download: file, hidden: true });
        document.body.appendChild(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
        let text = "Saved " + file + " with " + plural(Object.keys(resp).length, "answer") + " of " + qids.length + ".";
        if (practice) {
          const g = gradeAll(variantForms(), resp, quiz.pass_mark);
          text += " It scores " + show(g.total) + " of " + plural(g.max_score, "point") + " (" + g.percentage + " %).";
        }
        msg.textContent = text; say(text);
      }
      return h("div", { cls: "kq-save" }, [h("label", { for: uid + "sid", text: "Student id" }), sid,
        btn("Download my answers", download), msg]);
    }

    refresh();
    save();
    root.setAttribute("data-kq-seed", String(seed));
    root.setAttribute("data-kq-state", "ready");
  }

  // ---- controls per question type: {el, get(), set(r, touched), disable(on), focus()} ----------------
  const choiceControl = (kind) => (p, q, order, base, onChange) => {
    const byId = new Map(p.options.map((o) => [o.id, o])), inputs = [];
    const el = h("div", { cls: "kq-opts" }, order.map((id, i) => {
      const inp = h("input", { type: kind, id: base + "-o" + i, name: base, value: id, onchange: onChange });
      inputs.push(inp);
      return h("div", { cls: "kq-opt" }, [inp, h("label", { for: base + "-o" + i, html: byId.get(id).html })]);
    }));
    return {
      el,
      get() {
        const on = inputs.filter((i) => i.checked).map((i) => i.value);
        return kind === "radio" ? (on.length ? on[0] : null) : on;
      },
      set(r) { for (const i of inputs) i.checked = kind === "radio" ? i.value === r : Array.isArray(r) && r.includes(i.value); },
      disable(on) { for (const i of inputs) i.disabled = on; },
      focus() { (inputs.find((i) => i.checked) || inputs[0]).focus(); }
    };
  };
  const textControl = (numeric) => (p, q, order, base, onChange) => {
    const inp = h("input", { type: "text", id: base + "-in", cls: "kq-input", autocomplete: "off", spellcheck: "false",
      inputmode: numeric ? "decimal" : null, "aria-describedby": numeric && p.unit ? base + "-u" : null, oninput: onChange });
    return {
      el: h("div", { cls: "kq-line" }, [h("label", { for: base + "-in", text: "Your answer" }), inp,
        numeric && p.unit ? h("span", { cls: "kq-unit", id: base + "-u", text: p.unit }) : null]),
      get() {
        if (!inp.value.trim()) return null;
        const x = numeric ? toNumber(inp.value) : null;
        return x === null ? inp.value : x;
      },
      set(r) { inp.value = isStr(r) || typeof r === "number" ? String(r) : ""; },
      disable(on) { inp.disabled = on; },
      focus() { inp.focus(); }
    };
  };
  const CONTROLS = {
    single: choiceControl("radio"),
    multiple: choiceControl("checkbox"),
    true_false(p, q, order, base, onChange) {
      const c = choiceControl("radio")({ options: [{ id: "true", html: "True" }, { id: "false", html: "False" }] }, q,
        ["true", "false"], base, onChange);
      const get = c.get, set = c.set;
      c.get = () => { const v = get(); return v === null ? null : v === "true"; };
      c.set = (r) => set(typeof r === "boolean" ? String(r) : null);
      return c;
    },
    numeric: textControl(true),
    text: textControl(false),
    ordering(p, q, order, base, onChange, say) {
      const html = new Map(p.items.map((i) => [i.id, i.html])), list = h("ol", { cls: "kq-order" }), btns = [];
      const ctl = { touched: false };
      const number = () => [...list.children].forEach((li, i) => { li.firstChild.textContent = (i + 1) + "."; });
      function move(li, d) {
        const to = d < 0 ? li.previousElementSibling : li.nextElementSibling, text = li.querySelector(".kq-item").textContent;
        if (!to) { say(text + " is already " + (d < 0 ? "first." : "last.")); return; }
        list.insertBefore(d < 0 ? li : to, d < 0 ? to : li);
        ctl.touched = true; number(); onChange();
        say(text + " moved to position " + ([...list.children].indexOf(li) + 1) + " of " + list.children.length + ".");
      }
      for (const id of order) {
        const li = h("li", { "data-id": id }), t = h("span", { cls: "kq-item", html: html.get(id) });
        const up = btn("↑", () => { move(li, -1); up.focus(); }, "kq-btn2 kq-mv", { "aria-label": "Move up: " + t.textContent });
        const dn = btn("↓", () => { move(li, 1); dn.focus(); }, "kq-btn2 kq-mv", { "aria-label": "Move down: " + t.textContent });
        btns.push(up, dn);
        li.append(h("span", { cls: "kq-pos", "aria-hidden": "true" }), t, up, dn);
        list.appendChild(li);
      }
      number();
      return Object.assign(ctl, {
        el: h("div", null, [h("p", { cls: "kq-help", text: "Put the items in order with the ↑ and ↓ buttons (first at the top)." }), list]),
        get: () => ctl.touched ? [...list.children].map((li) => li.getAttribute("data-id")) : null,
        set(r, touched) {
          const lis = new Map([...list.children].map((li) => [li.getAttribute("data-id"), li]));
          if (!Array.isArray(r) || r.length !== lis.size || !r.every((id) => lis.has(id))) return;
          for (const id of r) list.appendChild(lis.get(id));
          ctl.touched = touched !== false; number();
        },
        disable(on) { for (const b of btns) b.disabled = on; },
        focus() { btns[0].focus(); }
      });
    },
    matching(p, q, order, base, onChange) {
      const byId = new Map(q.rights.map((r) => [r.id, r])), idOf = new Map(q.rights.map((r) => [String(r.ref), r.id]));
      const sels = p.pairs.map((pair, i) => h("select", { id: base + "-m" + i, cls: "kq-input", "data-pair": pair.id, onchange: onChange },
        [h("option", { value: "", text: "Choose…" })].concat(order.map((id) => h("option", { value: String(byId.get(id).ref), text: byId.get(id).text })))));
      return {
        el: h("div", { cls: "kq-match" }, p.pairs.map((pair, i) => h("div", { cls: "kq-mrow" }, [h("label", { for: base + "-m" + i, html: pair.html }), sels[i]]))),
        get() {
          const out = {};
          for (const s of sels) if (s.value) out[s.getAttribute("data-pair")] = idOf.get(s.value);
          return Object.keys(out).length ? out : null;
        },
        set(r) {
          if (!isObj(r)) return;
          for (const s of sels) {
            const pid = s.getAttribute("data-pair"), want = own(r, pid) ? r[pid] : null;
            s.value = byId.has(want) ? String(byId.get(want).ref) : "";
          }
        },
        disable(on) { for (const s of sels) s.disabled = on; },
        focus() { sels[0].focus(); }
      };
    }
  };

  return { normalise, toNumber, pyRound, pyRepr, pyRegex, grade, gradeAll, fnv1a32, seedFor, Mulberry32, shuffled,
    makeVariant, unpack, expand, mountAll };
});
