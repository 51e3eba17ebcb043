"""Sphinx extension: the course book's one publishing setting, and fixes for the book theme.

Publishing. ``kcourse_publish`` (in ``_config.yml`` under ``sphinx: config:``) holds where the course is
published: ``repository_url`` (a git repository a learner can clone) and ``jupyterhub_url`` (an optional
JupyterHub that opens chapters through nbgitpuller). The environment variables ``KCOURSE_REPOSITORY_URL`` and
``KCOURSE_JUPYTERHUB_URL`` override them at build time. From that one setting come the repository and issues
buttons, the launch menu (Binder and Colab for a GitHub repository, the JupyterHub if given) and the landing
page's "how to get the course" text (the ``kcourse_get_course`` and ``kcourse_launch`` substitutions). When no
repository is set, the book shows no launch or repository button and its text says how to get the course
without naming an address: nothing placeholder-looking reaches the reader.

Build-machine outputs. A code cell tagged ``build-machine`` shows facts about the computer that runs it (its
kernel, its process, its timings). In JupyterLab that is the reader's machine; in the static book it is the
machine that built the book, so the book puts a caption above such a cell's output saying so.

Objectives. A chapter's objectives name the quiz tag that checks each one in an HTML comment at the end of the
item, ``<!-- quiz tag: stage-2001 -->`` (tests/test_course_quizzes.py keeps tags and objectives in step): the tag is
for authors, and neither the book nor JupyterLab shows it to readers.

Theme fixes (pydata-sphinx-theme 0.17.1 with sphinx-book-theme 1.3.0):

- pydata-sphinx-theme 0.17.1 puts ``navbar_persistent`` (a search field) back into the theme options, so the
  theme renders its own navbar with a second, hidden ``.primary-toggle`` and ``.secondary-toggle`` before the
  book theme's visible ones. Its script binds only the first of each (``querySelector``), so below 992 px the
  menu and the page-contents buttons opened nothing (pydata-sphinx-theme issue 2451, sphinx-book-theme issue
  988). Setting ``navbar_persistent`` ourselves keeps that navbar out and the visible buttons work.
- The primary sidebar's logo link (``navbar-logo.html``) is the only content of a page outside a landmark (axe's
  "region" rule, moderate, on every page). ``kcourse-logo.html`` (in ``templates/``) includes the theme's own
  template inside ``<nav aria-label="Home">``, and the sidebar list (the theme.conf default of
  sphinx-book-theme 1.3.0) names it instead, unless ``html_sidebars`` is set in ``_config.yml``.
- ``default_mode`` (a template variable of pydata-sphinx-theme) is left empty by the book theme, and every
  page logged "Got invalid theme mode"; ``auto`` follows the reader's system setting, which is what the empty
  value meant.
"""
from __future__ import annotations

import os
import re

ENV = {"repository_url": "KCOURSE_REPOSITORY_URL", "jupyterhub_url": "KCOURSE_JUPYTERHUB_URL"}
GITHUB = re.compile(r"^https://github\.com/[\w.-]+/[\w.-]+?(?:\.git)?/?$")
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
SIDEBAR = ["kcourse-logo.html", "icon-links.html", "search-button-field.html", "sbt-sidebar-nav.html"]
SETUP = "python3 -m venv .venv && . .venv/bin/activate && bash scripts/setup\njupyter lab chapters/01-the-stage.ipynb"


def publish_settings(configured: dict | None, environ: dict | os._Environ) -> dict[str, str]:
    """The repository and JupyterHub addresses: the environment wins over ``_config.yml``; blank means unset."""
    settings = {key: str((configured or {}).get(key) or "").strip() for key in ENV}
    for key, name in ENV.items():
        if name in environ:
            settings[key] = environ[name].strip()
    return settings


def get_course_text(repository_url: str) -> str:
    """Markdown for the landing page: how to get the course and start JupyterLab."""
    if repository_url:
        folder = repository_url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") or "course"
        return f"```bash\ngit clone {repository_url} && cd {folder}\n{SETUP}\n```"
    return ("Get a copy of the course's folder from whoever gave you this book (this copy of the book was built "
            "without a published address), then in that folder:\n\n"
            f"```bash\n{SETUP}\n```")


def launch_text(settings: dict[str, str]) -> str:
    """Markdown for the landing page: the launch menu, when the book has one."""
    repo = settings["repository_url"]
    if not repo:
        return ""
    places = (["Binder"] if GITHUB.match(repo) else []) + (["your JupyterHub"] if settings["jupyterhub_url"]
                                                           else [])
    colab = GITHUB.match(repo)
    if not places and not colab:
        return ""
    where = ", ".join(places + (["Colab"] if colab else []))
    text = f"Or use the rocket button at the top of a chapter page to open it on {where}"
    if colab:
        text += f" (on Colab, first run `!pip install git+{repo}` in a cell)"
    return text + "."


def theme_options(options: dict, settings: dict[str, str]) -> dict:
    """The book theme's options with the publishing setting and the theme fixes applied."""
    options = dict(options)
    options.setdefault("navbar_persistent", [])
    repo, hub = settings["repository_url"], settings["jupyterhub_url"]
    launch = {k: v for k, v in dict(options.get("launch_buttons") or {}).items()
              if k not in ("binderhub_url", "jupyterhub_url", "colab_url")}
    if repo:
        options["repository_url"] = repo
        options["use_repository_button"] = True
        options["use_issues_button"] = bool(GITHUB.match(repo))
        if GITHUB.match(repo):
            launch.update(binderhub_url="https://mybinder.org", colab_url="https://colab.research.google.com")
        if hub:
            launch["jupyterhub_url"] = hub
    else:
        options.pop("repository_url", None)
        for button in ("use_repository_button", "use_issues_button", "use_edit_page_button",
                       "use_source_button"):
            options[button] = False
    options["launch_buttons"] = launch
    return options


def _config_inited(app, config) -> None:
    settings = publish_settings(config.kcourse_publish, os.environ)
    config.html_theme_options = theme_options(config.html_theme_options or {}, settings)
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}
    config.templates_path = [TEMPLATES, *(config.templates_path or [])]
    if not config.html_sidebars:
        config.html_sidebars = {"**": SIDEBAR}
    subs = dict(config.myst_substitutions or {})
    subs.setdefault("kcourse_get_course", get_course_text(settings["repository_url"]))
    subs.setdefault("kcourse_launch", launch_text(settings))
    config.myst_substitutions = subs


BUILD_MACHINE_TAG = "tag_build-machine"
BUILD_MACHINE_NOTE = ("Computed when this book was built, on the machine that built it - not yours. Run this notebook "
                      "in JupyterLab to see the same for your own machine.")


def _caption_build_machine_outputs(app, doctree) -> None:
    from docutils import nodes

    for cell in list(doctree.findall(nodes.container)):
        if BUILD_MACHINE_TAG not in cell.get("classes", []):
            continue
        for output in cell.findall(nodes.container):
            if "cell_output" in output.get("classes", []) and not output.get("kcourse_noted"):
                output["kcourse_noted"] = True
                output.insert(0, nodes.paragraph(BUILD_MACHINE_NOTE, BUILD_MACHINE_NOTE,
                                                 classes=["kcourse-built-note"]))


def setup(app):
    app.add_config_value("kcourse_publish", {}, "env", types=[dict])
    app.connect("config-inited", _config_inited, priority=400)
    app.connect("doctree-read", _caption_build_machine_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1", "env_version": 3}
