/* Runs tests/files/grading-vectors.json through grader.js; returns a list of mismatches (empty: all agree).
 * Used by tests/frontend/node_harness.js (node) and by the browser test (window.kqCheckVectors). */
(function (root) {
  "use strict";
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function noRefs(form) {  // `ref` is the page's own index of a right-hand choice, not part of the grading form
    return JSON.parse(JSON.stringify(form, function (k, v) { return k === "ref" ? undefined : v; }));
  }
  function check(api, v) {
    var bad = [];
    function expect(what, got, want) { if (!same(got, want)) bad.push({ what: what, got: got, want: want }); }
    v.seed_for.forEach(function (c) { expect("seed_for " + JSON.stringify(c.student_id), api.seedFor(c.quiz_id, c.student_id), c.seed); });
    v.mulberry32.forEach(function (c) {
      var rng = new api.Mulberry32(c.seed), u = [];
      for (var i = 0; i < c.u32.length; i++) u.push(rng.nextU32());
      expect("mulberry32 " + c.seed, u, c.u32);
      expect("below " + c.seed, [1, 2, 7, 1000, 1048576].map(function (n) { return new api.Mulberry32(c.seed).below(n); }), c.below);
    });
    v.normalise.forEach(function (c) { expect("normalise " + JSON.stringify(c.text), api.normalise(c.text, c.case_sensitive), c.expected); });
    v.round.forEach(function (c) { expect("round " + c.x + " " + c.nd, api.pyRound(c.x, c.nd), c.expected); });
    v.repr.forEach(function (c) { expect("repr " + c.x, api.pyRepr(c.x), c.expected); });
    v.grading.forEach(function (g) {
      g.cases.forEach(function (c) {
        var r = api.grade(g.question, c.response);
        expect("grade " + g.question.id + " " + JSON.stringify(c.response).slice(0, 80),
          { score: r.score, max_score: r.max_score, status: r.status, feedback: r.feedback }, c.expected);
      });
    });
    v.variants.forEach(function (vq) {
      var forms = {};
      vq.page.questions.forEach(function (p) { forms[p.id] = api.expand(vq.page.quiz.id, p); });
      Object.keys(vq.grading_forms).forEach(function (id) { expect("expand " + id, noRefs(forms[id]), vq.grading_forms[id]); });
      vq.cases.forEach(function (c) {
        var got = api.makeVariant(vq.page.variant_rules, forms, c.seed);
        expect("variant " + vq.page.quiz.id + " " + c.seed, { question_ids: got.question_ids, orders: got.orders },
          { question_ids: c.question_ids, orders: c.orders });
      });
    });
    var groups = {};
    v.grading.forEach(function (g) { groups[g.quiz + "#" + g.question.id] = g.question; });
    (v.practice || []).forEach(function (p) {
      var q = groups[p.quiz + "#" + p.question];
      p.cases.forEach(function (c) {
        var what = p.question + " " + JSON.stringify(c.response).slice(0, 80);
        expect("ready " + what, api.readyProblem(q, c.response), c.ready);
        var m = api.marks(q, c.response);
        expect("marks " + what, Object.keys(m).sort().map(function (k) { return [k, m[k]]; }),
          Object.keys(c.marks).sort().map(function (k) { return [k, c.marks[k]]; }));
      });
    });
    (v.scores || []).forEach(function (c) {
      var s = api.scoreOf(c.results, c.first, c.ids, c.max_total);
      expect("score " + JSON.stringify(c.ids), s, c.expected);
      expect("score line " + JSON.stringify(c.ids), api.scoreLine(s), c.line);
    });
    return bad;
  }
  if (typeof module === "object" && module.exports) module.exports = check;
  else root.kqCheckVectors = check;
})(typeof globalThis !== "undefined" ? globalThis : this);
