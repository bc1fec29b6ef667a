"""The explorer: the structure tree, search, the information panel and its pages, the skin menu."""
