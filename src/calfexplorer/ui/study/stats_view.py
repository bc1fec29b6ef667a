"""The study statistics window: mastery tables, accuracy over time, and what is due."""

from __future__ import annotations

from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from calfexplorer.study import KIND_LABELS, ProgressStore, Scope, StudyFacts, StudyStats
from calfexplorer.study import compute_stats as _compute_stats
from calfexplorer.study.stats import Mastery
from calfexplorer.ui.roles import ID_ROLE

_Key = float | str | tuple[float, ...]


class _Item(QTableWidgetItem):
    """A table cell that sorts by a number (or numbers, in order) while showing text."""

    def __init__(self, text: str, key: _Key | None = None) -> None:
        super().__init__(text)
        self._key = key if key is not None else text
        self.setFlags(self.flags() & ~Qt.ItemFlag.ItemIsEditable)
        if not isinstance(self._key, str):
            self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        else:
            self.setToolTip(text)  # (a long name is cut short with "…" in its column)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self._key, getattr(other, "_key", other.text())
        if isinstance(mine, type(theirs)) or (
            isinstance(mine, int | float) and isinstance(theirs, int | float)
        ):
            return mine < theirs  # type: ignore[operator]
        return str(mine) < str(theirs)


def _pct(value: float | None) -> tuple[str, float]:
    if value is None:
        return "–", -1.0
    return f"{round(100 * value)}%", value


def _mastery_table(first: str, extra: str | None) -> QTableWidget:
    headers = [
        first,
        *([extra] if extra else []),
        "Cards",
        "Reviewed",
        "Answers",
        "Accuracy",
        # ("Mastery 50 %" after one wrong answer read as praise; "Recall now" 100 % after five)
        "Recall in a week",
    ]
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setTabKeyNavigation(False)  # (Tab goes on to the next control, not the next cell)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    mastery_col = table.horizontalHeaderItem(len(headers) - 1)  # (set with the labels)
    if mastery_col is not None:
        mastery_col.setToolTip("The chance of recalling these cards a week from now without "
                               "reviewing them, as the scheduler (FSRS) estimates it from your "
                               "answers, over the cards seen so far (how many of them in "
                               "brackets). Sorted by the share of all the cards "
                               "recalled, cards not seen counting as not known, so one card "
                               "seen does not rank above many well known")
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, len(headers)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _name_shortfall(table: QTableWidget) -> int:
    """How many pixels the first column (the names) lacks to show its longest in full."""
    header = table.horizontalHeader()
    # (from the size hints: the columns take their widths later, the first the room left)
    wanted = [max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
              for c in range(table.columnCount())]
    return sum(wanted) - table.viewport().width()


def _fill_row(table: QTableWidget, row: int, cells: list[_Item]) -> None:
    for col, item in enumerate(cells):
        table.setItem(row, col, item)


def _recall_key(m: Mastery, order: int) -> tuple[float, ...]:
    """How a row sorts by recall: the share of all its cards recalled (unseen ones as
    not known: 100 % of 1 card of 14 seen went above 95 % of 14 of 14), then the recall over
    the cards seen, how many were seen, and the teaching order (a higher key comes first)."""
    share = (m.mastery or 0.0) * m.reviewed / m.cards if m.cards else 0.0
    return (share, -1.0 if m.mastery is None else m.mastery, m.reviewed, -order)


def _numbers(m: Mastery, order: int = 0) -> list[_Item]:
    acc_text, acc = _pct(m.accuracy)
    mastery_text, _ = _pct(m.mastery)
    if m.mastery is not None:
        mastery_text += f" ({m.reviewed} of {m.cards} cards seen)" if m.cards > 1 else ""
    return [
        _Item(str(m.cards), m.cards),
        _Item(str(m.reviewed), m.reviewed),
        _Item(str(m.answered), m.answered),
        _Item(acc_text, acc),
        _Item(mastery_text, _recall_key(m, order)),
    ]


#: Room left below a window for its title bar, which the free area of the screen does not
#: count.
_TITLE_BAR = 40


