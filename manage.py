#!/usr/bin/env python
"""Tandem's command-line entry point (the same as .venv/bin/tandem)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from tandem.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
