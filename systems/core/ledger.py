"""The claims ledger: a story's figure, our measurement, and a verdict computed from both.

Design
------
A ``Claim`` carries everything a verdict depends on, and nothing typed by hand decides it:

    claimed    {name: value}   the story's figures (units in ``unit``)
    measured   {name: value}   what our code measured this run, same names
    tolerance  |m - c| <= abs  or  |m - c| <= rel * |c|   (either one suffices)
    relations  [(a, op, b)]    the qualitative part: "a > b", "a < 0.5", ...,
                               evaluated on the measured values (names or numbers)
    checks     [Recompute]     the story's own arithmetic, redone from its own inputs

The verdict is one function, ``verdict(claim)``, applied in this order:

    out-of-scope        scope_reason given (nothing honest to measure)
    inconsistent-claim  a Recompute disagrees with the figure the story printed
    reproduced          every claimed figure within tolerance, every relation holds
    direction-holds     every relation holds but some figure is off
    not-reproduced      otherwise (a relation fails, or figures are off and the
                        claim states no direction that could still hold)

A claim with relations and no figures (e.g. "momentum needs fewer epochs") is
reproduced when the relations hold.

Determinism: the seed fixes every figure except wall-clock ones (latency, throughput,
what threads managed to do in a time window). A claim judged on such figures is marked
``timed=True``; the ledger flags it, and ``seed_determined`` drops what it measured, so
"same seed, same ledger" is checked on everything else. Speed targets proper belong in
``make bench``, which prints side-by-side ratios. The measured values must be finite and must cover
every claimed name: a missing measurement is an error, not a verdict.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    REPRODUCED = "reproduced"
    DIRECTION_HOLDS = "direction-holds"
    NOT_REPRODUCED = "not-reproduced"
    INCONSISTENT = "inconsistent-claim"
    OUT_OF_SCOPE = "out-of-scope"


_OPS = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True)
class Tolerance:
    """Absolute and/or relative tolerance; a figure matches if either bound holds."""

    abs: float | None = None
    rel: float | None = None

    def __post_init__(self) -> None:
        if self.abs is None and self.rel is None:
            raise ValueError("Tolerance needs abs= or rel= (or both)")
        for name, v in (("abs", self.abs), ("rel", self.rel)):
            if v is not None and not (v >= 0 and math.isfinite(v)):
                raise ValueError(f"Tolerance.{name} must be a finite number >= 0, got {v!r}")

    def holds(self, claimed: float, measured: float) -> bool:
        gap = abs(measured - claimed)
        ok_abs = self.abs is not None and gap <= self.abs
        ok_rel = self.rel is not None and gap <= self.rel * abs(claimed)
        return ok_abs or ok_rel

    def describe(self) -> str:
        parts = []
        if self.abs is not None:
            parts.append(f"abs {self.abs:g}")
        if self.rel is not None:
            parts.append(f"rel {self.rel:.0%}")
        return " or ".join(parts)


@dataclass(frozen=True)
class Recompute:
    """The story states ``stated`` for ``name``; its own inputs give ``recomputed``."""

    name: str
    stated: float
    recomputed: float
    tolerance: Tolerance = Tolerance(abs=5e-3)
    how: str = ""

    def agrees(self) -> bool:
        return self.tolerance.holds(self.stated, self.recomputed)


Relation = tuple[Any, str, Any]


@dataclass
class Claim:
    """One claim of one story, measured.

    Parameters
    ----------
    id : str
        Stable id from the claims catalogue, e.g. ``"CH-07"``.
    statement : str
        The claim in our own words.
    claimed : dict of str to float
        The story's figures, by name.
    measured : dict of str to float
        Our figures under the same names (extra names are context, shown but not judged).
    tolerance : Tolerance, optional
        How close a measured figure must be to count as reproduced.
    relations : list of (a, op, b)
        Qualitative claims evaluated on measured values; ``a``/``b`` are names or numbers.
    checks : list of Recompute
        Internal-consistency recomputations of the story's own figures.
    unit : str
        Unit of the figures ("AUC", "fraction", "ms", ...).
    scope_reason : str, optional
        If set, the claim is out of scope and this says why.
    note : str
        Why measured and claimed differ, or what was measured instead.
    evidence : list of str
        Paths (relative to the report folder) of plots/tables backing the figures.
    timed : bool
        The figures include wall-clock measurements, so they (and possibly the verdict)
        vary from run to run and machine to machine.
    """

    id: str
    statement: str
    claimed: dict[str, float] = field(default_factory=dict)
    measured: dict[str, float] = field(default_factory=dict)
    tolerance: Tolerance | None = None
    relations: list[Relation] = field(default_factory=list)
    checks: list[Recompute] = field(default_factory=list)
    unit: str = ""
    scope_reason: str | None = None
    note: str = ""
    evidence: list[str] = field(default_factory=list)
    timed: bool = False

    def _value(self, ref: Any) -> float:
        if isinstance(ref, str):
            if ref not in self.measured:
                raise KeyError(f"{self.id}: relation names '{ref}', which was not measured "
                               f"(measured: {sorted(self.measured)})")
            return float(self.measured[ref])
        return float(ref)

    def relation_results(self) -> list[tuple[str, bool]]:
        out = []
        for a, op, b in self.relations:
            if op not in _OPS:
                raise ValueError(f"{self.id}: unknown relation operator {op!r}; use one of {list(_OPS)}")
            out.append((f"{a} {op} {b}", _OPS[op](self._value(a), self._value(b))))
        return out

    def figure_results(self) -> list[tuple[str, bool]]:
        if self.claimed and self.tolerance is None:
            raise ValueError(f"{self.id}: claimed figures need a tolerance")
        out = []
        for name, c in self.claimed.items():
            if name not in self.measured:
                raise KeyError(f"{self.id}: claimed figure '{name}' has no measurement")
            out.append((name, self.tolerance.holds(float(c), float(self.measured[name]))))
        return out

    def validate(self) -> None:
        if self.scope_reason is not None:
            if not self.scope_reason.strip():
                raise ValueError(f"{self.id}: out-of-scope needs a reason")
            return
        if not self.claimed and not self.relations and not self.checks:
            raise ValueError(f"{self.id}: nothing to judge (no figures, relations or checks)")
        for name, v in self.measured.items():
            if not isinstance(v, (int, float)) or not math.isfinite(float(v)):
                raise ValueError(f"{self.id}: measured '{name}' must be a finite number, got {v!r}")


def verdict(claim: Claim) -> Verdict:
    """Compute the verdict of a claim from its fields (see the module docstring)."""
    claim.validate()
    if claim.scope_reason is not None:
        return Verdict.OUT_OF_SCOPE
    if any(not c.agrees() for c in claim.checks):
        return Verdict.INCONSISTENT
    figures = claim.figure_results()
    relations = claim.relation_results()
    relations_hold = all(ok for _, ok in relations)
    if not figures and not relations:
        # only consistency checks, all of which agreed
        return Verdict.REPRODUCED
    if relations_hold and all(ok for _, ok in figures):
        return Verdict.REPRODUCED
    if relations and relations_hold:
        return Verdict.DIRECTION_HOLDS
    return Verdict.NOT_REPRODUCED


def explain(claim: Claim) -> str:
    """A one-paragraph, computed account of why the verdict came out as it did."""
    v = verdict(claim)
    if v is Verdict.OUT_OF_SCOPE:
        parts = [f"out of scope: {claim.scope_reason}"]
    else:
        parts = []
        for c in claim.checks:
            state = "agrees" if c.agrees() else "DISAGREES"
            parts.append(f"story's {c.name}: stated {c.stated:g}, recomputed {c.recomputed:.4g} "
                         f"({c.how or 'from its own inputs'}) - {state}")
        for name, ok in claim.figure_results():
            c, m = float(claim.claimed[name]), float(claim.measured[name])
            parts.append(f"{name}: claimed {c:g}, measured {m:.4g} "
                         f"({'within' if ok else 'outside'} {claim.tolerance.describe()})")
        for text, ok in claim.relation_results():
            parts.append(f"{text}: {'holds' if ok else 'FAILS'}")
    if claim.note:
        parts.append(claim.note.rstrip(". "))  # the reason is one sentence; readers add the period
    return "; ".join(parts)


def to_record(claim: Claim) -> dict[str, Any]:
    """The JSON form written to ledger.json."""
    v = verdict(claim)
    return {
        "id": claim.id,
        "statement": claim.statement,
        "verdict": v.value,
        "claimed": dict(claim.claimed),
        "measured": {k: float(x) for k, x in claim.measured.items()},
        "unit": claim.unit,
        "tolerance": None if claim.tolerance is None else {"abs": claim.tolerance.abs,
                                                            "rel": claim.tolerance.rel},
        "relations": [{"relation": t, "holds": ok} for t, ok in
                      ([] if v is Verdict.OUT_OF_SCOPE else claim.relation_results())],
        "checks": [{"name": c.name, "stated": c.stated, "recomputed": c.recomputed,
                    "agrees": c.agrees(), "how": c.how} for c in claim.checks],
        "reason": explain(claim),
        "evidence": list(claim.evidence),
        "timed": claim.timed,
    }


def seed_determined(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ledger records with the run-to-run part of timed claims removed (ids kept)."""
    return [{"id": r["id"], "timed": True} if r.get("timed") else r for r in records]
