"""The scope picker of study mode: compartments, kinds of question and kinds of structure."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QVBoxLayout, QWidget

from calfexplorer.study import ALL_KINDS, KIND_LABELS, Scope, StudyFacts

#: Compartments in teaching order (the leg first); others found in the atlas follow.
COMPARTMENT_ORDER = (
    "posterior_superficial",
    "posterior_deep",
    "lateral",
    "anterior",
    "thigh_posterior",
    "thigh_anterior",
    "thigh_medial",
    "gluteal",
)
STRUCTURE_KINDS = ("muscle", "tendon", "bone", "nerve", "artery", "vein")
PLURALS = {"artery": "Arteries"}


def compartment_label(compartment: str) -> str:
    """ "thigh_posterior" -> "Thigh, posterior"; "posterior_deep" -> "Posterior, deep"."""
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
            "Kinds of structure", [(k, PLURALS.get(k, k.capitalize() + "s")) for k in skinds]
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for group in (self.kinds, self.structure_kinds, self.compartments):
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
