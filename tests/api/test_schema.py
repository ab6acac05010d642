import re

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from tests.factories import Cast

READ_ONLY = ["partnerships", "stakeholder-kinds", "group-types"]


def test_the_schema_is_valid_openapi_3(client, db) -> None:
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate_schema(document)  # against the OpenAPI 3 JSON Schema; raises if invalid
    paths = document["paths"]
    for collection in ["areas", "organisations", "groups", "memberships", *READ_ONLY]:
        assert f"/api/v1/{collection}/" in paths
    groups = {p["name"] for p in paths["/api/v1/groups/"]["get"]["parameters"]}
    assert {"type", "area", "parent", "partnership", "page"} <= groups
    memberships = {p["name"] for p in paths["/api/v1/memberships/"]["get"]["parameters"]}
    assert {"group", "current"} <= memberships
    assert "delete" in paths["/api/v1/memberships/{id}/"]
    for collection in READ_ONLY:
        assert set(paths[f"/api/v1/{collection}/"]) == {"get"}


def test_the_docs_page_renders_from_local_files(client, db) -> None:
    response = client.get(reverse("api-explorer"))

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources  # nothing from another site
    assert "<script>" not in html  # the page's script is a separate file the CSP allows


def test_the_docs_script_points_at_the_schema(client, db) -> None:
    response = client.get(reverse("api-explorer") + "?script=")

    assert response.status_code == 200
    assert reverse("api-schema") in response.content.decode()


@pytest.mark.parametrize("name", ["api-docs", "api-explorer", "api-redoc", "api-schema"])
def test_the_docs_are_public(client, cast: Cast, name: str) -> None:
    assert client.get(reverse(name)).status_code == 200


def test_the_docs_page_may_use_its_inline_styles_but_no_inline_script(client, db) -> None:
    policy = client.get(reverse("api-explorer"))["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" in directives["style-src"]
    assert "'unsafe-inline'" not in directives["script-src"]


def test_the_reference_page_lists_every_operation_in_the_design_system(client, db) -> None:
    schema = client.get(reverse("api-schema") + "?format=json").json()
    operations = [
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    ]

    response = client.get(reverse("api-docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en-GB"' in html
    assert "govuk-table" in html
    for method, path in operations:
        assert f"{method}</strong> <code>{path}</code>" in html, (method, path)
    assert reverse("api-explorer") in html
