"""The claims kit, split along the sections of kit.py's data flow.

load → model → validate → evaluate / quotes → checklist and formats →
commands and writing → cli.  ``kit.py`` is
the entry point people run; this package is where its sections live.
"""

__version__ = "0.1.0"
