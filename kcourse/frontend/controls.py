"""One ipywidgets input control per question type, each turning widget values into a response and back.

A control's widgets hold only what the learner sees and chose: option labels in the variant's order and
the learner's choice. No correct flag, answer, feedback or explanation is ever put into a widget here, so
the widget state (which Jupyter saves into the notebook) carries no key.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from .. import qtypes as qt
from ..core.i18n import current, t
from ..core.numbers import read_number
from ..core.public import PublicQuestion
from ..views.markdown import render_block, render_inline
from ..views.markdown import render_plain as plain  # labels that hold no markup: radio buttons, drop-downs, tooltips

__all__ = ["Control", "control_for", "plain", "render_block", "render_inline"]


def _wide(**extra: Any) -> w.Layout:
    return w.Layout(width="auto", max_width="100%", **extra)


_DESC = {"description_width": "initial"}


class Control:
    """Base: ``widget`` to show, ``response()`` to read, ``set_response()`` to restore, ``clear()`` for try again."""

    widget: w.Widget
    inputs: list[w.Widget]

    def response(self) -> Any:
        raise NotImplementedError

    def set_response(self, response: Any) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        self.set_response(None)

    def set_disabled(self, disabled: bool) -> None:
        for x in self.inputs:
            x.disabled = disabled

    def on_change(self, callback: Callable[[], None]) -> None:
        for x in self.inputs:
            if isinstance(x, w.Button):
                x.on_click(lambda _b: callback())
            else:
                x.observe(lambda _c: callback(), names="value")


class _RadioControl(Control):
    """One of a few labelled values (a single choice; true or false), as radio buttons."""

    def __init__(self, options: list[tuple[str, Any]], number: int, **extra: Any):
        self.radio = w.RadioButtons(options=options, value=None, description=t("quiz.your_answer"), style=_DESC,
                                    layout=_wide(), **extra)
        self.radio.add_class(f"kcourse-in-{number}")
        self.widget = self.radio
        self.inputs = [self.radio]

    def accepts(self, response: Any) -> bool:
        raise NotImplementedError

    def response(self) -> Any:
        return self.radio.value

    def set_response(self, response: Any) -> None:
        self.radio.value = response if self.accepts(response) else None


class SingleControl(_RadioControl):
    def __init__(self, q: PublicQuestion, number: int = 0):
        self.ids = [o.id for o in q.options]
        super().__init__([(plain(o.text), o.id) for o in q.options], number)

    def accepts(self, response: Any) -> bool:
        return response in self.ids


class MultipleControl(Control):
    def __init__(self, q: PublicQuestion, number: int = 0):
        by_id = {o.id: o for o in q.options}
        self.ids = list(by_id)
        self.boxes = {i: w.Checkbox(value=False, description=plain(by_id[i].text), indent=False,
                                    layout=_wide()) for i in self.ids}
        self.widget = w.VBox([w.Label(t("lab.choose_all"))] + list(self.boxes.values()))
        self.inputs = list(self.boxes.values())
        self.inputs[0].add_class(f"kcourse-in-{number}")

    def response(self) -> Any:
        picked = [i for i, b in self.boxes.items() if b.value]
        return picked or None

    def set_response(self, response: Any) -> None:
        chosen = set(response) if isinstance(response, list) else set()
        for i, b in self.boxes.items():
            b.value = i in chosen


class TrueFalseControl(_RadioControl):
    def __init__(self, q: PublicQuestion, number: int = 0):
        super().__init__([(t("quiz.true"), True), (t("quiz.false"), False)], number, orientation="horizontal")

    def accepts(self, response: Any) -> bool:
        return isinstance(response, bool)


class NumericControl(Control):
    """A text box (so that "empty" is possible) read as a number; the unit is a label after it."""

    def __init__(self, q: PublicQuestion, number: int = 0):
        self.unit_name = q.unit or ""
        self.text = w.Text(value="", placeholder=t("num.placeholder"), description=t("quiz.your_answer"),
                           continuous_update=False, style=_DESC, layout=w.Layout(width="22em"))
        self.text.add_class(f"kcourse-in-{number}")
        self.unit = w.Label(q.unit or "")
        self.warning = w.HTML("")
        self.widget = w.HBox([self.text, self.unit, self.warning] if q.unit else [self.text, self.warning])
        self.inputs = [self.text]
        self.text.observe(self._warn, names="value")

    def _warn(self, _change: Any = None) -> None:
        s = self.text.value.strip()
        problem = read_number(s, self.unit_name).problem if s else None
        self.warning.value = f"<span role='status'>⚠ {html.escape(problem)}</span>" if problem else ""

    def response(self) -> Any:
        s = self.text.value.strip()
        if not s:
            return None
        x = read_number(s, self.unit_name).value
        if x is None:
            return s  # not an answer yet: Check says what to write, and it costs no try
        return int(x) if x.is_integer() and abs(x) < 2**53 else x

    def set_response(self, response: Any) -> None:
        self.text.value = "" if response is None or isinstance(response, (bool, list, dict)) else str(response)


class TextControl(Control):
    def __init__(self, q: PublicQuestion, number: int = 0):
        self.text = w.Text(value="", placeholder=t("lab.type_answer"), description=t("quiz.your_answer"),
                           continuous_update=False, style=_DESC, layout=w.Layout(width="30em", max_width="100%"))
        self.text.add_class(f"kcourse-in-{number}")
        self.widget = self.text
        self.inputs = [self.text]

    def response(self) -> Any:
        return self.text.value if self.text.value.strip() else None

    def set_response(self, response: Any) -> None:
        self.text.value = response if isinstance(response, str) else ""


class OrderingControl(Control):
    """Rows of items with Up/Down buttons. The response is the order shown once the learner moved an item or
    pressed Check (:meth:`take_shown_order`): checking an ordering that was never moved answers it as shown,
    exactly as the static page does. Until then it is unanswered, so it is not in a saved submission."""

    def __init__(self, q: PublicQuestion, number: int = 0):
        self.number = number
        self.lang = current()  # the tooltips change on a move, outside the quiz's language block
        self.on_move: Callable[[str], None] | None = None
        """Called with the CSS class of the button to focus after a move (the moved item's)."""
        self.text = {i.id: i.text for i in q.items}
        self.start = list(self.text)
        self.order = list(self.start)
        self.touched = False
        self.labels = [w.HTML("") for _ in self.order]
        self.ups = [w.Button(description=t("lab.up"), icon="arrow-up", layout=w.Layout(width="6em"))
                    for _ in self.order]
        self.downs = [w.Button(description=t("lab.down"), icon="arrow-down", layout=w.Layout(width="6em"))
                      for _ in self.order]
        rows = []
        for k in range(len(self.order)):
            self.ups[k].add_class(f"kcourse-mv-{number}-{k}-up")
            self.downs[k].add_class(f"kcourse-mv-{number}-{k}-down")
            if k == 0:
                self.ups[k].add_class(f"kcourse-in-{number}")
            self.ups[k].on_click(lambda _b, k=k: self.move(k, -1))
            self.downs[k].on_click(lambda _b, k=k: self.move(k, +1))
            rows.append(w.HBox([self.ups[k], self.downs[k], self.labels[k]], layout=w.Layout(align_items="center")))
        self.widget = w.VBox([w.Label(t("lab.order_help"))]
                             + rows)
        self.inputs = self.ups + self.downs
        self._disabled = False
        self._show()

    def move(self, k: int, step: int) -> None:
        j = k + step
        if self._disabled or not 0 <= j < len(self.order):
            return
        self.order[k], self.order[j] = self.order[j], self.order[k]
        self.touched = True
        self._show()
        if self.on_move is not None:  # the focus follows the moved item to its new row
            at_edge = j == 0 and step < 0 or j == len(self.order) - 1 and step > 0
            way = ("down" if step < 0 else "up") if at_edge else ("up" if step < 0 else "down")
            self.on_move(f"kcourse-mv-{self.number}-{j}-{way}")

    def _show(self) -> None:
        n = len(self.order)
        for k, iid in enumerate(self.order):
            self.labels[k].value = f"<span>{k + 1}. {render_inline(self.text[iid])}</span>"
            name = plain(self.text[iid])
            self.ups[k].tooltip = t("quiz.move_up" if k else "quiz.already_first", self.lang, item=name)
            self.downs[k].tooltip = t("quiz.move_down" if k < n - 1 else "quiz.already_last", self.lang, item=name)
            self.ups[k].disabled = self._disabled or k == 0
            self.downs[k].disabled = self._disabled or k == n - 1

    def response(self) -> Any:
        return list(self.order) if self.touched else None

    def take_shown_order(self) -> None:
        """The learner pressed Check: the order on the screen is their answer."""
        self.touched = True

    def set_response(self, response: Any) -> None:
        ok = isinstance(response, list) and sorted(map(str, response)) == sorted(self.text)
        self.order = list(response) if ok else list(self.start)
        self.touched = ok
        self._show()

    def set_disabled(self, disabled: bool) -> None:
        self._disabled = disabled
        self._show()

    def on_change(self, callback: Callable[[], None]) -> None:
        for b in self.inputs:
            b.on_click(lambda _b: callback())


class MatchingControl(Control):
    """A drop-down of right-hand choices for each left-hand item."""

    def __init__(self, q: PublicQuestion, number: int = 0):
        rights = {c.id: c.text for c in q.choices}
        self.right_ids = list(rights)
        options = [(t("quiz.choose"), None)] + [(plain(rights[r]), r) for r in self.right_ids]
        self.drops = {p.id: w.Dropdown(options=options, value=None, description=plain(p.text),
                                       style=_DESC, layout=_wide())
                      for p in q.pairs}
        self.widget = w.VBox([w.Label(t("lab.match_help"))] + list(self.drops.values()))
        self.inputs = list(self.drops.values())
        self.inputs[0].add_class(f"kcourse-in-{number}")

    def response(self) -> Any:
        chosen = {pid: d.value for pid, d in self.drops.items() if d.value is not None}
        return chosen or None

    def set_response(self, response: Any) -> None:
        given = response if isinstance(response, dict) else {}
        for pid, d in self.drops.items():
            v = given.get(pid)
            d.value = v if v in self.right_ids else None


CONTROLS: dict[str, Callable[[PublicQuestion, int], Control]] = {
    "single": SingleControl,
    "multiple": MultipleControl,
    "true_false": TrueFalseControl,
    "numeric": NumericControl,
    "text": TextControl,
    "ordering": OrderingControl,
    "matching": MatchingControl,
}
"""The widget for each question type, made from what the learner sees of it (no key)."""


def control_for(q: PublicQuestion, number: int = 0) -> Control:
    """The control of ``q`` (in its variant's order); ``number`` (the question's place) names its CSS classes."""
    return qt.dispatch(CONTROLS, q.type, "quiz widget")(q, number)
