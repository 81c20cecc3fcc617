"""What every command prints, and where: logging levels and progress bars, one switch each.

Design
------
Results go to files (``reports/<system>/``); the console gets a few lines of narration
(``logging`` at INFO, on stderr so stdout stays free for data) and, on long loops, a
progress bar. Every command takes the same three options:

    -q / --quiet           warnings and errors only
    -v / --verbose         debug lines too
    --progress / --no-progress
                           progress bars; default: on only when stderr is a terminal, so a
                           log file, CI or ``make verify`` never fills with bar redraws

``setup_output`` applies them once at start-up; ``progress(iterable, desc=...)`` is the one
place a loop asks for a bar, and it honours that switch.

A system with several actions routes with ``dispatch``: ``python -m systems.serving serve ...``
runs the ``serve`` command, a line naming no command runs the system's default one.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")

_SHOW_PROGRESS: bool | None = None  # None: decide by whether stderr is a terminal
_FORMAT = "%(message)s"


def add_output_args(parser: argparse.ArgumentParser) -> None:
    """Add ``-q``, ``-v`` and ``--progress/--no-progress`` to ``parser``."""
    group = parser.add_argument_group("output")
    group.add_argument("-q", "--quiet", action="store_true", help="print warnings and errors only")
    group.add_argument("-v", "--verbose", action="store_true", help="print debug lines too")
    group.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bars on long work (default: only when stderr is a terminal)",
    )


class _StderrHandler(logging.StreamHandler):
    """One line per message on whatever ``sys.stderr`` is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def setup_output(quiet: bool = False, verbose: bool = False, show_progress: bool | None = None) -> None:
    """Set the root logger's level, give it one stderr handler, and set the progress switch.

    Handlers others installed (pytest's capture, a caller's file handler) are left in place.
    """
    global _SHOW_PROGRESS
    root = logging.getLogger()
    root.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
    _SHOW_PROGRESS = show_progress


def set_prefix(prefix: str) -> None:
    """Start every console line with ``prefix`` (e.g. ``"tune-cluster: "``), now and after."""
    global _FORMAT
    _FORMAT = prefix.replace("%", "%%") + "%(message)s"
    for h in logging.getLogger().handlers:
        if isinstance(h, _StderrHandler):
            h.setFormatter(logging.Formatter(_FORMAT))


def pop_output_args(values: dict) -> None:
    """Apply and remove the output options from a parsed-arguments dict (see ``add_output_args``)."""
    setup_output(
        quiet=bool(values.pop("quiet", False)),
        verbose=bool(values.pop("verbose", False)),
        show_progress=values.pop("progress", None),
    )


def progress_enabled() -> bool:
    """Whether bars are shown: the explicit switch if given, else whether stderr is a terminal."""
    return sys.stderr.isatty() if _SHOW_PROGRESS is None else _SHOW_PROGRESS


def progress(iterable: Iterable[T], desc: str, total: int | None = None, **kwargs) -> Iterator[T]:
    """``iterable`` wrapped in a tqdm bar on stderr when bars are enabled, else unchanged."""
    if not progress_enabled():
        return iter(iterable)
    return iter(tqdm(iterable, desc=desc, total=total, leave=False, file=sys.stderr, **kwargs))


@dataclass(frozen=True)
class Command:
    """One subcommand: a line of help and the function that parses the rest of the line."""

    help: str
    main: Callable[[list[str]], int]


def dispatch(
    argv: list[str] | None,
    prog: str,
    description: str,
    commands: dict[str, Command],
    default: Callable[[list[str]], str],
) -> int:
    """Run ``prog COMMAND [ARGS...]``; a line that names no command runs ``default(argv)``.

    Each command parses its own arguments (and has its own ``--help``), so this parser only
    routes: ``prog --help`` lists the commands. ``default`` keeps the short forms working
    (``make drift`` is ``drift run``); it returns the name of a command.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in commands.items():
        sub.add_parser(name, help=command.help, add_help=False)
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help")):
        argv = [default(argv), *argv]
    name = parser.parse_args(argv[:1]).command
    return commands[name].main(argv[1:])


def gives(argv: list[str], *options: str) -> bool:
    """Whether ``argv`` gives any of ``options`` (``--x V`` or ``--x=V``), for a ``default``."""
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    for option in options:
        parser.add_argument(option)
    try:
        known, _ = parser.parse_known_args(argv)
    except argparse.ArgumentError:  # named without its value: the command will say so
        return True
    return any(value is not None for value in vars(known).values())
