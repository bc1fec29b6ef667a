"""Item data roles the window's lists share."""

from __future__ import annotations

from PySide6.QtCore import Qt

#: The structure id a row of a list or tree stands for.
ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The passage of the page a row points to (a search result found by a note's title).
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 2
#: A search result's name and the text it was found by (a synonym, a note's title).
MATCH_ROLE = Qt.ItemDataRole.UserRole + 3
#: The motion-lab preset a search result stands for (its id).
PRESET_ROLE = Qt.ItemDataRole.UserRole + 4
#: The spinal root a search result stands for (its lesion in the lesion explorer).
ROOT_ROLE = Qt.ItemDataRole.UserRole + 5
