"""The committed OpenAPI document matches the code, and the API follows the NL API rules."""

from pathlib import Path

import pytest
import yaml

from patroon.api.schema import openapi_yaml
from tests import factories

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_committed_openapi_matches_the_code():
    assert openapi_yaml() == COMMITTED.read_text(encoding="utf-8"), (
        "docs/api/openapi.yaml is out of date: run `make openapi` and commit it"
    )


def test_contract_follows_the_nl_api_design_rules():
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (method, path)


@pytest.mark.django_db
def test_schema_and_docs_are_served_from_local_assets(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and schema["API-version"] == "1.0.0"
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.django_db
def test_malformed_json_is_a_problem(org):
    response = factories.api_client(org).post(
        "/api/v1/signals/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400


@pytest.mark.django_db
def test_every_invalid_field_is_listed(org):
    data = factories.payload(source_reference="")
    data["behaviours"] = ["threat_to_kill", "nonsense"]
    data["occurred"] = {"start": "2020-13-01"}
    del data["relationship"]
    response = factories.api_client(org).post(
        "/api/v1/signals/", data, content_type="application/json"
    )
    names = {p["name"] for p in response.json()["invalid-params"]}
    assert names == {"source_reference", "behaviours[1]", "occurred.start", "relationship"}


@pytest.mark.django_db
def test_bad_paging_parameters_are_a_problem(org):
    response = factories.api_client(org).get("/api/v1/signals/?limit=abc")
    assert response.status_code == 400
    assert response.json()["invalid-params"][0]["name"] == "limit"


@pytest.mark.django_db
def test_unknown_api_path_is_a_problem(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
