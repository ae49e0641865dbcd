import numpy as np
import pytest

from helpers.checks import check_unsure_mistakes

# Six predictions; the mistakes are 0, 2 and 3, made with confidence 0.5, 0.9 and 0.55.
P = np.array([[0.5, 0.5], [0.95, 0.05], [0.9, 0.1], [0.45, 0.55], [0.52, 0.48], [0.3, 0.7]])
WRONG = np.array([0, 2, 3])


def test_the_right_count_passes():
    assert check_unsure_mistakes(2, P, WRONG)


@pytest.mark.parametrize("count, cause", [
    (3, "every prediction"),     # 0.5, 0.55 and 0.52 are all below 0.6
    (1, "above"),
    (2 / 3, "fraction"),
])
def test_typical_slips_are_named(count, cause):
    check = check_unsure_mistakes(count, P, WRONG)
    assert not check and cause in check.message and "expected: 2" in check.message
