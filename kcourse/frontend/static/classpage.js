/* kcourse class page: one assessment page for the whole class (kcourse assign --class-page).
 *
 * The page holds, in <script type="application/json" id="kc-class">, the quiz's id and title, and
 * "people": hash(folded id) -> [variant seed, name], and "variants": seed -> the data of an assessment
 * quiz (as kcourse/views/pagedata.py writes it, without any key). A student types their id; the page
 * shows the name the class list has for it and asks them to confirm; then it locks the id in this
 * browser (localStorage) and builds that student's quiz with quiz.js (window.kcourseQuizV1; the hash is grader.js's fnv1a32). The id box
 * of the quiz's save form is made read-only, so the file saved always carries the confirmed id.
 * Anything typed is handled as text (value / textContent), never as HTML.
 */
(function () {
  "use strict";
  const doc = document, api = window.kcourseQuizV1, grader = window.kcourseGraderV1;
  const cfg = JSON.parse(doc.getElementById("kc-class").textContent), tr = grader.tr;
  grader.useStrings(cfg.strings);  // the class page's language (kcourse/core/i18n)
  /* The confirmed id is kept under kcourse:v2:<course>:class:<quiz id>, so two courses' class pages on one
     origin (one LMS's file domain) keep apart, like the quiz answers (quiz.js storeKeys). Pages from before course
     ids kept it under kcourse:v1:class:<quiz id>: the first course page that finds it takes it over (then removes it). */
  const box = doc.getElementById("kc-gate"), legacy = "kcourse:v1:class:" + cfg.quiz_id;
  const key = cfg.course ? "kcourse:v2:" + cfg.course + ":class:" + cfg.quiz_id : legacy;
  const fold = (s) => s.normalize("NFC").replace(/\s+/g, "").toLowerCase();
  const hashOf = (id) => String(grader.fnv1a32("kcourse-class\n" + fold(id)));
  const el = (tag, props, kids) => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of kids || []) e.appendChild(c);
    return e;
  };
  const store = {
    get() {
      try {
        const ls = window.localStorage, v = ls.getItem(key);
        if (v !== null || key === legacy) return v;
        const old = ls.getItem(legacy);
        if (old !== null) { ls.setItem(key, old); ls.removeItem(legacy); }
        return old;
      } catch (e) { return null; }
    },
    set(v) { try { window.localStorage.setItem(key, v); } catch (e) { /* private mode: locked for this visit */ } }
  };

  function start(id, person) {
    const data = Object.assign({}, cfg.variants[String(person[0])], { student_id: id });
    box.replaceChildren(el("p", { class: "kc-who", text: tr("class.student", { who: person[1] ? person[1] + " (" + id + ")" : id }) }));
    // text of a <script> element: nothing in it can end the element (a "<" never gets there)
    const json = JSON.stringify(data).split("<").join("\\u003c");
    const attrs = { class: "kq", "data-kq": "", "aria-label": tr("page.quiz_label", { title: cfg.title }) };
    if (cfg.course) attrs["data-kq-course"] = cfg.course;  // the answers are kept under the course, as on its other pages
    const sec = el("section", attrs, [
      el("p", { class: "kq-title", text: cfg.title }), el("div", { class: "kq-app" }),
      el("script", { type: "application/json", class: "kq-data", text: json })]);
    box.after(sec);
    api.mountAll(doc);
    const sid = sec.querySelector(".kq-save input");
    if (sid) {
      sid.value = id;
      sid.dispatchEvent(new Event("input"));
      sid.readOnly = true;
      sid.setAttribute("aria-readonly", "true");
    }
  }

  function ask() {
    const input = el("input", { type: "text", id: "kc-id", class: "kq-input", autocomplete: "off", spellcheck: "false" });
    const msg = el("p", { class: "kc-msg", role: "status" });
    const confirmRow = el("p");
    function check(ev) {
      ev.preventDefault();
      const id = input.value.trim();
      const person = id ? cfg.people[hashOf(id)] : undefined;
      confirmRow.replaceChildren();
      if (!person) { msg.textContent = tr(id ? "class.not_listed" : "class.type_id"); input.focus(); return; }
      msg.textContent = tr("class.confirm", { who: (person[1] || id) + " (" + id + ")" });
      const yes = el("button", { type: "button", class: "kq-btn", text: tr("class.yes_start"), onclick: () => { store.set(id); start(id, person); } });
      confirmRow.appendChild(yes);
      yes.focus();
    }
    box.replaceChildren(el("form", { onsubmit: check }, [el("label", { for: "kc-id", text: tr("class.your_id") }), input,
      el("button", { type: "submit", class: "kq-btn", text: tr("class.continue") })]), msg, confirmRow);
  }

  const saved = store.get(), person = saved ? cfg.people[hashOf(saved)] : undefined;
  if (saved && person) start(saved, person); else ask();
})();
