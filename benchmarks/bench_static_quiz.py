"""The static HTML quiz: what a page carries and how soon it can be used.

Prints the bytes of quiz JS+CSS a page carries (as embedded, and gzip-compressed), the size of whole quiz
pages, the Python render time, whether headless chromium made any request outside the page, and the time
from navigation start to a usable quiz (median of several loads of a file:// page).

Run: python benchmarks/bench_static_quiz.py [--loads 9] [--quiz PATH ...]
"""
from __future__ import annotations

import argparse
import gzip
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
"""


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def watcher(outside: list[str]):
    def seen(request) -> None:
        if not request.url.startswith(("file://", "blob:", "data:")):
            outside.append(request.url)
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loads", type=int, default=9, help="page loads to take the median of (default 9)")
    ap.add_argument("--quiz", action="append", help="quiz files to measure (default: the all-types fixture and "
                    "the largest course quiz)")
    args = ap.parse_args()

    from kcourse.core.loader import load_quiz
    from kcourse.frontend.static_html import SCRIPTS, asset, render_document

    js, css = asset("quiz.js").encode(), asset("quiz.css").encode()
    src = sum(len((ROOT / "kcourse" / "frontend" / "static" / n).read_bytes()) for n in SCRIPTS + ("quiz.css",))
    print(f"quiz JS+CSS per page: {kb(len(js) + len(css))} (JS {kb(len(js))}, CSS {kb(len(css))}; "
          f"gzip {kb(len(gzip.compress(js + css, 9)))}; source files {kb(src)}; target 35.0 KB, test budget 41.0 KB)")

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

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for page_path in pages:
                ready, dcl, outside = [], [], []
                for _ in range(args.loads):
                    ctx = browser.new_context()
                    page = ctx.new_page()
                    page.add_init_script(READY_PROBE)
                    page.on("request", watcher(outside))
                    page.goto(page_path.as_uri())
                    page.wait_for_function("window.__kqReady")
                    ready.append(page.evaluate("window.__kqReady"))
                    dcl.append(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
                    ctx.close()
                print(f"{page_path.stem}: usable {statistics.median(ready):.0f} ms after navigation start "
                      f"(median of {args.loads}; DOMContentLoaded {statistics.median(dcl):.0f} ms); "
                      f"requests outside the page: {len(outside)}{' ' + str(sorted(set(outside))) if outside else ''}")
            browser.close()


if __name__ == "__main__":
    main()
