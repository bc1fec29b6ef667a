"""The one error the anatomy pipeline raises: a sentence a user can act on."""

from __future__ import annotations


class AnatomyError(Exception):
    """Getting or building the anatomy pack failed; ``str(err)`` is one line for the user."""
