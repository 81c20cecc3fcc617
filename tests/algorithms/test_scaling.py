import numpy as np
import pytest

from algorithms.scaling import loglog_slope


def test_loglog_slope_recovers_power_law():
    t = np.arange(1, 100)
    assert loglog_slope(t, 3.0 / t**2) == pytest.approx(-2.0)
    with pytest.raises(ValueError):
        loglog_slope(t, -t)
