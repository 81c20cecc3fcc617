"""Churn prediction, end to end: the project's headline system (``make churn``).

The churn table itself (schema validation, timestamp parsing, cohort imputation, feature
engineering) lives in ``systems.core.churn_table``, shared with the ensemble system; this
package holds what only the churn story does with it (splits, models, tuning, calibration,
profit threshold, leakage, persistence, claims).
"""
