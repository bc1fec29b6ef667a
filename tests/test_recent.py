"""The bounded cache the scene, the posing and the model keep their recent work in."""

from __future__ import annotations

from calfexplorer.recent import Recent


def test_it_keeps_the_entries_used_last() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # "a" now the newest: "b" goes next
    assert recent.put("c", 3) == 3
    assert "b" not in recent and recent.get("b") is None
    assert recent.get("a") == 1 and recent.get("c") == 3 and len(recent) == 2
    recent.put("a", 4)  # a new value for a kept key replaces it
    assert recent.get("a") == 4 and len(recent) == 2
    recent.clear()
    assert len(recent) == 0
