"""The anatomy pipeline's error, a sentence a user can act on, and the user's stop."""

from __future__ import annotations


class AnatomyError(Exception):
    """Getting or building the anatomy pack failed; ``str(err)`` is one line for the user."""


class Cancelled(Exception):  # noqa: N818 - a user's choice, not an error
    """The user stopped the download, the build, or the motion lab's preparation."""
