import numpy as np
import pytest

from algorithms.scaling import loglog_slope


def test_loglog_slope_recovers_power_law():
    t = np.arange(1, 100)
    assert loglog_slope(t, 3.0 / t**2) == pytest.approx(-2.0)
    with pytest.raises(ValueError):
        loglog_slope(t, -t)


def test_integer_counts_beyond_int64_are_accepted():
    # FLOP counts as Python ints exceed int64 (numpy would keep them as objects); y = x^0.5
    x = [10**20, 10**22, 10**24]
    assert loglog_slope(x, [10**10, 10**11, 10**12]) == pytest.approx(0.5, rel=1e-12)
    assert loglog_slope([1, 2, 4], [10**20, 4 * 10**20, 16 * 10**20]) == pytest.approx(2.0, rel=1e-12)


@pytest.mark.parametrize(("x", "y"), [([0.0, 1.0], [1.0, 2.0]), ([1.0, 2.0], [0.0, 2.0])])
def test_zero_is_rejected_with_the_documented_message(x, y):
    with pytest.raises(ValueError, match=r"^log-log slope needs x > 0 and y > 0$"):
        loglog_slope(x, y)
