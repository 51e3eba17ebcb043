"""The minified scripts pages embed (kcourse/frontend/static/min/, made by scripts/minify-js with terser): each made
from the current source, remade the same by the terser it records, and never embedded when stale.
The node tests (test_vectors, test_saferegex_js, test_number_format, tests/test_qtypes.py) run the bundles too."""
import warnings
from pathlib import Path

import pytest

from kcourse.frontend import bundles, static_html

STATIC = Path(__file__).resolve().parents[2] / "kcourse" / "frontend" / "static"


def test_every_script_has_a_bundle_and_every_bundle_a_script():
    assert sorted(p.name for p in STATIC.glob("*.js")) == sorted(bundles.SOURCES)
    assert sorted(p.name for p in (STATIC / "min").iterdir()) == sorted(bundles.SOURCES)


@pytest.mark.parametrize("name", bundles.SOURCES)
def test_each_bundle_was_made_from_the_current_source(name):
    why = bundles.problem(name, bundles.read_bundle(name))
    assert why is None, why  # e.g. "... was made from an older static/quiz.js: run scripts/minify-js ..."
    about, code = bundles.read_bundle(name)
    assert about["source"] == name and about["options"] == list(bundles.TERSER_ARGS) and about["terser"]
    assert code and "\n" not in code.strip() and len(code) < len(bundles.source(name)) * 0.7


def test_a_stale_bundle_says_the_fix_and_is_not_embedded(monkeypatch):
    about, code = bundles.read_bundle("quiz.js")
    monkeypatch.setattr(bundles, "read_bundle", lambda name: ({**about, "sha256": "0" * 64}, code))
    bundles._minified.cache_clear()
    try:
        assert bundles.problem("quiz.js", bundles.read_bundle("quiz.js")) == (
            f"kcourse/frontend/static/min/quiz.js was made from an older static/quiz.js: {bundles.FIX}")
        with pytest.warns(UserWarning, match="run scripts/minify-js"):
            assert bundles.code("quiz.js") == bundles.source("quiz.js")
    finally:
        bundles._minified.cache_clear()
    assert bundles.problem("quiz.js", None).endswith("is missing or has no header line: " + bundles.FIX)


def test_pages_embed_the_bundles_or_on_request_the_readable_sources(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no bundle is stale
        page = static_html.asset("quiz.js")
    assert page == bundles.read_bundle("grader.js")[1] + "\n" + bundles.read_bundle("quiz.js")[1].replace("</", "<\\/")
    assert "kcourse bundle" not in page  # the header line stays in the package
    monkeypatch.setenv(bundles.READABLE_ENV, "1")
    readable = static_html.asset("quiz.js")
    assert readable.startswith("/* kcourse static quiz, the pure part") and len(readable) > 1.5 * len(page)
    monkeypatch.setenv(bundles.READABLE_ENV, "0")
    assert static_html.asset("quiz.js") == page


@pytest.fixture(scope="module")
def terser():
    command = bundles.terser_command()
    try:
        version = command and bundles.terser_version(command)
    except Exception:  # noqa: BLE001 - any failure to run it: it is not usable here
        version = None
    if not version:
        pytest.skip("terser is missing (Debian: apt-get install terser; scripts/setup installs it as root)")
    return command, version


@pytest.mark.parametrize("name", bundles.SOURCES)
def test_terser_remakes_each_bundle_byte_for_byte(terser, name):
    command, version = terser
    recorded = bundles.read_bundle(name)[0]["terser"]
    if version != recorded:
        pytest.skip(f"terser {version} here, the bundles were made by terser {recorded}")
    assert bundles.build(name, command, version) == (STATIC / "min" / name).read_text(encoding="utf-8"), \
        f"static/min/{name} differs from what terser makes now: run scripts/minify-js"
