"""Tandem's answers beside the specification's own example documents (tests/open311/fixtures/,
sources in its README): the same element names in the same order, and in JSON the same fields
with the same kinds of value."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from .conftest import BASE, FIXTURES, children, parse

pytestmark = pytest.mark.django_db


def spec_xml(name: str):
    return ET.parse(FIXTURES / name).getroot()  # noqa: S314 (the spec's example, in the repository)


def spec_json(name: str):
    """The spec's JSON example; its bare numbers with leading zeros (001) are quoted first."""
    return json.loads(re.sub(r":\s*(0\d+)", r':"\1"', (FIXTURES / name).read_text()))


def kind(value) -> str:
    """The JSON kind of a value, numbers and numeric strings alike being identifiers."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "scalar"


def shape(element) -> list:
    """The element's tree of names: [tag, [children's shapes…]] (leaves just their tag)."""
    inner = list(element)
    return [element.tag, [shape(child) for child in inner]] if inner else element.tag


def test_services_xml_has_the_examples_elements_in_order(client):
    ours = parse(client.get(f"{BASE}/services.xml"))
    spec = spec_xml("services.xml")

    assert ours.tag == spec.tag == "services"
    assert {child.tag for child in ours} == {"service"}
    assert children(ours[0]) == children(spec[0])


def test_services_json_matches_the_example_field_by_field(client):
    ours = parse(client.get(f"{BASE}/services.json"))
    spec = spec_json("services.json")

    assert isinstance(ours, list)
    assert list(ours[0]) == list(spec[0])
    for field, value in spec[0].items():
        assert kind(ours[0][field]) == kind(value), field
    assert ours[0]["metadata"] is True and spec[0]["metadata"] is True


def test_a_service_definition_has_the_examples_tree_in_both_formats(client):
    ours_xml = parse(client.get(f"{BASE}/services/noise.xml"))
    spec = spec_xml("service_definition.xml")
    ours_json = parse(client.get(f"{BASE}/services/noise.json"))
    spec_data = spec_json("service_definition.json")

    assert shape(ours_xml)[0] == shape(spec)[0] == "service_definition"
    assert children(ours_xml) == children(spec)
    ours_attribute, spec_attribute = ours_xml.find("attributes/attribute"), spec.find("attributes/attribute")
    assert children(ours_attribute) == children(spec_attribute)
    assert shape(ours_attribute.find("values/value")) == shape(spec_attribute.find("values/value"))
    assert list(ours_json) == list(spec_data)
    attribute, spec_attribute_json = ours_json["attributes"][0], spec_data["attributes"][0]
    assert list(attribute) == list(spec_attribute_json)
    for field, value in spec_attribute_json.items():
        assert kind(attribute[field]) == kind(value), field
    assert list(attribute["values"][0]) == list(spec_attribute_json["values"][0])


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_error_has_the_examples_shape(client, fmt):
    response = client.post(f"{BASE}/requests.{fmt}", {"api_key": "not-a-key", "service_code": "drugs"})

    assert response.status_code == 403
    ours = parse(response)
    if fmt == "xml":
        spec = spec_xml("errors.xml")
        assert shape(ours) == shape(spec) == ["errors", [["error", ["code", "description"]]]]
        assert ours.findtext("error/code") == spec.findtext("error/code") == "403"
    else:
        spec = spec_json("errors.json")
        assert [list(row) for row in ours] == [list(row) for row in spec]
        assert ours[0]["code"] == spec[0]["code"] == 403
