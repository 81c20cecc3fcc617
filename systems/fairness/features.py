"""Peer-normalised features: compare a customer with peers instead of with everyone.

Raw behaviour columns carry age: young customers have new accounts, smaller balances and,
in shared-bill ZIPs, many small transfers. The story's fix replaces each raw column by its
position among peers (fitted on training rows only):

    freq_vs_peers    = transaction_frequency / median frequency of peers
    amount_vs_peers  = avg_amount / median avg_amount of peers
                       peers = same account-age band (quintiles) in the same ZIP cluster
                       (the story's tenure cohort, refined by ZIP because bill splitting
                       is local; a (band, ZIP) cell unseen in training falls back to the band)
    balance_pct_zip  = percentile of balance within the customer's ZIP cluster
    night_ratio      = night_txn_count / transaction_frequency   (a ratio, not a raw count)
    weekend_ratio    = weekend_txn_count / transaction_frequency
    declined_count, new_device  kept as they are (no age link)

Raw account_age_days is used only to define the peer band, not as an input.

How much age the inputs still carry is measured as the held-out multiple correlation

    R = corr(age, a_hat),   a_hat = linear regression of age on the features (fit on train)

i.e. how well a linear probe recovers age from the model's inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

PEER_FEATURES = (
    "freq_vs_peers",
    "amount_vs_peers",
    "balance_pct_zip",
    "night_ratio",
    "weekend_ratio",
    "declined_count",
    "new_device",
)


class PeerFeatures:
    """Fit peer medians and ZIP balance distributions on training rows; transform any rows.

    Parameters
    ----------
    n_bands : int
        Account-age bands (quantiles of training account age).
    """

    def __init__(self, n_bands: int = 5):
        self.n_bands = n_bands

    def _bands(self, df: pd.DataFrame) -> np.ndarray:
        return np.digitize(df["account_age_days"].to_numpy(), self.edges_)

    def fit(self, df: pd.DataFrame) -> PeerFeatures:
        self.edges_ = np.quantile(df["account_age_days"], np.linspace(0, 1, self.n_bands + 1)[1:-1])
        band = self._bands(df)
        keyed = df.assign(_band=band)
        cols = ["transaction_frequency", "avg_amount"]
        self.cell_medians_ = keyed.groupby(["_band", "zip_cluster"])[cols].median()
        self.band_medians_ = keyed.groupby("_band")[cols].median()
        self.zip_balances_ = {z: np.sort(g.to_numpy()) for z, g in df.groupby("zip_cluster")["balance"]}
        return self

    def _peer_median(self, df: pd.DataFrame, col: str) -> np.ndarray:
        band = self._bands(df)
        cell = pd.MultiIndex.from_arrays([band, df["zip_cluster"].to_numpy()])
        med = self.cell_medians_[col].reindex(cell).to_numpy()
        fallback = self.band_medians_[col].reindex(band).to_numpy()
        return np.where(np.isnan(med), fallback, med)

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        unseen = set(df["zip_cluster"].unique()) - set(self.zip_balances_)
        if unseen:
            raise ValueError(
                f"unseen ZIP cluster(s) {sorted(unseen)}: balance percentiles are fitted "
                "per cluster seen in training"
            )
        pct = np.empty(len(df))
        for z, idx in df.groupby("zip_cluster").indices.items():
            ref = self.zip_balances_[z]
            pct[idx] = np.searchsorted(ref, df["balance"].to_numpy()[idx], side="right") / ref.size
        freq = df["transaction_frequency"].to_numpy()
        return pd.DataFrame(
            {
                "freq_vs_peers": freq / self._peer_median(df, "transaction_frequency"),
                "amount_vs_peers": df["avg_amount"].to_numpy() / self._peer_median(df, "avg_amount"),
                "balance_pct_zip": pct,
                "night_ratio": df["night_txn_count"].to_numpy() / freq,
                "weekend_ratio": df["weekend_txn_count"].to_numpy() / freq,
                "declined_count": df["declined_count"].to_numpy(),
                "new_device": df["new_device"].to_numpy(),
            },
            index=df.index,
        )


def age_recoverability(X_train, age_train, X_test, age_test) -> float:
    """Held-out multiple correlation of age with a linear probe on the features."""
    probe = LinearRegression().fit(X_train, age_train)
    return float(np.corrcoef(probe.predict(X_test), age_test)[0, 1])


def feature_age_correlations(X: pd.DataFrame, age) -> dict[str, float]:
    """Pearson correlation of each feature with age."""
    return {
        c: float(np.corrcoef(X[c].to_numpy(dtype=float), np.asarray(age, dtype=float))[0, 1])
        for c in X.columns
    }
