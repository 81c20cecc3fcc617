"""Run configuration: one dataclass per system, profiles, and a CLI built from the fields.

Design
------
Each system declares a dataclass that extends ``RunConfig``. Its field defaults are the
quick profile; ``PROFILES["full"]`` lists the fields that change at story scale. A value
is resolved in this order (later wins):

    dataclass default  ->  PROFILES[profile]  ->  explicit --flag on the command line

so ``--profile full --n-users 2000`` is the full profile with a smaller data set.
Field help comes from ``field(metadata={"help": ...})``; a ``bool`` field is a
``--flag`` / ``--no-flag`` pair. Every command gets ``--seed``,
``--profile``, ``--out`` and ``--help``, and the console options of ``systems.core.cli``
(``-q``, ``-v``, ``--progress/--no-progress``).
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from systems.core.cli import add_output_args, pop_output_args

C = TypeVar("C", bound="RunConfig")


@dataclasses.dataclass
class RunConfig:
    """Fields every run has."""

    seed: int = dataclasses.field(default=0, metadata={"help": "seed for every random choice"})
    profile: str = dataclasses.field(
        default="quick", metadata={"help": "quick (CI-sized, default) or full (story scale)"}
    )
    out: Path = dataclasses.field(
        default=Path("reports"), metadata={"help": "reports root; this run writes OUT/<system>/"}
    )

    PROFILES: ClassVar[dict[str, dict[str, Any]]] = {"quick": {}, "full": {}}

    def __post_init__(self) -> None:
        if self.profile not in self.PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; choose from {sorted(self.PROFILES)}")


def _converter(tp: Any):
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        choices = typing.get_args(tp)
        return type(choices[0]), choices
    if origin in (typing.Union, types.UnionType):  # Optional[int] / int | None
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _converter(args[0])
    if tp in (int, float, str, Path):
        return tp, None
    if origin in (list, tuple):
        inner = typing.get_args(tp)[0]
        return (lambda s: [inner(x) for x in s.split(",") if x.strip()]), None
    raise TypeError(f"config field type {tp!r} has no CLI conversion")


def build_parser(cls: type[C], prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        full = cls.PROFILES.get("full", {}).get(f.name)
        help_text = f.metadata.get("help", "")
        if full is not None:
            help_text += f" [full profile: {full}]"
        if hints[f.name] is bool:  # --flag / --no-flag, no value
            kind: dict[str, Any] = {"action": argparse.BooleanOptionalAction}
        else:
            conv, choices = _converter(hints[f.name])
            kind = {"type": conv, "choices": sorted(cls.PROFILES) if f.name == "profile" else choices}
        parser.add_argument(
            "--" + f.name.replace("_", "-"),
            dest=f.name,
            default=argparse.SUPPRESS,
            help=f"{help_text} (default: {default})",
            **kind,
        )
    add_output_args(parser)
    return parser


def parse_config(cls: type[C], argv: list[str] | None, prog: str, description: str) -> C:
    """Parse ``argv`` into ``cls``, applying the chosen profile under explicit flags."""
    given = vars(build_parser(cls, prog, description).parse_args(argv))
    pop_output_args(given)  # -q / -v / --progress configure the console, not the run
    profile = given.get("profile", "quick")
    values = dict(cls.PROFILES.get(profile, {}))
    values.update(given)
    return cls(**values)
