"""Lesion mode: the dock, the panel and its pages."""
