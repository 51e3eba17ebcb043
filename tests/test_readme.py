"""README.md's two commands stay true: CI runs exactly the test command, and both name files that exist."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [b.strip() for b in blocks if b.strip().startswith("python3 -m venv")]


def test_readme_has_a_build_and_a_test_command():
    build, test = readme_commands()
    assert "jupyter-book build" in build and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command():
    _, test = readme_commands()
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == test


def test_the_commands_name_files_that_exist():
    for cmd in readme_commands():
        for path in re.findall(r"bash (\S+)", cmd):
            assert (ROOT / path).is_file(), path
