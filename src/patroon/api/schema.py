"""The OpenAPI document as generated from the code (committed as docs/api/openapi.yaml)."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer


def openapi_yaml() -> str:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()
