"""The ``patroon-encode`` command: CSV or JSON Lines of person records in, encodings out.

The secret is read from a key file (``--key-file``) or the ``PATROON_ENCODE_KEY`` environment
variable, never from the command line, where it would end up in shell history and process
lists. The output holds the record id, keyed tokens and filters: no plaintext identifier.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from pathlib import Path

from patroon_encode.encoder import BLOOM_FIELDS, Encoder, Parameters
from patroon_encode.fields import FIELDS

KEY_ENV = "PATROON_ENCODE_KEY"
INPUT_KEYS = (
    "bsn",
    "given_names",
    "surname_prefix",
    "surname",
    "date_of_birth",
    "street",
    "house_number",
    "postcode",
    "city",
    "phone",
    "email",
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="patroon-encode",
        description="Encode person records (CSV or JSON Lines) into keyed tokens and "
        f"hardened Bloom filters. The secret comes from --key-file or ${KEY_ENV}.",
    )
    parser.add_argument("input", help="CSV (.csv) or JSON Lines file; '-' for standard input")
    parser.add_argument("-o", "--output", default="-", help="JSON Lines output (default: -)")
    parser.add_argument(
        "--format", choices=("csv", "jsonl"), help="input format (default: by name)"
    )
    parser.add_argument("--key-file", type=Path, help=f"file holding the secret (else ${KEY_ENV})")
    parser.add_argument("--id-column", default="id", help="record id column (default: id)")
    parser.add_argument("--bloom-bits", type=int, default=Parameters.bloom_bits)
    parser.add_argument("--bloom-hashes", type=int, default=Parameters.bloom_hashes)
    parser.add_argument("--no-balance", action="store_true", help="do not balance the filters")
    parser.add_argument(
        "--salt",
        action="append",
        default=[],
        metavar="FIELD=SOURCE",
        help=f"salt the filter of FIELD ({', '.join(BLOOM_FIELDS)}) with SOURCE "
        f"(one of: {', '.join(FIELDS)}), e.g. street=postcode_area",
    )
    return parser


def _secret(key_file: Path | None) -> bytes:
    if key_file is not None:
        secret = key_file.read_bytes().strip()
    else:
        secret = os.environ.get(KEY_ENV, "").strip().encode()
    if len(secret) < 16:
        raise SystemExit(
            f"patroon-encode: no secret of at least 16 bytes (--key-file or ${KEY_ENV})"
        )
    return secret


def _read(path: str, fmt: str | None) -> list[dict]:
    fmt = fmt or ("csv" if path.lower().endswith(".csv") else "jsonl")
    opened = open(path, encoding="utf-8", newline="") if path != "-" else None  # noqa: SIM115
    with opened or contextlib.nullcontext(sys.stdin) as stream:
        if fmt == "csv":
            return list(csv.DictReader(stream))
        return [json.loads(line) for line in stream if line.strip()]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    secret = _secret(args.key_file)
    try:
        salt = dict(item.split("=", 1) for item in args.salt)
        parameters = Parameters(args.bloom_bits, args.bloom_hashes, not args.no_balance, salt)
    except ValueError as error:
        raise SystemExit(f"patroon-encode: {error}") from error
    rows = _read(args.input, args.format)
    ids = [row.get(args.id_column, i) for i, row in enumerate(rows)]
    records = [{key: row.get(key) or None for key in INPUT_KEYS} for row in rows]
    batch = Encoder(secret, parameters).encode(records, ids)
    opened = open(args.output, "w", encoding="utf-8") if args.output != "-" else None  # noqa: SIM115
    with opened or contextlib.nullcontext(sys.stdout) as out:
        out.write(json.dumps(batch.header()) + "\n")
        for record in batch.records():
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
