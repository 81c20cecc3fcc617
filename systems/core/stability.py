"""Verdict stability over seeds: the modal verdict of each claim and how often it came out.

Design
------
One seed is one draw of every generator and every random split. A verdict that flips
between seeds is not a finding about the story; it is noise in the rebuild. For each claim
id, over seeds s = 0..S-1 with verdicts v_s:

    modal      = the verdict that occurs most often (ties go to the more cautious verdict,
                 in the order of ``CAUTION`` below, so a tie never flatters the story)
    agreement  = #{s : v_s = modal} / S

A seed on which the system did not finish counts as the verdict ``"error"`` for each of its
claims, so a crash lowers agreement instead of vanishing from the table.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"

# Most cautious first: a tie between "reproduced" and "inconclusive" is reported as the latter.
CAUTION = (
    ERROR,
    "not-reproduced",
    "inconsistent-claim",
    "inconclusive",
    "by-construction",
    "out-of-scope",
    "direction-holds",
    "reproduced",
)


@dataclass(frozen=True)
class ClaimStability:
    id: str
    system: str
    verdicts: dict[str, str]  # seed (as a string, JSON keys) -> verdict
    modal: str
    agreement: float
    timed: bool = False


@dataclass(frozen=True)
class Stability:
    seeds: list[int]
    claims: list[ClaimStability]

    def to_json(self) -> dict[str, Any]:
        return {"seeds": list(self.seeds), "claims": [asdict(c) for c in self.claims]}


def modal_verdict(verdicts: list[str]) -> tuple[str, float]:
    """Most common verdict (cautious tie-break) and the share of seeds that gave it."""
    if not verdicts:
        raise ValueError("modal_verdict needs at least one verdict")
    counts = Counter(verdicts)
    rank = {v: i for i, v in enumerate(CAUTION)}
    best = min(counts, key=lambda v: (-counts[v], rank.get(v, -1), v))
    return best, counts[best] / len(verdicts)


def aggregate(
    ledgers: dict[str, dict[int, dict[str, Any] | None]], expected_ids: dict[str, list[str]] | None = None
) -> Stability:
    """Combine ledgers into per-claim stability.

    Parameters
    ----------
    ledgers : {system: {seed: ledger dict, or None if that run failed}}
    expected_ids : {system: [claim ids]}, optional
        Ids to report for a system even when no run of it finished.
    """
    seeds = sorted({s for runs in ledgers.values() for s in runs})
    out = []
    for system in ledgers:
        runs = ledgers[system]
        ids: list[str] = list((expected_ids or {}).get(system, []))
        timed: dict[str, bool] = {}
        for led in runs.values():
            for c in (led or {}).get("claims", []):
                if c["id"] not in ids:
                    ids.append(c["id"])
                timed[c["id"]] = timed.get(c["id"], False) or bool(c.get("timed"))
        for cid in ids:
            verdicts = {}
            for seed in seeds:
                led = runs.get(seed)
                by_id = {c["id"]: c["verdict"] for c in (led or {}).get("claims", [])}
                verdicts[str(seed)] = by_id.get(cid, ERROR)
            modal, agreement = modal_verdict(list(verdicts.values()))
            out.append(
                ClaimStability(cid, system, verdicts, modal, round(agreement, 4), timed.get(cid, False))
            )
    return Stability(seeds, out)


# The order verdict counts are listed in: what holds first, then what the rebuild set,
# then what failed or cannot be judged.
REPORT_ORDER = (
    "reproduced",
    "direction-holds",
    "by-construction",
    "inconclusive",
    "not-reproduced",
    "inconsistent-claim",
    "out-of-scope",
    ERROR,
)


@dataclass(frozen=True)
class SystemSummary:
    """One system's row of the summary: modal-verdict counts, unanimity and what flips."""

    system: str
    modal_counts: dict[str, int]  # verdict -> claims with that modal verdict, REPORT_ORDER
    unanimous: int  # claims with the same verdict on every seed
    n_claims: int
    flips: list[tuple[str, float, bool]]  # (id, agreement, timed) for claims below 100%

    def counts_text(self) -> str:
        return ", ".join(f"{n} {v}" for v, n in self.modal_counts.items())

    def flips_text(self) -> str:
        if not self.flips:
            return "none"
        return ", ".join(f"{cid}{' (timed)' if timed else ''} {a:.0%}" for cid, a, timed in self.flips)


def summarise(stab: Stability) -> list[SystemSummary]:
    """Per system, in order of first appearance: counts of modal verdicts, unanimity, flips."""
    rank = {v: i for i, v in enumerate(REPORT_ORDER)}
    out = []
    for system in dict.fromkeys(c.system for c in stab.claims):
        rows = [c for c in stab.claims if c.system == system]
        counts = Counter(c.modal for c in rows)
        ordered = {v: counts[v] for v in sorted(counts, key=lambda v: (rank.get(v, len(rank)), v))}
        flips = [(c.id, c.agreement, c.timed) for c in rows if c.agreement < 1.0]
        out.append(SystemSummary(system, ordered, len(rows) - len(flips), len(rows), flips))
    return out


def markdown(stab: Stability) -> str:
    """A summary row per system, then a table per system: id, modal, agreement, each seed."""
    lines = [
        f"# Verdict stability over seeds {', '.join(map(str, stab.seeds))} (quick profile)",
        "",
        "Modal verdict per claim and the share of seeds that gave it; (timed) marks claims "
        "judged on wall-clock figures.",
        "",
        f"| system | modal verdicts over {len(stab.seeds)} seeds | unanimous | claims that flip |",
        "|---|---|---|---|",
    ]
    for row in summarise(stab):
        lines.append(
            f"| {row.system} | {row.counts_text()} | {row.unanimous} of {row.n_claims} | {row.flips_text()} |"
        )
    lines.append("")
    for summary in summarise(stab):
        rows = [c for c in stab.claims if c.system == summary.system]
        lines += [
            f"## {summary.system}",
            "",
            f"Modal verdicts: {summary.counts_text()}.",
            "",
            "| id | modal | agreement | " + " | ".join(f"seed {s}" for s in stab.seeds) + " |",
            "|---|---|---|" + "---|" * len(stab.seeds),
        ]
        for c in rows:
            tag = " (timed)" if c.timed else ""
            per_seed = " | ".join(c.verdicts[str(s)] for s in stab.seeds)
            lines.append(f"| {c.id} | {c.modal}{tag} | {c.agreement:.0%} | {per_seed} |")
        lines.append("")
    return "\n".join(lines)


def load(path) -> Stability:
    raw = json.loads(open(path).read())
    return Stability(list(raw["seeds"]), [ClaimStability(**c) for c in raw["claims"]])
