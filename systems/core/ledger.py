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

    intervals  {name: Interval} the uncertainty of a measured figure (bootstrap, exact, or
                               the spread over seeds); shown in the reason

Relations are decided outside their noise. A ``Relation`` may carry the interval of the
difference d = a - b (e.g. a paired bootstrap of AUC_a - AUC_b on the same rows). For
"a > b" (or >=) it

    holds      when the whole interval lies above 0   (low > 0)
    fails      when the whole interval lies below 0   (high < 0)
    undecided  otherwise: the effect is inside the noise

and symmetrically for "<". Without an explicit interval one is derived when one side is a
number and the other a figure with an interval ([low - b, high - b]); a relation between
two figures that each have an interval but no joint one uses the conservative
[low_a - high_b, high_a - low_b]. A relation with no interval at all is decided on the
point values and the reason says so ("point"): right for exact quantities (a count, a
model's configured window), a weakness for sampled ones.

Central vs supporting. A claim's statement is carried by its central relations and
figures; supporting ones (``Relation(..., central=False)``, claimed names listed in
``supporting``) are shown but never change the verdict, so a claim whose core is false is
not rescued by a side fact that happens to hold.

The verdict is one function, ``verdict(claim)``, applied in this order:

    out-of-scope        scope_reason given (nothing honest to measure)
    inconsistent-claim  a Recompute disagrees with the figure the story printed
    not-reproduced      a central relation fails (even on a by-construction claim: a
                        planted figure cannot excuse a check that fails)
    by-construction     the figures are inputs of the rebuild (planted by a generator or
                        set by configuration): matching them is no evidence
    inconclusive        a central relation is undecided (the effect is inside the noise)
                        and every central figure is within tolerance; with a figure off,
                        not-reproduced (the figure is wrong and no direction is shown)
    reproduced          every central figure within tolerance, every central relation holds
    direction-holds     every central relation holds but some central figure is off
    not-reproduced      otherwise (figures are off and no direction was claimed)

A claim with relations and no figures (e.g. "momentum needs fewer epochs") is
reproduced when the relations hold.

Every record names the code that built it (``source``, "systems/x/claims.py:LINE"), so a
reader can go from a ledger row to the line that measured it.

Determinism: the seed fixes every figure except wall-clock ones (latency, throughput,
what threads managed to do in a time window). A claim judged on such figures is marked
``timed=True``; the ledger flags it, and ``seed_determined`` drops what it measured, so
"same seed, same ledger" is checked on everything else. Speed targets proper belong in
``make bench``, which prints side-by-side ratios. The measured values must be finite and must cover
every claimed name: a missing measurement is an error, not a verdict.
"""

from __future__ import annotations

import inspect
import math
import operator
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Verdict(StrEnum):
    REPRODUCED = "reproduced"
    DIRECTION_HOLDS = "direction-holds"
    NOT_REPRODUCED = "not-reproduced"
    INCONSISTENT = "inconsistent-claim"
    OUT_OF_SCOPE = "out-of-scope"
    INCONCLUSIVE = "inconclusive"
    BY_CONSTRUCTION = "by-construction"


class State(StrEnum):
    """Outcome of one relation."""

    HOLDS = "holds"
    FAILS = "fails"
    UNDECIDED = "undecided"


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


@dataclass(frozen=True)
class Interval:
    """A two-sided interval [low, high] for a figure or a difference, with how it was made."""

    low: float
    high: float
    method: str
    level: float = 0.95

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError(f"Interval bounds must be finite, got [{self.low}, {self.high}]")
        if self.low > self.high:
            raise ValueError(f"Interval low {self.low} > high {self.high}")
        if not 0 < self.level < 1:
            raise ValueError(f"Interval level must be in (0, 1), got {self.level}")
        if not self.method.strip():
            raise ValueError("Interval needs a method (how it was computed)")

    def shift(self, by: float) -> Interval:
        return Interval(self.low + by, self.high + by, self.method, self.level)

    def describe(self) -> str:
        return f"{self.level:.0%} [{self.low:.4g}, {self.high:.4g}], {self.method}"


@dataclass(frozen=True)
class Relation:
    """``a op b`` on measured values; ``interval`` is the interval of the difference a - b."""

    a: Any
    op: str
    b: Any
    interval: Interval | None = None
    central: bool = True

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"unknown relation operator {self.op!r}; use one of {list(_OPS)}")

    @property
    def text(self) -> str:
        return f"{self.a} {self.op} {self.b}"


RelationLike = Relation | tuple[Any, str, Any]


def _as_relation(r: RelationLike) -> Relation:
    return r if isinstance(r, Relation) else Relation(*r)


@dataclass(frozen=True)
class RelationResult:
    """How one relation came out, and on what evidence."""

    text: str
    state: State
    central: bool
    interval: Interval | None  # interval of a - b used for the decision; None: point values
    difference: float  # point value of a - b
    values: tuple[float, float] = (math.nan, math.nan)  # point values of a and b

    def describe(self) -> str:
        role = "" if self.central else " (supporting)"
        if self.interval is None:
            how = f"point: {self.values[0]:.4g} vs {self.values[1]:.4g}"
        else:
            how = f"a - b = {self.difference:.4g}, {self.interval.describe()}"
        word = {State.HOLDS: "holds", State.FAILS: "FAILS", State.UNDECIDED: "UNDECIDED"}[self.state]
        return f"{self.text}{role}: {word} ({how})"


def _decide(op: str, diff: float, interval: Interval | None) -> State:
    """Decide ``a op b`` from d = a - b: on the interval when there is one, else on d."""
    above = op in (">", ">=")
    if interval is None:
        return State.HOLDS if _OPS[op](diff, 0.0) else State.FAILS
    lo, hi = (interval.low, interval.high) if above else (-interval.high, -interval.low)
    strict = op in (">", "<")
    if lo > 0 or (not strict and lo >= 0):
        return State.HOLDS
    if hi < 0 or (strict and hi <= 0):
        return State.FAILS
    return State.UNDECIDED


def _caller_source() -> str:
    """``path:line`` of the code building the claim: the first frame of our own code outside
    this module. Generated code (``<string>``: a dataclass ``__init__``), the standard library and
    installed packages (a decorator's wrapper, a test tool's trampoline) are skipped."""
    here = Path(__file__).resolve()
    for frame in inspect.stack()[1:]:
        path = Path(frame.filename).resolve()
        if frame.filename.startswith("<") or path == here or _not_ours(path):
            continue
        return f"{_repo_relative(path)}:{frame.lineno}"
    return ""


_STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


def _not_ours(path: Path) -> bool:
    """True for files of the standard library or of an installed package."""
    return "site-packages" in path.parts or path.is_relative_to(_STDLIB)


def _repo_relative(path: Path) -> str:
    root = Path(__file__).resolve().parents[2]
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def source_of(obj: Callable[..., Any]) -> str:
    """``path:line`` of a function's definition, repo-relative."""
    obj = inspect.unwrap(obj)
    _, line = inspect.getsourcelines(obj)
    return f"{_repo_relative(Path(inspect.getsourcefile(obj)).resolve())}:{line}"


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
    intervals : dict of str to Interval
        Uncertainty of measured figures; used to decide relations against numbers.
    supporting : tuple of str
        Claimed figure names that support the claim but do not state it.
    by_construction : str, optional
        If set, the figures are inputs of the rebuild and this says which and why.
    source : str or callable, optional
        The code that measured the claim: a function (resolved to its file:line) or a
        "path:line" string. Default: where the Claim is constructed.
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
    intervals: dict[str, Interval] = field(default_factory=dict)
    supporting: tuple[str, ...] = ()
    by_construction: str | None = None
    source: str | Callable[..., Any] | None = None

    def __post_init__(self) -> None:
        if self.source is None:
            self.source = _caller_source()
        elif callable(self.source):
            self.source = source_of(self.source)
        self.relations = [_as_relation(r) for r in self.relations]
        self.supporting = tuple(self.supporting)

    def _value(self, ref: Any) -> float:
        if isinstance(ref, str):
            if ref not in self.measured:
                raise KeyError(
                    f"{self.id}: relation names '{ref}', which was not measured "
                    f"(measured: {sorted(self.measured)})"
                )
            return float(self.measured[ref])
        return float(ref)

    def _interval_of(self, ref: Any) -> Interval | None:
        return self.intervals.get(ref) if isinstance(ref, str) else None

    def _difference_interval(self, rel: Relation) -> Interval | None:
        if rel.interval is not None:
            return rel.interval
        ia, ib = self._interval_of(rel.a), self._interval_of(rel.b)
        if ia is not None and ib is None and not isinstance(rel.b, str):
            return ia.shift(-float(rel.b))
        if ib is not None and ia is None and not isinstance(rel.a, str):
            return Interval(float(rel.a) - ib.high, float(rel.a) - ib.low, ib.method, ib.level)
        if ia is not None and ib is not None:
            return Interval(
                ia.low - ib.high,
                ia.high - ib.low,
                f"conservative, from separate intervals ({ia.method})",
                min(ia.level, ib.level),
            )
        return None

    def relation_states(self) -> list[RelationResult]:
        """Each relation decided on its interval (or its point values, said so)."""
        out = []
        for rel in map(_as_relation, self.relations):
            diff = self._value(rel.a) - self._value(rel.b)
            interval = self._difference_interval(rel)
            out.append(
                RelationResult(
                    rel.text,
                    _decide(rel.op, diff, interval),
                    rel.central,
                    interval,
                    diff,
                    (self._value(rel.a), self._value(rel.b)),
                )
            )
        return out

    def relation_results(self) -> list[tuple[str, bool]]:
        """(text, holds) per relation; a relation that is undecided does not hold."""
        return [(r.text, r.state is State.HOLDS) for r in self.relation_states()]

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
        unknown = [n for n in self.supporting if n not in self.claimed]
        if unknown:
            raise ValueError(f"{self.id}: supporting names {unknown} are not claimed figures")
        if self.by_construction is not None and not self.by_construction.strip():
            raise ValueError(f"{self.id}: by-construction needs a reason")
        central_figures = [n for n in self.claimed if n not in self.supporting]
        central_relations = [r for r in map(_as_relation, self.relations) if r.central]
        if self.by_construction is None and not self.checks and not central_figures and not central_relations:
            raise ValueError(
                f"{self.id}: only supporting figures and relations; mark what states the claim as central"
            )
        for name, iv in self.intervals.items():
            if name not in self.measured:
                raise KeyError(f"{self.id}: interval for '{name}', which was not measured")
            if not isinstance(iv, Interval):
                raise TypeError(f"{self.id}: intervals['{name}'] must be an Interval, got {iv!r}")
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
    relations = claim.relation_states()
    central_rel = [r.state for r in relations if r.central]
    central_fig = [ok for name, ok in figures if name not in claim.supporting]
    if State.FAILS in central_rel:
        return Verdict.NOT_REPRODUCED
    if claim.by_construction is not None:
        return Verdict.BY_CONSTRUCTION
    if State.UNDECIDED in central_rel:
        # Inside the noise only if nothing else decides: a central figure that is off
        # already says the story's number does not hold here.
        return Verdict.INCONCLUSIVE if all(central_fig) else Verdict.NOT_REPRODUCED
    if all(central_fig):
        # every central relation holds and every central figure matches (or the claim
        # was only consistency checks, all of which agreed)
        return Verdict.REPRODUCED
    if central_rel:
        return Verdict.DIRECTION_HOLDS
    return Verdict.NOT_REPRODUCED


def explain(claim: Claim) -> str:
    """A one-paragraph, computed account of why the verdict came out as it did."""
    v = verdict(claim)
    if v is Verdict.OUT_OF_SCOPE:
        parts = [f"out of scope: {claim.scope_reason}"]
    else:
        parts = []
        if claim.by_construction is not None:
            parts.append(f"by construction: {claim.by_construction.rstrip('. ')}")
        for c in claim.checks:
            state = "agrees" if c.agrees() else "DISAGREES"
            parts.append(
                f"story's {c.name}: stated {c.stated:g}, recomputed {c.recomputed:.4g} "
                f"({c.how or 'from its own inputs'}) - {state}"
            )
        for name, ok in claim.figure_results():
            c, m = float(claim.claimed[name]), float(claim.measured[name])
            role = " (supporting)" if name in claim.supporting else ""
            iv = claim.intervals.get(name)
            spread = f", {iv.describe()}" if iv is not None else ""
            parts.append(
                f"{name}{role}: claimed {c:g}, measured {m:.4g}{spread} "
                f"({'within' if ok else 'outside'} {claim.tolerance.describe()})"
            )
        parts.extend(r.describe() for r in claim.relation_states())
    if claim.note:
        parts.append(claim.note.rstrip(". "))  # the reason is one sentence; readers add the period
    return "; ".join(parts)


def _interval_record(iv: Interval | None) -> dict[str, Any] | None:
    if iv is None:
        return None
    return {"low": iv.low, "high": iv.high, "level": iv.level, "method": iv.method}


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
        "tolerance": None
        if claim.tolerance is None
        else {"abs": claim.tolerance.abs, "rel": claim.tolerance.rel},
        "relations": [
            {
                "relation": r.text,
                "holds": r.state is State.HOLDS,
                "state": r.state.value,
                "central": r.central,
                "difference": r.difference,
                "interval": _interval_record(r.interval),
            }
            for r in ([] if v is Verdict.OUT_OF_SCOPE else claim.relation_states())
        ],
        "intervals": {k: _interval_record(iv) for k, iv in claim.intervals.items()},
        "supporting": list(claim.supporting),
        "by_construction": claim.by_construction,
        "source": claim.source,
        "checks": [
            {
                "name": c.name,
                "stated": c.stated,
                "recomputed": c.recomputed,
                "agrees": c.agrees(),
                "how": c.how,
            }
            for c in claim.checks
        ],
        "reason": explain(claim),
        "evidence": list(claim.evidence),
        "timed": claim.timed,
    }


def seed_determined(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ledger records with the run-to-run part of timed claims removed (ids kept)."""
    return [{"id": r["id"], "timed": True} if r.get("timed") else r for r in records]
