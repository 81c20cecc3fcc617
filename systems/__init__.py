"""End-to-end systems, one per interview story, plus the shared core.

Run as ``python -m systems.<story>``, Ctrl-C before a run has started (while arguments
are parsed and libraries imported) prints one line instead of a traceback; once a run
has started, ``systems.core.report.start_run`` handles it (exit status 130 either way).
"""

import sys


def _one_line_interrupt(previous):
    def hook(kind, value, tb):
        if issubclass(kind, KeyboardInterrupt):
            print("\ninterrupted (Ctrl-C) before the run started; nothing was written", file=sys.stderr)
            return  # Python then ends the process by SIGINT: shell status 130
        previous(kind, value, tb)

    return hook


# sys.argv[0] is "-m" only while ``python -m systems.<story>`` locates its module: a CLI
# run; a program that merely imports ``systems`` keeps its own hook
if sys.argv[:1] == ["-m"]:
    sys.excepthook = _one_line_interrupt(sys.excepthook)
