/* kcourse course progress view: a table of every practice quiz of the page's course whose answers this browser keeps (localStorage,
 * written by quiz.js with a summary of each quiz). Inlined before quiz.js by static_html.render_progress_fragment.
 */
(function (root) {
  "use strict";
  if (typeof module === "object" && module.exports) return;
  root.kcourseProgressV1 = { mount: (el) => mountProgress(root.kcourseQuizV1, el) };
  function mountProgress(Q, el) {
    const { h, show, KEY_PREFIX, isObj } = Q;
    el.setAttribute("data-kq-state", "ready");
    const box = el.querySelector(".kq-app") || el, rows = [];
    let ls = null;
    try { ls = window.localStorage; for (let i = 0; i < ls.length; i++) rows.push(ls.key(i)); } catch (e) { ls = null; }
    box.textContent = "";
    if (!ls) { box.appendChild(h("p", { text: "This browser does not let the book keep answers here (private mode?), so there is no progress to show." })); return; }
    // the page's course only: kcourse:v2:<course>:<quiz id>:practice[:<seed>] (quiz.js storeKeys); a view that
    // knows no course (kcourse.progress() run outside a course folder) lists every practice quiz kept here
    const course = el.getAttribute("data-kq-course"), prefix = KEY_PREFIX + (course ? "2:" + course + ":" : "");
    const mine = (k) => k.startsWith(prefix) && (course ? k.slice(prefix.length).split(":")[1] === "practice" : k.includes(":practice"));
    const seen = rows.filter(mine).map((k) => {
      try { const st = JSON.parse(ls.getItem(k)); return isObj(st) && isObj(st.summary) ? st.summary : null; } catch (e) { return null; }
    }).filter(Boolean).sort((a, b) => a.chapter - b.chapter || String(a.title).localeCompare(String(b.title)));
    if (!seen.length) { box.appendChild(h("p", { text: "No quiz answered in this browser yet: answer a chapter quiz and come back." })); return; }
    const cell = (tag, text) => h(tag, { text: String(text), style: tag === "td" ? "white-space:nowrap" : null });  // "9.09 %" on one line
    // a narrow screen (a phone, 200 % zoom) scrolls the table sideways inside its own box, reachable by keyboard
    const scroller = h("div", { cls: "kq-scroll", role: "region", tabindex: "0", "aria-label": "Your practice quizzes (scrolls sideways)", style: "overflow-x:auto" });
    box.appendChild(scroller);
    scroller.appendChild(h("table", { cls: "kq-progress" }, [h("caption", { text: "Your practice quizzes, as saved by this browser" }),
      h("thead", null, [h("tr", null, ["Chapter", "Quiz", "Answered", "Checked", "Score", "Best", "Passed"].map((t) => h("th", { scope: "col", text: t })))]),
      h("tbody", null, seen.map((s) => h("tr", null, [cell("td", s.chapter), cell("th", s.title), cell("td", s.answered + " of " + s.count),
        cell("td", s.checked + " of " + s.count), cell("td", show(s.percentage) + " %"), cell("td", show(s.best) + " %"),
        cell("td", s.best >= s.pass_mark ? "yes" : "not yet")])))]));
    box.appendChild(h("p", { text: "Scores count the last try of each checked question. Answers stay in this browser only: download them from each quiz to keep them or move them to another device." }));
  }

})(typeof globalThis !== "undefined" ? globalThis : this);
