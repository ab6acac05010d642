"""GET services, GET a service definition and the discovery document, in both formats."""

import pytest

from tandem.problems.models import Category

from .conftest import BASE, children, errors_of, parse

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


def test_the_services_are_the_active_problem_categories_in_xml(client):
    Category.objects.filter(slug="noise").update(is_active=False)

    response = client.get(f"{BASE}/services.xml")

    assert response.status_code == 200
    root = parse(response)
    assert root.tag == "services"
    services = root.findall("service")
    codes = [service.findtext("service_code") for service in services]
    assert codes == list(Category.objects.filter(is_active=True).values_list("slug", flat=True))
    assert "noise" not in codes
    first = services[0]
    assert children(first) == SERVICE_FIELDS
    assert first.findtext("service_name") == "Anti-social behaviour"
    assert first.findtext("metadata") == "true"
    assert first.findtext("type") == "realtime"
    assert first.findtext("keywords") == "Anti-social behaviour"
    assert first.findtext("group") == "Community safety"


def test_the_services_in_json_are_a_list_of_the_same_fields(client):
    response = client.get(f"{BASE}/services.json?jurisdiction_id=castleford.gov.uk")

    assert response.status_code == 200
    services = parse(response)
    assert isinstance(services, list)
    rural = next(service for service in services if service["service_code"] == "rural-crime")
    assert list(rural) == SERVICE_FIELDS
    assert rural["service_name"] == "Rural crime"
    assert rural["metadata"] is True
    assert rural["keywords"] == "Other theft, Burglary, Vehicle crime"


def test_a_service_definition_lists_its_attributes_in_both_formats(client):
    xml = parse(client.get(f"{BASE}/services/drugs.xml"))
    data = parse(client.get(f"{BASE}/services/drugs.json"))

    assert xml.tag == "service_definition"
    assert xml.findtext("service_code") == "drugs"
    attribute = xml.find("attributes/attribute")
    assert children(attribute) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert attribute.findtext("code") == "when"
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert attribute.findtext("required") == "false"
    assert [value.findtext("key") for value in attribute.findall("values/value")] == [
        "daytime",
        "evening",
        "night",
        "all-times",
        "once",
    ]
    assert data["service_code"] == "drugs"
    assert data["attributes"][0]["values"][1] == {"key": "evening", "name": "In the evening"}
    assert data["attributes"][0]["datatype_description"] is None


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_or_inactive_service_is_not_found(client, fmt):
    Category.objects.filter(slug="noise").update(is_active=False)

    for code in ("no-such-thing", "noise"):
        response = client.get(f"{BASE}/services/{code}.{fmt}")

        assert response.status_code == 404
        assert errors_of(response) == [(404, f"service_code “{code}” was not found.")]


def test_discovery_names_this_endpoint_and_its_formats(client):
    xml = parse(client.get(f"{BASE}/discovery.xml"))
    data = parse(client.get(f"{BASE}/discovery.json"))

    assert xml.tag == "discovery"
    assert children(xml) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = xml.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_are_read_in_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(f"{BASE}/services.json")
