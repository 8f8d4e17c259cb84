import json

import numpy as np

from patroon_encode import Encoder, Parameters
from patroon_encode.cli import main

RECORDS = [
    {
        "given_names": "Fatima",
        "surname_prefix": "van der",
        "surname": "Berg-Jansen",
        "date_of_birth": "1987-06-21",
        "street": "Kerkstraat",
        "house_number": "112b",
        "postcode": "3011 AB",
        "city": "Rotterdam",
        "phone": "06-98765432",
        "email": "f.berg@example.org",
        "bsn": "111222333",
    },
    {"given_names": "Johannes", "surname": "Dekker", "date_of_birth": "1979-01-30"},
]


def _plain_values(records):
    values = set()
    for record in records:
        for value in record.values():
            text = str(value)
            values |= {text, text.lower(), text.lower().replace(" ", ""), text.replace("-", "")}
    return {v for v in values if len(v) >= 3}


def test_cli_output_holds_no_plaintext(tmp_path, monkeypatch):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"r{i}", **r}) + "\n" for i, r in enumerate(RECORDS))
    )
    key = tmp_path / "key"
    key.write_bytes(b"a shared secret of the organisations")
    out = tmp_path / "out.jsonl"
    assert main([str(source), "--key-file", str(key), "-o", str(out)]) == 0
    data = out.read_bytes()
    for value in _plain_values(RECORDS):
        assert value.encode() not in data, value
    lines = [json.loads(line) for line in data.splitlines()]
    assert lines[0]["parameters"]["balance"] is True
    assert [line["id"] for line in lines[1:]] == ["r0", "r1"]


def test_cli_reads_the_key_from_the_environment(tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.csv"
    source.write_text("id,given_names,surname\nx1,Anna,Jansen\n")
    monkeypatch.setenv("PATROON_ENCODE_KEY", "another secret of sixteen bytes or more")
    assert main([str(source)]) == 0
    assert "Jansen" not in capsys.readouterr().out


def test_deterministic_per_key_and_different_between_keys():
    first = Encoder(b"k" * 32).encode(RECORDS)
    again = Encoder(b"k" * 32).encode(RECORDS)
    other = Encoder(b"o" * 32).encode(RECORDS)
    assert first.records() == again.records()
    assert first.tokens["surname"][0] != other.tokens["surname"][0]
    assert not np.array_equal(first.blooms["surname"], other.blooms["surname"])
    assert first.key_id != other.key_id


def test_balanced_filters_have_constant_weight():
    batch = Encoder(b"k" * 32, Parameters(bloom_bits=256)).encode(RECORDS)
    weights = np.unpackbits(batch.blooms["given_name"].view(np.uint8), axis=1).sum(axis=1)
    assert set(weights.tolist()) == {256}
