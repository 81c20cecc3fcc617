"""Reviewed surviving mutants that are equivalent: they change no observable result.

Keys are mutmut mutant names (``.venv/bin/mutmut show NAME`` prints the diff). A name goes stale
when the function it points into changes; the report then lists the new survivors as NOT REVIEWED.
"Numeric input" below means the documented input (arrays or lists of numbers).
"""

_NUMERIC = (
    "np.asarray without dtype=float: every later operation promotes to float64 the same "
    "way, so the result is identical for numeric input"
)

EQUIVALENT: dict[str, str] = {
    "algorithms.attention.x_row_entropy__mutmut_13": (
        "the placeholder for w <= 0 is multiplied by w = 0 (rows are stochastic, w >= 0): "
        "0 * log(1) = 0 * log(2) = 0"
    ),
    "algorithms.conv.x_maxpool2d_forward__mutmut_64": (
        "np.take_along_axis defaults to axis=-1 in numpy 2.4, the axis passed explicitly"
    ),
    "algorithms.metrics.x_top_k_mask__mutmut_22": (
        "numpy reads sort kinds case-insensitively: kind='STABLE' is kind='stable'"
    ),
    "algorithms.metrics.x_mean_reciprocal_rank__mutmut_15": (
        "zip strictness cannot matter: the lengths were checked equal two lines above"
    ),
    "algorithms.metrics.x_mean_reciprocal_rank__mutmut_18": (
        "zip strictness cannot matter: the lengths were checked equal two lines above"
    ),
    "algorithms.metrics.x_mean_reciprocal_rank__mutmut_19": (
        "zip strictness cannot matter: the lengths were checked equal two lines above"
    ),
    "algorithms.metrics.x_at_top_fraction__mutmut_13": (
        "a float 0./1. prediction vector passes precision_recall_f1's 0/1 check and is cast to int"
    ),
    "algorithms.kernels.x_min_eigenvalue__mutmut_3": _NUMERIC,
    "algorithms.kernels.x_min_eigenvalue__mutmut_5": _NUMERIC,
    "algorithms.kernels.x_sigmoid_counterexample__mutmut_5": (
        "x = 3 instead of 2 is another valid counterexample: the contract (two points whose "
        "sigmoid Gram matrix is not PSD, K = sklearn's sigmoid_kernel) still holds and is tested"
    ),
    "algorithms.boosting.xǁSecondOrderBoosterǁfit__mutmut_3": _NUMERIC,
    "algorithms.boosting.xǁSecondOrderBoosterǁfit__mutmut_5": _NUMERIC,
    "algorithms.boosting.xǁSecondOrderBoosterǁfit__mutmut_7": _NUMERIC,
    "algorithms.boosting.xǁSecondOrderBoosterǁfit__mutmut_9": _NUMERIC,
    "algorithms.boosting.xǁSecondOrderBoosterǁdecision_function__mutmut_3": _NUMERIC,
    "algorithms.boosting.xǁSecondOrderBoosterǁdecision_function__mutmut_5": _NUMERIC,
    "systems.drift.stattests.x_chi_square__mutmut_2": _NUMERIC,
    "systems.core.uncertainty.x_mean_ci__mutmut_4": _NUMERIC,
    "systems.core.uncertainty.x_mean_ci__mutmut_6": _NUMERIC,
    "systems.core.uncertainty.x_seed_spread__mutmut_3": _NUMERIC,
    "systems.core.uncertainty.x_seed_spread__mutmut_5": _NUMERIC,
    "systems.rag.rrf.x_rrf__mutmut_9": (
        "ranking[:None] is the whole list, so slicing also when top_n is None changes nothing"
    ),
    "systems.core.stability.x_aggregate__mutmut_31": (
        "timed.get(id, None) or bool(...) and timed.get(id, False) or bool(...) are the same bool"
    ),
    "systems.core.stability.x_aggregate__mutmut_33": (
        "timed.get(id) or bool(...) and timed.get(id, False) or bool(...) are the same bool"
    ),
    "systems.core.uncertainty.x_seed_spread__mutmut_20": (
        "Interval's level defaults to 0.95, the value passed explicitly"
    ),
    "systems.drift.stattests.x_chi_square__mutmut_21": (
        "scipy reads correction=None as false, the same as correction=False"
    ),
    "systems.core.uncertainty.x_proportion_ci__mutmut_66": (
        "the Wilson upper limit is <= 1 analytically; clipping at 2 instead of 1 differs only if "
        "round-off pushes it one ulp above 1, which the k = n cases tested do not"
    ),
}
