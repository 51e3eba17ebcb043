"""The package's layers and what it declares: the core imports nothing above it, the views nothing but the
core, and every third-party module kcourse imports is declared in pyproject.toml (base or an extra)."""
import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "kcourse"


def imports(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    package = parts if parts[-1] == "__init__" else parts[:-1]
    package = [p for p in package if p != "__init__"]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            out.update(f"{mod}.{a.name}" if not node.module else mod for a in node.names)
    return out


ALLOWED = {  # a layer may import itself, the layers listed, and kcourse.__version__
    "core": {"kcourse.core"},
    "views": {"kcourse.core", "kcourse.views"},
    "storage": {"kcourse.core", "kcourse.storage"},
}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer):
    bad = []
    for path in sorted((PKG / layer).glob("*.py")):
        for name in imports(path):
            if name.startswith("kcourse") and name != "kcourse.__version__" and not any(
                    name == a or name.startswith(a + ".") for a in ALLOWED[layer]):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_every_third_party_import_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {req.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
                for req in project["dependencies"] + sum(project["optional-dependencies"].values(), [])}
    dists = packages_distributions()
    missing = set()
    for path in PKG.rglob("*.py"):
        for name in imports(path):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top in ("kcourse", "__future__"):
                continue
            names = {d.lower() for d in dists.get(top, [top])}
            if not names & declared:
                missing.add(f"{top} ({', '.join(sorted(names))}) in {path.relative_to(ROOT)}")
    assert not missing, sorted(missing)
