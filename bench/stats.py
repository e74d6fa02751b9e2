"""What bench/ scripts share."""

import math


def percentile(sorted_values, p):
    """Nearest-rank percentile of values already sorted; 0 for none."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]
