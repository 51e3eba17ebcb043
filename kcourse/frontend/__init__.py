"""Shells that put a quiz in front of a learner: ipywidgets (JupyterLab) and static HTML/JS (the book)."""
