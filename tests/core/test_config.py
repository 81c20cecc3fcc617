import dataclasses
import re
import typing
from pathlib import Path
from typing import ClassVar

import pytest

from systems.core.config import RunConfig, build_parser, parse_config


@dataclasses.dataclass
class DemoConfig(RunConfig):
    n_rows: int = dataclasses.field(default=100, metadata={"help": "rows to generate"})
    rate: float = 0.1
    use_smote: bool = True
    PROFILES: ClassVar = {"quick": {}, "full": {"n_rows": 50_000}}


def test_defaults_are_the_quick_profile():
    cfg = parse_config(DemoConfig, [], "demo", "")
    assert cfg.n_rows == 100 and cfg.profile == "quick" and cfg.seed == 0


def test_profile_then_explicit_flag_wins():
    assert parse_config(DemoConfig, ["--profile", "full"], "demo", "").n_rows == 50_000
    cfg = parse_config(DemoConfig, ["--profile", "full", "--n-rows", "7", "--no-use-smote"], "demo", "")
    assert cfg.n_rows == 7 and cfg.use_smote is False


def test_types_are_converted():
    cfg = parse_config(DemoConfig, ["--seed", "3", "--rate", "0.5", "--out", "x"], "demo", "")
    assert cfg.seed == 3 and cfg.rate == 0.5 and cfg.out == Path("x")


def test_bad_values_are_rejected_with_a_message(capsys):
    with pytest.raises(SystemExit):
        parse_config(DemoConfig, ["--n-rows", "many"], "demo", "")
    assert "invalid int value" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_config(DemoConfig, ["--profile", "huge"], "demo", "")


def test_help_lists_every_field_and_the_full_profile_value():
    text = build_parser(DemoConfig, "demo", "").format_help()
    for flag in ("--seed", "--profile", "--out", "--n-rows", "--rate", "--use-smote"):
        assert flag in text
    assert "full profile: 50000" in text


def test_bool_fields_are_flag_pairs(capsys):
    assert parse_config(DemoConfig, ["--no-use-smote"], "demo", "").use_smote is False
    assert parse_config(DemoConfig, ["--use-smote"], "demo", "").use_smote is True
    with pytest.raises(SystemExit):  # a flag takes no value
        parse_config(DemoConfig, ["--use-smote", "no"], "demo", "")
    assert "unrecognized arguments: no" in capsys.readouterr().err
    assert "--use-smote, --no-use-smote" in build_parser(DemoConfig, "demo", "").format_help()


def test_console_options_configure_output_not_the_run():
    import logging

    from systems.core import cli

    cfg = parse_config(DemoConfig, ["-q", "--no-progress", "--seed", "2"], "demo", "")
    assert cfg.seed == 2 and not hasattr(cfg, "quiet")
    assert logging.getLogger().level == logging.WARNING and not cli.progress_enabled()
    assert list(cli.progress(range(3), desc="x")) == [0, 1, 2]
    parse_config(DemoConfig, ["-v", "--progress"], "demo", "")
    assert logging.getLogger().level == logging.DEBUG and cli.progress_enabled()
    parse_config(DemoConfig, [], "demo", "")
    assert logging.getLogger().level == logging.INFO
    assert cli.progress_enabled() is False  # pytest's stderr is not a terminal


@dataclasses.dataclass
class RichConfig(RunConfig):
    ids: list[int] = dataclasses.field(default_factory=lambda: [1, 2], metadata={"help": "ids to keep"})
    mode: typing.Literal["fast", "exact"] = "fast"
    limit: int | None = None
    PROFILES: ClassVar = {"quick": {}}  # no full profile at all


def test_lists_literals_optionals_and_default_factories():
    assert parse_config(RichConfig, [], "rich", "").ids == [1, 2], "default_factory is called"
    cfg = parse_config(RichConfig, ["--ids", "3, 4,,5", "--mode", "exact", "--limit", "9"], "rich", "")
    assert (cfg.ids, cfg.mode, cfg.limit) == ([3, 4, 5], "exact", 9)
    with pytest.raises(SystemExit):
        parse_config(RichConfig, ["--mode", "slow"], "rich", "")


def test_help_keeps_prog_description_and_field_help(capsys):
    text = build_parser(DemoConfig, "demo-prog", "Demo description.").format_help()
    assert text.startswith("usage: demo-prog") and "Demo description." in text
    assert "rows to generate [full profile: 50000]" in text, "the full value is appended to the help"
    assert "ids to keep" in build_parser(RichConfig, "rich", "").format_help()


def test_a_field_type_without_a_conversion_is_named():
    @dataclasses.dataclass
    class Bad(RunConfig):
        table: dict = dataclasses.field(default_factory=dict)

    with pytest.raises(TypeError, match=r"config field type <class 'dict'> has no CLI conversion"):
        build_parser(Bad, "bad", "")


def test_unknown_profile_in_code_is_named_with_the_choices():
    with pytest.raises(ValueError, match=r"^unknown profile 'huge'; choose from \['full', 'quick'\]$"):
        DemoConfig(profile="huge")


def test_help_shows_each_default_and_the_field_help(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # no line wrapping in the help text
    demo = build_parser(DemoConfig, "demo", "").format_help()
    assert "rows to generate [full profile: 50000] (default: 100)" in demo
    # a field without help gets an empty help, not a placeholder
    assert re.search(r"--rate RATE\s+\(default: 0\.1\)", demo)
    assert "seed for every random choice (default: 0)" in demo
    rich = build_parser(RichConfig, "rich", "").format_help()
    assert "ids to keep (default: [1, 2])" in rich, "the default_factory value is shown"
    assert "[full profile" not in rich, "RichConfig has no full profile"


def test_list_field_splits_on_commas():
    assert parse_config(RichConfig, ["--ids", "7"], "rich", "").ids == [7]
    assert parse_config(RichConfig, ["--ids", "1,2"], "rich", "").ids == [1, 2]
    assert parse_config(RichConfig, ["--ids", ""], "rich", "").ids == []


def test_without_profile_flag_the_quick_profile_applies():
    # resolution order: dataclass default -> PROFILES[profile] -> flag; "quick" when none is given
    @dataclasses.dataclass
    class QuickOverrides(RunConfig):
        n: int = 3
        PROFILES: ClassVar = {"quick": {"n": 5}, "full": {"n": 500}}

    assert parse_config(QuickOverrides, [], "q", "").n == 5
    assert parse_config(QuickOverrides, ["--n", "7"], "q", "").n == 7


def test_a_config_without_a_quick_profile_is_refused_by_name():
    @dataclasses.dataclass
    class FullOnly(RunConfig):
        PROFILES: ClassVar = {"full": {}}

    with pytest.raises(ValueError, match=r"^unknown profile 'quick'; choose from \['full'\]$"):
        parse_config(FullOnly, [], "f", "")


def test_parse_config_help_keeps_prog_and_the_description_layout(capsys):
    description = "Demo run.\n\n  make demo    the quick profile"  # laid out by hand: kept as is
    with pytest.raises(SystemExit):
        parse_config(DemoConfig, ["--help"], "demo-prog", description)
    out = capsys.readouterr().out
    assert out.startswith("usage: demo-prog ") and "\n" + description + "\n" in out
