/* kcourse static quiz, the page part: builds each quiz from its <script type="application/json" class="kq-data">
 * block, with the pure grader and practice rules of grader.js (window.kcourseGraderV1; static_html.py inlines
 * both, grader first); progress.js, inlined only where a page shows the course progress, draws [data-kq-progress].
 * HTML comes only from that data (rendered and escaped by kcourse/markdown.py); anything a learner
 * types is handled as text (value / textContent), never as HTML.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) return;  // node tests load grader.js; this part needs a page
  const api = root.kcourseQuizV1 || (root.kcourseQuizV1 = factory(root.kcourseGraderV1, root));
  api.mountAll(root.document);
})(typeof globalThis !== "undefined" ? globalThis : this, function (G, root) {
  "use strict";
  const { isObj, own, ids, isBlank, pyRound, toNumber, grade, makeVariant, expand, naturalOrder, tr } = G;
  const isStr = (x) => typeof x === "string";

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

  // ---- where a quiz's answers are kept in this browser ----------------------------------------------
  const KEY_PREFIX = "kcourse:v";  // every key of a quiz's answers starts so (progress.js lists them)
  /* The storage key: kcourse:v2:<course>:<quiz id>:<mode>[:<seed>]. Pages from before course ids used v1 (no
     course); the first course that finds a v1 entry of its quiz takes it over (reads it once, then removes it). */
  function storeKeys(root, quiz, seed) {
    const rest = quiz.id + ":" + quiz.mode + (seed === null ? "" : ":" + seed);
    const course = root.getAttribute("data-kq-course");
    return course ? ["kcourse:v2:" + course + ":" + rest, "kcourse:v1:" + rest] : ["kcourse:v1:" + rest, null];
  }
  // per question id: answer, touched (an ordering moved), last counted try, first try, tries, answer shown,
  // open again after Try again, hints shown, and when it last changed (a merge keeps the newer side)
  const MAPS = ["answers", "touched", "results", "first", "tries", "reveal", "open", "hints", "stamps"];
  const map = (x) => Object.assign(Object.create(null), isObj(x) ? x : {});  // no prototype: any id is safe
  /** A stored state made safe to use. */
  function tidy(st) {
    st = isObj(st) ? Object.assign({}, st) : {};
    for (const k of MAPS) st[k] = map(st[k]);
    return st;
  }
  /** Another tab's (or a file's) state merged into ours, question by question (kcourse/progress_merge.py). */
  function mergeState(mine, other) {
    other = tidy(other);
    if (other.seed !== mine.seed) return mine;
    const out = Object.assign({}, mine), qs = new Set();
    for (const k of MAPS) { out[k] = map(); for (const q of Object.keys(mine[k]).concat(Object.keys(other[k]))) qs.add(q); }
    for (const q of qs) {  // each question from the side that changed it last; the stored first try stays
      const side = (other.stamps[q] || 0) > (mine.stamps[q] || 0) ? other : mine, t = Math.max(mine.stamps[q] || 0, other.stamps[q] || 0);
      for (const k of MAPS) if (q in side[k]) out[k][q] = side[k][q];
      if (q in side.results && q in other.first) out.first[q] = other.first[q];
      if (t) out.stamps[q] = t;
    }
    out.best = Math.max(mine.best || 0, other.best || 0);
    out.student_id = mine.student_id || other.student_id;
    out.started_at = [mine.started_at, other.started_at].filter(Boolean).sort()[0];
    return out;
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
    const load = () => { try { return ls && JSON.parse(ls.getItem(key) || (legacy && adopt()) || "null"); } catch (e) { return null; } };
    return {
      ok: !!ls, key, load,
      /** Writes `st` merged with what another tab wrote since; returns the merged state. */
      save(st) {
        const now = load();
        if (now) st = mergeState(st, now);
        try { if (ls) ls.setItem(key, JSON.stringify(st)); } catch (e) { /* full or gone: the page goes on */ }
        return st;
      }
    };
  }
  function randomSeed() {
    try { return crypto.getRandomValues(new Uint32Array(1))[0]; } catch (e) { return Math.floor(Math.random() * 4294967296); }
  }
  const isSeed = (x) => Number.isInteger(x) && x >= 0 && x <= 4294967295;
  const nowIso = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const show = G.shown;  // scores as people read them; files and grading keep 6 decimals
  const pts = (x) => G.points(x), worth = (x) => tr("quiz.worth", { n: pyRound(x, 2) });
  const btn = (text, onclick, cls, more) => h("button", Object.assign({ type: "button", cls: "kq-btn " + (cls || ""), text, onclick }, more));
  const plain = (fromData) => {  // page data only; math as its TeX source ("$2^{10}$", not "210")
    const d = h("div", { html: fromData });
    for (const m of d.querySelectorAll("math[alttext]")) m.replaceWith("$" + m.getAttribute("alttext") + "$");
    return d.textContent.replace(/\s+/g, " ").trim();
  };
  // ---- words on screen ------------------------------------------------------------------------------
  // every word comes from the page's strings (kcourse/core/i18n, one language; grader.js's tr fills them in)
  const verdict = (status) => tr("quiz.verdict." + status), mark = (ok) => tr(ok ? "quiz.mark.right" : "quiz.mark.wrong");
  /** The strings the page carries in a <script class="kq-strings"> block, installed once. */
  function strings(doc) {
    const el = doc.querySelector("script.kq-strings");
    if (el && !root.kqStrings) { root.kqStrings = true; G.useStrings(JSON.parse(el.textContent)); }
  }

  function mountAll(doc) {
    if (!doc) return;
    const go = () => {
      strings(doc);
      doc.querySelectorAll("[data-kq]:not([data-kq-state]), [data-kq-progress]:not([data-kq-state])").forEach((el) => {
        try { if (el.hasAttribute("data-kq-progress")) root.kcourseProgressV1.mount(el); else mount(el); } catch (e) {
          el.setAttribute("data-kq-state", "error");
          el.appendChild(h("p", { role: "alert", text: tr("quiz.could_not_start", { error: String(e) }) }));
        }
      });
    };
    go();
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", go);
  }

  function mount(root) {
    root.setAttribute("data-kq-state", "mounting");
    const gen = root.kqGen = (root.kqGen || 0) + 1;  // mounted again after loading a file: old listeners stop
    const data = JSON.parse(root.querySelector("script.kq-data").textContent);
    const quiz = data.quiz, practice = quiz.mode === "practice", uid = "kq" + (++counter) + "-";
    const store = makeStore(storeKeys(root, quiz, data.seed)), N = quiz.tries_before_answer || G.DEFAULT_TRIES;
    let st = tidy(store.load());
    const seed = data.seed !== null ? data.seed : isSeed(st.seed) ? st.seed : randomSeed();
    if (st.seed !== seed) st = tidy({ seed, student_id: st.student_id });
    if (data.student_id && !st.student_id) st.student_id = data.student_id;
    const forms = {}, pubs = {};
    for (const p of data.questions) { pubs[p.id] = p; forms[p.id] = expand(quiz.id, p); }
    if (isObj(st.checked)) {  // a page of an older version: its checked answers count as one try with the answer shown
      for (const id of Object.keys(st.checked)) {
        if (!st.checked[id] || !(id in st.answers) || !forms[id] || id in st.results) continue;
        const g = grade(forms[id], st.answers[id]);
        st.results[id] = st.first[id] = { score: g.score, max_score: g.max_score, status: g.status, response: st.answers[id] };
        st.tries[id] = 1; st.reveal[id] = true;
      }
      delete st.checked;
    }
    let qids, orders = {};
    if (practice) ({ question_ids: qids, orders } = makeVariant(data.variant_rules, forms, seed));
    else { qids = ids(data.questions); for (const id of qids) orders[id] = naturalOrder(forms[id]); }
    const maxTotal = pyRound(qids.reduce((t, id) => t + forms[id].points, 0), 6);
    const scoreNow = () => G.scoreOf(st.results, st.first, qids, maxTotal);
    const stamp = (qid) => { st.stamps[qid] = Math.max(Date.now(), (st.stamps[qid] || 0) + 1); };
    function save() {
      if (practice) {
        const s = scoreNow();
        st.best = Math.max(st.best || 0, s.percentage);
        st.summary = { title: quiz.title, chapter: quiz.chapter, pass_mark: quiz.pass_mark, count: qids.length,
          answered: qids.filter((id) => id in st.answers).length, checked: s.checked, percentage: s.percentage, best: st.best };
      }
      st = store.save(st);
    }
    const responses = () => {
      const out = {};
      for (const id of qids) if (id in st.answers && !isBlank(st.answers[id])) out[id] = st.answers[id];
      return out;
    };

    const app = root.querySelector(".kq-app");
    app.textContent = "";
    const live = h("div", { cls: "kq-live", role: "status", "aria-live": "polite" });
    const say = (text) => { live.textContent = ""; setTimeout(() => { live.textContent = text; }, 30); };
    const scoreLine = h("p", { cls: "kq-score" }), summary = h("div", { cls: "kq-summary" });
    const questions = tr("quiz.questions", { n: qids.length });
    app.appendChild(h("div", { cls: "kq-meta" }, [h("p", {
      text: practice ? tr("quiz.meta_practice", { after: tr("quiz.after_tries", { n: N }), questions, pass_mark: quiz.pass_mark })
        : tr("quiz.meta_assessment", { questions })
    }), scoreLine]));
    if (!store.ok) {
      app.appendChild(h("p", { cls: "kq-note", role: "note", text: tr("quiz.no_storage") }));
    }
    const views = qids.map((qid, n) => questionView(qid, n));
    for (const vw of views) app.appendChild(vw.el);
    const newBtn = practice ? btn(tr("quiz.new_attempt"), newAttempt, "kq-btn2") : null;
    app.append(summary, h("div", { cls: "kq-actions" }, [newBtn]), saveBox(), live);
    addEventListener("storage", (e) => {  // another tab of this quiz saved: take its newer answers
      if (e.key !== store.key || root.kqGen !== gen) return;
      st = mergeState(st, store.load());
      for (const vw of views) vw.sync();
      refresh();
    });

    function refresh() {
      if (!practice) {
        scoreLine.textContent = tr(store.ok ? "quiz.answered_kept" : "quiz.answered_leave", { n: Object.keys(responses()).length, count: qids.length });
        return;
      }
      const s = scoreNow();
      scoreLine.textContent = G.scoreLine(s) + (st.best ? " " + tr("quiz.best", { pct: pyRound(st.best, 2) }) : "");
      summary.textContent = "";
      if (s.checked < qids.length) return;
      summary.append(h("h3", { cls: "kq-h", text: tr("quiz.summary") }), h("p", {
        text: tr("quiz.summary_line", { total: pyRound(s.total, 2), points: pts(s.max_score), pct: pyRound(s.percentage, 2), first: pyRound(s.first_total, 2),
          verdict: tr(s.percentage >= quiz.pass_mark ? "quiz.passed" : "quiz.not_passed"), pass_mark: quiz.pass_mark })
      }), h("ol", null, qids.map((id, n) => {
        const r = st.results[id], f = st.first[id] || r, same = f.score === r.score && JSON.stringify(f.response) === JSON.stringify(r.response);
        return h("li", { cls: "kq-st-" + r.status }, [h("a", { href: "#" + uid + "q" + n, text: tr("quiz.question_n", { n: n + 1 }) }),
          h("span", { text: ", “" + plain(pubs[id].prompt_html).slice(0, 70) + "”" + tr(same ? "quiz.summary_item" : "quiz.summary_item_first", { verdict: verdict(r.status), score: pyRound(r.score, 2),
            points: pts(r.max_score), first: pyRound(f.score, 2) }) })]);
      })));
    }

    function questionView(qid, n) {
      const p = pubs[qid], q = forms[qid], base = uid + "q" + n, name = tr("quiz.question_n", { n: n + 1 });
      const promptBlock = p.prompt_inline ? null : h("div", { cls: "kq-prompt", id: base + "-p", html: p.prompt_html });
      const ctl = CONTROLS[p.type](p, q, orders[qid] || [], base, onChange, say);
      const fb = h("div", { cls: "kq-fb", tabindex: "-1" }), hints = h("div", { cls: "kq-hints" });
      const checkBtn = practice ? btn(tr("quiz.check"), check) : btn(tr("quiz.save_answer"), saveAnswer);
      const againBtn = practice ? btn(tr("quiz.try_again"), again, "kq-btn2") : null;
      const answerBtn = practice ? btn(tr("quiz.show_answer"), reveal, "kq-btn2") : null;
      const hintBtn = p.hints_html.length ? btn("", hint, "kq-btn2") : null;
      const el = h("fieldset", { cls: "kq-q", id: base, "data-qid": qid, "aria-describedby": promptBlock ? base + "-p" : null }, [
        h("legend", { cls: "kq-legend" }, [
          h("span", { cls: "kq-num", text: tr("quiz.legend", { n: n + 1, count: qids.length, points: worth(p.points) }) }),
          p.prompt_inline ? h("span", { cls: "kq-prompt", html: p.prompt_html }) : null]),
        promptBlock, ctl.el, h("div", { cls: "kq-actions" }, [checkBtn, againBtn, hintBtn, answerBtn]), hints, fb]);
      ctl.el.addEventListener("keydown", (e) => {  // Enter in an answer box checks (or saves) like the button
        if (e.key === "Enter" && e.target.type === "text" && !e.isComposing && !checkBtn.hidden) { e.preventDefault(); checkBtn.click(); }
      });
      const done = () => !!st.reveal[qid];
      const locked = () => done() || (own(st.results, qid) && !st.open[qid]);

      function onChange() {
        const r = ctl.get();
        if (isBlank(r)) delete st.answers[qid]; else st.answers[qid] = r;
        if (ctl.touched) st.touched[qid] = true;
        if (!st.started_at) st.started_at = nowIso();
        stamp(qid); save(); refresh();
        if (!practice || !own(st.results, qid)) fb.textContent = "";
      }
      function showHints(k) {
        hints.textContent = "";
        for (let i = 0; i < k; i++) {
          hints.appendChild(h("div", { cls: "kq-hint", tabindex: "-1" }, [h("strong", { text: tr("quiz.hint_n", { n: i + 1 }) }), h("div", { html: p.hints_html[i] })]));
        }
        if (hintBtn) {
          hintBtn.hidden = k >= p.hints_html.length || done();
          hintBtn.textContent = tr(k ? "quiz.show_another_hint" : "quiz.show_hint", { n: k + 1, count: p.hints_html.length });
        }
      }
      function hint() {
        const k = Math.min((st.hints[qid] || 0) + 1, p.hints_html.length);
        st.hints[qid] = k; save(); showHints(k);
        say(hints.lastChild.textContent);
        if (hintBtn.hidden) hints.lastChild.focus();
      }
      const answerView = () => ANSWER_VIEW[q.type](q);
      function showResult() {
        const r = st.results[qid];
        fb.textContent = "";
        fb.className = "kq-fb";
        ctl.mark(null);
        if (!r) return;
        const full = grade(q, r.response), tries = st.tries[qid] || 1, shown = done();
        fb.className = "kq-fb kq-st-" + r.status;
        if (!locked()) {  // Try again: the last try still counts until the next check
          fb.appendChild(h("p", { text: tr("quiz.last_try", { verdict: verdict(r.status), score: pyRound(r.score, 2), points: pts(r.max_score) }) }));
          return;
        }
        ctl.mark(G.marks(q, r.response), shown && q);
        fb.appendChild(h("p", { cls: "kq-verdict", text: tr("quiz.verdict_line", { verdict: verdict(r.status), score: pyRound(r.score, 2), points: pts(r.max_score) }) }));
        fb.appendChild(h("p", { cls: "kq-tries", text: shown ? tr("quiz.try_n", { n: tries }) : tr("quiz.try_n_of", { n: tries, max: N, after: tr("quiz.after_tries", { n: N }) }) }));
        if (full.feedback.length) fb.appendChild(h("ul", { cls: "kq-fblist" }, full.feedback.map((f) => h("li", f.html ? { html: f.html } : { text: f.text }))));
        if (!shown) { fb.appendChild(h("p", { text: tr(hintBtn && !hintBtn.hidden ? "quiz.think_hint" : "quiz.think") })); return; }
        const a = answerView();
        if (a) fb.appendChild(h("div", { cls: "kq-answer" }, [a]));
        if (full.explanation_html) fb.appendChild(h("div", { cls: "kq-expl" }, [h("strong", { text: tr("quiz.explanation") }), h("div", { html: full.explanation_html })]));
      }
      function sync() {
        if (qid in st.answers) ctl.set(st.answers[qid], !!st.touched[qid]); else ctl.set(null, false);
        showHints(Math.min(st.hints[qid] || 0, p.hints_html.length));
        if (!practice) return;
        const lock = locked(), has = own(st.results, qid);
        ctl.disable(lock);
        checkBtn.hidden = lock;
        againBtn.hidden = !lock || done();
        answerBtn.hidden = !has || done();
        showResult();
      }
      function takeOrder() {  // checking or saving an ordering answers it as shown, moved or not
        if ("touched" in ctl && !(qid in st.answers)) { ctl.touched = true; onChange(); }
      }
      function check() {
        takeOrder();
        const r = qid in st.answers ? st.answers[qid] : null, problem = G.readyProblem(q, r);
        if (problem) {  // not an answer yet: costs no try
          fb.className = "kq-fb kq-st-partial"; fb.textContent = problem; say(name + ": " + problem); ctl.focus(); return;
        }
        const res = grade(q, r), tries = (st.tries[qid] || 0) + 1, entry = { score: res.score, max_score: res.max_score, status: res.status, response: r };
        st.results[qid] = entry; st.tries[qid] = tries; delete st.open[qid];
        if (!st.first[qid]) st.first[qid] = entry;
        if (G.answerShown(res.status, tries, N, false)) st.reveal[qid] = true;
        stamp(qid); save(); sync(); refresh();
        say(name + ": " + [...fb.querySelectorAll(".kq-verdict, .kq-fblist li")].map((x) => x.textContent).join(" ") +
          (qids.every((id) => own(st.results, id)) ? " " + tr("quiz.all_checked") + " " + scoreLine.textContent : ""));
        (againBtn.hidden ? fb : againBtn).focus();
      }
      function again() {
        st.open[qid] = true; stamp(qid); save(); sync(); ctl.focus();
        say(tr("quiz.say_again", { name }));
      }
      function reveal() {
        st.reveal[qid] = true; stamp(qid); save(); sync(); refresh(); fb.focus();
        say(name + ": " + fb.textContent);
      }
      function saveAnswer() {
        onChange();
        takeOrder();
        fb.textContent = qid in st.answers ? tr(store.ok ? "quiz.saved_at" : "quiz.saved_at_leave", { time: new Date().toLocaleTimeString(tr("meta.lang")) })
          : tr("quiz.nothing_to_save");
        say(name + ": " + fb.textContent);
      }
      sync();
      return { el, sync, qid, p, q, ctl };
    }

    function newAttempt() {
      if (!newBtn.kqConfirm) {
        newBtn.kqConfirm = true;
        newBtn.textContent = tr("quiz.confirm_clear");
        say(tr("quiz.confirm_clear_say"));
        return;
      }
      newBtn.kqConfirm = false;
      newBtn.textContent = tr("quiz.new_attempt");
      for (const id of qids) { for (const k of MAPS) if (k !== "stamps") delete st[k][id]; stamp(id); }
      save();
      for (const vw of views) vw.sync();
      refresh(); views[0].ctl.focus();
      say(tr("quiz.cleared"));
    }

    /** What a person reads of one answer: the chosen texts, not ids. */
    function answerText(vw, r) {
      const { p, q } = vw;
      if (Array.isArray(r) && q.items) { const t = new Map(q.items.map((i) => [i.id, plain(i.html)])); return r.map((x, k) => (k + 1) + ". " + t.get(x)).join("; "); }
      if (q.options) { const t = new Map(q.options.map((o) => [o.id, plain(o.html)])); return [].concat(r).map((x) => t.get(x)).join("; "); }
      if (p.pairs && isObj(r)) { const t = new Map(q.rights.map((c) => [c.id, c.text])); return p.pairs.filter((x) => own(r, x.id)).map((x) => plain(x.html) + " → " + t.get(r[x.id])).join("; "); }
      if (typeof r === "boolean") return tr(r ? "quiz.true" : "quiz.false");
      return String(r);
    }
    function saveBox() {
      const idOptional = practice && !data.student_id;  // graded and assigned pages need the id; self-practice does not
      const sid = h("input", { type: "text", id: uid + "sid", cls: "kq-input", autocomplete: "off", spellcheck: "false",
        oninput: () => { st.student_id = sid.value; save(); } });
      sid.value = data.student_id || st.student_id || "";
      if (data.student_id) { sid.readOnly = true; sid.setAttribute("aria-readonly", "true"); }  // a page made for one student
      const msg = h("p", { cls: "kq-savemsg", role: "status" });
      const picker = h("input", { type: "file", id: uid + "file", "aria-label": tr("quiz.file_label"), accept: ".json,application/json", hidden: true, onchange: () => picker.files[0] && picker.files[0].text().then(loadBack) });
      function download() {
        const id = sid.value.trim();
        if (!id && !idOptional) { msg.textContent = tr("quiz.type_sid"); say(msg.textContent); sid.focus(); return; }
        const resp = responses(), s = scoreNow();
        const sub = { schema_version: 1, quiz_id: quiz.id, student_id: id.slice(0, 200), variant_seed: seed, responses: resp,
          started_at: st.started_at || null, submitted_at: nowIso(), generator: data.generator, quiz_title: quiz.title };
        if (!id) delete sub.student_id;  // a self-learner's own copy: it loads back; grading refuses it (no id)
        if (practice) {
          sub.score = { total: s.total, max_score: s.max_score, percentage: s.percentage, first_tries: s.first_total, checked: s.checked,
            questions: s.count, counted: tr("quiz.counted") };
        }
        sub.questions = views.map((vw, n) => {
          const r = st.results[vw.qid], out = { question: n + 1, id: vw.qid, prompt: plain(vw.p.prompt_html) };
          if (vw.qid in resp) out.answer = answerText(vw, resp[vw.qid]);
          if (practice && r) Object.assign(out, { result: tr("quiz.result", { verdict: verdict(r.status), score: pyRound(r.score, 2), points: pts(r.max_score) }), tries: st.tries[vw.qid] || 1 });
          return out;
        });
        if (practice) sub.practice = st;  // loaded back by the load button
        const file = (quiz.id + "-" + (id || "answers")).replace(/[^A-Za-z0-9._-]+/g, "_") + ".json";
        const url = URL.createObjectURL(new Blob([JSON.stringify(sub, null, 2) + "\n"], { type: "application/json" }));
        const a = h("a", { href: url, download: file, hidden: true });
        document.body.appendChild(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
        let text = tr("quiz.saved_file", { file, n: Object.keys(resp).length, count: qids.length });
        if (practice) text += " " + tr("quiz.saved_score", { total: pyRound(s.total, 2), points: pts(s.max_score), pct: pyRound(s.percentage, 2) });
        msg.textContent = text; say(text);
      }
      function loadBack(text) {
        let sub = null;
        try { sub = JSON.parse(text); } catch (e) { sub = null; }
        const why = !isObj(sub) ? tr("quiz.why_not_json") : sub.quiz_id !== quiz.id ? tr("quiz.why_other_quiz", { id: String(sub.quiz_id).slice(0, 60) })
          : sub.variant_seed !== seed && (data.seed !== null || Object.keys(st.answers).length) ? tr(data.seed !== null ? "quiz.why_other_variant" : "quiz.why_other_variant_new") : "";
        if (why) { msg.textContent = tr("quiz.not_loaded", { why }); say(msg.textContent); return; }
        const other = isObj(sub.practice) ? sub.practice : { answers: isObj(sub.responses) ? sub.responses : {} };
        other.seed = sub.variant_seed;
        if (!isObj(sub.practice)) { other.stamps = {}; for (const k of Object.keys(other.answers)) other.stamps[k] = Date.now(); }
        if (st.seed !== sub.variant_seed) st = tidy({ seed: sub.variant_seed, student_id: st.student_id });
        st = mergeState(st, other);
        if (!st.student_id && isStr(sub.student_id)) st.student_id = sub.student_id;
        store.save(st);
        root.removeAttribute("data-kq-state");
        mount(root);
        const m = root.querySelector(".kq-savemsg");
        m.textContent = tr("quiz.loaded", { who: String(sub.student_id || tr("quiz.this_file")).slice(0, 60) });
        say(m.textContent);
      }
      return h("div", { cls: "kq-save" }, [h("label", { for: uid + "sid", text: tr(idOptional ? "quiz.student_id_optional" : "quiz.student_id") }), sid,
        btn(tr("quiz.download"), download), btn(tr("quiz.load"), () => picker.click(), "kq-btn2"), picker, msg]);
    }

    refresh();
    if (store.ok) save();
    root.setAttribute("data-kq-seed", String(seed));
    root.setAttribute("data-kq-state", "ready");
    if (counter === 1 && self.performance) performance.mark("kcourse:usable");  // the first quiz works (benchmarks/)
  }

  // ---- controls per question type: {el, get(), set(r, touched), disable(on), focus(), mark(marks, q)} -----------
  // mark(marks, q): ✓/✗ after the parts named in `marks` (null: none); with `q` (the answer is shown) the right ones too
  function marker(on, text) {
    for (const old of on.querySelectorAll(":scope > .kq-mark")) old.remove();
    if (text) on.appendChild(h("span", { cls: "kq-mark " + (text[0] === "✓" ? "kq-ok" : "kq-bad"), text }));
  }
  const choiceControl = (kind) => (p, q, order, base, onChange) => {
    const byId = new Map(p.options.map((o) => [o.id, o])), inputs = [], rows = new Map();
    const el = h("div", { cls: "kq-opts" }, order.map((id, i) => {
      const inp = h("input", { type: kind, id: base + "-o" + i, name: base, value: id, onchange: onChange });
      inputs.push(inp);
      const row = h("div", { cls: "kq-opt" }, [inp, h("label", { for: base + "-o" + i, html: byId.get(id).html })]);
      rows.set(id, row);
      return row;
    }));
    return {
      el,
      get() {
        const on = inputs.filter((i) => i.checked).map((i) => i.value);
        return kind === "radio" ? (on.length ? on[0] : null) : on;
      },
      set(r) { for (const i of inputs) i.checked = kind === "radio" ? i.value === r : Array.isArray(r) && r.includes(i.value); },
      disable(on) { for (const i of inputs) i.disabled = on; },
      focus() { (inputs.find((i) => i.checked) || inputs[0]).focus(); },
      mark(m, shown) {
        const right = new Set(shown && q.options ? q.options.filter((o) => o.correct).map((o) => o.id) : []);
        for (const [id, row] of rows) {
          const chosen = row.firstChild.checked;
          marker(row, m && own(m, id) ? mark(m[id]) : right.has(id) ? tr(chosen ? "quiz.mark.right" : "quiz.mark.right_answer") : "");
        }
      }
    };
  };
  const textControl = (numeric) => (p, q, order, base, onChange) => {
    const inp = h("input", { type: "text", id: base + "-in", cls: "kq-input", autocomplete: "off", spellcheck: "false",
      inputmode: numeric ? "decimal" : null, "aria-describedby": numeric && p.unit ? base + "-u" : null, oninput: onChange });
    return {
      el: h("div", { cls: "kq-line" }, [h("label", { for: base + "-in", text: tr("quiz.your_answer") }), inp,
        numeric && p.unit ? h("span", { cls: "kq-unit", id: base + "-u", text: p.unit }) : null]),
      get: () => inp.value.trim() ? inp.value : null,  // as typed: grading reads numbers as people write them
      set(r) { inp.value = isStr(r) || typeof r === "number" ? String(r) : ""; },
      disable(on) { inp.disabled = on; },
      focus() { inp.focus(); },
      mark() {}
    };
  };
  const CONTROLS = {
    single: choiceControl("radio"),
    multiple: choiceControl("checkbox"),
    true_false(p, q, order, base, onChange) {
      const c = choiceControl("radio")({ options: [{ id: "true", html: tr("quiz.true") }, { id: "false", html: tr("quiz.false") }] }, {},
        ["true", "false"], base, onChange);
      const get = c.get, set = c.set;
      c.get = () => { const v = get(); return v === null ? null : v === "true"; };
      c.set = (r) => set(typeof r === "boolean" ? String(r) : null);
      return c;
    },
    numeric: textControl(true),
    text: textControl(false),
    ordering(p, q, order, base, onChange, say) {
      const html = new Map(p.items.map((i) => [i.id, i.html])), list = h("ol", { cls: "kq-order" }), btns = [], lis = new Map();
      const ctl = { touched: false };
      const number = () => [...list.children].forEach((li, i) => { li.firstChild.textContent = (i + 1) + "."; });
      function move(li, d, b) {
        const to = d < 0 ? li.previousElementSibling : li.nextElementSibling, text = li.querySelector(".kq-item").textContent;
        if (!to) { say(tr(d < 0 ? "quiz.already_first" : "quiz.already_last", { item: text })); return; }
        list.insertBefore(d < 0 ? li : to, d < 0 ? to : li);
        ctl.touched = true; number(); onChange();
        b.focus();  // focus follows the moved item
        say(tr("quiz.moved", { item: text, n: [...list.children].indexOf(li) + 1, count: list.children.length }));
      }
      for (const id of order) {
        const li = h("li", { "data-id": id }), t = h("span", { cls: "kq-item", html: html.get(id) });
        const up = btn("↑", () => move(li, -1, up), "kq-btn2 kq-mv", { "aria-label": tr("quiz.move_up", { item: t.textContent }) });
        const dn = btn("↓", () => move(li, 1, dn), "kq-btn2 kq-mv", { "aria-label": tr("quiz.move_down", { item: t.textContent }) });
        btns.push(up, dn);
        li.append(h("span", { cls: "kq-pos", "aria-hidden": "true" }), t, up, dn);
        list.appendChild(li); lis.set(id, li);
      }
      number();
      return Object.assign(ctl, {
        el: h("div", null, [h("p", { cls: "kq-help", text: tr("quiz.order_help") }), list]),
        get: () => ctl.touched ? [...list.children].map((li) => li.getAttribute("data-id")) : null,
        set(r, touched) {
          const ok = Array.isArray(r) && r.length === lis.size && r.every((id) => lis.has(id));
          for (const id of ok ? r : order) list.appendChild(lis.get(id));
          ctl.touched = ok && touched !== false; number();
        },
        disable(on) { for (const b of btns) b.disabled = on; },
        focus() { btns[0].focus(); },
        mark(m) { for (const [id, li] of lis) marker(li, m && own(m, id) ? tr(m[id] ? "quiz.mark.in_place" : "quiz.mark.not_here") : ""); }
      });
    },
    matching(p, q, order, base, onChange) {
      const byId = new Map(q.rights.map((r) => [r.id, r])), idOf = new Map(q.rights.map((r) => [String(r.ref), r.id]));
      const sels = p.pairs.map((pair, i) => h("select", { id: base + "-m" + i, cls: "kq-input", "data-pair": pair.id, onchange: onChange },
        [h("option", { value: "", text: tr("quiz.choose") })].concat(order.map((id) => h("option", { value: String(byId.get(id).ref), text: byId.get(id).text })))));
      const rows = p.pairs.map((pair, i) => h("div", { cls: "kq-mrow" }, [h("label", { for: base + "-m" + i, html: pair.html }), sels[i]]));
      return {
        el: h("div", { cls: "kq-match" }, rows),
        get() {
          const out = {};
          for (const s of sels) if (s.value) out[s.getAttribute("data-pair")] = idOf.get(s.value);
          return Object.keys(out).length ? out : null;
        },
        set(r) {
          for (const s of sels) {
            const pid = s.getAttribute("data-pair"), want = isObj(r) && own(r, pid) ? r[pid] : null;
            s.value = byId.has(want) ? String(byId.get(want).ref) : "";
          }
        },
        disable(on) { for (const s of sels) s.disabled = on; },
        focus() { sels[0].focus(); },
        mark(m, shown) {
          p.pairs.forEach((pair, i) => {
            const bad = m && own(m, pair.id) && !m[pair.id], want = shown && q.answer[pair.id];
            marker(rows[i], !m || !own(m, pair.id) ? "" : !bad ? mark(true) : want && byId.has(want) ? tr("quiz.mark.wrong_right", { right: byId.get(want).text }) : mark(false));
          });
        }
      };
    }
  };

  /** The right answer in words, shown with the explanation, where marks on the controls do not show it (null). */
  const ANSWER_VIEW = {
    single: () => null,
    multiple: () => null,
    true_false: (q) => h("p", { text: tr("quiz.right_answer", { answer: tr(q.answer ? "quiz.true" : "quiz.false") }) }),
    numeric: (q) => h("p", { text: q.answer_text }),
    text: (q) => h("p", { text: tr("quiz.accepted", { list: q.accept.slice(0, 3).join(" · ") }) }),
    ordering: (q) => h("div", null, [h("span", { text: tr("quiz.right_order") }), h("ol", null, q.items.map((i) => h("li", { html: i.html })))]),
    matching: () => null
  };

  // the per-type tables, for tests/test_qtypes.py (which checks that each has every question type)
  return { mountAll, h, show, KEY_PREFIX, isObj, tr, CONTROLS, ANSWER_VIEW };
});
