import pytest


@pytest.fixture(scope="session")
def febrl_sample():
    """1,000 + 1,000 FEBRL4 records (the first 1,000 true pairs) and their true links."""
    from patroon.bench.linkage import febrl4

    ids_a, records_a, ids_b, records_b, truth = febrl4()
    keep = sorted(truth)[:1000]
    index_a = {i: n for n, i in enumerate(ids_a)}
    index_b = {i: n for n, i in enumerate(ids_b)}
    a = [(x, records_a[index_a[x]]) for x, _ in keep]
    b = [(y, records_b[index_b[y]]) for _, y in keep]
    return a, b, set(keep)
