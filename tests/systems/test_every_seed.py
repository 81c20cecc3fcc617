"""Every system completes on several seeds with a ledger that verdicts every claim id.

A seed other than 0 draws different data, so code that narrates what the generator
"should" do (an event in a given week, a retrain that must follow) fails here first.
Each system runs its smallest profile (``tiny`` where it has one, else ``quick``) in a
subprocess, as a user would, into a temporary ``--out`` folder.

Expected ids are listed here (from the claims catalogue, copied when this test was
written) so the test never reads files outside the repository. A system that is not
built yet (no ``systems/<name>/__main__.py``) is skipped, not faked.

CPU heavy (every system x SEEDS runs): ``pytest -m slow tests/systems/test_every_seed.py``,
or one system with ``-k drift``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = (0, 1, 2)


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i:02d}" for i in range(1, n + 1)]


CLAIM_IDS = {
    "churn": _ids("CH", 13),
    "ensemble": _ids("EN", 15),
    "rag": _ids("RAG", 16),
    "drift": _ids("DR", 10),
    "fairness": _ids("FA", 11),
    "algorithms": _ids("AL", 13),
    "serving": _ids("SV", 9),
    "abtest": _ids("AB", 10),
    "compression": _ids("QZ", 9),
}
# runs of a system may be slow on a shared 2-core machine; a hang still ends the test
TIMEOUT_S = 1800


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    return env


def smallest_profile(system: str) -> str:
    """``tiny`` if the system's ``--help`` offers it, else ``quick`` (every system has quick)."""
    out = subprocess.run(
        [sys.executable, "-m", f"systems.{system}", "--help"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    choices = re.search(r"--profile \{([^}]*)\}", out)
    offered = choices.group(1).split(",") if choices else []
    return "tiny" if "tiny" in offered else "quick"


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("system", sorted(CLAIM_IDS))
def test_system_completes_with_every_claim(system, seed, tmp_path):
    if not (ROOT / "systems" / system / "__main__.py").exists():
        pytest.skip(f"systems/{system} is not built yet (no __main__.py)")
    cmd = [
        sys.executable,
        "-m",
        f"systems.{system}",
        "--seed",
        str(seed),
        "--profile",
        smallest_profile(system),
        "--out",
        str(tmp_path),
    ]
    done = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    ledger_path = tmp_path / system / "ledger.json"
    assert ledger_path.exists(), f"{system} seed {seed}: no ledger.json; stdout tail:\n{done.stdout[-2000:]}"
    ledger = json.loads(ledger_path.read_text())
    got = {c["id"]: c["verdict"] for c in ledger["claims"]}
    missing = sorted(set(CLAIM_IDS[system]) - set(got))
    assert not missing, f"{system} seed {seed}: claims without a verdict: {missing}"
    assert all(v for v in got.values()), f"{system} seed {seed}: empty verdicts in {got}"
    assert ledger["seed"] == seed
