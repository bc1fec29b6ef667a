"""Benchmark a mode's first opening in a freshly started window, as a new user meets it.

Run: ``xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python benchmarks/bench_mode_open.py``
(options: ``--modes motion study lesion``, ``--runs N``, ``--pack DIR`` to also open each mode
with that BodyParts3D pack, ``--think S``, ``--profile DIR``, ``--compare SRC`` to interleave
the runs with another checkout's ``src``, ``--compare-pack DIR``: the pack that one opens, as
a pack keeps what its poser learnt for one version of the program). Prints numbers; asserts
nothing.

Each run is a fresh process (its first opening pays every import and load), with a new user's
settings: the window starts, draws its first frame and its hidden warm-up frames, the user
looks at it for ``--think`` seconds more (3; the window's work queued after the first frame
runs meanwhile: whether the modes' warm-up had finished is printed), then the mode's
Modes-menu action is triggered.
Timed until the mode's panel is in place and has painted, its content is there (the motion
lab: its posing model loaded) and what the opening queued has run: wall time and this
process's CPU time (all threads; steadier on a busy machine); also when the 3D view drew its
first frame after the opening, and the longest the window's event loop stood still
meanwhile (the window frozen); the frames the 3D view showed meanwhile and, in brackets, how
many of them drew the scene (the others showed the last frame again, ``Scene.present_again``).
Runs are interleaved across modes, models and checkouts, so load from others spreads over all
of them. The first runs (one per model and checkout) are
not counted: they make the caches a user's earlier starts made (bytecode, the compiled MyoLeg
model, the validated atlas). ``--shots DIR`` (a single ``--child`` run) saves the screen as
the motion lab starts loading its posing model and once the mode is open.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _sleep_until(done, timeout: float) -> None:
    """Run the event loop until ``done()`` (checked every 5 ms; the loop sleeps in between,
    so the waiting adds next to nothing to the CPU time measured)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, end = QEventLoop(), time.monotonic() + timeout
    poll = QTimer()
    poll.setInterval(5)

    def check() -> None:
        if done() or time.monotonic() > end:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    if not done():
        raise TimeoutError("the mode did not open in time")


def _screenshots(app, window, folder: str):
    """``shoot(name)`` saves the screen as ``folder/name.png``; the screen is also saved as the
    motion lab starts loading its posing model (what the user sees meanwhile)."""
    Path(folder).mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        app.primaryScreen().grabWindow(0).save(str(Path(folder) / f"{name}.png"))

    prepare = window.scene.prepare_posing

    def prepare_posing(*args, **kwargs):  # (where the window's thread loads it)
        shoot("while-loading")
        return prepare(*args, **kwargs)

    window.scene.prepare_posing = prepare_posing
    return shoot


