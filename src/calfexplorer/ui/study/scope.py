"""The scope picker of study mode: compartments, kinds of question and kinds of structure,
kept in the window's settings between runs."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from calfexplorer.atlas.models import COMPARTMENT_TITLES, KIND_TITLES
from calfexplorer.study import ALL_KINDS, KIND_LABELS, Scope, StudyFacts
from calfexplorer.study.facts import COMPARTMENT_ORDER
from calfexplorer.ui.settings_store import settings

STRUCTURE_KINDS = ("muscle", "tendon", "bone", "nerve", "artery", "vein")


def compartment_label(compartment: str) -> str:
    """ "thigh_posterior" -> "Thigh, posterior"; "posterior_deep" -> "Posterior, deep": the
    short form a checkbox in two columns has room for (the list's headings are too wide); the
    foot's as the list names them ("Sole of the foot", not "Foot, plantar")."""
    if compartment.startswith("foot_"):  # (the words of the structure list, short enough)
        return COMPARTMENT_TITLES.get(compartment, compartment)
    words = compartment.split("_")
    text = ", ".join(words) if len(words) == 2 else " ".join(words)
    return text[0].upper() + text[1:]


class _CheckGroup(QGroupBox):
    """A titled group of checkboxes in two columns, plus an "All" box."""

    changed = Signal()

    def __init__(self, title: str, items: Iterable[tuple[str, str]], parent=None) -> None:
        super().__init__(title, parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setVerticalSpacing(2)
        self.all_box = QCheckBox("All")
        self.all_box.setChecked(True)
        self.all_box.toggled.connect(self._on_all)
        grid.addWidget(self.all_box, 0, 0, 1, 2)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (key, label) in enumerate(items):
            box = QCheckBox(label)
            box.setChecked(True)
            box.toggled.connect(self._on_one)
            grid.addWidget(box, 1 + i // 2, i % 2)
            self.boxes[key] = box
        self._syncing = False

    def _on_all(self, on: bool) -> None:
        if self._syncing:
            return
        self._syncing = True
        for box in self.boxes.values():
            box.setChecked(on)
        self._syncing = False
        self.changed.emit()

    def _on_one(self, _on: bool) -> None:
        if self._syncing:
            return
        self._syncing = True
        self.all_box.setChecked(all(b.isChecked() for b in self.boxes.values()))
        self._syncing = False
        self.changed.emit()

    def selected(self) -> frozenset[str] | None:
        """The checked keys, or None when all are checked (no filter)."""
        keys = frozenset(k for k, b in self.boxes.items() if b.isChecked())
        return None if len(keys) == len(self.boxes) else keys

    def set_selected(self, keys: Iterable[str] | None) -> None:
        """Check exactly these keys (None: all)."""
        wanted = set(self.boxes) if keys is None else set(keys)
        self._syncing = True
        for key, box in self.boxes.items():
            box.setChecked(key in wanted)
        self.all_box.setChecked(wanted >= set(self.boxes))
        self._syncing = False
        self.changed.emit()


class ScopePicker(QWidget):
    """Three groups of checkboxes that make a :class:`Scope`; emits ``changed`` on any edit."""

    changed = Signal()

    def __init__(self, facts: StudyFacts, parent=None) -> None:
        super().__init__(parent)
        found = {c for s in facts.structures.values() if (c := getattr(s, "compartment", None))}
        comps = [c for c in COMPARTMENT_ORDER if c in found] + sorted(
            found - set(COMPARTMENT_ORDER)
        )
        kinds_found = {str(s.kind) for s in facts.structures.values()}
        skinds = [k for k in STRUCTURE_KINDS if k in kinds_found] + sorted(
            kinds_found - set(STRUCTURE_KINDS)
        )
        self.compartments = _CheckGroup(
            "Muscle compartments", [(c, compartment_label(c)) for c in comps]
        )
        self.compartments.setToolTip(
            "Unchecking any compartment limits the session to muscles of the checked ones."
        )
        self.kinds = _CheckGroup(
            "Kinds of question", [(k, KIND_LABELS.get(k, k)) for k in ALL_KINDS]
        )
        self.structure_kinds = _CheckGroup(
            "Kinds of structure", [(k, KIND_TITLES.get(k, k.capitalize())) for k in skinds]
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # compartments first: the group a student sets most, in sight without scrolling on
        # a 1280 x 800 screen (last, its boxes lay below the fold)
        for group in (self.compartments, self.kinds, self.structure_kinds):
            layout.addWidget(group)
            group.changed.connect(self.changed)

    def scope(self) -> Scope:
        """The scope the boxes describe (an unfiltered group is None: all)."""
        return Scope.of(
            compartments=self.compartments.selected(),
            kinds=self.kinds.selected(),
            structure_kinds=self.structure_kinds.selected(),
        )

    def set_scope(self, scope: Scope) -> None:
        """Check the boxes of a scope."""
        self.compartments.set_selected(scope.compartments)
        self.kinds.set_selected(scope.kinds)
        self.structure_kinds.set_selected(scope.structure_kinds)


# ------------------------------------------------------------------------------ settings
#: Settings keys (the window's settings.ini) -> the picker group each one keeps.
_SCOPE_KEYS = {
    "study/compartments": "compartments",
    "study/question_kinds": "kinds",
    "study/structure_kinds": "structure_kinds",
}
_MIX_KEY = "study/mix_new"
_LENGTH_KEY = "study/length"
_EXAM_KEY = "study/exam"
_ALL = "all"


def _groups(picker: ScopePicker) -> dict[str, _CheckGroup]:
    return {key: getattr(picker, name) for key, name in _SCOPE_KEYS.items()}


def save_scope(picker: ScopePicker, mix_new: QCheckBox, length: QSpinBox,
               exam: QCheckBox) -> None:
    """Keep the picker's boxes, "Mix new cards", the session's length and exam mode in the
    window's settings."""

    st = settings()
    for key, group in _groups(picker).items():
        selected = group.selected()
        st.setValue(key, _ALL if selected is None else ",".join(sorted(selected)))
    st.setValue(_MIX_KEY, "true" if mix_new.isChecked() else "false")
    st.setValue(_LENGTH_KEY, str(length.value()))
    st.setValue(_EXAM_KEY, "true" if exam.isChecked() else "false")
    st.sync()


def _read_keys(value: object, known: set[str]) -> frozenset[str] | None:
    """What a stored group value asks for; None when it is missing, "all" or not valid."""
    if not isinstance(value, str) or value == _ALL:
        return None
    keys = frozenset(k for k in value.split(",") if k)
    if not keys <= known:
        return None  # written by another version or by hand: better all than a wrong guess
    return keys


def restore_scope(picker: ScopePicker, mix_new: QCheckBox, length: QSpinBox,
                  exam: QCheckBox) -> None:
    """Set the boxes, the length and exam mode as last saved; anything unreadable or unknown
    leaves the default (all, the box's own value)."""

    st = settings()
    for key, group in _groups(picker).items():
        keys = _read_keys(st.value(key), set(group.boxes))
        if keys is not None:
            group.set_selected(keys)
    for key, box in ((_MIX_KEY, mix_new), (_EXAM_KEY, exam)):
        value = st.value(key)
        if value in ("true", "false"):
            box.setChecked(value == "true")
    stored = st.value(_LENGTH_KEY)
    if isinstance(stored, str) and stored.isdigit() and (
            length.minimum() <= int(stored) <= length.maximum()):
        length.setValue(int(stored))
