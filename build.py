#!/usr/bin/env python3
"""Yearbook site builder. Run `python build.py --help`."""
import os
import sys

from yearbook.cli import main

if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every file is written and closed by now: skip freeing a large archive's objects one by one
    # at exit (half a second after a build with the cache at 10k pages), as mypy does.
    os._exit(code)
