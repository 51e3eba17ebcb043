/* kcourse course progress view: a table of every practice quiz of the page's course whose answers this browser keeps (localStorage,
 * written by quiz.js with a summary of each quiz). Inlined before quiz.js by static_html.render_progress_fragment.
 */
(function (root) {
  "use strict";
  if (typeof module === "object" && module.exports) return;
  root.kcourseProgressV1 = { mount: (el) => mountProgress(root.kcourseQuizV1, el) };
  let views = 0;
  function mountProgress(Q, el) {
    const { h, show, KEY_PREFIX, isObj, tr } = Q;
    el.setAttribute("data-kq-state", "ready");
    const box = el.querySelector(".kq-app") || el, rows = [];
    let ls = null;
    try { ls = window.localStorage; for (let i = 0; i < ls.length; i++) rows.push(ls.key(i)); } catch (e) { ls = null; }
    box.textContent = "";
    if (!ls) { box.appendChild(h("p", { text: tr("progress.no_storage") })); return; }
    // the page's course only: kcourse:v2:<course>:<quiz id>:practice[:<seed>] (quiz.js storeKeys); a view that
    // knows no course (kcourse.progress() run outside a course folder) lists every practice quiz kept here
    const course = el.getAttribute("data-kq-course"), prefix = KEY_PREFIX + (course ? "2:" + course + ":" : "");
    const mine = (k) => k.startsWith(prefix) && (course ? k.slice(prefix.length).split(":")[1] === "practice" : k.includes(":practice"));
    const seen = rows.filter(mine).map((k) => {
      try { const st = JSON.parse(ls.getItem(k)); return isObj(st) && isObj(st.summary) ? st.summary : null; } catch (e) { return null; }
    }).filter(Boolean).sort((a, b) => a.chapter - b.chapter || String(a.title).localeCompare(String(b.title)));
    if (!seen.length) { box.appendChild(h("p", { text: tr("progress.none") })); return; }
    const cell = (tag, text) => h(tag, { text: String(text), style: tag === "td" ? "white-space:nowrap" : null });  // "9.09 %" on one line
    // a narrow screen (a phone, 200 % zoom) scrolls the table sideways inside its own box, reachable by keyboard
    // the table's title above that box, whole on any screen (a caption scrolls with the table and was cut off)
    const scroller = h("div", { cls: "kq-scroll", role: "region", tabindex: "0", "aria-label": tr("progress.scroll_label"), style: "overflow-x:auto" });
    const capId = "kq-progress-cap-" + (++views);
    box.append(h("p", { cls: "kq-caption", id: capId, text: tr("progress.caption") }), scroller);
    const cols = ["chapter", "quiz", "answered", "checked", "score", "best", "passed"];
    scroller.appendChild(h("table", { cls: "kq-progress", "aria-labelledby": capId }, [
      h("thead", null, [h("tr", null, cols.map((c) => h("th", { scope: "col", text: tr("progress." + c) })))]),
      h("tbody", null, seen.map((s) => h("tr", null, [cell("td", s.chapter), cell("th", s.title), cell("td", tr("progress.of", { n: s.answered, count: s.count })),
        cell("td", tr("progress.of", { n: s.checked, count: s.count })), cell("td", show(s.percentage) + " %"), cell("td", show(s.best) + " %"),
        cell("td", tr(s.best >= s.pass_mark ? "progress.yes" : "progress.not_yet"))])))]));
    box.appendChild(h("p", { text: tr("progress.note") }));
  }

})(typeof globalThis !== "undefined" ? globalThis : this);
