"""The claims kit, split along the sections of kit.py's data flow.

load → model → validate → evaluate / quotes → render → cli.  ``kit.py`` is
the entry point people run; this package is where its sections live.
"""

__version__ = "0.1.0"
