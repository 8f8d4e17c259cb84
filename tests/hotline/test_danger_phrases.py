"""Words of acute danger show 'call 112 now' and put the report first in the queue."""

from pathlib import Path

import pytest

from patroon.hotline import danger, selectors, services
from tests.hotline.conftest import report


def test_the_phrase_file_loads_with_a_version_and_a_source_for_every_group():
    book = danger.load(danger.DEFAULT_FILE)
    assert book.version
    for group in book.groups:
        assert group in book.patterns
    assert set(book.groups) >= {"strangulation", "threat_to_kill", "weapon"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hij heeft me gisteren gewurgd.", ["strangulation"]),
        ("Hij WURGDE haar tot ze niets meer zag", ["strangulation"]),
        ("He said he will kill me", ["threat_to_kill"]),
        ("Hij zei: ik maak je dood", ["threat_to_kill"]),
        ("Hij liep met een mes door het huis", ["weapon"]),
        ("Zij kreeg geen lucht meer", ["strangulation"]),
        ("Het gaat om berichten via messenger", []),
        ("Ik maak me zorgen om mijn buurvrouw", []),
        ("Hij is erg jaloers en leest haar telefoon", []),
    ],
)
def test_phrases_match_whole_words_case_and_accent_insensitive(text, expected):
    assert danger.phrasebook().matches(text) == expected


def test_a_malformed_phrase_file_is_refused(tmp_path: Path):
    bad = tmp_path / "phrases.yaml"
    bad.write_text('version: "1"\nsources: {}\nphrases:\n  x: {sources: [nope], nl: ["a"]}\n')
    with pytest.raises(danger.PhraseFileError, match="unknown source"):
        danger.load(bad)


@pytest.mark.django_db
def test_a_danger_report_lands_first_in_the_queue(operator):
    calm_urgent = report("Ik maak me zorgen.", urgency="now")
    calm = report("Mijn buurman schreeuwt veel.")
    acute = report("Hij heeft haar vannacht gewurgd en zegt dat hij haar vermoordt.")
    assert acute.danger == ["strangulation", "threat_to_kill"]
    assert not calm.danger
    queue = selectors.queue(operator)
    assert [c.pk for c in queue] == [
        acute.conversation.pk,
        calm_urgent.conversation.pk,
        calm.conversation.pk,
    ]


@pytest.mark.django_db
def test_a_later_message_with_danger_words_moves_the_conversation_up(operator):
    older = report("Hij is jaloers.")
    later = report("Hij controleert haar geld.")
    services.reporter_message(later.conversation.pk, "Nu heeft hij een pistool gekocht.", "m1")
    assert [c.pk for c in selectors.queue(operator)][0] == later.conversation.pk
    assert older.conversation.pk != later.conversation.pk


@pytest.mark.django_db
def test_the_api_answers_call_112(client):
    response = client.post(
        "/api/v1/hotline/reports/",
        {"text": "He is outside my door with a knife", "reporter_kind": "victim", "urgency": "now"},
        content_type="application/json",
    )
    assert response.json()["call_112"] is True
