#!/usr/bin/env bash
# One entry point for people and CI: `scripts/dev.sh app` sets up and opens CalfExplorer,
# `scripts/dev.sh test` sets up and runs the whole test suite.  Both are idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CALFEXPLORER_VENV:-.venv}
PYTHON=${PYTHON:-python3}

# Debian/Ubuntu packages a headless Linux run needs: Xvfb for window tests, Qt's xcb plugin
# libraries, and Mesa's EGL/GL for VTK offscreen rendering.
APT_PACKAGES="xvfb libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1
  libgl1-mesa-dri libegl-mesa0 libfontconfig1 libdbus-1-3"

install_system_packages() {
    [ "$(uname -s)" = "Linux" ] || return 0
    command -v apt-get >/dev/null 2>&1 || { echo "note: not a Debian-like system; install Xvfb and Qt's xcb libraries by hand" >&2; return 0; }
    local missing=""
    for pkg in $APT_PACKAGES; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    [ -z "$missing" ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing system packages:$missing"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

setup_venv() {
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    local stamp="$VENV/.calfexplorer-installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install -q --upgrade pip
        "$VENV/bin/python" -m pip install -q -e ".[test]"
        touch "$stamp"
    fi
}

with_display() {
    # Use the real display when there is one, otherwise a virtual X server.
    if [ -n "${DISPLAY:-}" ] || [ "$(uname -s)" != "Linux" ]; then
        "$@"
    else
        xvfb-run -a -s "-screen 0 1920x1080x24" "$@"
    fi
}

cmd=${1:-app}
shift || true
case "$cmd" in
    app|test) ;;
    *)
        echo "usage: scripts/dev.sh [app|test] [args...]" >&2
        exit 2
        ;;
esac
install_system_packages
setup_venv
case "$cmd" in
    app)
        if [ $# -eq 0 ] && [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ] \
            && [ -z "${WAYLAND_DISPLAY:-}" ]; then
            # (under Xvfb the window would open where nobody sees it, and never return)
            echo "scripts/dev.sh app: set up, but there is no display here to show the window" \
                "on; try 'scripts/dev.sh app --screenshot leg.png' or" \
                "'$VENV/bin/calfexplorer render --out leg.png'" >&2
            exit 1
        fi
        # Developers see the realistic leg: without an anatomy pack, build one from the
        # BodyParts3D subset beside the checkout (users get theirs with File > Get realistic
        # anatomy, or 'calfexplorer get-anatomy').
        if [ -d ../shared/bodyparts3d ] && ! "$VENV/bin/python" -c \
            'import sys; from calfexplorer.anatomy.leg_model import pack_installed; sys.exit(not pack_installed())'; then
            "$VENV/bin/calfexplorer" get-anatomy --from ../shared/bodyparts3d --quiet
        fi
        with_display "$VENV/bin/calfexplorer" "$@"
        ;;
    test)
        "$VENV/bin/python" -m ruff check src tests benchmarks
        "$VENV/bin/lint-imports"
        "$VENV/bin/mypy" --python-executable "$VENV/bin/python"
        # One worker per CPU, at most 4 (each holds ~1.5 GB), a test file's tests in one
        # worker (its module fixtures are made once); each worker opens its own Xvfb display
        # (tests/run_shared.py). CALFEXPLORER_TEST_WORKERS=0 runs them all in this process.
        workers=${CALFEXPLORER_TEST_WORKERS:-$("$VENV/bin/python" -c \
            'import os; print(min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))')}
        with_display "$VENV/bin/python" -m pytest -q -n "$workers" --dist loadfile --durations=25 "$@"
        ;;
esac
