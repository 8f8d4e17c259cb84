"""Context linkage: a weak mention joins the one person its signal's context points to."""

import pytest

from patroon.identity.linkage import plaintext_row, plaintext_source, train
from patroon.identity.linkage.context import Mention, apply, context_links

VICTIM, PERPETRATOR = "victim", "alleged_perpetrator"


@pytest.fixture(scope="module")
def model(febrl_sample):
    a, b, _ = febrl_sample
    return train(*(plaintext_source([r for _, r in f], [i for i, _ in f]) for f in (a, b)))


def _world(partners: dict[str, dict], weak: dict) -> tuple[dict, dict, dict]:
    """Victim V named with each partner in a police signal of its own, and in a helpline call
    with the weak mention; V's records form one base cluster, every other record its own."""
    victim = {"given_names": "Anna", "surname": "Jansen", "date_of_birth": "1990-02-03"}
    rows, mentions, base = {}, {}, {}
    for n, (name, identifiers) in enumerate(partners.items()):
        signal = ("politie", f"POL-{n}")
        rows[f"v{n}"], mentions[f"v{n}"], base[f"v{n}"] = victim, Mention(signal, VICTIM), "v0"
        rows[name], mentions[name], base[name] = identifiers, Mention(signal, PERPETRATOR), name
    call = ("hulplijn", "HL-1")
    rows["call-v"], mentions["call-v"], base["call-v"] = victim, Mention(call, VICTIM), "v0"
    rows["call-p"], mentions["call-p"], base["call-p"] = weak, Mention(call, PERPETRATOR), "call-p"
    return {k: plaintext_row(v) for k, v in rows.items()}, mentions, base


DAAN = {"given_names": "Daan", "surname": "Visser", "date_of_birth": "1988-05-06", "sex": "M"}


def test_the_only_compatible_partner_is_linked_with_its_evidence(model):
    rows, mentions, base = _world({"p": DAAN}, {"given_names": "Daan", "sex": "M"})
    links, ambiguous = context_links(model, rows, mentions, base)
    final, applied = apply(model, rows, base, links)
    assert final["call-p"] == final["p"] and not ambiguous
    explained = applied[0].explain()
    assert "hulplijn/HL-1" in explained and "given_name: exact" in explained
    assert "the only compatible candidate" in explained


def test_two_different_compatible_partners_link_neither(model):
    dirk = {**DAAN, "given_names": "Dirk", "date_of_birth": "1970-01-01"}
    rows, mentions, base = _world({"p": DAAN, "q": dirk}, {"given_names": "D.", "sex": "M"})
    links, ambiguous = context_links(model, rows, mentions, base)
    final, _ = apply(model, rows, base, links)
    assert final["call-p"] not in (final["p"], final["q"])
    assert [a.record for a in ambiguous] == ["call-p"]


@pytest.mark.parametrize(
    "weak",
    [
        {"given_names": "Sem", "sex": "M"},  # another name
        {"given_names": "Daan", "sex": "F"},  # another sex
        {"given_names": "Daan", "bsn": "111222333"},  # a BSN the partner does not have
    ],
)
def test_an_incompatible_or_conflicting_mention_is_not_linked(model, weak):
    partner = {**DAAN, "bsn": "123456782"}
    rows, mentions, base = _world({"p": partner}, weak)
    links, _ = context_links(model, rows, mentions, base)
    final, _ = apply(model, rows, base, links)
    assert final["call-p"] != final["p"]
