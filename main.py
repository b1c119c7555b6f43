"""Aftercare: `python main.py [command] [--db PATH]` (see `python main.py --help`)."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
