"""Alt-key mnemonics (the underlined letter) for every menu entry, unique within its menu."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QMenu, QMenuBar

_MARKED = re.compile(r"&([^&\s])")


def mnemonic_key(text: str) -> str | None:
    """The letter after the single ``&`` in ``text`` (lower case), or None."""
    found = _MARKED.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def with_mnemonics(texts: list[str]) -> list[str]:
    """``texts`` with an ``&`` put before a letter no other text of the list uses.

    Texts that have one keep it. The others take the first free letter that starts one of
    their words; the rest any free letter or digit of theirs, moving an earlier such choice
    to another of its letters where that frees one (View's "Peel layer" has only letters
    that other entries use). A text left without any stays as it is.
    """
    holder: dict[str, int] = {}  # letter -> index of the text it marks
    for index, text in enumerate(texts):
        if key := mnemonic_key(text):
            holder[key] = index
    fixed = set(holder.values())  # (a letter chosen by hand or a word's first: kept)
    chosen: dict[int, int] = {}  # index -> position of the letter to mark
    open_ = [i for i, text in enumerate(texts) if i not in fixed and "&" not in text]
    for index in open_:
        for at in _word_starts(texts[index]):
            if texts[index][at].lower() not in holder:
                holder[texts[index][at].lower()] = index
                chosen[index] = at
                fixed.add(index)
                break

    def place(index: int, tried: set[int]) -> bool:
        letters = _letters(texts[index])
        for at in sorted(letters, key=lambda a: texts[index][a].lower() in holder):
            char = texts[index][at].lower()
            other = holder.get(char)
            if other is None or (other not in fixed and other not in tried
                                 and place(other, tried | {index})):
                holder[char] = index
                chosen[index] = at
                return True
        return False

    for index in open_:
        if index not in chosen:
            place(index, {index})
    return [f"{t[:chosen[i]]}&{t[chosen[i]:]}" if i in chosen else t for i, t in enumerate(texts)]


def _word_starts(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\b\w", text) if text[m.start()].isalnum()]


def _letters(text: str) -> list[int]:
    """Positions of each letter or digit's first appearance, those starting words first."""
    seen: dict[str, int] = {}
    for at in [*_word_starts(text), *range(len(text))]:
        if text[at].isalnum():
            seen.setdefault(text[at].lower(), at)
    return list(seen.values())


def give_mnemonics(menus: QMenuBar | QMenu) -> None:
    """Give every entry of ``menus`` and of its submenus a mnemonic unique in its menu."""
    actions = [a for a in menus.actions() if not a.isSeparator()]
    for action, text in zip(actions, with_mnemonics([a.text() for a in actions]), strict=True):
        if text != action.text():
            action.setText(text)
        if isinstance(submenu := action.menu(), QMenu):
            give_mnemonics(submenu)