def _fitting(widget: QWidget, width: int, height: int) -> tuple[int, int]:
    """``width`` x ``height``, or less where the screen has less room (at 150 % scaling a
    768-pixel screen is 512 high: Refresh and Close were below its edge)."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is None:
        return width, height
    free = screen.availableGeometry()
    return min(width, free.width()), min(height, free.height() - _TITLE_BAR)


class StatsView(QWidget):
    """Mastery per structure and per kind of question, accuracy per day, cards due.

    A top-level window (Close or Esc closes it); ``structure_activated(id)`` is emitted when a
    structure row is double-clicked (the study panel shows it in explore mode).
    """

    structure_activated = Signal(str)

    def __init__(
        self,
        facts: StudyFacts,
        store: ProgressStore,
        scope: Scope | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Study statistics")
        self.resize(*_fitting(self, 760, 620))
        self.facts = facts
        self.store = store
        self.scope = scope
        self.stats: StudyStats | None = None

        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        mastery = QSplitter(Qt.Orientation.Vertical)
        self.kind_table = _mastery_table("Kind of question", None)
        self.structure_table = _mastery_table("Structure", "Kind")
        self.structure_table.setToolTip("Double-click a row to see the structure in 3D")
        self.structure_table.cellDoubleClicked.connect(self._on_double_click)
        mastery.addWidget(self.kind_table)
        mastery.addWidget(self.structure_table)
        mastery.setStretchFactor(0, 2)
        mastery.setStretchFactor(1, 3)
        self.tabs.addTab(mastery, "Mastery")

        pg.setConfigOptions(antialias=True)
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        self.accuracy_plot = pg.PlotWidget()
        self.accuracy_plot.setBackground("w")
        self.accuracy_plot.setTitle("Accuracy per day", color="#202124")
        self.accuracy_plot.setLabel("left", "right answers", units="%")
        self.accuracy_plot.setYRange(0, 100, padding=0.05)
        self.accuracy_plot.showGrid(x=False, y=True, alpha=0.3)
        self.answers_plot = pg.PlotWidget()
        self.answers_plot.setBackground("w")
        self.answers_plot.setTitle("Answers per day", color="#202124")
        self.answers_plot.setLabel("left", "answers")
        self.answers_plot.setXLink(self.accuracy_plot)
        legend = self.answers_plot.addLegend(offset=(-10, 10))
        legend.setLabelTextColor("#202124")
        self._legend = legend
        plots_layout.addWidget(self.accuracy_plot, 3)
        plots_layout.addWidget(self.answers_plot, 2)
        self.tabs.addTab(plots, "Accuracy over time")

        due = QWidget()
        due_layout = QVBoxLayout(due)
        self.due_label = QLabel()
        self.due_label.setWordWrap(True)
        due_layout.addWidget(self.due_label)
        self.due_plot = pg.PlotWidget()
        self.due_plot.setBackground("w")
        self.due_plot.setTitle("Cards due in the next seven days", color="#202124")
        self.due_plot.setLabel("left", "cards")
        due_layout.addWidget(self.due_plot, 1)
        self.tabs.addTab(due, "Due")

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Close the statistics (Esc)")
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(refresh)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        close_key = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        close_key.activated.connect(self.close)
        self._widened = False
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Shown the first time: as wide as the tables' names need, where the screen has
        room (at 760 pixels 'Abductor digiti minimi (foot)' was cut short)."""
        super().showEvent(event)
        if not self._widened:
            self._widened = True
            short = max(_name_shortfall(t) for t in (self.kind_table, self.structure_table))
            if short > 0:
                self._grow(self.width() + short, self.height())

    def _grow(self, width: int, height: int) -> None:
        """Resize to ``width`` x ``height`` (no more than the screen has), widening to both
        sides and kept on the screen (widened rightward only, it ran off the screen's edge)."""
        width, height = _fitting(self, width, height)
        frame = self.frameGeometry()
        border_w, border_h = frame.width() - self.width(), frame.height() - self.height()
        x, y = frame.x() - (width - self.width()) // 2, frame.y()
        self.resize(width, height)
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            x = max(free.left(), min(x, free.left() + free.width() - width - border_w))
            y = max(free.top(), min(y, free.top() + free.height() - height - border_h))
        self.move(x, y)

    # ------------------------------------------------------------------------ filling
    def refresh(self) -> StudyStats:
        """Recompute the statistics from the store and redraw everything."""
        stats = _compute_stats(self.facts, self.store, self.scope)
        self.stats = stats
        answered = sum(d.answered for d in stats.per_day)
        right = sum(d.correct for d in stats.per_day)
        overall = f"{round(100 * right / answered)}% right" if answered else "no answers yet"
        self.summary.setText(
            f"<b>{stats.due_now}</b> due now · <b>{stats.new}</b> new · "
            f"<b>{stats.learning}</b> learning · <b>{stats.learned}</b> learned · "
            f"{answered} answer{'' if answered == 1 else 's'} in all, {overall}."
        )
        self._fill_kinds(stats)
        self._fill_structures(stats)
        self._plot_accuracy(stats)
        self._plot_due(stats)
        return stats

    def _fill_kinds(self, stats: StudyStats) -> None:
        table = self.kind_table
        table.setSortingEnabled(False)
        table.setRowCount(0)  # (see _fill_structures)
        table.setRowCount(len(stats.by_kind))
        for row, (kind, m) in enumerate(stats.by_kind.items()):
            _fill_row(table, row, [_Item(KIND_LABELS.get(kind, kind)), *_numbers(m)])

    def _fill_structures(self, stats: StudyStats) -> None:
        table = self.structure_table
        table.setSortingEnabled(False)
        # emptied first: items put over those of a shown table took ~9 s for 164 rows, new
        # rows ~0.25 s (benchmarks/bench_stats_view.py)
        table.setRowCount(0)
        table.setRowCount(len(stats.by_structure))
        for row, (sid, m) in enumerate(stats.by_structure.items()):
            name = _Item(self.facts.name(sid))
            name.setData(ID_ROLE, sid)
            _fill_row(table, row, [name, _Item(self.facts.kind_word(sid)), *_numbers(m, row)])
        table.setSortingEnabled(True)
        table.sortItems(table.columnCount() - 1, Qt.SortOrder.DescendingOrder)

    def _plot_accuracy(self, stats: StudyStats) -> None:
        self.accuracy_plot.clear()
        self.answers_plot.clear()
        self._legend.clear()
        if not stats.per_day:  # (the axes read 0.1 ... 0.9 with no dates and no word)
            today = date.today().toordinal()
            self._day_axes(today - 6, today)
            self.answers_plot.setYRange(0, 10, padding=0)
            for plot in (self.accuracy_plot, self.answers_plot):
                note = pg.TextItem("No answers yet: this fills as you study.", color="#5f6368",
                                   anchor=(0.5, 0.5))
                plot.addItem(note)
                y_range = plot.getViewBox().viewRange()[1]
                note.setPos(today - 3, sum(y_range) / 2)
            return
        xs = [d.day.toordinal() for d in stats.per_day]
        acc = [100 * d.accuracy for d in stats.per_day]
        self.accuracy_plot.plot(
            xs,
            acc,
            pen=pg.mkPen("#1a56c4", width=2),
            symbol="o",
            symbolSize=9,
            symbolBrush="#1a56c4",
        )
        answered = pg.BarGraphItem(
            x=xs, height=[d.answered for d in stats.per_day], width=0.7, brush="#9bb7e8"
        )
        right = pg.BarGraphItem(
            x=xs, height=[d.correct for d in stats.per_day], width=0.7, brush="#1a56c4"
        )
        self.answers_plot.addItem(answered)
        self.answers_plot.addItem(right)
        self._legend.addItem(answered, "answers")
        self._legend.addItem(right, "right")
        self._day_axes(min(xs), max(xs))
        self.answers_plot.enableAutoRange(axis="y")

    def _day_axes(self, first: int, last: int) -> None:
        """Both day charts from day ``first`` to ``last`` (ordinals), labelled by date."""
        step = max(1, (last - first) // 8 + 1)
        ticks = [(x, date.fromordinal(x).strftime("%d %b")) for x in range(first, last + 1, step)]
        for plot in (self.accuracy_plot, self.answers_plot):
            plot.getAxis("bottom").setTicks([ticks])
        self.accuracy_plot.setXRange(first - 0.8, last + 0.8, padding=0)

    def _plot_due(self, stats: StudyStats) -> None:
        self.due_plot.clear()
        days = stats.due_next_days
        coming = sum(n for _, n in days)
        self.due_label.setText(
            f"<b>{stats.due_now}</b> cards are due now; <b>{coming}</b> reviewed cards fall due "
            "within the next seven days (cards in learning come back the same day)."
        )
        xs = list(range(len(days)))
        heights = [n for _, n in days]
        self.due_plot.addItem(pg.BarGraphItem(x=xs, height=heights, width=0.6, brush="#e8a33d"))
        # (with nothing due the axis ran -500 to 500, labelled "cards (x0.001)")
        self.due_plot.setYRange(0, max([5, *heights]) * 1.1, padding=0)
        axis = self.due_plot.getAxis("bottom")
        names = ["Today", "Tomorrow"] + [d.strftime("%a %d") for d, _ in days[2:]]
        axis.setTicks([list(enumerate(names[: len(days)]))])

    def _on_double_click(self, row: int, _col: int) -> None:
        item = self.structure_table.item(row, 0)
        sid = item.data(ID_ROLE) if item is not None else None
        if sid:
            self.structure_activated.emit(str(sid))

    def structure_rows(self) -> dict[str, tuple[int, int]]:
        """Structure id -> (answers, right answers) as shown in the table (for tests)."""
        out = {}
        for row in range(self.structure_table.rowCount()):
            id_item, answers_item = (self.structure_table.item(row, 0),
                                     self.structure_table.item(row, 3))
            if id_item is None or answers_item is None:
                continue
            sid = id_item.data(ID_ROLE)
            answers = int(answers_item.text())
            right = self.stats.by_structure[sid].correct if self.stats else 0
            out[str(sid)] = (answers, right)
        return out
