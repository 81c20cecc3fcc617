"""The churn table, shared by the churn and ensemble systems: raw snapshots -> features.

    data.churn.generate(scenario, n_customers, seed)      raw, messy table
    validation.validate(raw) -> Validation                .clean, .quarantine, .summary()
      timestamps.parse_mixed                              dates parsed by shape, never guessed
    features.ChurnFeatures()                              fit on train rows, transform any rows
      imputation.CohortImputer                            cohort medians + missing indicators
    features.build_features(clean)                        -> (X, y, meta) in one call

One module per step; both systems import them from here, so a row is validated and
featurised the same way whichever story it serves.
"""
