"""``python -m calfexplorer``: the same as the ``calfexplorer`` command."""

import sys

from calfexplorer.cli import main

sys.exit(main())
