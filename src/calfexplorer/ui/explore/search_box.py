"""The search box: instant, typo-tolerant search over names, synonyms and Latin names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from calfexplorer.atlas import Atlas
from calfexplorer.ui.roles import ID_ROLE, MATCH_ROLE, PASSAGE_ROLE, PRESET_ROLE, ROOT_ROLE

if TYPE_CHECKING:
    from calfexplorer.search import NameIndex

MAX_RESULTS = 8
#: What a motion-lab preset's row says it is.
PRESET_NOTE = "motion lab preset"
#: What a spinal root's row says it is: its lesion shows its dermatome, myotome and muscles.
ROOT_NOTE = "dermatome, myotome and muscles in the lesion explorer"


class SearchBox(QWidget):
    """A line edit with a result list below it; emits ``chosen(id)`` for the picked result
    (then ``passage_chosen(title)`` where it was found by a note's title), or
    ``preset_chosen(id)`` for a motion-lab preset (found by its name or its exercise's), or
    ``root_chosen(root)`` for a spinal root ("S1 dermatome")."""

    chosen = Signal(str)
    passage_chosen = Signal(str)
    preset_chosen = Signal(str)
    root_chosen = Signal(str)

    def __init__(self, atlas: Atlas, parent=None) -> None:
        super().__init__(parent)
        self.atlas = atlas
        self._index: NameIndex | None = None
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Search structures (e.g. soleus, peroneus)…")
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setVisible(False)
        # As tall as its rows (no empty band), long names end in "…" (full text in the tooltip)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        self.edit.textChanged.connect(self.update_results)
        self.edit.returnPressed.connect(self.choose_current)
        self.edit.installEventFilter(self)
        self.results.itemActivated.connect(self._on_item)
        self.results.itemClicked.connect(self._on_item)
        self.results.viewport().installEventFilter(self)

    @property
    def index(self) -> NameIndex:
        """The name index, built on first use (start-up does not wait for rapidfuzz)."""
        if self._index is None:
            from calfexplorer.search import NameIndex

            self._index = NameIndex(self.atlas)
        return self._index

    def warm_up(self) -> None:
        """Build the index now (the window calls this after its first frame)."""
        _ = self.index

    def result_ids(self) -> list[str]:
        """Structure ids now offered, best first (motion-lab presets and roots left out)."""
        items = [self.results.item(i) for i in range(self.results.count())]
        return [item.data(ID_ROLE) for item in items
                if not (item.data(PRESET_ROLE) or item.data(ROOT_ROLE))]

    def result_roots(self) -> list[str]:
        """Spinal roots now offered (their lesions), best first."""
        items = [self.results.item(i) for i in range(self.results.count())]
        return [item.data(ROOT_ROLE) for item in items if item.data(ROOT_ROLE)]

    def result_presets(self) -> list[str]:
        """Motion-lab presets now offered (their ids), best first."""
        items = [self.results.item(i) for i in range(self.results.count())]
        return [item.data(PRESET_ROLE) for item in items if item.data(PRESET_ROLE)]

    def result_texts(self) -> list[str]:
        """Texts now offered, best first."""
        return [self.results.item(i).text() for i in range(self.results.count())]

    def update_results(self, text: str) -> None:
        """Search and show the best matches for ``text``."""
        self.results.clear()
        hits = self.index.search(text, limit=MAX_RESULTS) if text.strip() else []
        from calfexplorer.search import roots_named

        presets = _presets(text, self.atlas)
        rows = 0
        for root in roots_named(text):
            if root in self.index.roots and rows < MAX_RESULTS:
                self._add_root(root)
                rows += 1
        for hit in hits:
            while presets and presets[0][1] >= hit.score and rows < MAX_RESULTS:
                self._add_preset(presets.pop(0)[0])
                rows += 1
            if rows == MAX_RESULTS:
                break
            name = self.atlas.name_of(hit.id)
            same = hit.matched.casefold() == name.casefold()
            label = name if same else f"{name}  ({hit.matched})"
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, hit.id)
            item.setData(PASSAGE_ROLE, hit.passage)
            item.setData(MATCH_ROLE, None if same else (name, hit.matched))
            item.setToolTip(label)
            self.results.addItem(item)
            rows += 1
        for preset_id, _score in presets[:MAX_RESULTS - rows]:
            self._add_preset(preset_id)
        offered = self.results.count() > 0
        if offered:
            self.results.setCurrentRow(0)
        if text.strip() and not offered:
            item = QListWidgetItem("No match")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        rows = self.results.count()
        if rows:
            frame = 2 * self.results.frameWidth()
            self.results.setFixedHeight(rows * self.results.sizeHintForRow(0) + frame)
        self.results.setVisible(bool(text.strip()))
        self._fit_rows()

    def _add_root(self, root: str) -> None:
        """A row for a spinal root: choosing it shows the root's lesion (its dermatome as the
        numb skin, its myotome, the muscles it supplies)."""
        label = f"{root} root  ({ROOT_NOTE})"
        item = QListWidgetItem(label)
        item.setData(ROOT_ROLE, root)
        item.setData(MATCH_ROLE, (f"{root} root", ROOT_NOTE))
        item.setToolTip(label)
        self.results.addItem(item)

    def _add_preset(self, preset_id: str) -> None:
        """A row for a motion-lab preset: choosing it opens the lab in that pose."""
        from calfexplorer.motion.presets import preset

        name = preset(preset_id).name
        label = f"{name}  ({PRESET_NOTE})"
        item = QListWidgetItem(label)
        item.setData(PRESET_ROLE, preset_id)
        item.setData(MATCH_ROLE, (name, PRESET_NOTE))
        item.setToolTip(f"{label}: open the motion lab in this pose")
        self.results.addItem(item)

    def _fit_rows(self) -> None:
        """Make every row as wide as the list, so a long name ends in "…" instead of running
        past the edge (a list row is as wide as its text otherwise), and keep the words typed
        in sight where a row was found by a long text ("shin splints" at the end of a note's
        title was cut off)."""
        width = self.results.viewport().width()
        metrics = self.results.fontMetrics()
        room = width - 2 * self.results.style().pixelMetric(
            self.results.style().PixelMetric.PM_FocusFrameHMargin) - 8
        for i in range(self.results.count()):
            item = self.results.item(i)
            height = self.results.sizeHintForRow(i)
            if item.sizeHint().width() != width:
                item.setSizeHint(QSize(width, height))
            if match := item.data(MATCH_ROLE):
                name, matched = match
                item.setText(fitted_label(name, matched, self.edit.text(), metrics, room))


    def choose_current(self) -> None:
        """Pick the highlighted result (the best one by default)."""
        item = self.results.currentItem()
        if item is not None:
            self._on_item(item)

    def _on_item(self, item: QListWidgetItem) -> None:
        if item.data(ROOT_ROLE):
            self.results.hide()
            self.root_chosen.emit(item.data(ROOT_ROLE))
        elif item.data(PRESET_ROLE):
            self.results.hide()
            self.preset_chosen.emit(item.data(PRESET_ROLE))
        elif item.data(ID_ROLE):
            # The list folds away (it stayed under the box beside whatever was selected
            # next); the box keeps the text, and a click in it or Down brings the list back.
            self.results.hide()
            self.chosen.emit(item.data(ID_ROLE))
            if item.data(PASSAGE_ROLE):
                self.passage_chosen.emit(item.data(PASSAGE_ROLE))

    def _reopen(self) -> None:
        if self.edit.text().strip() and self.results.count():
            self.results.show()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if obj is self.results.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_rows()
            return False
        key_press = isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
        if (obj is self.edit and event.type() == QEvent.Type.ShortcutOverride
                and event.key() == Qt.Key.Key_Escape and self.edit.text()):
            event.accept()  # (Esc is the window's Clear selection: it cleared that instead)
            return True
        if obj is self.edit and event.type() == QEvent.Type.MouseButtonPress:
            self._reopen()
        if obj is self.edit and key_press:
            row = self.results.currentRow()
            if event.key() == Qt.Key.Key_Down:
                if self.results.isHidden():
                    self._reopen()
                    return True
                self.results.setCurrentRow(min(row + 1, self.results.count() - 1))
                return True
            if event.key() == Qt.Key.Key_Up:
                self.results.setCurrentRow(max(row - 1, 0))
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.edit.clear()
                return True
        return super().eventFilter(obj, event)


def _presets(text: str, atlas: Atlas) -> list[tuple[str, float]]:
    """The motion-lab presets ``text`` names (by name or by an exercise it shows), best first
    with their scores; none for fewer than three letters ("s" offered the deep squat)."""
    from calfexplorer.motion.cards import matching_advice
    from calfexplorer.motion.presets import PRESETS
    from calfexplorer.search import match_names, normalize

    if len(normalize(text).replace(" ", "")) < 3:
        return []
    return match_names(text, {p.id: (p.name, *p.exercises,
                                     *(a.name for a in matching_advice(atlas, p)))
                              for p in PRESETS})


def fitted_label(name: str, matched: str, typed: str, metrics: QFontMetrics, room: int) -> str:
    """``name  (matched)`` in ``room`` pixels: where it is too wide and ``matched`` holds the
    typed text (or else one typed word) after its start, what comes before it ends in "…" (a
    kind such as "note: " stays) so it stays in sight; otherwise the whole (the list cuts
    its end)."""
    full = f"{name}  ({matched})"
    found = (matched.casefold().find(w) for w in [typed.strip().casefold(), *typed.split()])
    at = next((i for i in found if i >= 0), -1)
    if metrics.horizontalAdvance(full) <= room or at <= 0:
        return full
    kind, sep, _ = matched.partition(": ")
    keep = f"{kind}{sep}" if sep and len(kind) + len(sep) <= at else ""
    middle, tail = matched[len(keep):at], matched[at:]
    fixed = metrics.horizontalAdvance(f"{name}  ({keep}{tail})")
    if fixed + metrics.horizontalAdvance("…") > room:
        return full
    middle = metrics.elidedText(middle, Qt.TextElideMode.ElideLeft, room - fixed)
    return f"{name}  ({keep}{middle}{tail})"
