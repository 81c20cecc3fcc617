"""Every run configuration builds its command-line parser, with the shared console options.

``systems.core.cli.add_output_args`` adds ``-q``, ``-v`` and ``--progress/--no-progress`` to
every parser built from a ``RunConfig``; a config field with one of those names makes argparse
raise ``conflicting option string`` before the command can do anything (``make churn`` and
``churn --data`` failed this way when ``ChurnConfig`` still had a ``progress`` field).
"""

import dataclasses
import importlib
import inspect

import pytest

from systems.core.config import RunConfig, build_parser

MODULES = [
    "systems.abtest.config",
    "systems.algorithms.__main__",
    "systems.churn.config",
    "systems.compression.config",
    "systems.drift.config",
    "systems.ensemble.cluster",
    "systems.ensemble.data",
    "systems.fairness.config",
    "systems.rag.config",
    "systems.serving.config",
]
CONSOLE = {"quiet", "verbose", "progress"}


def _configs():
    for name in MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, RunConfig) and cls is not RunConfig and cls.__module__ == name:
                yield pytest.param(cls, id=f"{name}.{cls.__name__}")


@pytest.mark.parametrize("cls", list(_configs()))
def test_parser_builds_and_no_field_shadows_a_console_option(cls):
    assert not CONSOLE & {f.name for f in dataclasses.fields(cls)}
    parser = build_parser(cls, "prog", "")
    args = vars(parser.parse_args(["--no-progress", "-q"]))
    assert args["progress"] is False and args["quiet"] is True
