/* kcourse text patterns in the browser: kcourse/saferegex.py written again in JavaScript.
 *
 * A pattern (the documented subset of Python's syntax) compiles to a Thompson NFA, simulated one answer
 * character at a time (no backtracking): time linear in the answer for any pattern. The page carries it
 * before quiz.js (kcourse/frontend/static_html.py), which calls kcourseSafeRegexV1.fullmatch; node loads
 * it with require. tests/files/grading-vectors.json holds cases both languages must agree on.
 */
(function (root, factory) {
  "use strict";
  const api = root.kcourseSafeRegexV1 || (root.kcourseSafeRegexV1 = factory());
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";
  const MAX_PATTERN = 500, MAX_PROGRAM = 1000, MAX_REPEAT = 100, MAX_DEPTH = 30, MAX_MATCH = 1000;
  const WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const SPACE = new RegExp("^[" + WS + "]$", "u"), WORD = new RegExp("^[\\p{L}\\p{N}_]$", "u");
  const DIGIT = new RegExp("^\\p{Nd}$", "u");
  const CLASSES = { d: (c) => DIGIT.test(c), w: (c) => WORD.test(c), s: (c) => SPACE.test(c) };
  const SIMPLE = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v" }, HEX = { x: 2, u: 4, U: 8 };
  const REFUSED = [["?P<", "a named group (?P<...>)"], ["?P=", "a named back-reference (?P=...)"],
    ["?=", "a lookahead (?=...)"], ["?!", "a negative lookahead (?!...)"], ["?<=", "a lookbehind (?<=...)"],
    ["?<!", "a negative lookbehind (?<!...)"], ["?#", "a comment (?#...)"], ["?>", "an atomic group (?>...)"],
    ["?(", "a conditional (?(...)...)"], ["?<", "a named group (?<...>)"]];
  const isDigitAscii = (c) => c !== undefined && c >= "0" && c <= "9";
  const isAlphaAscii = (c) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
  /** A one-code-point case mapping, else the character itself (as Python's ``_one``). */
  const one = (s, c) => (s.length === 1 || (s.length === 2 && s.codePointAt(0) > 0xffff)) ? s : c;
  const isWord = (c) => WORD.test(c);

  function CharSet(chars, ranges, classes, negated, anyButNewline) {
    this.chars = chars || new Set(); this.ranges = ranges || []; this.classes = classes || [];
    this.negated = !!negated; this.any = !!anyButNewline;
  }
  CharSet.prototype.has = function (c) {
    if (this.chars.has(c)) return true;
    const o = c.codePointAt(0);
    for (const r of this.ranges) if (r[0] <= o && o <= r[1]) return true;
    for (const k of this.classes) if (CLASSES[k[0]](c) !== k[1]) return true;
    return false;
  };
  CharSet.prototype.matches = function (c, ignoreCase) {
    if (this.any) return c !== "\n";
    let hit = this.has(c);
    if (!hit && ignoreCase) {
      const lower = one(c.toLowerCase(), c), upper = one(c.toUpperCase(), c);
      hit = this.has(lower) || this.has(upper);
      if (!hit) for (const x of this.chars) if (one(x.toLowerCase(), x) === lower) { hit = true; break; }
    }
    return hit !== this.negated;
  };

  function PatternError(message) { this.name = "PatternError"; this.message = message; }
  PatternError.prototype = Object.create(Error.prototype);

  /** The parser works on code points (p is an array of them), as Python's works on characters. */
  function Parser(pattern) { this.p = Array.from(pattern); this.i = 0; this.depth = 0; }
  const P = Parser.prototype;
  P.error = function (message, at) { return new PatternError(message + " at position " + (at === undefined ? this.i : at)); };
  P.peek = function () { return this.i < this.p.length ? this.p[this.i] : null; };
  P.startsWith = function (s, at) { return this.p.slice(at, at + s.length).join("") === s; };
  P.parse = function () {
    const node = this.alternation();
    if (this.i < this.p.length) throw this.error("unbalanced parenthesis ')'");
    return node;
  };
  P.alternation = function () {
    const branches = [this.sequence()];
    while (this.peek() === "|") { this.i++; branches.push(this.sequence()); }
    return branches.length === 1 ? branches[0] : ["alt", branches];
  };
  P.sequence = function () {
    const items = [];
    let c;
    while ((c = this.peek()) !== null && c !== "|" && c !== ")") {
      const start = this.i;
      let atom = this.atom();
      const q = this.quantifier();
      if (q !== null) {
        if (atom[0] === "assert") throw this.error("nothing to repeat (an anchor cannot be repeated)", start);
        atom = ["rep", atom, q[0], q[1]];
      }
      items.push(atom);
    }
    return items.length === 1 ? items[0] : ["cat", items];
  };
  P.quantifier = function () {
    const c = this.peek();
    let q;
    if (c === null) return null;
    if (c === "*" || c === "+" || c === "?") { this.i++; q = c === "*" ? [0, null] : c === "+" ? [1, null] : [0, 1]; }
    else if (c === "{") { q = this.braces(false); if (q === null) return null; }
    else return null;
    let nxt = this.peek();
    if (nxt === "?") this.i++;
    else if (nxt === "+") throw this.error("a possessive repeat such as *+ is not supported (the browser has none)");
    nxt = this.peek();
    if (nxt !== null && (nxt === "*" || nxt === "+" || nxt === "?" || (nxt === "{" && this.braces(true) !== null)))
      throw this.error("multiple repeat (a repeat of a repeat): put the inner one in a group");
    return q;
  };
  P.braces = function (peekOnly) {
    const p = this.p, j = this.i + 1;
    let k = j;
    while (k < p.length && isDigitAscii(p[k])) k++;
    const lo = p.slice(j, k).join("");
    let hi;
    if (k < p.length && p[k] === ",") {
      let m = k + 1;
      while (m < p.length && isDigitAscii(p[m])) m++;
      hi = p.slice(k + 1, m).join(""); k = m;
    } else hi = lo;
    if (k >= p.length || p[k] !== "}" || k === j) return null;
    if (peekOnly) return [0, null];
    const at = this.i;
    this.i = k + 1;
    const low = lo ? parseInt(lo.slice(0, 9), 10) : 0, high = hi ? parseInt(hi.slice(0, 9), 10) : null;
    if (lo.length > 9 || (hi && hi.length > 9) || low > MAX_REPEAT || (high !== null && high > MAX_REPEAT))
      throw this.error("a repeat count above " + MAX_REPEAT + ": write a smaller {m,n}", at);
    if (high !== null && low > high) throw this.error("min repeat greater than max repeat", at);
    return [low, high];
  };
  P.atom = function () {
    const c = this.p[this.i++];
    if (c === "(") return this.group();
    if (c === "[") return ["set", this.charset()];
    if (c === ".") return ["set", new CharSet(null, null, null, false, true)];
    if (c === "^" || c === "$") return ["assert", c];
    if (c === "\\") return this.escape();
    if (c === "*" || c === "+" || c === "?") throw this.error("nothing to repeat", this.i - 1);
    if (c === "{") {
      const keep = this.i;
      this.i--;
      const b = this.braces(true);
      this.i = keep;
      if (b !== null) throw this.error("nothing to repeat", this.i - 1);
    }
    return ["set", new CharSet(new Set([c]))];
  };
  P.group = function () {
    if (this.p[this.i] === "?") {
      if (this.startsWith("?:", this.i)) this.i += 2;
      else {
        for (const r of REFUSED) if (this.startsWith(r[0], this.i)) throw this.error(r[1] + " is not supported", this.i - 1);
        throw this.error("an inline flag or extension (?...) is not supported", this.i - 1);
      }
    }
    if (++this.depth > MAX_DEPTH) throw this.error("groups nested more than " + MAX_DEPTH + " deep");
    const node = this.alternation();
    this.depth--;
    if (this.peek() !== ")") throw this.error("missing ), unterminated subpattern");
    this.i++;
    return ["group", node];
  };
  P.escape = function () {
    if (this.i >= this.p.length) throw this.error("bad escape (end of pattern)");
    const c = this.p[this.i++];
    if (c === "d" || c === "w" || c === "s") return ["set", new CharSet(null, null, [[c, false]])];
    if (c === "D" || c === "W" || c === "S") return ["set", new CharSet(null, null, [[c.toLowerCase(), true]])];
    if (c === "b" || c === "B") return ["assert", c];
    return ["set", new CharSet(new Set([this.escapedChar(c)]))];
  };
  P.escapedChar = function (c) {
    if (Object.prototype.hasOwnProperty.call(SIMPLE, c)) return SIMPLE[c];
    if (Object.prototype.hasOwnProperty.call(HEX, c)) {
      const n = HEX[c], digits = this.p.slice(this.i, this.i + n).join("");
      if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) throw this.error("incomplete escape \\" + c + digits);
      this.i += n;
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff) throw this.error("bad escape \\" + c + digits);
      return String.fromCodePoint(cp);
    }
    if (isDigitAscii(c))
      throw this.error("a back-reference or octal escape (\\1, \\0) is not supported; write [0-9] or the character itself", this.i - 2);
    if (c === "A" || c === "Z") throw this.error("\\" + c + " is not supported; use ^ and $", this.i - 2);
    if (isAlphaAscii(c)) throw this.error("bad escape \\" + c, this.i - 2);
    return c;
  };
  P.charset = function () {
    const start = this.i - 1, p = this.p;
    const negated = this.peek() === "^";
    if (negated) this.i++;
    const chars = new Set(), ranges = [], classes = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === null) throw this.error("unterminated character set", start);
      if (c === "]" && !first) { this.i++; break; }
      first = false;
      this.i++;
      let lo;
      if (c === "\\") {
        if (this.i >= p.length) throw this.error("unterminated character set", start);
        const e = p[this.i++];
        if ("dwsDWS".includes(e)) {
          classes.push([e.toLowerCase(), e !== e.toLowerCase()]);
          if (p[this.i] === "-" && p[this.i + 1] !== "]") throw this.error("bad character range \\" + e + "-", this.i - 2);
          continue;
        }
        lo = e === "b" ? "\b" : this.escapedChar(e);
      } else {
        if (c === "[" || ("-&~|".includes(c) && this.peek() === c)) throw this.error("an unescaped " + c + " in a set", this.i - 1);
        lo = c;
      }
      if (p[this.i] === "-" && this.i + 1 < p.length && p[this.i + 1] !== "]") {
        this.i++;
        const h = p[this.i++];
        let hi;
        if (h === "\\") {
          if (this.i >= p.length) throw this.error("unterminated character set", start);
          const e = p[this.i++];
          if ("dwsDWS".includes(e)) throw this.error("bad character range " + lo + "-\\" + e, this.i - 2);
          hi = e === "b" ? "\b" : this.escapedChar(e);
        } else {
          if (h === "[" || h === "-") throw this.error("an unescaped " + h + " in a set", this.i - 1);
          hi = h;
        }
        if (hi.codePointAt(0) < lo.codePointAt(0)) throw this.error("bad character range " + lo + "-" + hi);
        ranges.push([lo.codePointAt(0), hi.codePointAt(0)]);
      } else chars.add(lo);
    }
    return new CharSet(chars, ranges, classes, negated);
  };

  // ---- compiling: steps ["set", CharSet] | ["split", a, b] | ["jmp", a] | ["assert", kind] | ["match"] ----
  function compile(pattern) {
    if (typeof pattern !== "string") throw new PatternError("a pattern is text");
    const n = Array.from(pattern).length;
    if (n > MAX_PATTERN) throw new PatternError("the pattern is " + n + " characters long, more than " + MAX_PATTERN);
    const tree = new Parser(pattern).parse(), steps = [];
    const emit = (s) => {
      if (steps.length >= MAX_PROGRAM) throw new PatternError("the pattern compiles to more than " + MAX_PROGRAM + " steps");
      steps.push(s); return steps.length - 1;
    };
    const node = (t) => {
      const kind = t[0];
      if (kind === "set" || kind === "assert") emit(t);
      else if (kind === "group") node(t[1]);
      else if (kind === "cat") t[1].forEach(node);
      else if (kind === "alt") {
        const jumps = [], b = t[1];
        b.forEach((x, k) => {
          if (k < b.length - 1) {
            const split = emit(null);
            node(x);
            jumps.push(emit(null));
            steps[split] = ["split", split + 1, steps.length];
          } else node(x);
        });
        jumps.forEach((j) => { steps[j] = ["jmp", steps.length]; });
      } else {  // rep
        const body = t[1], low = t[2], high = t[3];
        for (let k = 0; k < low; k++) node(body);
        if (high === null) {
          const loop = emit(null);
          node(body);
          emit(["jmp", loop]);
          steps[loop] = ["split", loop + 1, steps.length];
        } else {
          const splits = [];
          for (let k = 0; k < high - low; k++) { splits.push(emit(null)); node(body); }
          splits.forEach((s) => { steps[s] = ["split", s + 1, steps.length]; });
        }
      }
    };
    node(tree);
    emit(["match"]);
    return steps;
  }

  // ---- matching: a Pike VM without captures, one pass over the answer ----------------------------------
  function assertHolds(kind, ctx) {
    if (kind === "^") return ctx.start;
    if (kind === "$") return ctx.end || ctx.finalNewline;
    const boundary = ctx.prevWord !== ctx.nextWord;
    return kind === "b" ? boundary : !boundary && !ctx.empty;  // as in Python's re, \B never holds in an empty text
  }
  function Matcher(steps, ignoreCase) {
    this.steps = steps; this.ignoreCase = ignoreCase;
    this.mark = new Int32Array(steps.length).fill(-1); this.gen = 0;
    this.accepts = new Map();
  }
  Matcher.prototype.accept = function (c) {
    let a = this.accepts.get(c);
    if (a === undefined) {
      a = new Uint8Array(this.steps.length);
      this.steps.forEach((s, k) => { if (s[0] === "set" && s[1].matches(c, this.ignoreCase)) a[k] = 1; });
      if (this.accepts.size > 20000) this.accepts.clear();
      this.accepts.set(c, a);
    }
    return a;
  };
  /** The set and match steps reached from ``states`` without reading a character (sorted). */
  Matcher.prototype.closure = function (states, ctx) {
    const steps = this.steps, mark = this.mark, gen = ++this.gen, out = [], stack = states.slice().reverse();
    while (stack.length) {
      const k = stack.pop();
      if (mark[k] === gen) continue;
      mark[k] = gen;
      const s = steps[k];
      if (s[0] === "set" || s[0] === "match") out.push(k);
      else if (s[0] === "jmp") stack.push(s[1]);
      else if (s[0] === "split") { stack.push(s[2]); stack.push(s[1]); }
      else if (assertHolds(s[1], ctx)) stack.push(k + 1);
    }
    return out;
  };
  Matcher.prototype.fullmatch = function (text) {
    const chars = Array.from(text), n = chars.length;
    let states = [0], prevWord = false;
    for (let i = 0; i < n; i++) {
      const c = chars[i], word = isWord(c);
      const cur = this.closure(states, { start: i === 0, end: false, prevWord: prevWord, nextWord: word,
        finalNewline: i === n - 1 && c === "\n" });
      const acc = this.accept(c), next = [];
      for (const k of cur) if (acc[k]) next.push(k + 1);
      if (!next.length) return false;
      states = next;
      prevWord = word;
    }
    const last = this.steps.length - 1;
    return this.closure(states, { start: n === 0, end: true, prevWord: prevWord, nextWord: false, finalNewline: false,
      empty: n === 0 })
      .includes(last);
  };

  const cache = new Map();
  /** Whether the whole of ``text`` matches ``pattern``; throws a PatternError for a refused pattern.
   * Texts longer than MAX_MATCH characters (code points) never match. */
  function fullmatch(pattern, text, ignoreCase) {
    if (text.length > MAX_MATCH && Array.from(text).length > MAX_MATCH) return false;
    const key = (ignoreCase ? "i" : "c") + pattern;
    let m = cache.get(key);
    if (m === undefined) {
      m = new Matcher(compile(pattern), !!ignoreCase);
      if (cache.size > 256) cache.clear();
      cache.set(key, m);
    }
    return m.fullmatch(text);
  }
  function check(pattern) { compile(pattern); }
  return { fullmatch, check, PatternError, MAX_MATCH };
});
