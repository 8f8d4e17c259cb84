"""Export of the evidence log for court, and import of such an export into another system.

COMETA (Spain) lost its location history in a change of provider, and breaches could no
longer be proven. So the log leaves the system as plain CSV with a signed manifest that a
court checks without Patroon (``manifest.py``), and the same files bring it back, losslessly:
an export of the imported log is byte for byte the same CSV.

Device secret hashes are not evidence but a credential: they are exported only for a
migration (``with_credentials``). Without them, imported devices cannot sign in over HTTPS
until they are given a new secret.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from patroon.audit.services import record
from patroon.cases.models import Measure
from patroon.db.bulk import insert_rows
from patroon.proximity import manifest
from patroon.proximity.evidence_tables import (
    CREDENTIALS,
    DEVICES,
    PAIRS,
    TABLES,
    Scope,
    Table,
    write_time,
)
from patroon.proximity.manifest import VerifyResult, verify_export
from patroon.proximity.models import DevicePair, Ping
from patroon.security.secrets import read_or_create

__all__ = ["EvidenceError", "Manifest", "VerifyResult", "export_evidence", "import_evidence"]
__all__ += ["resolve_pairs", "signing_key", "verify_export"]

BATCH = 2000
PROGRESS_EVERY = 5000
# progress(table name, rows done, rows in total)
Progress = Callable[[str, int, int], None]


class EvidenceError(ValueError):
    """The export or import cannot be done; the message says why, for the operator."""


@dataclass(frozen=True)
class Manifest:
    directory: Path
    body: dict
    sha256: str  # of manifest.json: the audit trail names the export by it


def signing_key():
    """The system's Ed25519 key for manifests, created on first use as a 0600 secret file."""
    path = Path(settings.PATROON_EVIDENCE_KEY_FILE)
    return manifest.load_private_key(read_or_create(path, manifest.new_private_key))


def resolve_pairs(values: list[str]) -> list[uuid.UUID]:
    """Pairs by reference (``DP-…``) or id; an unknown one is an error, not an empty export."""
    ids = {}
    for value in values:
        with contextlib.suppress(ValueError):
            ids[value] = uuid.UUID(value)
    found = dict(
        DevicePair.objects.filter(Q(reference__in=values) | Q(pk__in=ids.values())).values_list(
            "reference", "pk"
        )
    )
    unknown = [v for v in values if v not in found and ids.get(v) not in found.values()]
    if unknown:
        raise EvidenceError(f"Unknown device pair: {', '.join(unknown)}.")
    return sorted(set(found.values()), key=str)


