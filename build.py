#!/usr/bin/env python3
"""Yearbook site builder. Run `python build.py --help`."""
import sys

from yearbook.cli import main

if __name__ == "__main__":
    sys.exit(main())
