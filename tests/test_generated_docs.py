from pathlib import Path

from patroon.accounts.permissions import permissions_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"


def test_permissions_doc_matches_the_code():
    assert DOC.read_text(encoding="utf-8") == permissions_markdown(), (
        "docs/permissions.md is out of date: run `make openapi` (regenerates it) and commit"
    )
