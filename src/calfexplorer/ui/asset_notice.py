"""What the window shows when the built meshes are missing or damaged: what is wrong, the way on."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

REBUILD_STEP = (
    "To rebuild them, run <code>calfexplorer build-assets</code> in a terminal, then restart "
    "CalfExplorer."
)
#: The link that hides a banner.
DISMISS = "dismiss"
STILL_WORKS = "The structure list, search, information panel and study mode still work."


def _sentence(problem: str) -> str:
    if not problem:
        return "Unknown problem."
    first = problem.split(" ", 1)[0]
    # A problem starting with a file's name ("manifest.json is missing") keeps its case.
    text = escape(problem if "." in first or "/" in first else problem[0].upper() + problem[1:])
    return text if text.endswith(".") else text + "."


def no_model_html(problem: str) -> str:
    """The 3D view's place when no mesh could be loaded."""
    return (
        "<h2>3D model not loaded</h2>"
        f"<p>{_sentence(problem)}</p><p>{STILL_WORKS}</p><p>{REBUILD_STEP}</p>"
    )


def partial_model_html(problem: str) -> str:
    """The banner above the 3D view when it draws, but not everything is right."""
    return f"<b>Some of the 3D model may be missing or wrong.</b> {problem_html(problem)}"


def model_note_html(note: str, dismiss: bool = True) -> str:
    """Why the realistic leg asked for is not shown (a banner above the 3D view: with a
    :data:`DISMISS` link)."""
    link = f' <a href="{DISMISS}">Dismiss</a>' if dismiss else ""
    return f"<b>Showing the built-in model.</b> {_sentence(note)}{link}"


def problem_html(problem: str) -> str:
    """The problem as a sentence, and the way on."""
    return f"{_sentence(problem)} {REBUILD_STEP}"


def message_label(html: str, banner: bool = False) -> QLabel:
    """A wrapped, selectable label (the command can be copied); a banner gets a warning frame."""
    label = QLabel(html)
    label.setObjectName("asset_notice")
    label.setWordWrap(True)
    flags = Qt.TextInteractionFlag.TextSelectableByMouse
    if banner:  # its links (Dismiss) answer clicks too
        flags |= Qt.TextInteractionFlag.LinksAccessibleByMouse
    label.setTextInteractionFlags(flags)
    if banner:
        label.setFrameShape(QFrame.Shape.StyledPanel)
        label.setMargin(8)
        label.setStyleSheet("QLabel#asset_notice { background: #fff4ce; color: #3b2f00; }")
    else:
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setMargin(40)
    return label


def with_banners(view: QWidget, htmls: list[str]) -> tuple[QWidget, list[QLabel]]:
    """``view`` under a banner for each of ``htmls``: the new central widget and the banners
    (one with a :data:`DISMISS` link hides when it is clicked)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    banners = []
    for html in htmls:
        banner = message_label(html, banner=True)
        banner.linkActivated.connect(
            lambda link, b=banner: b.hide() if link == DISMISS else None)
        layout.addWidget(banner)
        banners.append(banner)
    layout.addWidget(view, 1)
    return box, banners
