/* The per-type tables of the browser scripts, read under node for tests/test_qtypes.py: prints one JSON object,
 * {"<file> <TABLE>": {"<type>": {...what the test compares...}}}. grader.js is loaded as node loads it; quiz.js, the
 * page part, runs as a page runs it (a window with grader.js on it), with no document, so it mounts nothing.
 * Usage: node type_tables.js [<folder of the scripts>]: kcourse/frontend/static (default), or its min/ (the bundles). */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const STATIC = path.resolve(process.argv[2] || path.join(__dirname, "..", "..", "kcourse", "frontend", "static"));
const grader = require(path.join(STATIC, "grader.js"));
const page = vm.createContext({ kcourseGraderV1: grader });
vm.runInContext(fs.readFileSync(path.join(STATIC, "quiz.js"), "utf-8"), page, { filename: "quiz.js" });
const quiz = page.kcourseQuizV1;

const rows = (table, fields) => Object.fromEntries(Object.entries(table).map(([type, row]) =>
  [type, Object.fromEntries(fields.map((f) => [f, typeof row[f] === "function" ? "function" : row[f] === undefined ? null : row[f]]))]));
const kinds = (table) => Object.fromEntries(Object.entries(table).map(([type, fn]) => [type, typeof fn]));
process.stdout.write(JSON.stringify({
  "grader.js TYPES": rows(grader.TYPES, ["grade", "expand", "natural", "shuffle", "marks", "ready"]),
  "quiz.js CONTROLS": kinds(quiz.CONTROLS),
  "quiz.js ANSWER_VIEW": kinds(quiz.ANSWER_VIEW),
}) + "\n");
