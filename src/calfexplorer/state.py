"""What the user is looking at: selection, hover, visibility, opacity, pose, mode and lesion.

``AppState`` holds ids only (never actors or widgets) and emits a psygnal event only when a value
really changes, so views can bind to it both ways without feedback loops. It imports no Qt and
no VTK; the scene and the window subscribe to its signals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, NamedTuple

from psygnal import Signal

from calfexplorer.layers import LAYERS, OFF_AT_START, PEEL_ORDER, starting_layers

Mode = Literal["explore", "study", "motion"]
MODES: tuple[str, ...] = ("explore", "study", "motion")

_UNDO_LIMIT = 200
#: What a step did, for the words an Undo or Redo is told in: a kind ("hide", "show",
#: "reveal", "isolate", "show_all", "layer_on", "layer_off", "layers", "peel", "unpeel") and
#: the ids or layers it was about.
StepWhat = tuple[str, tuple[str, ...]]


class _Step(NamedTuple):
    """An undo (redo) step: the visibility to go to; the selection to bring back there, which
    the step from it cleared or (a link's reveal) moved away from, with where it stood in the
    history, or None; and what the step did."""

    shown: Visibility
    reselect: tuple[str, int] | None = None
    what: StepWhat = ("", ())


@dataclass(frozen=True)
class Visibility:
    """An immutable snapshot of everything that decides which structures are shown."""

    hidden: frozenset[str]
    isolated: frozenset[str]
    layers: tuple[tuple[str, bool], ...]
    peeled: tuple[str, ...]

    def layer_on(self, layer: str) -> bool:
        """Whether ``layer`` is switched on (unknown layers are on)."""
        return dict(self.layers).get(layer, True)


if TYPE_CHECKING:
    from calfexplorer.atlas import Atlas
    from calfexplorer.lesion import Lesion


class AppState:
    """The application's view state, with change events.

    Signals
    -------
    selected_changed(id | None), hovered_changed(id | None), visibility_changed(),
    fade_changed(float), xray_changed(float), labels_changed(bool), pose_changed(Mapping),
    mode_changed(str), history_changed(), undo_changed(), lesion_changed(Lesion | None).
    """

    selected_changed = Signal(object)
    hovered_changed = Signal(object)
    visibility_changed = Signal()
    fade_changed = Signal(float)
    xray_changed = Signal(float)
    labels_changed = Signal(bool)
    pose_changed = Signal(object)
    mode_changed = Signal(str)
    history_changed = Signal()
    undo_changed = Signal()
    lesion_changed = Signal(object)

    def __init__(
        self,
        fade: float = 0.25,
        xray: float = 0.0,
        labels: bool = True,
        parents: Mapping[str, str | None] | None = None,
        peeled_with: Mapping[str, str] | None = None,
        layer_of: Mapping[str, str] | None = None,
    ) -> None:
        """``parents`` tells which structure is part of which (id -> whole), e.g. a head of a
        muscle: hiding or isolating a whole then covers its parts, and showing a part shows its
        whole. ``peeled_with`` names structures a peel of another layer takes too (a vein under
        the skin goes with the superficial muscles). ``layer_of`` gives each structure's layer
        (a peel or layer switch that hides the selection then selects nothing). :meth:`from_atlas`
        fills them in from the atlas."""
        self._selected: str | None = None
        self._step_hid_selection = False  # the last change of what is shown hid the selection
        #: Layers a link switched on to show its structure (id, layers): switched off again
        #: when the selection moves to something outside them, unless the user switched
        #: layers meanwhile.
        self._passing: tuple[str, frozenset[str]] | None = None
        self._peeled_before_passing: tuple[str, ...] = ()  # (peeled ones go back as peeled)
        self._reveal_steps: list[_Step] = []  # the undo steps of the links' reveals
        self._hovered: str | None = None
        self._hidden: frozenset[str] = frozenset()
        self._isolated: frozenset[str] = frozenset()
        self._layers: dict[str, bool] = starting_layers()
        self._peeled: tuple[str, ...] = ()
        self._fade = _unit(fade, "fade")
        self._xray = _unit(xray, "xray")
        self._labels = bool(labels)
        self._pose: Mapping[str, float] = MappingProxyType({})
        self._mode: str = "explore"
        self._lesion: Lesion | None = None
        self._history: list[str] = []
        self._history_index = -1
        self._undo: list[_Step] = []
        self._parents: dict[str, str] = {k: v for k, v in (parents or {}).items() if v}
        self._peeled_with: dict[str, str] = dict(peeled_with or {})
        self._layer_of: dict[str, str] = dict(layer_of or {})
        self._redo: list[_Step] = []
        #: What the last Undo or Redo undid or redid (see :data:`StepWhat`), None before one.
        self.travelled: StepWhat | None = None

    @classmethod
    def from_atlas(cls, atlas: Atlas | None, **options: float | bool) -> AppState:
        """A state that knows the atlas's part-of hierarchy (``options`` as for the class)."""
        structures = atlas.structures.values() if atlas is not None else ()
        return cls(
            **options,  # type: ignore[arg-type]
            parents={s.id: s.parent for s in structures},
            peeled_with={s.id: layer for s in structures
                         if (layer := getattr(s, "peels_with", None))},
            layer_of={s.id: layer for s in structures if (layer := atlas.layer_of(s.id))}
            if atlas is not None else None,
        )

    # ----------------------------------------------------------------- selection and hover
    @property
    def selected(self) -> str | None:
        """The selected structure id, or None."""
        return self._selected

    def select(self, structure_id: str | None, *, record: bool = True) -> None:
        """Select a structure (None clears); a new id is appended to the history.

        ``record=False`` leaves the history alone (a quiz's highlight is not the user's own
        browsing, so Back should not step through it).
        """
        if structure_id == self._selected:
            return
        if structure_id is not None and record:
            # (selected again after a clear: the same entry, or Back would go nowhere)
            if not (self._history_index >= 0
                    and self._history[self._history_index] == structure_id):
                del self._history[self._history_index + 1 :]
                self._history.append(structure_id)
                self._history_index = len(self._history) - 1
            self.history_changed.emit()
        self._selected = structure_id
        self._end_passing_layers(structure_id)
        self.selected_changed.emit(structure_id)

    def clear_selection(self) -> None:
        """Select nothing (the history is kept)."""
        self.select(None)

    @property
    def history(self) -> tuple[str, ...]:
        """Ids selected so far, oldest first."""
        return tuple(self._history)

    @property
    def can_go_back(self) -> bool:
        """Whether :meth:`back` would change the selection."""
        if self._history_index < 0:
            return False
        if self._selected is None:
            return True
        return self._history_index > 0

    @property
    def can_go_forward(self) -> bool:
        """Whether :meth:`forward` would change the selection."""
        return self._history_index < len(self._history) - 1

    def back(self) -> bool:
        """Select the previous entry of the history; returns whether anything changed."""
        if not self.can_go_back:
            return False
        if self._selected is not None:
            self._history_index -= 1
        self._move_in_history()
        return True

    def forward(self) -> bool:
        """Select the next entry of the history; returns whether anything changed."""
        if not self.can_go_forward:
            return False
        self._history_index += 1
        self._move_in_history()
        return True

    def _move_in_history(self) -> None:
        target = self._history[self._history_index]
        self.history_changed.emit()
        if target != self._selected:
            self._selected = target
            self._end_passing_layers(target)
            self.selected_changed.emit(target)

    @property
    def hovered(self) -> str | None:
        """The structure under the pointer, or None."""
        return self._hovered

    def hover(self, structure_id: str | None) -> None:
        """Set the hovered structure (None when the pointer is over nothing)."""
        if structure_id != self._hovered:
            self._hovered = structure_id
            self.hovered_changed.emit(structure_id)

    # ------------------------------------------------------------------------- visibility
    @property
    def hidden(self) -> frozenset[str]:
        """Ids hidden one by one."""
        return self._hidden

    @property
    def isolated(self) -> frozenset[str]:
        """Ids shown alone (empty when nothing is isolated)."""
        return self._isolated

    @property
    def layers(self) -> Mapping[str, bool]:
        """Layer name -> switched on."""
        return MappingProxyType(self._layers)

    @property
    def peeled(self) -> tuple[str, ...]:
        """Layers removed by :meth:`peel`, in the order they were peeled."""
        return self._peeled

    def layer_visible(self, layer: str) -> bool:
        """Whether a layer is switched on."""
        return self._layers.get(layer, True)

    def family(self, structure_id: str) -> tuple[str, ...]:
        """The id followed by the wholes it is part of, innermost first."""
        chain = [structure_id]
        parent = self._parents.get(structure_id)
        while parent and parent not in chain:
            chain.append(parent)
            parent = self._parents.get(parent)
        return tuple(chain)

    def is_visible(self, structure_id: str, layer: str | None = None) -> bool:
        """Whether a structure of the given layer is shown.

        An isolation shows exactly the isolated ids and their parts (overriding layer switches);
        otherwise a structure is shown when its layer is on, the layer it is peeled with (if
        any) is not peeled, and neither it nor a whole it belongs to is hidden.
        """
        family = self.family(structure_id)
        if any(f in self._hidden for f in family):
            return False
        if self._isolated:
            return any(f in self._isolated for f in family)
        if layer is None:
            return True
        return self._layers.get(layer, True) and (
            self._peeled_with.get(structure_id) not in self._peeled)

    def snapshot(self) -> Visibility:
        """The current visibility as an immutable value."""
        return Visibility(self._hidden, self._isolated, tuple(self._layers.items()), self._peeled)

    def _apply(self, new: Visibility, record: bool = True, what: StepWhat = ("", ())) -> bool:
        old = self.snapshot()
        if new == old:
            return False
        if record:
            self._undo.append(_Step(old, None, what))
            del self._undo[:-_UNDO_LIMIT]
            self._redo.clear()
        sid = self._selected
        was_shown = sid is not None and self.is_visible(sid, self._layer_of.get(sid))
        self._hidden = new.hidden
        self._isolated = new.isolated
        self._layers = dict(new.layers)
        self._peeled = new.peeled
        self._step_hid_selection = (
            was_shown and sid is not None and not self.is_visible(sid, self._layer_of.get(sid))
        )
        self.visibility_changed.emit()
        if record:  # (an undo or redo says so once its step is kept for the way back)
            self.undo_changed.emit()
        return True

    def _with(
        self,
        *,
        hidden: frozenset[str] | None = None,
        isolated: frozenset[str] | None = None,
        layers: tuple[tuple[str, bool], ...] | None = None,
        peeled: tuple[str, ...] | None = None,
    ) -> Visibility:
        current = self.snapshot()
        return Visibility(
            hidden=current.hidden if hidden is None else hidden,
            isolated=current.isolated if isolated is None else isolated,
            layers=current.layers if layers is None else layers,
            peeled=current.peeled if peeled is None else peeled,
        )

    def hide(self, ids: str | Iterable[str]) -> bool:
        """Hide one or more structures (undoable); returns whether anything changed. A
        selection hidden with them (its row or group unticked) is dropped as a peel drops it,
        and undo brings both back."""
        ids = _ids(ids)
        changed = self._apply(
            self._with(hidden=self._hidden | ids, isolated=self._isolated - ids),
            what=("hide", tuple(sorted(ids))))
        if changed:
            self._drop_hidden_selection()
        return changed

    def hide_selected(self) -> str | None:
        """Hide the selection and select nothing, as one undoable step (undo shows it and
        selects it again); returns the id hidden, or None if nothing was selected."""
        sid = self._selected
        if sid is None or not self.hide(sid):  # (already hidden: no step to undo)
            return None
        if self._selected is not None:  # (hidden already, with its layer: kept above)
            self._undo[-1] = self._undo[-1]._replace(reselect=(sid, self._history_index))
            self.select(None)
        return sid

    def _drop_hidden_selection(self) -> None:
        """Select nothing where the step just made hid the selection (shown before it) with
        its layer, as part of that step (undo brings both back): a peeled soleus stayed
        selected, its patches and labels floating and every deep muscle faded behind a muscle
        no longer drawn."""
        sid = self._selected
        if sid is None or not self._undo or not self._step_hid_selection:
            return
        self._undo[-1] = self._undo[-1]._replace(reselect=(sid, self._history_index))
        self.select(None)

    def show(self, ids: str | Iterable[str], layers: Iterable[str] = (),
             record: bool = True) -> bool:
        """Show structures that were hidden one by one, and switch on the given layers.

        Used to reveal a linked structure: pass its layer so a switched-off layer comes back
        (a structure peeled with another layer comes back alone). Wholes the ids belong to
        are un-hidden too. Under an isolation the ids join the isolated set. ``record=False``
        makes no undo step (a quiz's passing reveal, given back with :meth:`restore`).
        """
        ids = _ids(ids)
        unhide = frozenset(f for sid in ids for f in self.family(sid))
        new_layers = dict(self._layers)
        for layer in layers:
            new_layers[layer] = True
        isolated = self._isolated | ids if self._isolated else self._isolated
        # (a vein peeled with the superficial muscles comes back alone: that layer stays off,
        # no longer counted as peeled)
        unpeel = {self._peeled_with[s] for s in ids if s in self._peeled_with}
        peeled = tuple(p for p in self._peeled if not new_layers.get(p, True) and p not in unpeel)
        return self._apply(
            self._with(
                hidden=self._hidden - unhide,
                isolated=isolated,
                layers=tuple(new_layers.items()),
                peeled=peeled,
            ),
            record=record,
            what=("show", tuple(sorted(ids))),
        )

    def restore(self, visibility: Visibility) -> bool:
        """Go back to a :meth:`snapshot` without an undo step (the visibility a passing
        reveal found); returns whether anything changed."""
        return self._apply(visibility, record=False)

    def reveal_and_select(self, structure_id: str, layer: str | None) -> None:
        """Select a structure, first showing it (and switching its ``layer`` on) if it is
        hidden: what following a link does. A layer switched on for it goes off again when
        the selection moves out of it (unless the user switched layers meanwhile)."""
        if not self.is_visible(structure_id, layer):
            before, peeled = dict(self._layers), self._peeled
            top = self._undo[-1] if self._undo else None
            if self.show(structure_id, layers=[layer] if layer else []):
                # Undo hides it again and selects again what the link was followed from
                # (it selected nothing, with no word: FHL's page, isolated, emptied)
                came_from = (self._selected, self._history_index) if self._selected else None
                self._undo[-1] = self._undo[-1]._replace(
                    reselect=came_from, what=("reveal", (structure_id,)))
            turned_on = frozenset(k for k, on in self._layers.items()
                                  if on and not before.get(k, True))
            if turned_on:
                kept = self._passing[1] if self._passing is not None else frozenset()
                if self._passing is None:
                    self._peeled_before_passing, self._reveal_steps = peeled, []
                self._passing = (structure_id, kept | turned_on)
                if self._undo and self._undo[-1] is not top:
                    self._reveal_steps.append(self._undo[-1])
        self.select(structure_id)

    def _end_passing_layers(self, structure_id: str | None) -> None:
        """Switch off the layers a link switched on, the selection now outside them (they
        stay on for a selection in one of them, a part or attachment site of the linked
        structure, or one they would hide)."""
        if self._passing is None or self._passing[0] == structure_id:
            return
        linked, layers = self._passing
        new_layers = {k: (on and k not in layers) for k, on in self._layers.items()}
        before = self._peeled_before_passing
        peeled = tuple(p for p in before if p in layers or p in self._peeled)
        peeled += tuple(p for p in self._peeled if p not in before)
        if structure_id is not None and (
                self._layer_of.get(structure_id) in layers
                or self._related(structure_id, linked)
                or self._hidden_by(structure_id, new_layers, peeled)):
            self._passing = (structure_id, layers)
            return
        self._passing = None
        self._apply(self._with(layers=tuple(new_layers.items()), peeled=peeled), record=False)
        # the links' reveals, given back, leave no Undo step that would bring them back
        # (where nothing else was changed after them)
        now, steps, dropped = self.snapshot(), self._reveal_steps, False
        while self._undo and any(self._undo[-1] is step for step in steps):
            old = self._undo[-1].shown
            if (old.hidden, old.isolated) != (now.hidden, now.isolated):
                break
            self._undo.pop()
            dropped = True
        self._reveal_steps = []
        if dropped:
            self.undo_changed.emit()

    def _related(self, one: str, other: str) -> bool:
        """Whether two ids name one structure, a part of it or one of its attachment sites
        (``muscle:role:place``)."""
        a, b = one.split(":", 1)[0], other.split(":", 1)[0]
        return a in self.family(b) or b in self.family(a)

    def _hidden_by(self, structure_id: str, layers: dict[str, bool],
                   peeled: tuple[str, ...]) -> bool:
        """Whether these layers and peeled ones would hide a structure (or the one whose
        attachment site it is) shown now."""
        if self._isolated:
            return False
        for sid in {structure_id, structure_id.split(":", 1)[0]}:
            layer = self._layer_of.get(sid)
            if layer is None or not self.is_visible(sid, layer):
                continue
            if not layers.get(layer, True) or self._peeled_with.get(sid) in peeled:
                return True
        return False

    def isolate(self, ids: str | Iterable[str]) -> bool:
        """Show only these structures (undoable)."""
        ids = _ids(ids)
        if not ids:
            return False
        about = (self._selected,) if self._selected in ids else tuple(sorted(ids))
        return self._apply(self._with(isolated=ids, hidden=self._hidden - ids),
                           what=("isolate", about))

    def show_all(self) -> bool:
        """Clear hidden ids and the isolation and switch the layers back on as they start
        (the regions' volumes stay as they were) (undoable)."""
        self._passing = None  # (the user chose the layers)
        layers = starting_layers()
        layers.update({layer: self._layers[layer] for layer in OFF_AT_START})
        return self._apply(Visibility(frozenset(), frozenset(), tuple(layers.items()), ()),
                           what=("show_all", ()))

    def set_layer_visible(self, layer: str, visible: bool) -> bool:
        """Switch a layer on or off (undoable)."""
        if self._passing is not None:  # (the user chose this one: it stays as they set it)
            sid, layers = self._passing
            self._passing = (sid, layers - {layer}) if layers - {layer} else None
        if layer not in self._layers:
            raise ValueError(f"unknown layer {layer!r}; known: {', '.join(LAYERS)}")
        new_layers = dict(self._layers)
        new_layers[layer] = bool(visible)
        peeled = self._peeled if not visible else tuple(p for p in self._peeled if p != layer)
        changed = self._apply(self._with(layers=tuple(new_layers.items()), peeled=peeled),
                              what=("layer_on" if visible else "layer_off", (layer,)))
        if changed:
            self._drop_hidden_selection()
        return changed

    def set_visible_layers(self, layers: Iterable[str]) -> bool:
        """Switch on exactly the given layers and switch the others off (undoable)."""
        self._passing = None  # (the user chose the layers)
        wanted = set(layers)
        unknown = wanted - set(LAYERS)
        if unknown:
            raise ValueError(f"unknown layer(s) {', '.join(sorted(unknown))}")
        new_layers = {layer: layer in wanted for layer in LAYERS}
        changed = self._apply(self._with(layers=tuple(new_layers.items()), peeled=()),
                              what=("layers", tuple(sorted(wanted))))
        if changed:
            self._drop_hidden_selection()
        return changed

    def peel(self) -> str | None:
        """Switch off the outermost layer still on; returns it, or None if none is left."""
        self._passing = None  # (the user chose the layers)
        for layer in PEEL_ORDER:
            if self._layers.get(layer, True):
                new_layers = dict(self._layers)
                new_layers[layer] = False
                self._apply(
                    self._with(layers=tuple(new_layers.items()), peeled=(*self._peeled, layer)),
                    what=("peel", (layer,)),
                )
                self._drop_hidden_selection()
                return layer
        return None

    def unpeel(self) -> str | None:
        """Put back the layer peeled last; returns it, or None if nothing was peeled."""
        self._passing = None  # (the user chose the layers)
        if not self._peeled:
            return None
        layer = self._peeled[-1]
        new_layers = dict(self._layers)
        new_layers[layer] = True
        self._apply(self._with(layers=tuple(new_layers.items()), peeled=self._peeled[:-1]),
                    what=("unpeel", (layer,)))
        return layer

    @property
    def can_undo(self) -> bool:
        """Whether a visibility change can be undone."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether an undone visibility change can be redone."""
        return bool(self._redo)

    def undo(self) -> bool:
        """Undo the last visibility change; returns whether there was one."""
        return self._travel(self._undo, self._redo)

    def redo(self) -> bool:
        """Redo the last undone visibility change; returns whether there was one."""
        return self._travel(self._redo, self._undo)

    def _travel(self, source: list[_Step], target: list[_Step]) -> bool:
        """Go to the visibility at the top of ``source``, keeping the way back on ``target``.

        A step either way that hides the selection selects nothing, as a peel does (an undone
        reveal left the peeled soleus selected and drawn), and the step back selects it again,
        where nothing else has been selected since; a link's reveal, either way, selects what
        it was followed from or to. :attr:`travelled` says what the step did."""
        self._passing = None  # (the user chose the layers)
        if not source:
            return False
        shown, reselect, what = source.pop()
        self.travelled = what
        sid, index = self._selected, self._history_index
        back = self.snapshot()
        changed = self._apply(shown, record=False)
        dropped = None
        if sid is not None and changed and self._step_hid_selection:
            dropped = (sid, index)
            self.select(None)
        if what[0] == "reveal" and sid is not None:  # (the way back selects it again)
            dropped = (sid, index)
        target.append(_Step(back, dropped, what))
        self.undo_changed.emit()
        if (reselect is not None and (self._selected is None or what[0] == "reveal")
                and self.is_visible(reselect[0])):
            sid, index = reselect
            if 0 <= index < len(self._history) and self._history[index] == sid:
                self._history_index = index  # Back and Forward go on from where it was
                self.history_changed.emit()
            self.select(sid, record=False)
        return True

    # --------------------------------------------------------------- opacity and labels
    @property
    def fade(self) -> float:
        """Opacity (0..1) of unselected structures while something is selected."""
        return self._fade

    def set_fade(self, value: float) -> None:
        """Set the opacity of unselected structures (0 invisible .. 1 opaque)."""
        value = _unit(value, "fade")
        if value != self._fade:
            self._fade = value
            self.fade_changed.emit(value)

    @property
    def xray(self) -> float:
        """X-ray transparency (0 opaque .. 1 invisible) of everything not selected."""
        return self._xray

    def set_xray(self, value: float) -> None:
        """Set the x-ray transparency of everything not selected."""
        value = _unit(value, "xray")
        if value != self._xray:
            self._xray = value
            self.xray_changed.emit(value)

    @property
    def labels(self) -> bool:
        """Whether 3D labels are shown."""
        return self._labels

    def set_labels(self, on: bool) -> None:
        """Show or hide 3D labels."""
        on = bool(on)
        if on != self._labels:
            self._labels = on
            self.labels_changed.emit(on)

    # -------------------------------------------------------------------- pose and mode
    @property
    def pose(self) -> Mapping[str, float]:
        """Joint angles in radians (keys as biomech.Pose: knee, ankle, subtalar, toes)."""
        return self._pose

    def set_pose(self, angles: Mapping[str, float]) -> None:
        """Replace the pose (radians by joint id); joints left out are at 0."""
        new = {str(k): float(v) for k, v in angles.items() if float(v) != 0.0}
        if new != dict(self._pose):
            self._pose = MappingProxyType(new)
            self.pose_changed.emit(self._pose)

    def update_pose(self, **angles: float) -> None:
        """Change some joint angles (radians), keeping the others."""
        merged = dict(self._pose)
        merged.update(angles)
        self.set_pose(merged)

    @property
    def mode(self) -> str:
        """The current mode: explore, study or motion."""
        return self._mode

    def set_mode(self, mode: str) -> None:
        """Switch mode (explore, study or motion)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        if mode != self._mode:
            self._mode = mode
            self.mode_changed.emit(mode)


    # -------------------------------------------------------------------------- lesion
    @property
    def lesion(self) -> Lesion | None:
        """The nerve and root lesion the user has made (lesion mode), or None."""
        return self._lesion

    def set_lesion(self, lesion: Lesion | None) -> None:
        """Make (or with None, heal) a lesion; an empty one counts as none."""
        if lesion is not None and not lesion.cuts and not lesion.roots:
            lesion = None
        if lesion != self._lesion:
            self._lesion = lesion
            self.lesion_changed.emit(lesion)


def _unit(value: float, name: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")
    return value


def _ids(ids: str | Iterable[str]) -> frozenset[str]:
    return frozenset([ids]) if isinstance(ids, str) else frozenset(ids)