class _Stalls:
    """The longest time the window's event loop did not turn (ms), sampled by a 5 ms timer:
    how long the window stood frozen."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        return self.longest * 1000.0


def _open_once(mode: str, think: float, profile: str | None, shots: str | None = None) -> None:
    """In this process: start the window, wait ``think`` s, open ``mode``; print the times."""
    sys.path.insert(0, str(HERE))
    import bench_window
    from bench_window import _PaintTimes, _window

    bench_window._wait.__defaults__ = (180.0,)  # the pack's start on a loaded machine
    app, window = _window(wait_for_modes=False)  # (the user does not wait for it)
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(think * 1000), loop.quit)  # the user looks at the window
    loop.exec()
    host = {"motion": window.motion, "lesion": window.lesion, "study": window.study}[mode]
    frames: list[float] = []
    window.viewport.frame_rendered.connect(lambda: frames.append(time.perf_counter()))
    drawn: list[int] = []  # the frames for which the 3D scene itself was drawn (the rest
    # were shown again from VTK's framebuffer: Scene.present_again)
    window.scene.renderer.AddObserver("EndEvent", lambda *_: drawn.append(1))
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    warmed = getattr(getattr(window, "modes_warm_up", None), "done", None)
    shoot = _screenshots(app, window, shots) if shots else (lambda _name: None)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    stalls = _Stalls()
    window.mode_actions[mode].trigger()

    def content_there() -> bool:
        if not host.built:
            return False
        return mode != "motion" or window.scene.posing_ready

    paints = _PaintTimes(host)
    flushed: list[bool] = []

    shot: list[bool] = []

    def done() -> bool:
        if shots and paints.last and not content_there() and not shot:
            shot.append(True)  # (the lab loading its posing model in another thread)
            shoot("while-loading")
        if not (paints.last and content_there()):
            return False
        if not flushed:  # what the opening queued (a zero timer) has run too
            flushed.append(False)
            QTimer.singleShot(0, lambda: flushed.append(True))
        return flushed[-1]

    _sleep_until(done, timeout=300)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    frozen = stalls.stop()
    shoot("opened")
    if profiler is not None and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    first_frame = frames[0] - wall0 if frames else float("nan")
    print(f"opened {wall:.4f} {cpu:.4f} {first_frame:.4f} {frozen:.1f} {len(frames)} "
          f"{len(drawn)} warmed-up:{warmed}", flush=True)
    window.close()


def _run(mode: str, pack: str | None, think: float, profile: str | None,
         user: Path, src: str | None = None
         ) -> tuple[float, float, float, float, float, float, str]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    # a new user's settings and data each run (a saved layout reopens a mode at start), the
    # caches kept (the compiled MyoLeg model, the validated atlas: made once, on a first start)
    fresh = Path(tempfile.mkdtemp(dir=user))
    for key, folder in (("USER", fresh / "user"), ("CACHE", user / "cache"),
                        ("CONFIG", fresh / "config")):
        env[f"CALFEXPLORER_{key}_DIR"] = str(folder)
    env["CALFEXPLORER_ANATOMY_DIR"] = pack or str(user / "no-pack")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app's modules load from bytecode
    argv = [sys.executable, __file__, "--child", mode, "--think", str(think)]
    if profile:
        argv += ["--profile-file", profile]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("opened "):
            wall, cpu, first, frozen, shown, drawn = (float(x) for x in line.split()[1:7])
            return wall, cpu, first, frozen, shown, drawn, line.split(":")[-1]
    raise RuntimeError(f"{mode}: no result\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["motion", "study", "lesion"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pack", default=None, help="also open each mode with this pack")
    parser.add_argument("--think", type=float, default=3.0,
                        help="seconds between the first frame and the opening")
    parser.add_argument("--profile", default=None, metavar="DIR",
                        help="write a cProfile of each opening to DIR")
    parser.add_argument("--compare", default=None, metavar="SRC",
                        help="another checkout's src folder, its runs interleaved with these")
    parser.add_argument("--compare-pack", default=None, metavar="DIR",
                        help="the pack the other checkout opens (default: --pack; a pack "
                             "keeps what it learnt for one version of the program)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--profile-file", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--shots", default=None, help=argparse.SUPPRESS)  # (see the top)
    args = parser.parse_args()
    if args.child:
        _open_once(args.child, args.think, args.profile_file, args.shots)
        return
    if not os.environ.get("DISPLAY"):
        sys.exit(subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24",
                                  sys.executable, *sys.argv]))
    models = [("built-in", None)] + ([("pack", args.pack)] if args.pack else [])
    here = str(HERE.parent / "src")
    sources = [("this", here)] + ([("compare", args.compare)] if args.compare else [])
    cases = [(m, model, src) for m in args.modes for model in models for src in sources]
    results: dict[
        tuple[str, str, str], list[tuple[float, float, float, float, float, float, str]]
    ] = {}

    def pack_for(pack: str | None, which: str) -> str | None:
        return args.compare_pack if pack and which == "compare" and args.compare_pack \
            else pack

    with tempfile.TemporaryDirectory(prefix="calfexplorer-bench-") as tmp:
        user = Path(tmp)
        for (_name, pack), (which, src) in [(m, s) for m in models for s in sources]:
            # warms the caches
            _run(args.modes[0], pack_for(pack, which), args.think, None, user, src)
        for run in range(args.runs):
            for mode, (name, model_pack), (which, src) in cases:
                pack = pack_for(model_pack, which)
                profile = None
                if args.profile:
                    Path(args.profile).mkdir(parents=True, exist_ok=True)
                    profile = str(Path(args.profile) / f"{mode}-{name}-{which}-{run}.prof")
                times = _run(mode, pack, args.think, profile, user, src)
                results.setdefault((mode, name, which), []).append(times)
                print(f"  {mode:<7} {name:<9} {which:<8} wall {times[0]:6.2f} s  "
                      f"CPU {times[1]:6.2f} s  first 3D frame after {times[2]:6.2f} s  "
                      f"longest freeze {times[3]:7.1f} ms  3D frames {times[4]:3.0f} "
                      f"(scene drawn {times[5]:.0f})  warm-up done: {times[6]}  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    print("\nfirst opening of a mode (median of runs; min in brackets)")
    for (mode, name, which), values in sorted(results.items()):
        walls, cpus, firsts, frozen, _shown, _drawn, _ = zip(*values, strict=True)
        print(f"  {mode:<7} {name:<9} {which:<8} wall {statistics.median(walls):6.2f} s "
              f"({min(walls):.2f})   CPU {statistics.median(cpus):6.2f} s ({min(cpus):.2f})"
              f"   first 3D frame after {statistics.median(firsts):6.2f} s   longest freeze "
              f"{statistics.median(frozen):6.0f} ms ({min(frozen):.0f})  (n={len(values)})")

if __name__ == "__main__":
    main()
