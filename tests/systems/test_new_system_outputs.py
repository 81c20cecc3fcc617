"""`make serving` and `make compression` write the files their issues (15, 17) name.

``test_every_seed.py`` checks only that each ledger verdicts every claim id. The "done when"
of issue 15 also names a latency table and a latency CDF plot, and issue 17 a size/latency/
quality table per method and a quality-vs-sparsity plot. Each system runs its quick profile
once, in a subprocess as a user would, into a temporary ``--out``. CPU heavy (about 1 and
4 minutes on an idle 2-core machine): ``pytest -m slow tests/systems/test_new_system_outputs.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "serving": ([f"SV-{i:02d}" for i in range(1, 10)], ["latency.md", "latency_cdf.png"]),
    "compression": (
        [f"QZ-{i:02d}" for i in range(1, 10)],
        ["methods.md", "latency.md", "quality_vs_sparsity.png"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("system", sorted(EXPECTED))
def test_quick_run_writes_its_ledger_table_and_plot(system, tmp_path):
    env = os.environ | {"MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    cmd = [sys.executable, "-m", f"systems.{system}", "--profile", "quick", "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    ids, files = EXPECTED[system]
    out = tmp_path / system
    ledger = json.loads((out / "ledger.json").read_text())
    assert sorted(c["id"] for c in ledger["claims"]) == ids
    for name in files:
        assert (out / name).is_file() and (out / name).stat().st_size > 200, name
    for name in (n for n in files if n.endswith(".md")):
        assert (out / name).read_text().count("\n|") >= 2, f"{name} holds no table rows"
