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
    "systems.core.uncertainty.x_paired_mean_ci__mutmut_4": _NUMERIC,
    "systems.core.uncertainty.x_paired_mean_ci__mutmut_6": _NUMERIC,
    "systems.core.uncertainty.x_paired_speedup__mutmut_4": _NUMERIC,
    "systems.core.uncertainty.x_paired_speedup__mutmut_6": _NUMERIC,
    "systems.core.uncertainty.x_paired_speedup__mutmut_8": _NUMERIC,
    "systems.core.uncertainty.x_paired_speedup__mutmut_10": _NUMERIC,
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
    "algorithms.bias_variance.x_sample__mutmut_12": (
        "f(X) - s*eps vs f(X) + s*eps with eps ~ N(0,1): the noise is symmetric and independent of X, so y has the same distribution"
    ),
    "algorithms.bias_variance.x_decompose__mutmut_61": (
        "same as sample_12: the fresh test noise enters as -s*eps instead of +s*eps, identical in distribution (symmetric, independent of the predictions)"
    ),
    "algorithms.forest_variance.x_simulate_mean_variance__mutmut_15": (
        "-sqrt(1-rho)*own vs +: own ~ N(0,1) is symmetric and independent of shared, so h has the same joint distribution"
    ),
    "algorithms.local_surrogate.xǁLocalSurrogateǁfit__mutmut_8": (
        "scale is only multiplied into the float64 array U and compared with 0; an int or float scale gives identical Z and checks"
    ),
    "algorithms.local_surrogate.xǁLocalSurrogateǁfit__mutmut_10": (
        "same as fit_8 (dtype argument dropped instead of None)"
    ),
    "algorithms.local_surrogate.xǁLocalSurrogateǁfit__mutmut_46": (
        "y only enters arithmetic with the float64 weights/coefficients (w*y, y - b, y - ybar), which promotes int/bool y to the same float values"
    ),
    "algorithms.local_surrogate.xǁLocalSurrogateǁfit__mutmut_48": ("same as fit_46 (dtype argument dropped)"),
    "algorithms.local_surrogate.xǁLocalSurrogateǁfit__mutmut_117": (
        "the element is passed to float() right after, which converts any numeric dtype to the same value"
    ),
    "algorithms.local_surrogate.xǁLocalSurrogateǁfit__mutmut_119": (
        "same as fit_117 (dtype argument dropped)"
    ),
    "algorithms.conv.x_conv2d_forward__mutmut_74": (
        "b.reshape(-1, 1, 1) broadcasts against (N, C_out, H', W') exactly like b.reshape(1, -1, 1, 1)"
    ),
    "algorithms.conv.x_conv2d_forward__mutmut_80": (
        "numpy treats any negative entry of a reshape as the one inferred dimension, so (1, -2, 1, 1) == (1, -1, 1, 1) (survives a bias test against torch)"
    ),
    "algorithms.conv.x_conv_transpose2d__mutmut_117": (
        "_correlate(..., None): the windows are sliced [::None], which is [::1], the stride 1 passed originally"
    ),
    "algorithms.conv.x_conv_transpose2d__mutmut_127": (
        "dxp only gets extra zero rows at the bottom (H + 3P instead of H + 2P); the crop [P:P+H] never reads them"
    ),
    "algorithms.conv.x_conv_transpose2d__mutmut_130": ("same as 127 for columns"),
    "algorithms.batchnorm.x__per_channel__mutmut_5": (
        "numpy treats any negative reshape entry as the inferred dimension: (1, -2, ...) == (1, -1, ...)"
    ),
    "algorithms.batchnorm.x_batchnorm_backward_expanded__mutmut_50": (
        "the changed term is d_var * (-2/m) * sum(x - mu), and sum(x - mu) = 0 (module docstring): only round-off differs"
    ),
    "algorithms.batchnorm.x_batchnorm_backward_expanded__mutmut_60": (
        "as 50: the factor multiplies sum(x - mu) = 0"
    ),
    "algorithms.batchnorm.x_batchnorm_backward_expanded__mutmut_61": (
        "as 50: the factor multiplies sum(x - mu) = 0"
    ),
    "algorithms.batchnorm.x_batchnorm_backward_expanded__mutmut_62": (
        "as 50: the factor multiplies sum(x - mu) = 0"
    ),
    "algorithms.batchnorm.x_batchnorm_backward_expanded__mutmut_63": (
        "as 50: the factor multiplies sum(x - mu) = 0"
    ),
    "algorithms.batchnorm.x_batchnorm_backward_expanded__mutmut_65": (
        "sum over all axes of x - mu is a sum of per-channel sums that are each 0"
    ),
    "algorithms.batchnorm.x_batchnorm_backward_expanded__mutmut_67": ("as 65 (axis omitted = all axes)"),
    "algorithms.mlp.xǁMLPǁinitialize__mutmut_16": (
        "zip(sizes[:-1], sizes[1:]) always has equal lengths, so strict=None cannot change anything"
    ),
    "algorithms.mlp.xǁMLPǁinitialize__mutmut_19": ("as 16 (strict omitted)"),
    "algorithms.mlp.xǁMLPǁinitialize__mutmut_23": ("as 16 (strict=False)"),
    "algorithms.metrics.x__binary__mutmut_21": (
        "every caller uses the labels in comparisons (== 0/1), sums and indexing masks; float 0./1. give the same results as int"
    ),
    "algorithms.metrics.x_at_threshold__mutmut_13": (
        "a bool prediction vector passes precision_recall_f1's 0/1 check and is cast to int there (as at_top_fraction_13)"
    ),
    "algorithms.metrics.x_roc_auc_rows__mutmut_8": (
        "astype(None) gives float 0./1.; np.where(pos, ...) and pos.sum treat them exactly as the booleans"
    ),
    "algorithms.metrics.x_roc_auc_rows__mutmut_27": (
        "a divide-by-zero needs a nonzero numerator over n_pos*n_neg = 0; but n_pos = 0 gives r_pos = 0 and n_neg = 0 gives r_pos = n(n+1)/2, numerator 0 both times (0/0 is 'invalid', still ignored)"
    ),
    "algorithms.metrics.x_roc_auc_rows__mutmut_29": ("as 27 (divide omitted)"),
    "systems.core.churn_table.features.x_add_time_columns__mutmut_13": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__time_and_categories__mutmut_11": (
        "zip(edges[:-1], edges[1:]) always gets two sequences of equal length, so any strict setting pairs them identically"
    ),
    "systems.core.churn_table.features.x__time_and_categories__mutmut_14": (
        "zip(edges[:-1], edges[1:]) always gets two sequences of equal length, so any strict setting pairs them identically"
    ),
    "systems.core.churn_table.features.x__time_and_categories__mutmut_18": (
        "zip(edges[:-1], edges[1:]) always gets two sequences of equal length, so any strict setting pairs them identically"
    ),
    "systems.core.churn_table.features.x__time_and_categories__mutmut_27": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__time_and_categories__mutmut_32": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__usage__mutmut_67": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__engagement__mutmut_23": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__engagement__mutmut_30": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__engagement__mutmut_37": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__engagement__mutmut_44": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__payment__mutmut_8": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__payment__mutmut_48": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__support__mutmut_27": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__support__mutmut_49": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__charges__mutmut_41": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__interactions__mutmut_7": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__interactions__mutmut_18": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x__interactions__mutmut_51": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x_engineer__mutmut_2": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x_engineer__mutmut_6": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x_engineer__mutmut_58": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.features.x_engineer__mutmut_60": (
        "every value of f is a Series on d.index, so pd.DataFrame aligns them to that same index (in the same order) without index="
    ),
    "systems.core.churn_table.features.x_engineer__mutmut_62": (
        "every value of f is a Series on d.index, so pd.DataFrame aligns them to that same index (in the same order) without index="
    ),
    "systems.core.churn_table.features.xǁChurnFeaturesǁ_features__mutmut_12": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged (the leaky column is float after validation)"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ_keys__mutmut_2": (
        "cohort=() only: with all-None keys groupby drops every row, so every fill falls back to the global median, which is exactly the single 'all' cohort's median (or its fallback) in the original"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ_keys__mutmut_4": (
        "cohort=() only: with all-NaN keys groupby drops every row, so every fill falls back to the global median, which is exactly the single 'all' cohort's median (or its fallback) in the original"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ_keys__mutmut_6": (
        "the label of the single cohort when cohort=() is only compared with itself (fit and transform build it the same way); fills are unchanged"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ_keys__mutmut_7": (
        "the label of the single cohort when cohort=() is only compared with itself (fit and transform build it the same way); fills are unchanged"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ_keys__mutmut_16": (
        "the separator only joins keys compared with keys joined the same way; it matters only if cohort values contain '|' (plans and signup years never do)"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁtransform__mutmut_12": (
        "astype(None) is astype(float64) in pandas (np.dtype(None) is float64) and the series is bool or float, so values and dtype are unchanged"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ__getstate____mutmut_19": (
        "the medians are float64 (median of float columns, then where/fillna), so to_numpy(None) returns the same float64 array"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ__getstate____mutmut_31": (
        "the medians are float64 (median of float columns, then where/fillna), so to_numpy(None) returns the same float64 array"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ__setstate____mutmut_16": (
        "the state's values are already float64 ndarrays written by __getstate__, so np.asarray with or without float returns the same array"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ__setstate____mutmut_18": (
        "the state's values are already float64 ndarrays written by __getstate__, so np.asarray with or without float returns the same array"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ__setstate____mutmut_38": (
        "the state's values are already float64 ndarrays written by __getstate__, so np.asarray with or without float returns the same array"
    ),
    "systems.core.churn_table.imputation.xǁCohortImputerǁ__setstate____mutmut_40": (
        "the state's values are already float64 ndarrays written by __getstate__, so np.asarray with or without float returns the same array"
    ),
    "systems.core.ledger.xǁClaimǁ_interval_of__mutmut_2": (
        "intervals maps measured names (str) to Interval; a numeric operand is never a key, so intervals.get(number) returns None exactly like the else branch"
    ),
    "systems.core.studies.x__scrub__mutmut_3": (
        'except branch sets password to "" instead of None: both are falsy, so the text is returned unchanged either way'
    ),
    "systems.core.studies.x_with_driver__mutmut_5": (
        'url.split("://")[0] equals url.split("://", 1)[0] for every string (the first piece does not depend on maxsplit)'
    ),
    "systems.core.studies.x_with_driver__mutmut_8": (
        'url.split("://", 2)[0] equals url.split("://", 1)[0] for every string (the first piece does not depend on maxsplit)'
    ),
    "systems.core.studies.x_open_study__mutmut_9": (
        "drops n_startup_trials=10 from TPESampler(...), whose default n_startup_trials is 10: the same sampler"
    ),
    "systems.core.cli.x_add_output_args__mutmut_42": (
        "drops default=None from the --progress BooleanOptionalAction, whose default is already None"
    ),
    "systems.core.cli.x_pop_output_args__mutmut_9": (
        'values.pop("quiet", None) vs pop("quiet", False): wrapped in bool(), both give False when the key is missing'
    ),
    "systems.core.cli.x_pop_output_args__mutmut_17": (
        'values.pop("verbose", None) vs pop("verbose", False): wrapped in bool(), both give False when the key is missing'
    ),
    "systems.core.cli.x_progress__mutmut_8": (
        "tqdm(file=None) writes to sys.stderr (tqdm's own default, looked up when the bar is made), the same stream as file=sys.stderr"
    ),
    "systems.core.cli.x_dispatch__mutmut_25": (
        "add_help=None on the routing subparsers: the router parses only argv[:1] (the command name), so a subparser's -h is never parsed; None and False are both falsy to argparse"
    ),
    "systems.core.cli.x_dispatch__mutmut_28": (
        "add_help left at its default True on the routing subparsers: the router parses only argv[:1] (the command name), so the subparser never sees -h"
    ),
    "systems.core.cli.x_dispatch__mutmut_29": (
        "add_help=True on the routing subparsers: the router parses only argv[:1] (the command name), so the subparser never sees -h"
    ),
    "systems.core.cli.x_gives__mutmut_2": (
        "ArgumentParser(add_help=None): argparse tests add_help for truth, None behaves as False"
    ),
    "systems.core.cli.x_gives__mutmut_3": (
        "ArgumentParser(exit_on_error=None): argparse tests exit_on_error for truth, None behaves as False"
    ),
    "systems.core.config.x__converter__mutmut_7": (
        "type(choices[1]) vs type(choices[0]) of a Literal: the converter assumes one type for all choices (argparse converts every value with it), so for any Literal it supports both are the same type"
    ),
    "systems.core.config.x_build_parser__mutmut_52": (
        'dest=None: argparse then derives dest from "--" + name.replace("_", "-"), which gives back the field name'
    ),
    "systems.core.config.x_build_parser__mutmut_56": (
        'dest omitted: argparse derives dest from "--" + name.replace("_", "-"), which gives back the field name'
    ),
    "systems.core.uncertainty.x__resample_indices__mutmut_7": (
        "rng.integers(n, size=...) draws from [0, n) exactly like rng.integers(0, n, size=...) (numpy: with high omitted, low is the exclusive upper bound), same stream"
    ),
    "systems.core.encoder.x_quantize_dynamic_int8__mutmut_20": (
        "drops dtype=torch.qint8 from quantize_dynamic, whose default dtype is torch.qint8"
    ),
    "systems.core.studies.x_best_complete__mutmut_2": (
        "get_trials(deepcopy=None) vs False: only decides whether the returned FrozenTrials are copies; the same trial (number, value, params) is chosen"
    ),
    "systems.core.studies.x_best_complete__mutmut_4": (
        "get_trials default deepcopy=True: only decides whether the returned FrozenTrials are copies; the same trial (number, value, params) is chosen"
    ),
    "systems.core.studies.x_best_complete__mutmut_7": (
        "get_trials(deepcopy=True): only decides whether the returned FrozenTrials are copies; the same trial (number, value, params) is chosen"
    ),
    "systems.core.uncertainty.x__resample_indices__mutmut_27": (
        "rng.integers(rows.size, size=...) draws from [0, rows.size) exactly like rng.integers(0, rows.size, size=...), same stream"
    ),
    "systems.core.encoder.x_quantize_dynamic_int8__mutmut_22": (
        "copy.copy instead of copy.deepcopy: torch.ao.quantization.quantize_dynamic (inplace=False by default) deep-copies the model itself, so the caller's model is untouched either way"
    ),
    "systems.core.publish.xǁPublicationǁacquire__mutmut_41": (
        'ftruncate(fd, 1) instead of 0 right before pwrite of "<pid>\\n" at offset 0: the pid line is at least 2 bytes, so it overwrites that byte and the file content is the same'
    ),
    "systems.core.publish.xǁPublicationǁacquire__mutmut_50": (
        'rmtree(None, ignore_errors=True) removes nothing, but the staging folder "<system>-<pid>" matches _recover\'s leftover pattern and was already removed by _recover() just before'
    ),
    "systems.core.publish.xǁPublicationǁacquire__mutmut_55": (
        "staging.mkdir(parents=None) vs parents=True: the parent (.staging) was created at the top of acquire, so no parent is missing"
    ),
    "systems.drift.stattests.x_ks_pvalue__mutmut_11": (
        "np.full_like(float d, None) fills with NaN (None casts to nan in a float array), the same array as np.nan"
    ),
    "systems.drift.stattests.x_ks_pvalue__mutmut_14": (
        "ok=None indexes the whole array (p[None] = sf(d[None], en[None])); scipy's kstwo/kstwobign sf return NaN for NaN input, so the NaN entries stay NaN and the others are unchanged"
    ),
    "systems.drift.stattests.x_ks_pvalue__mutmut_22": (
        "lower clip bound 0 never binds: kstwo.sf is a survival probability in [0, 1]"
    ),
    "systems.drift.stattests.x_ks_pvalue__mutmut_23": (
        "upper clip bound 1 never binds: kstwo.sf is a survival probability in [0, 1]"
    ),
    "systems.drift.stattests.x_ks_pvalue__mutmut_32": (
        "upper clip bound 1 vs 2 never binds: kstwo.sf is in [0, 1]"
    ),
    "systems.drift.stattests.x_ks_pvalue__mutmut_35": (
        "lower clip bound 0 never binds: kstwobign.sf is a survival probability in [0, 1]"
    ),
    "systems.drift.stattests.x_ks_pvalue__mutmut_36": (
        "upper clip bound 1 never binds: kstwobign.sf is in [0, 1]"
    ),
    "systems.drift.stattests.x_ks_pvalue__mutmut_44": (
        "upper clip bound 1 vs 2 never binds: kstwobign.sf is in [0, 1]"
    ),
    "systems.drift.stattests.x__expected__mutmut_12": (
        "column sums without keepdims have shape (K,), which broadcasts against the (2, 1) row sums to the same (2, K) product"
    ),
    "systems.drift.stattests.x__expected__mutmut_14": (
        "keepdims=False: same broadcast as above, shape (K,) against (2, 1) gives the same (2, K) expected table"
    ),
    "systems.drift.stattests.x_merge_sparse__mutmut_2": (
        "astype(None) is astype(float64): numpy reads dtype None as the default float64"
    ),
    "systems.drift.stattests.x_categorical_test__mutmut_2": (
        "astype(None) is astype(float64): numpy reads dtype None as the default float64"
    ),
    "systems.drift.stattests.x_merge_sparse__mutmut_18": (
        "first zip's strict flag: the second zip over the same (names, sparse) keeps strict=True and raises the same ValueError on a length mismatch, before anything is returned"
    ),
    "systems.drift.stattests.x_merge_sparse__mutmut_21": (
        "first zip's strict flag: the second zip over the same (names, sparse) keeps strict=True and raises the same ValueError on a length mismatch"
    ),
    "systems.drift.stattests.x_merge_sparse__mutmut_22": (
        "first zip's strict flag: the second zip over the same (names, sparse) keeps strict=True and raises the same ValueError on a length mismatch"
    ),
    "systems.drift.stattests.x_merge_sparse__mutmut_37": (
        "second zip's strict flag: the first zip over the same (names, sparse) is strict and has already raised on a length mismatch"
    ),
    "systems.drift.stattests.x_merge_sparse__mutmut_40": (
        "second zip's strict flag: the first zip over the same (names, sparse) is strict and has already raised on a length mismatch"
    ),
    "systems.drift.stattests.x_merge_sparse__mutmut_41": (
        "second zip's strict flag: the first zip over the same (names, sparse) is strict and has already raised on a length mismatch"
    ),
    "systems.drift.stattests.x_categorical_test__mutmut_57": (
        "correction=None: chi2_contingency applies Yates only when `correction` is truthy (and dof == 1); None is falsy, same as False"
    ),
    "systems.drift.numeric.x__sorted_columns__mutmut_8": (
        "NaN counts in a float64 instead of int64 array: they are only written into the float count table (out[j, -1] = nans[j]), same values"
    ),
    "systems.drift.numeric.x__sorted_columns__mutmut_10": (
        "NaN counts in a float64 instead of int64 array: they are only written into the float count table, same values"
    ),
    "systems.drift.numeric.xǁNumericDriftǁ_counts__mutmut_6": (
        "strict flag of zip(cols, edges_): score's own zip(self.sorted_, cols, strict=True) runs right after and raises the same ValueError on a column-count mismatch (and psi_from_shares cannot broadcast); counts are never returned otherwise"
    ),
    "systems.drift.numeric.xǁNumericDriftǁ_counts__mutmut_9": (
        "as _counts__mutmut_6: score's strict zip over the same column lists raises on a mismatch"
    ),
    "systems.drift.numeric.xǁNumericDriftǁ_counts__mutmut_10": (
        "as _counts__mutmut_6: score's strict zip over the same column lists raises on a mismatch"
    ),
    "systems.drift.numeric.xǁNumericDriftǁ_counts__mutmut_17": (
        'searchsorted\'s default side is "left": dropping side="left" changes nothing'
    ),
    "systems.drift.numeric.xǁNumericDriftǁscore__mutmut_24": (
        "strict flag of zip(sorted_, cols): _counts' strict zip over the same lists (edges_ has one entry per sorted_ column) already raised on a mismatch"
    ),
    "systems.drift.numeric.xǁNumericDriftǁscore__mutmut_27": (
        "as score__mutmut_24: _counts' strict zip already raised on a column-count mismatch"
    ),
    "systems.drift.numeric.xǁNumericDriftǁscore__mutmut_28": (
        "as score__mutmut_24: _counts' strict zip already raised on a column-count mismatch"
    ),
    "systems.drift.numeric.xǁNumericDriftǁscore__mutmut_60": (
        "clip lower bound on -gap.min(): if -gap.min() < 0 then gap.max() >= gap.min() > 0 wins the max anyway"
    ),
    "systems.drift.numeric.xǁNumericDriftǁscore__mutmut_61": (
        "clip upper bound: gap is a difference of two CDFs, so -gap.min() <= 1 already"
    ),
    "systems.drift.numeric.xǁNumericDriftǁscore__mutmut_67": (
        "clip upper bound 1 vs 2: gap is a difference of two CDFs, so -gap.min() <= 1 already"
    ),
    "systems.drift.psi.x_category_counts__mutmut_12": (
        "to_numpy(None) keeps int64 counts instead of float64: same exact values, and every consumer (shares, categorical_test, psi) converts to float"
    ),
    "systems.drift.psi.x_category_counts__mutmut_18": (
        "to_numpy(None) keeps int64 counts instead of float64: same exact values, and every consumer converts to float"
    ),
    "systems.drift.psi.x_categorical_psi__mutmut_9": (
        "zip(cats, rc) strictness: both come from category_counts and have the same length by construction"
    ),
    "systems.drift.psi.x_categorical_psi__mutmut_12": (
        "zip(cats, rc) strictness: both come from category_counts and have the same length by construction"
    ),
    "systems.drift.psi.x_categorical_psi__mutmut_13": (
        "zip(cats, rc) strictness: both come from category_counts and have the same length by construction"
    ),
    "systems.core.models.x__ensemble_model__mutmut_63": (
        'penalty default None instead of "l2": it is only compared with "l1" (l1_ratio 1.0 vs 0.0), so any non-"l1" default gives l1_ratio 0.0'
    ),
    "systems.core.models.x__ensemble_model__mutmut_68": (
        'penalty default "XXl2XX": only compared with "l1", same l1_ratio 0.0'
    ),
    "systems.core.models.x__ensemble_model__mutmut_69": (
        'penalty default "L2": only compared with "l1", same l1_ratio 0.0'
    ),
    "systems.core.models.x_fit_model__mutmut_35": (
        "eval_metric None: LightGBM's binary objective already evaluates binary_logloss, so evals_result_ and early stopping are the same (checked: same keys, same best_iteration_)"
    ),
    "systems.core.models.x_fit_model__mutmut_41": (
        "eval_metric omitted: the binary objective's default metric is binary_logloss, same evals_result_ and early stopping"
    ),
    "systems.core.models.x_fit_model__mutmut_43": (
        "eval_metric \"XXbinary_loglossXX\": LightGBM's sklearn wrapper ignores it and keeps the objective's binary_logloss (checked: evals_result_ keys and best_iteration_ unchanged)"
    ),
    "systems.core.models.x_fit_model__mutmut_44": (
        'eval_metric "BINARY_LOGLOSS": same evals_result_ (binary_logloss only) and best_iteration_, checked'
    ),
    "systems.core.models.x_fit_model__mutmut_46": (
        "lgb.early_stopping(verbose=None): the callback prints only `if verbose`, None is falsy like False"
    ),
    "systems.core.models.x_rounds_used__mutmut_13": (
        "next(..., None) default: only used when the last eval set has no metric, which LightGBM never records (each eval set has its objective's metric)"
    ),
    "systems.core.models.x_rounds_used__mutmut_15": (
        "next() without default: only differs when the last eval set has no metric, which LightGBM never records"
    ),
    "systems.core.models.x_validation_curve__mutmut_19": (
        "sets[+1] vs sets[-1]: the function reads an early-stopped booster from fit_model, which always passes exactly two eval sets (train, validation), so index 1 is index -1"
    ),
    "systems.core.models.x_fit_model__mutmut_16": (
        "xgboost fit(verbose=None): XGBClassifier.fit hands verbose to train() as verbose_eval, which adds the printing EvaluationMonitor only `if verbose_eval`; None is falsy like False (checked: nothing printed)"
    ),
    "systems.core.pgserver.x_find_bin_dir__mutmut_17": (
        "ranks non-numeric folders 1 instead of 0: both are below every PostgreSQL major version (Debian ships 9 and up), so the newest numeric version wins either way"
    ),
    "systems.core.pgserver.x__online_clusters__mutmut_9": (
        "check=None is falsy like check=False: subprocess.run raises on neither"
    ),
    "systems.core.pgserver.x__online_clusters__mutmut_13": (
        "dropping check=False leaves subprocess.run's default, which is False"
    ),
    "systems.core.pgserver.x__online_clusters__mutmut_25": (
        "len(r) > 4 instead of >= 4: pg_lsclusters -h prints 6-7 fields per cluster (ver, cluster, port, status, owner, data dir[, log]); rows of exactly 4 fields do not occur"
    ),
    "systems.core.pgserver.x__online_clusters__mutmut_26": (
        "len(r) >= 5 instead of >= 4: same as mutmut_25, pg_lsclusters -h rows always have at least 6 fields"
    ),
    "systems.core.pgserver.x_free_port__mutmut_4": (
        "socket(AF_INET) without a type: the type defaults to SOCK_STREAM"
    ),
    "systems.core.pgserver.x__die_with_parent__mutmut_5": (
        "CDLL(None) opens the running program's global namespace, which holds libc's prctl: the same function is called"
    ),
    "systems.core.pgserver.x__die_with_parent__mutmut_6": (
        "use_errno only decides whether ctypes saves errno for ctypes.get_errno(), which is never read"
    ),
    "systems.core.pgserver.x__die_with_parent__mutmut_8": (
        "use_errno only decides whether ctypes saves errno for ctypes.get_errno(), which is never read"
    ),
    "systems.core.pgserver.x__die_with_parent__mutmut_11": (
        "use_errno only decides whether ctypes saves errno for ctypes.get_errno(), which is never read"
    ),
    "systems.core.pgserver.x__server_user_can_write__mutmut_10": (
        "check=None is falsy like check=False: the probe's exit code is read, never raised"
    ),
    "systems.core.pgserver.x__server_user_can_write__mutmut_13": (
        "dropping check=False leaves subprocess.run's default, which is False"
    ),
    "systems.core.pgserver.x__make_data_dir__mutmut_3": (
        "only renames the fallback folder under the temp dir: nothing else refers to it (no sweep, no setting), and the data dir's path is returned and logged whatever its name"
    ),
    "systems.core.pgserver.x__make_data_dir__mutmut_4": (
        "only renames the fallback folder under the temp dir: nothing else refers to it (no sweep, no setting), and the data dir's path is returned and logged whatever its name"
    ),
    "systems.core.pgserver.x__make_data_dir__mutmut_40": (
        "ignore_errors=None vs True only matters if removal fails; the rejected folder was just made empty by this process (root may delete anything; a non-root user owns it), so rmtree cannot fail"
    ),
    "systems.core.pgserver.x__make_data_dir__mutmut_42": (
        "ignore_errors default (False) vs True only matters if removal fails; the rejected folder was just made empty by this process, so rmtree cannot fail"
    ),
    "systems.core.pgserver.x__make_data_dir__mutmut_43": (
        "ignore_errors=False vs True only matters if removal fails; the rejected folder was just made empty by this process, so rmtree cannot fail"
    ),
    "systems.core.pgserver.x_stop__mutmut_3": (
        "suppress(None) never sees an exception: Popen.send_signal already swallows ProcessLookupError itself (bpo-40550, Python 3.9+), and with no exception suppress's __exit__ returns False without looking at its arguments"
    ),
    "systems.core.pgserver.x__start__mutmut_3": (
        "only renames the server's log file inside the throwaway data dir: nothing reads it by name; _wait_ready gets the path and its timeout message names whatever path is used"
    ),
    "systems.core.pgserver.x__start__mutmut_4": (
        "only renames the server's log file inside the throwaway data dir: nothing reads it by name; _wait_ready gets the path and its timeout message names whatever path is used"
    ),
    "systems.core.pgserver.x__start__mutmut_21": (
        "stdin=None instead of DEVNULL: the postmaster never reads stdin (it runs in its own session, detached from the terminal's input)"
    ),
    "systems.core.pgserver.x__start__mutmut_28": (
        "stdin left inherited instead of DEVNULL: the postmaster never reads stdin (it runs in its own session, detached from the terminal's input)"
    ),
    "systems.core.pgserver.x__start__mutmut_56": (
        "-c MAX_CONNECTIONS=50: PostgreSQL setting names are case-insensitive, the server still runs with max_connections = 50 (confirmed against the real server tests)"
    ),
    "systems.core.pgserver.x__wait_ready__mutmut_29": (
        "`>= deadline` vs `> deadline` differ only when the monotonic clock reads exactly the deadline; the next poll 0.2 s later gives up with the same message either way"
    ),
    "systems.core.plotting.x_figure__mutmut_13": (
        "squeeze=True is plt.subplots default; dropping the keyword passes the same value"
    ),
    "systems.core.report.xǁRunǁ__init____mutmut_10": (
        "Run.published is only read in truth tests (out_dir, the Ctrl-C message, _publish_uninterrupted sets it True before any read after publishing); None and False are both falsy there"
    ),
    "systems.core.report.x__publish_uninterrupted__mutmut_11": (
        "the handler list is only read by `if caught:`; [None] is as truthy as [SIGINT], so the deferred KeyboardInterrupt is raised the same"
    ),
    "systems.core.ledger_diff.x_main__mutmut_92": (
        "main never reads Difference.system: it logs the loop variable s, d.claim and d.fields, and returns 1 if any difference; the system field is discarded"
    ),
    "systems.core.tabular.x__is_utf8__mutmut_4": (
        "decode(head, final=False) -> decode(head): final already defaults to False in IncrementalDecoder.decode"
    ),
    "systems.core.tabular.x__is_utf8__mutmut_7": (
        '"utf-8" -> "UTF-8": Python codec lookup is case-insensitive, same decoder'
    ),
    "systems.core.tabular.x__parse__mutmut_41": (
        '"latin-1" -> "LATIN-1": Python codec lookup is case-insensitive, same codec (and the name only appears in messages for non-utf-8 encodings, where this branch is not taken)'
    ),
    "systems.core.artifact.xǁFeatureSchemaǁvalidate__mutmut_27": (
        "np.array of Python bools with dtype=None infers dtype bool: same array"
    ),
    "systems.core.artifact.xǁFeatureSchemaǁvalidate__mutmut_29": (
        "np.array of Python bools without dtype infers dtype bool: same array"
    ),
    "systems.core.artifact.xǁFeatureSchemaǁvalidate__mutmut_37": (
        "zip(reasons, bad): bad is built from reasons, so the lengths are always equal and strict never triggers"
    ),
    "systems.core.artifact.xǁFeatureSchemaǁvalidate__mutmut_40": (
        "zip(reasons, bad): bad is built from reasons, so the lengths are always equal and strict never triggers"
    ),
    "systems.core.artifact.xǁFeatureSchemaǁvalidate__mutmut_41": (
        "zip(reasons, bad): bad is built from reasons, so the lengths are always equal and strict never triggers"
    ),
    "systems.core.artifact.x__check_column__mutmut_11": (
        "to_numeric of a string Series gives Int64/Float64; .astype(None) converts it to float64 exactly as .astype(float)"
    ),
    "systems.core.artifact.x__check_column__mutmut_27": (
        'lstrip("XX+-XX") strips the set {X,+,-}; the text was lower-cased first so it holds no "X": same as lstrip("+-")'
    ),
    "systems.core.artifact.x__check_column__mutmut_41": (
        "np.errstate(invalid=None) leaves the current setting; abs/compare on NaN under isfinite raise no FloatingPointError and no test/config turns warnings into errors: no result changes"
    ),
    "systems.core.artifact.x__check_column__mutmut_62": (
        "isin on a string Series returns a numpy bool array (no <NA>), so fillna(...) is a no-op; blank rows are excluded by ~blank anyway"
    ),
    "systems.core.artifact.x__check_column__mutmut_64": (
        "isin on a string Series returns a numpy bool array (no <NA>), so fillna(...) is a no-op; blank rows are excluded by ~blank anyway"
    ),
    "systems.core.artifact.x_save__mutmut_75": (
        'zipfile.ZipFile(tmp, "w") defaults to compression=ZIP_STORED: same archive'
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_4": (
        "pandera tests nullable by truthiness (schema.nullable or not isna.any()): None behaves as False"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_7": (
        "pa.Column's nullable defaults to False: same column"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_25": (
        "pandera tests nullable by truthiness: None behaves as False"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_28": (
        "pa.Column's nullable defaults to False: same column"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_33": (
        "pandera tests nullable by truthiness: None behaves as False"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_35": (
        "pa.Column's nullable defaults to False: same column"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_42": (
        "pandera tests nullable by truthiness: None behaves as False"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_45": ("target nullable default False: same column"),
    "systems.core.churn_table.validation.x_schema__mutmut_49": (
        "target nullable=True: an int64 column cannot hold nulls, so any column with a null already fails the int dtype check (SchemaError either way); validate() fills bad targets with -1 before checking"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_51": (
        "pandera reads coerce by truthiness: None behaves as False"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_54": (
        "DataFrameSchema's coerce defaults to False: same schema"
    ),
    "systems.core.churn_table.validation.x_schema__mutmut_55": (
        "DataFrameSchema's strict defaults to False: same schema"
    ),
    "systems.core.artifact.x__smoke_rows__mutmut_5": (
        'pandas lower-cases to_dict\'s orient ("RECORDS" is accepted as "records"): same list of dicts'
    ),
    "systems.core.artifact.x__smoke_rows__mutmut_7": (
        'the explicit NaN->None branch is redundant: _json_safe(nan) dumps "NaN" and parse_constant maps it to None, so every value comes out the same'
    ),
    "systems.core.churn_table.validation.x_write_quarantine__mutmut_2": (
        "to_csv(index=None): pandas tests index by truthiness, so None writes no index, same as False"
    ),
    "systems.core.verify.x_main__mutmut_53": (
        "--reuse default None instead of False: args.reuse is only passed to run_one, which tests it with `reuse and ...`; None and False are both falsy, and this Python's BooleanOptionalAction help does not print the default"
    ),
    "systems.core.verify.x_main__mutmut_57": (
        "--reuse without default= (so None): same as _53, None and False are both falsy where run_one reads it and the help text is unchanged"
    ),
    "systems.core.stability.x_modal_verdict__mutmut_21": (
        "rank.get(v, -2) instead of -1: the default only has to sort an unknown verdict before every CAUTION rank (0..7); -2 and -1 both do, and all unknown verdicts share the same default, so every comparison of the key tuples comes out the same"
    ),
    "systems.core.bench.x_main__mutmut_86": (
        "`ran = 1` instead of `ran += 1`: ran is only read in `if ran == 0`, and after at least one bench ran it is nonzero either way"
    ),
    "systems.core.bench.x_main__mutmut_87": (
        "`ran -= 1` instead of `ran += 1`: ran is only compared with 0; it is 0 before any bench and nonzero (negative) after one, exactly when the original is"
    ),
    "systems.core.bench.x_main__mutmut_88": (
        "`ran += 2` instead of `ran += 1`: ran is only compared with 0, and it is nonzero after one bench either way"
    ),
    "algorithms.sgd.xǁMomentumSGDRegressorǁpredict__mutmut_4": (
        "np.asarray/zeros_like without dtype=float: for the documented numeric input every later operation (X @ coef_, w - lr * v, mu * v + g) returns a new float64 array with the same values, and w, v are never written in place"
    ),
    "algorithms.sgd.xǁMomentumSGDRegressorǁpredict__mutmut_6": (
        "np.asarray/zeros_like without dtype=float: for the documented numeric input every later operation (X @ coef_, w - lr * v, mu * v + g) returns a new float64 array with the same values, and w, v are never written in place"
    ),
    "algorithms.sgd.x_accelerated_gradient__mutmut_9": (
        "np.asarray/zeros_like without dtype=float: for the documented numeric input every later operation (X @ coef_, w - lr * v, mu * v + g) returns a new float64 array with the same values, and w, v are never written in place"
    ),
    "algorithms.sgd.x_accelerated_gradient__mutmut_11": (
        "np.asarray/zeros_like without dtype=float: for the documented numeric input every later operation (X @ coef_, w - lr * v, mu * v + g) returns a new float64 array with the same values, and w, v are never written in place"
    ),
    "algorithms.sgd.x_accelerated_gradient__mutmut_13": (
        "np.asarray/zeros_like without dtype=float: for the documented numeric input every later operation (X @ coef_, w - lr * v, mu * v + g) returns a new float64 array with the same values, and w, v are never written in place"
    ),
    "algorithms.sgd.x_accelerated_gradient__mutmut_15": (
        "np.asarray/zeros_like without dtype=float: for the documented numeric input every later operation (X @ coef_, w - lr * v, mu * v + g) returns a new float64 array with the same values, and w, v are never written in place"
    ),
    "algorithms.sgd.x_accelerated_gradient__mutmut_12": (
        "np.zeros_like(None, dtype=float) is the 0-d 0.0: v starts as a scalar zero that broadcasts exactly like zeros(d) in mu*v + g and w - lr*mu*v; plain returns v unused; the first heavy_ball/nesterov step replaces v by a (d,) array"
    ),
    "algorithms.reinforce.x_exact_gradient__mutmut_13": (
        "dropping eps passes numerical_gradient's own default eps=1e-6, the same value as exact_gradient's default"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_34": (
        "y >= 0 selects the same entries as y > 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_38": (
        "y <= 0 selects the same entries as y < 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_39": (
        "y < 1 selects the same entries as y < 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_45": (
        "y <= 0 selects the same entries as y < 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_46": (
        "y < 1 selects the same entries as y < 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_132": (
        "y[i] >= 0 is y[i] > 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_136": (
        "y[j] >= 0 is y[j] > 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_169": (
        "delta / y equals delta * y exactly for y = +-1 (1/y = y, division by +-1 is exact): y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.regularization.x__centre__mutmut_9": (
        "y + ym instead of y - ym shifts the centred target by the constant 2*mean(y); every use of it is through Xc^T (ridge's Xc^T yc, coordinate descent's rho_j = x_j^T resid / n) and the centred columns of Xc sum to 0, so the shift adds 2*mean(y)*sum(x_j) = 0 (rounding only); the intercept uses ym itself, which is unchanged"
    ),
    "algorithms.regularization.x_lasso_alpha_max__mutmut_8": (
        "X + mean(X) instead of X - mean(X): the result only enters as Xc^T yc, and yc is centred (sums to 0), so the constant column shift 2*mean(x_j) contributes 2*mean(x_j)*sum(yc) = 0; centring X is not needed once y is centred"
    ),
    "algorithms.regularization.x_lasso_alpha_max__mutmut_9": (
        "X - mean over all entries instead of per column: subtracting any constant c from X changes Xc^T yc by c*sum(yc) = 0 because yc is centred"
    ),
    "algorithms.gptq.x_relative_output_error__mutmut_3": (
        "np.asarray(W, None) instead of float64: the other operand np.asarray(X, float64) is float64, so numpy promotes W to float64 before the product; identical result for bool, int and float inputs"
    ),
    "algorithms.gptq.x_relative_output_error__mutmut_5": (
        "np.asarray(W, ) (dtype None) instead of float64: the other operand is float64, so numpy promotes W to float64 before the product"
    ),
    "algorithms.gptq.x_relative_output_error__mutmut_7": (
        "np.asarray(X, None) instead of float64: the other operand np.asarray(W, float64) is float64, so numpy promotes X to float64 before the product"
    ),
    "algorithms.gptq.x_relative_output_error__mutmut_9": (
        "np.asarray(X, ) (dtype None) instead of float64: the other operand is float64, so numpy promotes X to float64 before the product"
    ),
    "algorithms.regularization.x_lasso_alpha_max__mutmut_11": (
        "y + mean(y) instead of y - mean(y): the result only enters as Xc^T yc and the columns of Xc are centred (sum to 0), so the constant shift 2*mean(y) contributes 2*mean(y)*sum(x_j) = 0"
    ),
    "algorithms.regularization.x_regularisation_path__mutmut_41": (
        "cold start (w0=None) instead of warm start along the path: the warm start only changes where coordinate descent starts, i.e. how many sweeps it takes, and regularisation_path returns no sweep count; for these convex objectives both starts stop within tol=1e-10 of the same minimiser (n > d, full-rank X, or l1_ratio < 1 which is strictly convex), so coefficients agree to ~1e-10"
    ),
    "algorithms.regularization.x_regularisation_path__mutmut_46": (
        "same as regularisation_path_41: w0 dropped means a cold start (w0=None); only the number of sweeps changes, which regularisation_path does not return, and both starts stop within tol=1e-10 of the same minimiser"
    ),
    "algorithms.quantization.x_dequantize__mutmut_5": (
        "ndarray.astype(None) means astype(float64) (numpy's default dtype), so the codes are converted to float64 exactly as before"
    ),
    "algorithms.quantization.x_dequantize__mutmut_11": (
        "ndarray.astype(None) means astype(float64) (numpy's default dtype), so the codes are converted to float64 exactly as before"
    ),
    "algorithms.quantization.x_dequantize__mutmut_26": (
        "ndarray.astype(None) means astype(float64) (numpy's default dtype), so the codes are converted to float64 exactly as before"
    ),
    "algorithms.quantization.x_dequantize__mutmut_19": (
        'reshape(-2, block): numpy (2.x here) reads any negative size as "infer this axis", the same as -1'
    ),
    "algorithms.quantization.x_relative_error__mutmut_7": (
        "np.asarray(w_hat, None) instead of float64: w is already float64, so w - w_hat is computed in float64 whatever w_hat's dtype (numpy promotes)"
    ),
    "algorithms.quantization.x_relative_error__mutmut_9": (
        "np.asarray(w_hat, ) (dtype None) instead of float64: w is already float64, so w - w_hat is computed in float64 whatever w_hat's dtype"
    ),
    "algorithms.gptq.x_rtn__mutmut_19": (
        "RTN's lower clip cannot bind: the grid comes from the same weights, so every w >= lo and rint(w / s) >= rint(lo / s) = -rint(-lo / s) = -zero (rint is odd: ties go to even on both sides), hence rint(w / s) + zero >= 0; only the top clip can bind (tested by the rounding-tie test)"
    ),
    "algorithms.gptq.x_gptq__mutmut_1": (
        "default block_size 129 instead of 128: the module docstring states that lazy batches give a result identical to B = 1 for every block size (test_lazy_batches_give_the_same_result_as_one_column_at_a_time checks B = 1, 7, 16, 40, 128 agree to 1e-12); only the grouping of the floating-point updates changes"
    ),
    "algorithms.attention.xǁMultiHeadSelfAttentionǁbackward__mutmut_25": (
        "einsum subscripts 'NLI,NLJ->IJ' instead of 'nli,nlj->ij': einsum accepts upper-case letters as labels and the renaming is consistent, so it is the same contraction over n and l"
    ),
    "algorithms.attention.xǁMultiHeadSelfAttentionǁbackward__mutmut_46": (
        "zip strictness: d_heads is attention_backward's 3-tuple (dq, dk, dv) by construction, the same length as 'qkv', so strict=None never has anything to report"
    ),
    "algorithms.gptq.x_gptq__mutmut_28": (
        "np.asarray(X, None) in the dead-input check: the other operand np.asarray(X, float64).T is float64, so numpy promotes the product to float64 and the diagonal (and which entries are exactly 0) is the same for bool/int/float16/32/64 inputs (only an extended-precision longdouble X could differ)"
    ),
    "algorithms.gptq.x_gptq__mutmut_30": (
        "same as gptq_28: np.asarray(X, ) is dtype None, and the product with the float64 operand is promoted to float64"
    ),
    "algorithms.gptq.x_gptq__mutmut_32": (
        "same as gptq_28 on the other operand: np.asarray(X, None).T times the float64 np.asarray(X, float64) is promoted to float64"
    ),
    "algorithms.gptq.x_gptq__mutmut_34": (
        "same as gptq_32: dtype None on one operand, the other is float64, so the product is float64"
    ),
    "algorithms.gptq.x_output_error__mutmut_4": (
        "np.asarray(W, None) instead of float64: Q is converted to float64, so W - Q is promoted to float64 whatever W's dtype"
    ),
    "algorithms.attention.xǁMultiHeadSelfAttentionǁbackward__mutmut_49": (
        "zip without strict: d_heads is attention_backward's 3-tuple (dq, dk, dv), the same length as 'qkv' by construction, so strictness never triggers"
    ),
    "algorithms.attention.xǁMultiHeadSelfAttentionǁbackward__mutmut_52": (
        "strict=False: d_heads is attention_backward's 3-tuple, the same length as 'qkv' by construction, so strictness never triggers"
    ),
    "algorithms.gptq.x_output_error__mutmut_6": (
        "np.asarray(W, ) (dtype None): Q is converted to float64, so W - Q is promoted to float64 whatever W's dtype"
    ),
    "algorithms.gptq.x_output_error__mutmut_8": (
        "np.asarray(Q, None): W is converted to float64, so W - Q is promoted to float64 whatever Q's dtype"
    ),
    "algorithms.attention.xǁMultiHeadSelfAttentionǁbackward__mutmut_75": (
        "einsum subscripts 'NLI,NLJ->IJ' instead of 'nli,nlj->ij': upper-case labels are valid and renamed consistently, so it is the same contraction"
    ),
    "algorithms.gptq.x_output_error__mutmut_10": (
        "np.asarray(Q, ) (dtype None): W is converted to float64, so W - Q is promoted to float64 whatever Q's dtype"
    ),
    "algorithms.gptq.x_output_error__mutmut_12": (
        "np.asarray(X, None): the left operand (W - Q) is float64, so the product is promoted to float64 whatever X's dtype"
    ),
    "algorithms.gptq.x_output_error__mutmut_14": (
        "np.asarray(X, ) (dtype None): the left operand (W - Q) is float64, so the product is promoted to float64"
    ),
    "algorithms.quantization.x_dynamic_int8_linear__mutmut_15": (
        "np.asarray(bias, None) instead of float64: y is float64 (dequantized product), so y + bias is float64 whatever the bias dtype (numpy promotes)"
    ),
    "algorithms.quantization.x_dynamic_int8_linear__mutmut_17": (
        "np.asarray(bias, ) (dtype None) instead of float64: y is float64, so y + bias is float64 whatever the bias dtype"
    ),
    "algorithms.quantization.x_quantize_int8_symmetric__mutmut_24": (
        "the lower clip bound cannot be reached: s = max|w| / 127.5 so w / s >= -127.5, and rint(-127.5) = -128 (ties to even), so the codes are already >= -128 without the clip"
    ),
    "algorithms.quantization.x_quantize_int8_symmetric__mutmut_32": (
        "lower clip -129 instead of -128 cannot be reached either: w / s >= -127.5 with s = max|w| / 127.5, so rint(w / s) >= -128"
    ),
    "algorithms.quantization.x_static_int8_linear__mutmut_19": (
        "np.asarray(bias, None) instead of float64: y is float64 (dequantized product), so y + bias is float64 whatever the bias dtype"
    ),
    "algorithms.quantization.x_static_int8_linear__mutmut_21": (
        "np.asarray(bias, ) (dtype None) instead of float64: y is float64, so y + bias is float64 whatever the bias dtype"
    ),
    "algorithms.boosting.x_best_split__mutmut_5": (
        "the 'no valid split' sentinel's feature -2 is still negative, the only property its reader grow_tree checks (f < 0); the result also keeps gain -inf, the docstring's mark of 'none is valid' (mutant 4, +1, is killed by a test asserting feature < 0)"
    ),
    "algorithms.boosting.x_best_split__mutmut_6": (
        "the threshold of the 'no valid split' sentinel is never read: grow_tree returns a leaf on f < 0 / gain -inf before using it, and the docstring defines that result by gain -inf only"
    ),
    "algorithms.boosting.x_best_split__mutmut_11": (
        "an unstable argsort only reorders rows with equal x: x[order] is the same sorted vector, and GL, HL are read only at boundaries between distinct values (ok mask), where the prefix holds the same set of rows; only the order of float additions inside a run of equal x changes (last-bit round-off, no order more correct than another)"
    ),
    "algorithms.boosting.x_best_split__mutmut_13": ("as 11 (kind omitted = the default unstable sort)"),
    "algorithms.boosting.x_best_split__mutmut_15": (
        "numpy reads sort kinds case-insensitively: kind='STABLE' is kind='stable' (checked on 1,000 values with ties: same order as 'stable', unlike the default)"
    ),
    "algorithms.metrics.x_pr_auc__mutmut_18": (
        "an unstable argsort only reorders rows with equal score: s_sorted is the same vector, and tp, fp are integer cumsums (exact in any order) read only at the last index of each run of equal scores, where the prefix holds the same rows"
    ),
    "algorithms.metrics.x_pr_auc__mutmut_20": ("as 18 (kind omitted = the default unstable sort)"),
    "algorithms.metrics.x_pr_auc__mutmut_23": (
        "numpy reads sort kinds case-insensitively: kind='STABLE' is kind='stable'"
    ),
    "algorithms.numerics.x_numerical_gradient__mutmut_14": (
        "numpy treats any negative reshape entry as the one inferred dimension: x.reshape(-2) is x.reshape(-1), the same view of x (checked: writes through it reach x), so the in-place perturbation is unchanged"
    ),
    "algorithms.numerics.x_numerical_gradient__mutmut_17": (
        "as 14 for grad.reshape(-2): the same flat view of grad that gflat[i] writes into"
    ),
    "systems.core.churn_table.validation.xǁValidationǁsummary__mutmut_16": (
        'with no reasons, reasons.unique() is empty and the loop does nothing, exactly as iterating []: the "if len(reasons) else []" guard is redundant since astype(str) made .str work on an empty column (tested by test_summary_of_a_clean_table_has_no_reasons)'
    ),
    "systems.core.publish.xǁPublicationǁacquire__mutmut_56": (
        "staging.mkdir(parents=False) vs parents=True: _recover() has just iterated self.staging.parent (iterdir raises FileNotFoundError if it is missing), so when mkdir runs the parent always exists and parents= never matters"
    ),
    "systems.core.publish.x__read_pid__mutmut_9": (
        'pread of 33 bytes instead of 32: the lock file is private state written only by acquire ("<pid>\\n", at most 8 bytes since pid_max <= 2**22) and emptied by release, so both reads return the whole file'
    ),
    "systems.core.cli.x_progress__mutmut_13": (
        "drops file=sys.stderr from tqdm(...): tqdm.__init__ has file=None and sets `file = sys.stderr` when it is None (tqdm/std.py), looked up when the bar is made, so the bar goes to the same stream"
    ),
    "algorithms.quantization.x_activation_qparams__mutmut_37": (
        "the lower clip of z cannot bind: lo = min(min x, 0) <= 0 so -lo >= 0, and s > 0 (an underflowed s = 0 raises ZeroDivisionError before the clip, an overflowed s = inf gives 0), so rint(-lo / s) >= 0 (or -0.0, which int() also maps to 0)"
    ),
    "algorithms.quantization.x__blocks__mutmut_11": (
        'reshape(-2, block): numpy (2.x here) reads any negative size as "infer this axis", the same as -1; divisibility by block was checked just above'
    ),
    "algorithms.quantization.x_quantize_int4_absmax__mutmut_22": (
        "the placeholder divisor is used only by blocks with amax == 0, whose values are all (+-)0, so 7 * b / 2.0 and 7 * b / 1.0 are both (+-)0 and the codes 0; the stored scale is amax itself, not the placeholder"
    ),
    "algorithms.quantization.x_quantize_nf4__mutmut_22": (
        "the placeholder divisor is used only by blocks with amax == 0, whose values are all (+-)0, so b / 2.0 and b / 1.0 are the same (+-)0 and land on the same level; the stored scale is amax itself, not the placeholder"
    ),
    "systems.core.encoder.x_quantize_dynamic_int8__mutmut_14": (
        'warnings.filterwarnings compiles the message pattern with re.I (CPython warnings.py: re.compile(message, re.I)), so ".*QUANTIZE_PER_TENSOR.*" matches exactly the same messages as ".*quantize_per_tensor.*"'
    ),
    "algorithms.svm.xǁ_RowCacheǁ__init____mutmut_9": (
        "int(a / b) equals int(a // b) = floor(a / b) for floats a = size_mb * 2**20 > 0 and b = 8 n: if a < k b then k b - a >= ulp(a) > (a / b) * 2**-53 * b, so a / b lies more than half a float spacing below k and rounds below k (checked on 60,000 near-multiples); capacity is unchanged"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_104": (
        "cand = low & (b >= 0) adds only t with b_t = 0, whose key -(b_t^2)/a_t is -0.0; the loop reaches this line only when m - M >= tol > 0, so the t in I_low with score M has b_t >= tol and a strictly negative key (a_t is finite, >= TAU), and argmin never picks a b_t = 0 entry (b_t^2 / a_t cannot underflow to 0 unless tol < 1e-150)"
    ),
    "algorithms.svm_fast.xǁ_Solverǁ_row__mutmut_3": (
        "ndarray.astype(None) converts to the default dtype float64, the same as astype(np.float64): same values, same dtype"
    ),
    "algorithms.svm_fast.xǁ_Solverǁ_row__mutmut_5": (
        "indexing K[self.A.idx] when not shrunk: A.idx is then np.arange(n) (every _Active with len(idx) == n is made from np.arange(n) in __init__ or unshrink; shrink only drops), so K[A.idx] is a float copy of K with the same values and astype makes a copy anyway"
    ),
    "algorithms.svm.xǁ_RowCacheǁ__call____mutmut_18": (
        "kernel_matrix(X[i : i + 2], X)[0] is K(x_i, X), the same row as kernel_matrix(X[i : i + 1], X)[0] (row 0 of a row-wise kernel matrix depends only on x_i); the mutant only computes one extra row"
    ),
    "algorithms.svm_fast.x__gram_rows__mutmut_4": (
        'the test params["kernel"] != "XXrbfXX" is always true, so RBF rows come from kernel_matrix instead of the in-place fast path: both compute exp(-gamma * max(|x|^2 + |z|^2 - 2 x.z, 0)), the same kernel up to round-off (~1e-16 relative, below the float32 Gram store); only speed and memory change'
    ),
    "algorithms.svm_fast.x__gram_rows__mutmut_5": (
        'same as _gram_rows__mutmut_4 ("RBF" never equals the lower-case kernel name): RBF rows come from kernel_matrix, the same values up to round-off; only speed changes'
    ),
    "algorithms.svm_fast.x__gram_rows__mutmut_33": (
        "np.exp(D, out=None) returns the same values in a new array instead of overwriting D; D is a local temporary, so only an allocation changes"
    ),
    "algorithms.svm_fast.x__gram_rows__mutmut_35": (
        "np.exp(D) without out= returns the same values in a new array; D is a local temporary, so only an allocation changes"
    ),
    "algorithms.svm_fast.xǁ_GramCacheǁ__init____mutmut_21": (
        "have = np.zeros(n, dtype=None) is a float64 array of 0.0 instead of bool False; it is only written with True (stored as 1.0) and read as a truth value (if self.have[i], self.have[sv].all()), which behave identically"
    ),
    "algorithms.svm_fast.xǁ_GramCacheǁ__init____mutmut_23": (
        "same as _GramCacheǁ__init____mutmut_21: a float64 0.0/1.0 flag array read only as truth values"
    ),
    "algorithms.svm_fast.xǁ_GramCacheǁ__init____mutmut_32": (
        'einsum subscripts are case-sensitive labels, not fixed names: "IJ,IJ->I" is the same contraction as "ij,ij->i" (row-wise squared norms)'
    ),
    "algorithms.svm.xǁSMOClassifierǁ_validate__mutmut_55": (
        'message wording only: "NaN" -> "nan" in the y error; the message still names the problem (non-finite labels), which is what users and the tests match'
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_14": (
        "y >= 0 selects the same entries as y > 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_18": (
        "y <= 0 selects the same entries as y < 0: y holds only -1.0 and +1.0"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_19": (
        "y < 1 selects the same entries as y < 0: y holds only -1.0 and +1.0"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_25": (
        "y <= 0 selects the same entries as y < 0: y holds only -1.0 and +1.0"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_26": (
        "y < 1 selects the same entries as y < 0: y holds only -1.0 and +1.0"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_29": (
        "y >= 0 selects the same entries as y > 0: y holds only -1.0 and +1.0"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_35": (
        "initial=None on a non-empty array is np.max without initial: I_up is never empty (an empty I_up needs every y = +1 at C and every y = -1 at 0, so y^T alpha = n_+ C > 0, but every alpha the solvers store keeps y^T alpha = 0; both classes are present by _validate)"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_37": (
        "np.max(score[up]) without initial: same as _store_solution__mutmut_35, I_up is never empty at a feasible alpha with both classes present"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_40": (
        "initial=None on a non-empty array: I_low is never empty (it would need every y = -1 at C and every y = +1 at 0, so y^T alpha = -n_- C < 0, against y^T alpha = 0)"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_42": (
        "np.min(score[low]) without initial: same as _store_solution__mutmut_40, I_low is never empty at a feasible alpha"
    ),
    "algorithms.svm_fast.xǁ_Activeǁset_status__mutmut_33": (
        "y[t] >= 0 is y[t] > 0: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0))"
    ),
    "algorithms.svm.xǁSMOClassifierǁ_store_solution__mutmut_58": (
        "alpha / y equals alpha * y exactly for y = +-1 (division by +-1 is exact): y holds only -1.0 and +1.0"
    ),
    "algorithms.svm.xǁSMOClassifierǁdecision_function__mutmut_4": (
        "np.asarray(X, dtype=None) keeps integer or bool input as is, but kernel_matrix converts X to float itself (np.asarray(X, float)) and np.isfinite accepts integers, so every numeric X gives the same decision values; only numeric strings (undocumented input) would differ"
    ),
    "algorithms.svm.xǁSMOClassifierǁdecision_function__mutmut_6": (
        "np.asarray(X) without dtype: as decision_function__mutmut_4, kernel_matrix converts X to float itself, so every numeric X gives the same decision values"
    ),
    "algorithms.svm.xǁ_RowCacheǁ__call____mutmut_22": (
        "OrderedDict.popitem takes last as a bool: last=None is false, so it pops the first (least recently used) row, exactly as last=False"
    ),
    "algorithms.svm_fast.xǁ_Solverǁ_reconstruct__mutmut_6": (
        "alpha / y equals alpha * y exactly for y = +-1: y holds only -1.0 and +1.0"
    ),
    "algorithms.svm_fast.xǁ_Solverǁ_reconstruct__mutmut_10": (
        "astype(None) converts to the default dtype float64, the same as astype(np.float64)"
    ),
    "algorithms.svm_fast.xǁ_Solverǁ_reconstruct__mutmut_23": (
        'einsum subscripts are labels: "IJ,IJ->I" is the same contraction as "ij,ij->i" (row-wise squared norms)'
    ),
    "algorithms.svm_fast.xǁ_Solverǁ_reconstruct__mutmut_29": (
        "range(0, len(inactive)) (step 1) starts a block at every index: overlapping blocks rewrite the same values y_t - K(x_t, X_sv) beta, so every inactive score is still set, identically; only slower"
    ),
    "algorithms.svm_fast.xǁ_Solverǁ_reconstruct__mutmut_3": (
        "sv = alpha >= 0 adds the j with alpha_j = 0, whose beta_j = 0 adds nothing to sum_j beta_j K(x_t, x_j); the only side effect is that the dense gather test have[sv].all() then usually fails and the same sum is computed from float64 kernel rows instead of the float32 Gram (a ~1e-7 round-off difference, far below tol; the optimum is unchanged)"
    ),
    "systems.core.churn_table.validation.xǁValidationǁsummary__mutmut_15": (
        '"or True" only differs when the quarantine is empty, and then summary() already fails earlier at .str on the empty reason column (see bug in report); non-empty: same loop'
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_7": (
        'pd.Series(None, index=..., dtype="datetime64[ns]") is all NaT, the same Series as filling with pd.NaT (also for an empty index)'
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_9": (
        "pd.Series(pd.NaT, index=...) is inferred as datetime64[ns] (also for an empty index, checked on pandas 3.1.1), the dtype the original gives explicitly"
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_10": (
        'pd.Series(index=..., dtype="datetime64[ns]") is all NaT, the same Series as filling with pd.NaT (also for an empty index)'
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_12": (
        "pd.Series(pd.NaT, index=...) is inferred as datetime64[ns] (also for an empty index, checked on pandas 3.1.1), the dtype the original gives explicitly"
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_18": (
        'the shape labels, their index, ==, map and value_counts are unchanged; only the container becomes pandas 3\'s default str dtype instead of object, and both are the documented "Series of str"'
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_21": (
        'the shape labels, their index, ==, map and value_counts are unchanged; only the container becomes pandas 3\'s default str dtype instead of object, and both are the documented "Series of str"'
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_32": (
        'fullmatch on the "string" text gives NA only where the text is missing, and those rows are already "missing", so "& (shape == \'unknown_format\')" makes them False whatever fillna puts there'
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_46": (
        "errors= only acts when to_datetime cannot convert: every 9-10 digit epoch (up to 9999999999 = 2286-11-20) fits pandas 3's datetime64[us] result without overflow (checked), and dates past 2262 become NaT in the between() mask either way"
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_47": (
        'astype(None) of the digit strings is float64; 9-10 digit integers are exact in float64 and to_datetime(unit="s") gives the same timestamps (checked on 200000 random 9-10 digit epochs plus 100000000, 999999999, 9007199254/5, 9999999999: all equal)'
    ),
    "systems.core.churn_table.timestamps.x_parse_mixed__mutmut_63": (
        'rstrip strips a set of characters: strings that fullmatch the iso/us shapes end in a digit or "Z", never "X", so "XXZXX" strips exactly what "Z" strips'
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_52": (
        "pandas reads astype(None) as float64 (np.dtype(None)): same column as astype(float), whether to_numeric gave int64 or float64"
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_98": (
        "a float target column fails pandera's int dtype check only as a whole column, a failure with no row index that validate drops (dropna(subset=[\"index\"])); the row-level isin([0, 1]) check fails on the same rows (-1.0 vs -1, checked), and the reason shows df's value as read, so reasons and outputs are unchanged (clean's target is cast from df, not to_check)"
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_104": (
        "the placeholder for a bad target only has to fail isin([0, 1]), which -2 does as -1 does; the reason shows the value as read (df.at), never the placeholder"
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_112": (
        'optional=() only changes required= for the leaky column (the target\'s column is added only when require_target, i.e. when it is not optional); a missing required column is a column-level failure with no row index (column_in_dataframe, index None, checked), dropped by dropna(subset=["index"]); when the column is present it gets the same ge(0) check'
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_137": (
        'dead branch: the else cannot be reached: failures left after dropna(subset=["index"]) are row checks of columns of to_check, which is df.copy() with only the target\'s values replaced, so c is always in df.columns'
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_139": (
        "dead branch: changes the key read in the unreachable else branch (c is always in df.columns, see x_validate__mutmut_137)"
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_140": (
        "dead branch: changes the key read in the unreachable else branch (c is always in df.columns, see x_validate__mutmut_137)"
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_160": (
        'dead code: both date columns were just replaced by parse_mixed\'s datetime64[ns] Series, so ">" gives a plain numpy bool Series (NaT compares False) with no NA: order.fillna is a no-op whatever its value'
    ),
    "systems.core.churn_table.validation.x_validate__mutmut_161": (
        'dead code: both date columns were just replaced by parse_mixed\'s datetime64[ns] Series, so ">" gives a plain numpy bool Series (NaT compares False) with no NA: order.fillna is a no-op whatever its value'
    ),
    "systems.core.ledger.x__caller_source__mutmut_3": (
        "(inspect.stack()[2:] instead of [1:]) stack()[1] is the caller of _caller_source, whose only caller is Claim.__post_init__ in ledger.py (under mutmut: the trampoline, also in ledger.py); the loop skips that frame as `path == here`, so starting one frame later finds the same first frame of ours"
    ),
    "systems.core.pgserver.x__initdb__mutmut_3": (
        "renames the temporary password file inside the throwaway data dir: initdb receives its path through --pwfile, and the file is deleted right after initdb (tested: the data dir holds nothing else afterwards); no reader uses the name"
    ),
    "systems.core.pgserver.x__initdb__mutmut_4": (
        'as 3: ".PW" instead of ".pw" only renames the temporary password file whose path is passed to initdb and which is deleted after'
    ),
    "systems.core.pgserver.x__initdb__mutmut_31": (
        "--encoding=utf8: PostgreSQL reads encoding names case-insensitively (initdb accepts utf8, UTF8, Utf-8 alike), so the cluster is created UTF8 either way; the test compares the option lower-cased on purpose"
    ),
    "systems.core.pgserver.x__start__mutmut_54": (
        "-c MAX_CONNECTIONS=50: PostgreSQL setting names are case-insensitive, the server still runs with max_connections = 50 (the same mutant as 56 at 462ac30)"
    ),
    "algorithms.quantization.x_quantize_int8_symmetric__mutmut_20": (
        'the placeholder scale is used only for all-zero rows (s == 0), whose codes are 0 with any scale and whose dequantized values are 0 * s = 0; the docstring leaves that scale unspecified ("keeps code 0 with any scale")'
    ),
    "algorithms.quantization.x_activation_qparams__mutmut_33": (
        "hi > lo fails only when the range is all zeros (lo = min(x, 0) <= 0 <= hi = max(x, 0)), where z = rint(0 / s) = 0 and every value quantizes to code z and back to exactly 0 with any scale s; only the unused placeholder scale changes"
    ),
    "algorithms.quantization.x_quantize_int4_absmax__mutmut_26": (
        "the clip cannot bind (code after the overflow fix): |b| <= amax so b / amax lies in [-1, 1] (IEEE division is correctly rounded and +-1 is representable), 7 * (b / amax) in [-7, 7] likewise, so rint gives codes in [-7, 7] before the clip; dropping the lower bound changes nothing"
    ),
    "algorithms.quantization.x_quantize_int4_absmax__mutmut_27": (
        "as 26: the codes are already <= 7 before the clip, so dropping the upper bound changes nothing"
    ),
    "algorithms.quantization.x_quantize_int4_absmax__mutmut_36": (
        "as 26: the codes are already >= -7, so a lower bound of -8 never binds"
    ),
    "algorithms.quantization.x_quantize_int4_absmax__mutmut_37": (
        "as 26: the codes are already <= 7, so an upper bound of 8 never binds"
    ),
    "algorithms.svm_fast.xǁ_GramCacheǁ__call____mutmut_21": (
        "X[i:i+2] gives a 2-row block (1 row for i = n-1); sq_b stays sq[i:i+1] of shape (1,), which broadcasts over both rows, and only row [0] is stored: row 0 of X[i:i+2] @ X.T (or of kernel_matrix) depends only on x_i and sq_i, so K[i] gets the same kernel row (at most a last-bit float64 difference between gemm and gemv summation, below the float32 it is stored in); only an extra row of work"
    ),
    "algorithms.svm_fast.xǁ_Activeǁ__init____mutmut_6": (
        "y >= 0 is y > 0: _Active is built only by _Solver._activate from the y of fit, which _validate maps to exactly -1.0 / +1.0 (np.where(y == classes_[1], 1.0, -1.0)); same reason as the reviewed set_status__mutmut_33"
    ),
    "algorithms.svm_fast.xǁ_Activeǁ__init____mutmut_10": (
        "y <= 0 is y < 0 for y in {-1.0, +1.0} (_validate's mapping), as __init____mutmut_6"
    ),
    "algorithms.svm_fast.xǁ_Activeǁ__init____mutmut_11": (
        "y < 1 is y < 0 for y in {-1.0, +1.0} (_validate's mapping), as __init____mutmut_6"
    ),
    "algorithms.svm_fast.xǁ_Activeǁ__init____mutmut_17": (
        "y <= 0 is y < 0 for y in {-1.0, +1.0} (_validate's mapping), as __init____mutmut_6"
    ),
    "algorithms.svm_fast.xǁ_Activeǁ__init____mutmut_18": (
        "y < 1 is y < 0 for y in {-1.0, +1.0} (_validate's mapping), as __init____mutmut_6"
    ),
    "algorithms.svm_fast.xǁ_Activeǁ__init____mutmut_21": (
        "y >= 0 is y > 0 for y in {-1.0, +1.0} (_validate's mapping), as __init____mutmut_6"
    ),
    "algorithms.svm_fast.xǁ_Activeǁshrinkable__mutmut_3": (
        "only_low = low | ~up adds (a) free variables (low & up) and (b) variables in neither set; (b) is empty since C > 0 (_validate rejects C <= 0; y = +1 has alpha < C or alpha > 0), and a free t is in I_up so s_low[t] = s_t <= max s_up = m, hence s_low[t] > m is False: the returned mask is identical"
    ),
    "algorithms.svm_fast.xǁ_Activeǁshrinkable__mutmut_5": (
        "only_up = up | ~low adds free variables (no variable is in neither set when C > 0); a free t is in I_low so s_up[t] = s_t >= min s_low = M, hence s_up[t] < M is False: the returned mask is identical (mirror of shrinkable__mutmut_3)"
    ),
    "algorithms.svm_fast.xǁ_Solverǁstep__mutmut_51": (
        "yi >= 0 is yi > 0: yi = float(A.y[i]) and A.y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0); _Active copies y[idx]), so the same box limit is taken (as SMOClassifierǁfit__mutmut_132 in annotations.py)"
    ),
    "algorithms.svm_fast.xǁ_Solverǁstep__mutmut_55": (
        "yj >= 0 is yj > 0: yj = float(A.y[j]) and A.y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0)), so the same box limit is taken (as SMOClassifierǁfit__mutmut_136 in annotations.py)"
    ),
    "algorithms.svm.xǁSMOClassifierǁfit__mutmut_49": (
        "y >= 0 selects the same entries as y > 0 in the I_low mask: y holds only -1.0 and +1.0 (_validate maps the labels with np.where(..., 1.0, -1.0)) (as fit__mutmut_34 in annotations.py)"
    ),
}
