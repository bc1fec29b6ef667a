"""MuJoCo's own answers, computed without calfexplorer.biomech (imported by the tests)."""

from __future__ import annotations

import mujoco
import numpy as np


def knee_dependents(model: mujoco.MjModel) -> list[tuple[int, int, np.ndarray]]:
    """(dependent qposadr, knee qposadr, coefficients) of every joint equality on the right knee,
    read straight from the model (independent of calfexplorer.biomech)."""
    knee = model.joint("knee_angle_r").id
    out = []
    for i in range(model.neq):
        if model.eq_type[i] == mujoco.mjtEq.mjEQ_JOINT and model.eq_obj2id[i] == knee:
            dep = model.eq_obj1id[i]
            out.append((model.jnt_qposadr[dep], model.jnt_qposadr[knee], model.eq_data[i, :5]))
    return out


def reference_forward(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    knee: float,
    ankle: float = 0.0,
    subtalar: float = 0.0,
    mtp: float = 0.0,
) -> None:
    """Set the full qpos by hand (coupled joints from the polynomial) and run mj_forward."""
    data.qpos[:] = model.qpos0
    data.qvel[:] = 0
    for name, value in (
        ("knee_angle_r", knee),
        ("ankle_angle_r", ankle),
        ("subtalar_angle_r", subtalar),
        ("mtp_angle_r", mtp),
    ):
        data.qpos[model.jnt_qposadr[model.joint(name).id]] = value
    for dep, kn, c in knee_dependents(model):
        x = data.qpos[kn] - model.qpos0[kn]
        data.qpos[dep] = model.qpos0[dep] + np.polyval(c[::-1], x)
    mujoco.mj_forward(model, data)
