"""plotting.figure: a headless figure of the documented size (inches) with the requested grid of axes.

Checked against matplotlib's own record of the figure (``get_size_inches``, the axes' grid spec) and
against the PNG signature of a saved file, never against pixels.
"""

import matplotlib
import numpy as np
import pytest
from matplotlib.axes import Axes

from systems.core.plotting import figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_backend_is_headless():
    assert matplotlib.get_backend().lower() == "agg"


def test_default_figure_is_six_by_four_inches_with_one_axes():
    fig, ax = figure()
    # the signature's defaults: width=6.0, height=4.0; one row, one column squeezed to a single Axes
    np.testing.assert_array_equal(fig.get_size_inches(), [6.0, 4.0])
    assert isinstance(ax, Axes) and fig.axes == [ax]


def test_width_and_height_set_the_size_in_inches():
    fig, _ = figure(width=3.5, height=2.0)
    np.testing.assert_array_equal(fig.get_size_inches(), [3.5, 2.0])


def test_nrows_and_ncols_give_a_grid_of_axes():
    fig, axes = figure(ncols=3, nrows=2)
    assert axes.shape == (2, 3), "rows first, like plt.subplots"
    gs = axes[0, 0].get_subplotspec().get_gridspec()
    assert (gs.nrows, gs.ncols) == (2, 3)


def test_a_single_row_of_columns_is_squeezed_to_one_dimension():
    fig, axes = figure(ncols=2)
    assert axes.shape == (2,)
    first, second = (ax.get_position() for ax in axes)
    assert second.x0 > first.x1, "the second axes sits to the right of the first: columns, not rows"


def test_a_single_column_of_rows_stacks_axes_vertically():
    fig, axes = figure(nrows=2)
    assert axes.shape == (2,)
    top, bottom = (ax.get_position() for ax in axes)
    assert top.y0 > bottom.y1, "rows stack vertically"


def test_plotted_data_is_saved_as_png(tmp_path):
    fig, ax = figure()
    x = np.linspace(0.0, 1.0, 5)
    (line,) = ax.plot(x, x**2)
    np.testing.assert_array_equal(line.get_ydata(), x**2)
    path = tmp_path / "curve.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
