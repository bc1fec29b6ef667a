"""The info panel keeps its text width from page to page: no reflow when a long page
follows a short one (a scroll bar appearing made Qt lay the whole page out twice)."""

from __future__ import annotations

from .waiting import drain_events


def test_a_long_page_after_the_welcome_page_keeps_the_text_width(main_window, qtbot) -> None:
    info = main_window.info
    info.show_structure(None)  # the short welcome page
    drain_events()  # laid out, however slow the machine
    width = info.viewport().width()
    info.show_structure("soleus")  # a long page: needs scrolling
    qtbot.waitUntil(lambda: info.verticalScrollBar().maximum() > 0, timeout=5000)
    assert info.viewport().width() == width
    assert info.verticalScrollBar().isVisible()
    info.show_structure(None)
    drain_events()
    assert info.viewport().width() == width