@contextlib.contextmanager
def _snapshot():
    """One consistent view of every table while ingest goes on writing (SQLite gives it to a
    read transaction; PostgreSQL needs REPEATABLE READ)."""
    alias = router.db_for_read(Ping)
    connection = connections[alias]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _create_private(path: Path):
    """Decrypted special category data: readable by the exporting user only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "w", newline="", encoding="utf-8")


def _write_table(out: Path, table: Table, scope: Scope, progress: Progress | None) -> dict:
    total = table.queryset(scope).count() if progress else 0
    rows = 0
    with _create_private(out / table.file) as handle:
        writer = csv.writer(handle)
        writer.writerow(table.headers)
        for values in table.rows(scope):
            writer.writerow(table.write(values))
            rows += 1
            if progress and rows % PROGRESS_EVERY == 0:
                progress(table.name, rows, total)
    if progress:
        progress(table.name, rows, total)
    return manifest.file_entry(out / table.file, table=table.name, columns=table.headers, rows=rows)


def _scope_text(scope: Scope) -> dict:
    return {
        "pairs": "all" if scope.pair_ids is None else [str(p) for p in scope.pair_ids],
        "since": scope.since and write_time(scope.since),
        "until": scope.until and write_time(scope.until),
    }


def export_evidence(
    actor,
    out_dir,
    pair_ids=None,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    with_credentials: bool = False,
    progress: Progress | None = None,
) -> Manifest:
    """Write the log (all pairs, or ``pair_ids``; rows in [since, until)) into ``out_dir``,
    which must be new or empty: an export is never written over another."""
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise EvidenceError(f"{out} exists and is not an empty directory.")
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    scope = Scope(tuple(pair_ids) if pair_ids is not None else None, since, until)
    tables = [PAIRS, DEVICES, *([CREDENTIALS] if with_credentials else []), *TABLES[2:]]
    written = [t.file for t in tables] + [manifest.README, manifest.PUBLIC_KEY_PEM]
    written += [manifest.MANIFEST, manifest.SIGNATURE]
    key = signing_key()
    export_id = str(uuid.uuid4())
    try:
        with _snapshot():
            files = [_write_table(out, table, scope, progress) for table in tables]
        info = manifest.key_info(key.public_key())
        (out / manifest.README).write_text(
            manifest.README_TEXT.format(export_id=export_id, fingerprint=info["fingerprint"])
        )
        (out / manifest.PUBLIC_KEY_PEM).write_bytes(manifest.public_pem(key.public_key()))
        files += [manifest.file_entry(out / manifest.README)]
        files += [manifest.file_entry(out / manifest.PUBLIC_KEY_PEM)]
        body = {
            "format": manifest.FORMAT,
            "export_id": export_id,
            "created_at": write_time(timezone.now()),
            "created_by": actor.username,
            "scope": _scope_text(scope) | {"credentials": with_credentials},
            "files": files,
            "signing_key": info,
        }
        digest = hashlib.sha256(manifest.sign(out, body, key)).hexdigest()
        rows = sum(entry.get("rows", 0) for entry in files)
        record(
            actor,
            "export",
            "proximity.Evidence",
            export_id,
            f"{rows} rows{' with credentials' if with_credentials else ''}; manifest {digest}",
        )
    except BaseException:
        for name in written:
            (out / name).unlink(missing_ok=True)
        raise
    return Manifest(out, body, digest)


def _hashed_lines(handle, digest) -> Iterator[str]:
    for line in handle:
        digest.update(line)
        yield line.decode("utf-8")


def _csv_rows(directory: Path, entry: dict, headers: tuple[str, ...]) -> Iterator[tuple]:
    """(line number, cells); the bytes are hashed again as they are read, so a file changed
    after verification is refused too."""
    name, digest = entry["name"], hashlib.sha256()
    with (directory / name).open("rb") as handle:
        reader = csv.reader(_hashed_lines(handle, digest))
        if tuple(next(reader, ())) != headers:
            raise EvidenceError(f"{name}: the columns are not those of {manifest.FORMAT}.")
        for cells in reader:
            if len(cells) != len(headers):
                raise EvidenceError(f"{name} line {reader.line_num}: {len(cells)} cells.")
            yield reader.line_num, cells
    if digest.hexdigest() != entry["sha256"]:
        raise EvidenceError(f"{name} changed while it was being imported.")


def _insert(table: Table, fields: list[str], batch: list[list]) -> None:
    present = table.model.objects.filter(pk__in=[row[0] for row in batch])
    existing = [str(pk) for pk in present.values_list("pk", flat=True)[:5]]
    if existing:
        raise EvidenceError(
            f"{table.name} {', '.join(existing)} already in this database: evidence is "
            "never overwritten or merged. Import into a system without this log."
        )
    if table is PAIRS:
        wanted = {row[2] for row in batch if row[2] is not None}
        missing = wanted - set(Measure.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        if missing:
            raise EvidenceError(
                f"Protective measures {sorted(missing)} are not in this database: "
                "migrate the cases first."
            )
    insert_rows(table.model, fields, batch)


def _import_table(
    directory: Path, table: Table, entry: dict, credentials: dict, progress: Progress | None
) -> int:
    fields = table.fields + (["secret_hash"] if table is DEVICES else [])
    batch, done = [], 0
    for line, cells in _csv_rows(directory, entry, table.headers):
        try:
            values = table.read(cells)
        except (ValueError, KeyError, TypeError) as exc:
            raise EvidenceError(f"{entry['name']} line {line}: {exc}") from exc
        if table is DEVICES:
            values.append(credentials.get(values[0], ""))
        batch.append(values)
        if len(batch) == BATCH:
            _insert(table, fields, batch)
            done += len(batch)
            batch = []
            if progress and done % PROGRESS_EVERY == 0:
                progress(table.name, done, entry["rows"])
    if batch:
        _insert(table, fields, batch)
        done += len(batch)
    if progress:
        progress(table.name, done, entry["rows"])
    return done


def import_evidence(
    actor, directory, *, expected_fingerprint: str | None = None, progress=None
) -> dict[str, int]:
    """Verify, then insert every row with its original id in one transaction (positions,
    zones and notes encrypted under this system's key). Refused when any row is already here."""
    directory = Path(directory)
    result = verify_export(directory, expected_fingerprint)
    if not result.valid:
        problems = "; ".join(f"{p.file}: {p.detail}" for p in result.problems)
        raise EvidenceError(f"The export does not verify: {problems}")
    if result.manifest.get("format") != manifest.FORMAT:
        raise EvidenceError(
            f"The export is {result.manifest.get('format')}; this version imports only "
            f"{manifest.FORMAT}. It still verifies as evidence."
        )
    entries = {e["table"]: e for e in result.manifest["files"] if "table" in e}
    missing = [t.file for t in TABLES if t.name not in entries]
    if missing:
        raise EvidenceError(f"The export lacks {', '.join(missing)}.")
    credentials = {}
    if CREDENTIALS.name in entries:
        rows = _csv_rows(directory, entries[CREDENTIALS.name], CREDENTIALS.headers)
        credentials = {device: digest for _, (device, digest) in rows}
    alias = router.db_for_write(Ping)
    connection = connections[alias]
    counts = {}
    try:
        with transaction.atomic(using=alias):
            for table in TABLES:
                counts[table.name] = _import_table(
                    directory, table, entries[table.name], credentials, progress
                )
            connection.check_constraints(table_names=[t.model._meta.db_table for t in TABLES])
            models = [t.model for t in TABLES]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            record(
                actor,
                "create",
                "proximity.Evidence",
                result.manifest["export_id"],
                f"imported {sum(counts.values())} rows; manifest {result.manifest_sha256}; "
                f"signed by {result.fingerprint}",
            )
    except IntegrityError as exc:
        raise EvidenceError(f"The export conflicts with this database: {exc}") from exc
    return counts
