/* kcourse static quiz, the page part: builds each quiz from its <script type="application/json" class="kq-data">
 * block, with the pure grader of grader.js (window.kcourseGraderV1; static_html.py inlines both, grader first).
 * HTML comes only from that data (rendered and escaped by kcourse/markdown.py); anything a learner
 * types is handled as text (value / textContent), never as HTML.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) return;  // node tests load grader.js; this part needs a page
  const api = root.kcourseQuizV1 || (root.kcourseQuizV1 = factory(root.kcourseGraderV1));
  api.mountAll(root.document);
})(typeof globalThis !== "undefined" ? globalThis : this, function (G) {
  "use strict";
  const { isObj, own, ids, isBlank, pyRound, toNumber, grade, gradeAll, makeVariant, expand, naturalOrder } = G;
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
  /** The localStorage key of one quiz page's answers. */
  const storageKey = (data) => "kcourse:v1:" + data.quiz.id + ":" + data.quiz.mode + (data.seed === null ? "" : ":" + data.seed);
  function makeStore(key) {
    let ls = null;
    try { ls = window.localStorage; ls.setItem(key + ":probe", "1"); ls.removeItem(key + ":probe"); } catch (e) { ls = null; }
    return {
      ok: !!ls,
      load() { try { return ls && JSON.parse(ls.getItem(key) || "null"); } catch (e) { return null; } },
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
    const store = makeStore(storageKey(data));
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

  return { mountAll };
});
