"""What an Undo or Redo is told as in the status bar: "Undone: showing Tibial nerve (a link);
Flexor hallucis longus selected again" (an undone link's reveal cleared the selection, saying
nothing)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from calfexplorer.state import StepWhat
from calfexplorer.wording import listed


def step_words(what: StepWhat, name_of: Callable[[str], str],
               layer_titles: Mapping[str, str]) -> str:
    """The words for what a step did ("hiding Soleus", "switching Nerves off")."""
    kind, ids = what
    names = listed([name_of(sid) for sid in ids], most=3)
    layer = layer_titles.get(ids[0], ids[0]) if ids else ""
    words = {
        "hide": f"hiding {names}",
        "show": f"showing {names}",
        "reveal": f"showing {names} (a link)",
        "isolate": f"showing only {names}",
        "show_all": "showing all",
        "layer_on": f"switching {layer} on",
        "layer_off": f"switching {layer} off",
        "layers": "choosing the layers",
        "peel": f"peeling {layer}",
        "unpeel": f"restoring {layer}",
    }
    return words.get(kind, "the last change of what is shown")


def travel_message(undone: bool, what: StepWhat | None, before: str | None, after: str | None,
                   name_of: Callable[[str], str], layer_titles: Mapping[str, str]) -> str:
    """The status bar's words after an Undo (``undone``) or Redo of ``what``, the selection
    going from ``before`` to ``after``."""
    done = "Undone" if undone else "Redone"
    text = f"{done}: {step_words(what or ('', ()), name_of, layer_titles)}"
    if after is not None and after != before:
        text += f"; {name_of(after)} selected"
    elif after is None and before is not None:
        text += f"; {name_of(before)} no longer shown"
    return text

