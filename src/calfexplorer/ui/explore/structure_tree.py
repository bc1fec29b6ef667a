"""The structure tree: structures grouped by region, compartment and layer, with visibility boxes.

Checkboxes and the state's visibility are bound both ways: ticking hides or shows structures in
:class:`AppState`; a state change (a layer toggle, isolate, undo) updates the boxes. Selecting a row
selects the structure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeyEvent,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
)

from calfexplorer.atlas import Atlas
from calfexplorer.atlas.models import COMPARTMENT_TITLES, KIND_TITLES, Muscle, Structure
from calfexplorer.state import AppState
from calfexplorer.ui.roles import ID_ROLE

_COMPARTMENTS = COMPARTMENT_TITLES
_LEG = ("posterior_superficial", "posterior_deep", "lateral", "anterior")
_FOOT = ("foot_dorsal", "foot_plantar")
_KIND_GROUPS = tuple(
    (kind, KIND_TITLES[kind])
    for kind in ("tendon", "bone", "ligament", "nerve", "artery", "vein", "region", "retinaculum")
) + (("fascia", "Fasciae and membranes"),)


def tree_groups(atlas: Atlas) -> list[tuple[str, list[tuple[str, list[Structure]]]]]:
    """Top-level groups, each a list of (subgroup title, structures); subgroup "" is flat."""
    muscles = [m for m in atlas.muscles() if not m.parent]

    def by_compartment(keys: tuple[str, ...]) -> list[tuple[str, list[Structure]]]:
        out: list[tuple[str, list[Structure]]] = []
        for key in keys:
            items: list[Structure] = [m for m in muscles if m.compartment == key]
            if items:
                out.append((_COMPARTMENTS[key], items))
        return out

    thigh = tuple(k for k in _COMPARTMENTS if k not in _LEG + _FOOT)
    groups = [
        ("Muscles of the leg", by_compartment(_LEG)),
        ("Muscles of the foot", by_compartment(_FOOT)),
        ("Muscles of the thigh and hip", by_compartment(thigh)),
    ]
    for kind, title in _KIND_GROUPS:
        items = [s for s in atlas if s.kind == kind]
        if items:
            groups.append((title, [("", items)]))
    return [g for g in groups if g[1]]


class _WrappingDelegate(QStyledItemDelegate):
    """Row heights for names wrapped to the list's width (a tree asks its delegate for
    them without a width: every row stayed one line high); widths as on one line."""

    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        depth, parent = 1, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        sized = QStyleOptionViewItem(option)
        width = self._tree.viewport().width() - depth * self._tree.indentation()
        sized.rect = QRect(0, 0, max(width, 1), 1)
        sized.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        # (the width a name needs on one line: the window widens the list towards it)
        return QSize(super().sizeHint(option, index).width(),
                     super().sizeHint(sized, index).height())


class StructureTree(QTreeView):
    """Tree of every structure; it drives :class:`AppState`. ``menu_requested(QPoint)``: a
    right-click on a row selected it and asks for the window's menu there (global position).
    """

    menu_requested = Signal(QPoint)

    def __init__(
        self,
        atlas: Atlas,
        state: AppState,
        unavailable: Mapping[str, str] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.atlas = atlas
        self.app_state = state
        self.unavailable = dict(unavailable or {})
        self._syncing = False
        self._concealed = False
        self._items: dict[str, QStandardItem] = {}
        self.model_ = QStandardItemModel(self)
        self.setModel(self.model_)
        self.setHeaderHidden(True)
        # Long names wrap onto a second line within the list's width: elided, "Flexor
        # digitorum lo…" could not be read beside a mode's panel at 1280 pixels.
        self.setWordWrap(True)
        self.setItemDelegate(_WrappingDelegate(self))
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._build()
        self.model_.itemChanged.connect(self._on_item_changed)
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.clicked.connect(self._on_chosen)
        self.activated.connect(self._on_chosen)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_menu)
        state.visibility_changed.connect(self.sync_from_state)
        state.selected_changed.connect(self._on_state_selected)
        self.sync_from_state()

    # ---------------------------------------------------------------------------- building
    def event(self, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_F10
                and event.modifiers() == Qt.KeyboardModifier.ShiftModifier):
            # Shift+F10 opens the row's menu, as the Menu key does
            self._on_menu(self.visualRect(self.currentIndex()).center())
            return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()  # (rows take the height their wrapped names need)

    def _group_item(self, title: str) -> QStandardItem:
        item = QStandardItem(title)
        item.setCheckable(True)
        item.setCheckState(Qt.CheckState.Checked)
        item.setToolTip(f"{title}: tick or untick to show or hide all of them")
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        return item

    def _leaf(self, s: Structure) -> QStandardItem:
        item = QStandardItem(s.name)
        item.setData(s.id, ID_ROLE)
        item.setCheckable(True)
        item.setCheckState(Qt.CheckState.Checked)
        tip = s.name
        if isinstance(s, Muscle) and s.synonyms:
            tip += f" (also: {', '.join(s.synonyms)})"
        if s.id in self.unavailable:
            item.setForeground(QBrush(QColor("#999999")))
            item.setText(f"{s.name} (not in 3D)")  # (the tip says why)
            tip += f"\nNot drawn in 3D: {self.unavailable[s.id]}"
        item.setToolTip(tip)
        self._items[s.id] = item
        for child_id in self.atlas.children(s.id):
            child = self.atlas.get(child_id)
            if child is not None:
                item.appendRow(self._leaf(child))
        return item

    def _build(self) -> None:
        root = self.model_.invisibleRootItem()
        for title, subgroups in tree_groups(self.atlas):
            group = self._group_item(title)
            for sub_title, items in subgroups:
                parent = group
                if sub_title:
                    parent = self._group_item(sub_title)
                    group.appendRow(parent)
                for s in items:
                    parent.appendRow(self._leaf(s))
            root.appendRow(group)
        self.expandToDepth(1)

    # ---------------------------------------------------------------------------- binding
    def item_for(self, structure_id: str) -> QStandardItem | None:
        """The tree row of a structure, or None."""
        return self._items.get(structure_id)

    def _leaves(self, item: QStandardItem) -> Iterator[QStandardItem]:
        for row in range(item.rowCount()):
            child = item.child(row)
            if child.data(ID_ROLE):
                yield child
            yield from self._leaves(child)

    def _on_item_changed(self, item: QStandardItem) -> None:
        if self._syncing:
            return
        sid = item.data(ID_ROLE)
        checked = item.checkState() == Qt.CheckState.Checked
        if not sid:  # a group box: show or hide everything under it, as one undo step
            ids = [leaf.data(ID_ROLE) for leaf in self._leaves(item)]
            if checked:
                layers = {self.atlas.layer_of(i) for i in ids} - {None}
                self.app_state.show(ids, layers=[la for la in layers if la])
            else:
                self.app_state.hide(ids)
            self.sync_from_state()  # also when nothing changed: the box shows the truth
            return
        if checked:
            layer = self.atlas.layer_of(sid)
            self.app_state.show(sid, layers=[layer] if layer else [])
        else:
            self.app_state.hide(sid)

    def sync_from_state(self) -> None:
        """Tick exactly the structures the state shows."""
        self._syncing = True
        try:
            for sid, item in self._items.items():
                visible = self.app_state.is_visible(sid, self.atlas.layer_of(sid))
                want = Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked
                if item.checkState() != want:
                    item.setCheckState(want)
            root = self.model_.invisibleRootItem()
            for row in range(root.rowCount()):
                self._sync_group(root.child(row))
        finally:
            self._syncing = False

    def _sync_group(self, group: QStandardItem) -> None:
        """Tick a group box when all of its structures show, clear it when none do, else half."""
        for row in range(group.rowCount()):
            child = group.child(row)
            if not child.data(ID_ROLE):
                self._sync_group(child)
        states = {leaf.checkState() for leaf in self._leaves(group)}
        if states == {Qt.CheckState.Checked}:
            want = Qt.CheckState.Checked
        elif Qt.CheckState.Checked in states:
            want = Qt.CheckState.PartiallyChecked
        else:
            want = Qt.CheckState.Unchecked
        if group.checkState() != want:
            group.setCheckState(want)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing:
            return
        if self._concealed:  # a quiz question's highlight is not changed from the list
            self._on_state_selected(self.app_state.selected)
            return
        sid = current.data(ID_ROLE)
        if sid:  # (browsing with the arrow keys selects without showing what is hidden)
            self.app_state.select(sid)

    def _on_chosen(self, index: QModelIndex) -> None:
        """A click on a row, or Return on it: select it, shown first if hidden (like a search
        or a link; it stayed unseen), even when it was the row selected last (after the
        selection was cleared the click did nothing)."""
        sid = index.data(ID_ROLE)
        if sid and not self._concealed and not self._syncing:
            self.app_state.reveal_and_select(sid, self.atlas.layer_of(sid))

    def _on_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.data(ID_ROLE) or self._concealed:
            return
        self._on_chosen(index)  # (as a click: the menu acts on the row)
        self.menu_requested.emit(self.viewport().mapToGlobal(pos))

    def set_concealed(self, concealed: bool) -> None:
        """While a quiz question is open the selection is its answer: no row is current,
        selected, opened or scrolled to for it (a focus frame would name it)."""
        self._concealed = concealed
        self._on_state_selected(self.app_state.selected)

    def _on_state_selected(self, structure_id: object) -> None:
        item = self._items.get(structure_id) if isinstance(structure_id, str) else None
        self._syncing = True
        try:
            if item is None or self._concealed:
                self.selectionModel().clearSelection()
                if self._concealed:
                    self.setCurrentIndex(QModelIndex())
                return
            index = item.index()
            self.setCurrentIndex(index)
            self.scrollTo(index)
        finally:
            self._syncing = False
