"""Issue 19's cluster.json layout, checked without a PostgreSQL server.

``test_cluster.py`` checks the report on a real PostgreSQL server and skips where none can be
started (outside CI). The report itself does not depend on the backend, so here the same
``tune-cluster`` code runs two workers of the toy objective on a SQLite file (``--storage``
given: nothing is started) and the test checks every field the issue names:
``{"storage" (no password), "workers", "trials", "best_value", "wall_seconds",
"per_worker": [{"pid", "trials"}], "speedup_vs_one_worker"}``, and cluster.md with its plot.
"""

import json

from systems.ensemble import cluster


def test_cluster_json_has_every_field_of_the_issue(tmp_path):
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    args = [
        "--storage",
        url,
        "--workers",
        "2",
        "--trials",
        "6",
        "--model",
        "toy",
        "--trial-seconds",
        "0.3",
        "--baseline",
        "--out",
        str(tmp_path / "out"),
    ]
    assert cluster.main(args) == 0
    folder = tmp_path / "out" / "ensemble_cluster"
    report = json.loads((folder / "cluster.json").read_text())
    need = {
        "storage",
        "workers",
        "trials",
        "best_value",
        "wall_seconds",
        "per_worker",
        "speedup_vs_one_worker",
    }
    assert need <= set(report), need - set(report)
    assert report["storage"] == url and report["workers"] == 2
    assert report["trials"] >= 6 and report["wall_seconds"] > 0 and report["speedup_vs_one_worker"] > 0
    workers = report["per_worker"]
    assert len(workers) == 2 and all({"pid", "trials"} <= set(w) for w in workers)
    assert len({w["pid"] for w in workers}) == 2 and all(isinstance(w["pid"], int) for w in workers)
    assert sum(w["trials"] for w in workers) == report["trials"]
    assert -1.0 <= report["best_value"] <= 0.0  # toy objective: -(x - 0.3)^2 on [0, 1]
    md = (folder / "cluster.md").read_text()
    assert "](cluster.png)" in md and f"{report['workers']} workers" in md
    assert (folder / "cluster.png").stat().st_size > 1000
    assert not any((tmp_path / "out" / ".staging").iterdir()), "staging cleaned after publishing"
