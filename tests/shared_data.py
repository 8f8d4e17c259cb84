"""Where the real data sets from ``shared/data`` are read in tests.

They are not copied into the repository (not every set states a licence that allows it): they
are found through PATROON_SHARED_DATA, in shared/ beside the checkout, or in /work/shared. A
test that needs one fails when it is missing: the code must be proven on data nobody here wrote.
"""

import os
from pathlib import Path

import pytest

BESIDE_CHECKOUT = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_data(name: str) -> Path:
    for root in (os.environ.get("PATROON_SHARED_DATA", ""), BESIDE_CHECKOUT, "/work/shared/data"):
        if root and (Path(root) / name).is_dir():
            return Path(root) / name
    pytest.fail(f"the real data set '{name}' is missing: set PATROON_SHARED_DATA", pytrace=False)
