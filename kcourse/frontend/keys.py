"""Keyboard and focus for the JupyterLab quiz: a tiny anywidget with no view of its own.

JupyterLab's notebook takes arrow keys and Enter from a focused output (they move between cells or open the
editor), so a radio button could not be chosen with the arrow keys and Enter on a button left the quiz. The
helper marks the quiz's box with ``data-lm-suppress-shortcuts`` (Lumino's own way to let an element keep its
keys) and stops the arrow keys, Enter, Space, Home and End of its controls from reaching the notebook (which
listens further up), and moves the focus where :meth:`KeyHelper.focus` asks (a CSS class inside the quiz), e.g. to the
feedback after Check or to the button of an item that moved. Without anywidget the quiz works as before.
"""
from __future__ import annotations

from typing import Any

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  const box = () => el.closest(".kcourse-quiz");
  const KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Enter", " ", "Home", "End"];
  const keep = (e) => { if (KEYS.includes(e.key) && !e.shiftKey && !e.ctrlKey && !e.metaKey) e.stopPropagation(); };
  const mark = () => {
    const b = box();
    if (!b || b.hasAttribute("data-lm-suppress-shortcuts")) return;
    b.setAttribute("data-lm-suppress-shortcuts", "true");
    b.addEventListener("keydown", keep);  // the notebook listens further up: it never sees these keys
    b.addEventListener("keydown", (e) => {  // Enter in an answer box: its value goes to the kernel before the submit
      const t = e.target;
      if (e.key === "Enter" && t.matches("input[type=text]")) t.dispatchEvent(new Event("change", { bubbles: true }));
    }, true);
  };
  mark(); requestAnimationFrame(mark); setTimeout(mark, 300);
  model.on("change:focus_request", () => {
    const want = String(model.get("focus_request")).split("#")[0], b = box();
    setTimeout(() => {
      const t = b && b.querySelector("." + want);
      if (!t) return;
      const sel = "button, input, select, textarea, [tabindex]";
      const f = t.matches(sel) ? t : t.querySelector(sel);
      if (f) f.focus();
    }, 60);
  });
}
export default { render };
"""


def key_helper() -> Any | None:
    """The helper widget to put inside the quiz's box, or ``None`` when anywidget is not installed."""
    try:
        import anywidget
        import traitlets
    except ImportError:  # pragma: no cover - anywidget is in requirements.txt
        return None

    class KeyHelper(anywidget.AnyWidget):
        _esm = _ESM
        focus_request = traitlets.Unicode("").tag(sync=True)
        _count = 0

        def focus(self, css_class: str) -> None:
            """Move the focus to the first focusable element of class ``css_class`` (or inside it)."""
            KeyHelper._count += 1
            self.focus_request = f"{css_class}#{KeyHelper._count}"

    return KeyHelper()
