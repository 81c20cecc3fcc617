"""Config: profiles and clear errors for bad values."""

import pytest

from systems.compression.config import CompressionConfig
from systems.core.config import parse_config


def test_full_profile_and_overrides():
    cfg = parse_config(CompressionConfig, ["--profile", "full", "--lora-steps", "3"], "x", "")
    assert cfg.lora_steps == 3 and cfg.n_questions == 1000
    assert parse_config(CompressionConfig, ["--sparsities", "0.2,0.4"], "x", "").sparsities == (0.2, 0.4)


@pytest.mark.parametrize(
    "args, msg",
    [
        (["--sparsities", "0.4,0.2"], "increasing"),
        (["--student-layers", "6"], "student-layers"),
        (["--threads", "0"], "threads"),
    ],
)
def test_bad_values_are_refused(args, msg):
    with pytest.raises(ValueError, match=msg):
        parse_config(CompressionConfig, args, "x", "")
