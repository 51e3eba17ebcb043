"""The static HTML quiz: what a page carries and how soon it can be used.

Prints the bytes of quiz JS+CSS a page carries (as embedded, and gzip-compressed), the size of whole quiz
pages, the Python render time, whether headless chromium made any request outside the page, and the "usable"
time: from navigation start to the first quiz being interactive (quiz.js sets the performance mark
``kcourse:usable`` when it has wired the first quiz), min and median over repeated loads of a file:// page,
with the first paint and the machine's load average (the figures depend on it: report them together).

Run: python benchmarks/bench_static_quiz.py [--loads 15] [--quiz PATH ...]
"""
from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
READY_PROBE = """
new MutationObserver(() => {
  if (!window.__kqReady && document.querySelector('[data-kq-state=ready]')) window.__kqReady = performance.now();
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-kq-state']});
"""  # for pages of a quiz.js without the mark (comparing with an older version)
USABLE = """() => { const m = performance.getEntriesByName('kcourse:usable')[0];
  const n = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return [m ? m.startTime : window.__kqReady, n.domContentLoadedEventEnd, paint ? paint.startTime : null]; }"""
TARGET_MS = 100


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def watcher(outside: list[str]):
    def seen(request) -> None:
        if not request.url.startswith(("file://", "blob:", "data:")):
            outside.append(request.url)
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loads", type=int, default=15, help="page loads to take min and median of (default 15)")
    ap.add_argument("--quiz", action="append", help="quiz files to measure (default: the all-types fixture and "
                    "the largest course quiz)")
    args = ap.parse_args()

    from kcourse.core.loader import load_quiz
    from kcourse.frontend.static_html import SCRIPTS, asset, render_document

    js, css = asset("quiz.js").encode(), asset("quiz.css").encode()
    src = sum(len((ROOT / "kcourse" / "frontend" / "static" / n).read_bytes()) for n in SCRIPTS + ("quiz.css",))
    print(f"quiz JS+CSS per page: {kb(len(js) + len(css))} (JS {kb(len(js))}, CSS {kb(len(css))}; "
          f"gzip {kb(len(gzip.compress(js + css, 9)))}; source files {kb(src)}; target 35.0 KB);\n"
          f"  pattern matcher saferegex.js {kb(len(asset('saferegex.js').encode()))}, "
          "only on practice pages with patterns")

    paths = [Path(p) for p in args.quiz] if args.quiz else [ROOT / "tests/files/quiz/valid-all-types.yml"] + \
        sorted((ROOT / "quizzes").glob("*.yml"), key=lambda p: p.stat().st_size)[-1:]
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for path in paths:
            quiz = load_quiz(path)
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                html = render_document(quiz)
                times.append(time.perf_counter() - t0)
            page = Path(tmp) / f"{quiz.id}.html"
            page.write_text(html, encoding="utf-8")
            pages.append(page)
            print(f"{quiz.id}: {len(quiz.all_questions)} questions, page {kb(len(html.encode()))} "
                  f"(gzip {kb(len(gzip.compress(html.encode(), 9)))}), "
                  f"Python render {statistics.median(times) * 1000:.1f} ms (median of 20)")
        if not Path(CHROMIUM).exists():
            print(f"{CHROMIUM} is missing: no browser figures (apt-get install -y chromium)")
            return
        from playwright.sync_api import sync_playwright

        print("load average before the browser runs: {:.2f} {:.2f} {:.2f} (1, 5, 15 min; {} CPUs)".format(
            *os.getloadavg(), os.cpu_count()))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for page_path in pages:
                usable, dcl, paint, outside = [], [], [], []
                for _ in range(args.loads):
                    ctx = browser.new_context()
                    page = ctx.new_page()
                    page.add_init_script(READY_PROBE)
                    page.on("request", watcher(outside))
                    page.goto(page_path.as_uri())
                    page.wait_for_function("performance.getEntriesByName('kcourse:usable').length || window.__kqReady")
                    page.wait_for_load_state("load")
                    page.wait_for_timeout(50)  # the first paint is recorded after load
                    u, d, f = page.evaluate(USABLE)
                    usable.append(u)
                    dcl.append(d)
                    if f is not None:
                        paint.append(f)
                    ctx.close()
                fp = f"first paint {statistics.median(paint):.0f} ms; " if paint else ""
                print(f"{page_path.stem}: usable min {min(usable):.0f} ms, median {statistics.median(usable):.0f} ms "
                      f"after navigation start (of {args.loads} loads; target {TARGET_MS} ms; {fp}"
                      f"DOMContentLoaded {statistics.median(dcl):.0f} ms); requests outside the page: {len(outside)}"
                      f"{' ' + str(sorted(set(outside))) if outside else ''}")
            browser.close()
        print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
