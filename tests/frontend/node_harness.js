/* A long-running node process for the tests: one JSON request per line on stdin, one answer per line.
 * Request: {"op": name, "args": [...]}; answer: {"ok": value} or {"error": message}.
 * Usage: node node_harness.js <path to grader.js, or to a page's whole script> [<path to saferegex.js>] */
"use strict";
const path = require("path");
const readline = require("readline");
const safeRegex = require(path.resolve(process.argv[3] ||
  path.join(__dirname, "..", "..", "kcourse", "frontend", "static", "saferegex.js")));
const api = require(path.resolve(process.argv[2]));
const checkVectors = require(path.join(__dirname, "vectors_check.js"));

const OPS = {
  grade: (q, r) => api.grade(q, r),
  gradeAll: (qs, responses, passMark) => api.gradeAll(qs, responses, passMark),
  normalise: (s, cs) => api.normalise(s, cs),
  toNumber: (r) => api.toNumber(r),
  readNumber: (text, unit) => api.readNumber(text, unit),
  pyRound: (x, nd) => api.pyRound(x, nd),
  pyRepr: (x) => api.pyRepr(x),
  fullmatch: (pattern, cs, texts) => texts.map((t) => safeRegex.fullmatch(pattern, t, !cs)),
  patternError: (pattern) => { try { safeRegex.check(pattern); return null; } catch (e) { return e.message; } },
  seedFor: (q, s) => api.seedFor(q, s),
  unpack: (quizId, qid, packed) => api.unpack(quizId, qid, packed),
  variant: (page, seed) => {
    const forms = {};
    page.questions.forEach((p) => { forms[p.id] = api.expand(page.quiz.id, p); });
    const v = api.makeVariant(page.variant_rules, forms, seed);
    return { question_ids: v.question_ids, orders: v.orders };
  },
  checkVectors: (vectors) => checkVectors(api, vectors),
  useStrings: (strings) => api.useStrings(strings),
  num: (x) => api.num(x),
  shown: (x) => api.shown(x),
  tr: (key, params) => api.tr(key, params),
  exports: () => Object.keys(api).sort(),
};

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  let out;
  try {
    const req = JSON.parse(line);
    const value = OPS[req.op](...req.args);
    out = { ok: value === undefined ? null : value };
  } catch (e) {
    out = { error: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
