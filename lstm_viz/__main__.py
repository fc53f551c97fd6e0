"""``python -m lstm_viz``: run the command line."""

import sys

from lstm_viz.cli import main

sys.exit(main())
