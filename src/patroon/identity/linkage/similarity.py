"""String similarity in Python, bit for bit as DuckDB computes it, for incremental scoring.

The batch linkage runs in DuckDB; scoring one new record runs here. A pair must land in the
same comparison level on both paths, so Jaro-Winkler follows DuckDB's implementation (the
rapidfuzz algorithm: match window ``max(len) // 2 - 1``, prefix of at most 4 characters,
weight 0.1, boost only above 0.7) and Bloom-filter similarity is an integer popcount.
"""

from __future__ import annotations


def jaro(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    matched_b = [False] * len(b)
    a_matches = []
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not matched_b[j] and b[j] == char:
                matched_b[j] = True
                a_matches.append(char)
                break
    matches = len(a_matches)
    if not matches:
        return 0.0
    b_matches = [char for j, char in enumerate(b) if matched_b[j]]
    transpositions = sum(x != y for x, y in zip(a_matches, b_matches, strict=True)) // 2
    return (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3.0


def jaro_winkler(a: str, b: str) -> float:
    similarity = jaro(a, b)
    if similarity > 0.7:
        prefix = 0
        for x, y in zip(a[:4], b[:4], strict=False):
            if x != y:
                break
            prefix += 1
        similarity += prefix * 0.1 * (1.0 - similarity)
    return similarity


def common_bits(a: int, b: int) -> int:
    """Set bits two Bloom filters share (``bit_count(l & r)`` summed over words in SQL)."""
    return (a & b).bit_count()
