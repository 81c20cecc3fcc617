"""Churn prediction, end to end: the project's headline system (``make churn``).

Reusable pieces (the ensemble system builds on these; signatures are stable):

    data.churn.generate(scenario, n_customers, seed)        raw, messy table
    systems.churn.validation.validate(raw) -> Validation    .clean, .quarantine, .summary()
    systems.churn.features.ChurnFeatures()                  fit on train, transform any rows
    systems.churn.features.build_features(clean)            -> (X, y, meta) in one call
"""
