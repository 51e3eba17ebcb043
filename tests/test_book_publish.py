"""The book's one publishing setting (``kcourse_publish`` in _config.yml, or KCOURSE_REPOSITORY_URL and
KCOURSE_JUPYTERHUB_URL): what the theme gets and what the landing page says, and a real build with it set."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from smallsteps import book_theme as T  # the course's own book extension (course/smallsteps)

ROOT = Path(__file__).resolve().parent.parent

REPO = "https://github.com/someone/small-steps"
HUB = "https://jupyter.uni.example"


@pytest.mark.parametrize(("configured", "environ", "expected"), [
    pytest.param({}, {}, {"repository_url": "", "jupyterhub_url": ""}, id="unset"),
    pytest.param({"repository_url": f" {REPO} "}, {}, {"repository_url": REPO, "jupyterhub_url": ""}, id="config"),
    pytest.param({"repository_url": "https://gitlab.com/x/y"}, {"KCOURSE_REPOSITORY_URL": REPO},
                 {"repository_url": REPO, "jupyterhub_url": ""}, id="environment-wins"),
    pytest.param({"repository_url": REPO}, {"KCOURSE_REPOSITORY_URL": ""},
                 {"repository_url": "", "jupyterhub_url": ""}, id="environment-unsets"),
    pytest.param(None, {"KCOURSE_JUPYTERHUB_URL": HUB}, {"repository_url": "", "jupyterhub_url": HUB}, id="hub"),
])
def test_publish_settings(configured, environ, expected):
    assert T.publish_settings(configured, environ) == expected


def test_unset_means_no_repository_and_no_launch_button():
    options = T.theme_options({"launch_buttons": {"notebook_interface": "jupyterlab", "jupyterhub_url": "x"},
                               "repository_url": "https://old"}, {"repository_url": "", "jupyterhub_url": HUB})
    assert "repository_url" not in options
    assert options["use_repository_button"] is False and options["use_issues_button"] is False
    assert options["launch_buttons"] == {"notebook_interface": "jupyterlab"}
    assert options["navbar_persistent"] == []  # the menu-button fix is always there
    text = T.get_course_text("") + T.launch_text({"repository_url": "", "jupyterhub_url": HUB})
    assert "<" not in text and "example" not in text and "git clone" not in text
    assert "scripts/setup" in text


def test_a_github_repository_gives_binder_colab_and_the_hub():
    settings = {"repository_url": REPO, "jupyterhub_url": HUB}
    options = T.theme_options({"launch_buttons": {"notebook_interface": "jupyterlab"}}, settings)
    assert options["repository_url"] == REPO and options["use_repository_button"] is True
    assert options["launch_buttons"] == {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org",
                                         "colab_url": "https://colab.research.google.com", "jupyterhub_url": HUB}
    assert f"git clone {REPO} && cd small-steps" in T.get_course_text(REPO)
    launch = T.launch_text(settings)
    assert "Binder, your JupyterHub, Colab" in launch and f"!pip install git+{REPO}" in launch


def test_another_forge_gets_the_hub_only():
    settings = {"repository_url": "https://gitlab.com/me/course.git", "jupyterhub_url": HUB}
    options = T.theme_options({}, settings)
    assert options["launch_buttons"] == {"jupyterhub_url": HUB} and options["use_issues_button"] is False
    assert "cd course\n" in T.get_course_text(settings["repository_url"])
    assert T.launch_text(settings) == "Or use the rocket button at the top of a chapter page to open it on your " \
                                      "JupyterHub."


@pytest.mark.slow
def test_a_book_built_with_the_setting_links_to_the_repository_and_the_hub(tmp_path):
    import nbformat
    import yaml

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    course = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config = {k: course[k] for k in ("title", "author", "parse", "repository", "html", "launch_buttons", "sphinx")}
    config["html"] = {k: v for k, v in config["html"].items() if k != "favicon"}
    config["execute"] = {"execute_notebooks": "off"}
    config["sphinx"] = {**config["sphinx"],
                        "config": {"kcourse_publish": {"repository_url": "", "jupyterhub_url": ""}}}
    (book / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n")
    (book / "intro.md").write_text("# Start\n\n{{ kcourse_get_course }}\n\n{{ kcourse_launch }} Then read on.\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# One\n\nA chapter."), nbformat.v4.new_code_cell("1 + 1")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, book / "chapters" / "one.ipynb")
    env = {**os.environ, "KCOURSE_REPOSITORY_URL": REPO, "KCOURSE_JUPYTERHUB_URL": HUB}
    r = subprocess.run([sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(book),
                        "-W", "-n", "--keep-going"], capture_output=True, text=True, cwd=book, env=env)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    intro = (book / "_build" / "html" / "intro.html").read_text(encoding="utf-8")
    chapter = (book / "_build" / "html" / "chapters" / "one.html").read_text(encoding="utf-8")
    assert "someone/small-steps" in intro and "without a published address" not in intro
    assert "Binder, your JupyterHub, Colab" in intro
    assert "jupyter.uni.example/hub/user-redirect/git-pull?repo=https%3A//github.com/someone/small-steps" in chapter
    assert "mybinder.org/v2/gh/someone/small-steps" in chapter
    logo = intro.find('<nav class="kcourse-logo" aria-label="Home">')  # axe "region": the logo is in a landmark
    assert logo > 0 and intro.find('class="navbar-brand logo"', logo) < intro.find("</nav>", logo)


def test_the_sidebar_is_the_book_themes_own_with_the_logo_in_a_landmark():
    """SIDEBAR follows sphinx-book-theme's theme.conf default; a theme upgrade that changes it fails here."""
    import configparser

    import sphinx_book_theme

    conf = configparser.ConfigParser()
    conf.read(Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "theme.conf")
    default = [x.strip() for x in conf["theme"]["sidebars"].split(",")]
    assert [("kcourse-logo.html" if x == "navbar-logo.html" else x) for x in default] == T.SIDEBAR
    template = (Path(T.TEMPLATES) / "kcourse-logo.html").read_text(encoding="utf-8")
    assert '{% include "navbar-logo.html" %}' in template and "<nav" in template
