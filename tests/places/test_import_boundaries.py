import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tandem.places.models import LSOA, Area
from tests.factories import make_area

DATA = Path(__file__).parent / "data"
WARDS = DATA / "trafford-wards-2022-sample.geojson"
LSOAS = DATA / "trafford-lsoas-2021-sample.geojson"
LOOKUP = DATA / "trafford-lsoa21-to-ward22-sample.csv"
BNG_WARDS = DATA / "gm-wards-2016-bng-sample.geojson"

pytestmark = pytest.mark.django_db


@pytest.fixture
def trafford() -> Area:
    return make_area(name="Trafford", kind=Area.Kind.DISTRICT, code="E08000009")


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_boundaries", *args, stdout=out)
    return out.getvalue()


def import_wards(parent: Area, path: Path = WARDS, *extra: str) -> str:
    return run(
        str(path),
        "--kind",
        "ward",
        "--parent",
        parent.slug,
        "--name-property",
        "area_name",
        "--code-property",
        "area_code",
        *extra,
    )


def counts() -> tuple[int, int, int, int]:
    return (
        Area.objects.count(),
        LSOA.objects.count(),
        Area.history.count(),
        LSOA.history.count(),
    )


def test_it_imports_each_feature_as_a_ward_with_its_boundary_and_centroid(trafford):
    out = import_wards(trafford, WARDS, "--source", "ONS, OGL v3.0")

    assert "4 created" in out
    wards = Area.objects.filter(parent=trafford, kind=Area.Kind.WARD)
    assert sorted(wards.values_list("name", flat=True)) == ["Clifford", "Gorse Hill", "Longford", "Stretford"]
    stretford = wards.get(code="E05000836")
    assert stretford.slug == "stretford"
    assert stretford.boundary["type"] == "MultiPolygon"
    assert stretford.boundary_source == "ONS, OGL v3.0"
    # The file says Stretford's centre is about 53.446, -2.311.
    assert stretford.centroid_lat == pytest.approx(53.446, abs=0.01)
    assert stretford.centroid_lng == pytest.approx(-2.311, abs=0.01)


def test_importing_the_same_file_twice_adds_and_changes_nothing(trafford):
    import_wards(trafford)
    before = counts()

    out = import_wards(trafford)

    assert "0 created, 0 updated, 4 unchanged" in out
    assert counts() == before


def test_it_updates_an_area_matched_by_code_or_by_name(trafford):
    renamed = make_area(name="Old Stretford name", kind=Area.Kind.WARD, parent=trafford, code="E05000836")
    by_name = make_area(name="Clifford", kind=Area.Kind.WARD, parent=trafford)

    out = import_wards(trafford)

    assert "2 created, 2 updated" in out
    renamed.refresh_from_db()
    by_name.refresh_from_db()
    assert renamed.name == "Stretford"
    assert by_name.code == "E05000825"
    assert by_name.boundary is not None
    assert Area.objects.filter(parent=trafford).count() == 4


def test_it_reprojects_a_british_national_grid_file_to_longitude_and_latitude(trafford):
    out = run(
        str(BNG_WARDS),
        "--kind",
        "ward",
        "--parent",
        trafford.slug,
        "--name-property",
        "wd16nm",
        "--code-property",
        "wd16cd",
    )

    assert "3 created" in out
    for ward in Area.objects.filter(parent=trafford):
        assert 53.3 <= ward.centroid_lat <= 53.7
        assert -2.8 <= ward.centroid_lng <= -1.9
        longitude, latitude = ward.boundary["coordinates"][0][0]
        assert 53.3 <= latitude <= 53.7 and -2.8 <= longitude <= -1.9
    altrincham = Area.objects.get(code="E05000819")
    # The file's own longitude/latitude columns for Altrincham: 53.3907, -2.3546.
    assert altrincham.centroid_lat == pytest.approx(53.3907, abs=0.01)
    assert altrincham.centroid_lng == pytest.approx(-2.3546, abs=0.01)


def test_it_places_lsoas_in_the_ward_whose_boundary_contains_them(trafford):
    import_wards(trafford)

    out = run(str(LSOAS), "--lsoa", "--parent", trafford.slug, "--kind", "ward",
              "--code-property", "area_code", "--name-property", "area_name")  # fmt: skip

    assert "8 created" in out
    lookup = dict(line.split(",")[0:3:2] for line in LOOKUP.read_text().splitlines()[1:])
    for lsoa in LSOA.objects.select_related("area"):
        assert lsoa.census_year == 2021
        assert lsoa.area.code == lookup[lsoa.code]


def test_it_places_lsoas_by_a_lookup_and_twice_adds_nothing(trafford):
    import_wards(trafford)
    args = [str(LSOAS), "--lsoa", "--parent", trafford.slug, "--code-property", "area_code",
            "--name-property", "area_name", "--lookup", str(LOOKUP)]  # fmt: skip

    run(*args)
    before = counts()
    out = run(*args)

    assert LSOA.objects.count() == 8
    assert LSOA.objects.get(code="E01006109").area.code == "E05000825"
    assert "8 unchanged" in out
    assert counts() == before


def test_lsoas_outside_every_area_are_reported_not_placed(trafford):
    ward = make_area(name="Somewhere else", kind=Area.Kind.WARD, parent=trafford)
    ward.boundary = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]}
    ward.save()

    out = run(str(LSOAS), "--lsoa", "--parent", trafford.slug, "--code-property", "area_code",
              "--name-property", "area_name")  # fmt: skip

    assert "8 not placed" in out
    assert LSOA.objects.count() == 0


# --- Bad files: a clear message naming the feature, and nothing written ---------------------------


def write(tmp_path: Path, content: object, name: str = "bad.geojson") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def feature(properties: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.3, 53.4], [-2.3, 53.5], [-2.2, 53.5], [-2.2, 53.4], [-2.3, 53.4]]],
}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[-2.3, 53.4], [-2.2, 53.5], [-2.2, 53.4], [-2.3, 53.5], [-2.3, 53.4]]],
}


def assert_refused(trafford: Area, path: Path, *messages: str, name_property: str = "area_name") -> None:
    before = counts()
    with pytest.raises(CommandError) as error:
        run(str(path), "--kind", "ward", "--parent", trafford.slug, "--name-property", name_property)
    for message in messages:
        assert message in str(error.value)
    assert "Nothing was imported." in str(error.value)
    assert counts() == before


def test_it_refuses_a_file_that_is_not_json(trafford, tmp_path):
    assert_refused(trafford, write(tmp_path, "this is not { json"), "bad.geojson is not valid JSON", "line 1")


def test_it_refuses_json_that_is_not_a_feature_collection(trafford, tmp_path):
    path = write(tmp_path, feature({"area_name": "A", "area_code": "X1"}, SQUARE))
    assert_refused(trafford, path, 'not a GeoJSON FeatureCollection (its type is "Feature")')


def test_it_refuses_a_feature_without_the_name_property_and_lists_those_it_has(trafford, tmp_path):
    path = write(
        tmp_path,
        {
            "type": "FeatureCollection",
            "features": [
                feature({"area_name": "Good", "area_code": "E05999991"}, SQUARE),
                feature({"WD22NM": "Bad", "WD22CD": "E05999992"}, SQUARE),
            ],
        },
    )
    assert_refused(
        trafford, path, 'Feature 2 has no "area_name" property. The properties it has are: WD22CD, WD22NM.'
    )


def test_it_refuses_an_invalid_geometry_naming_the_feature(trafford, tmp_path):
    path = write(
        tmp_path,
        {
            "type": "FeatureCollection",
            "features": [
                feature({"area_name": "Good", "area_code": "E05999991"}, SQUARE),
                feature({"area_name": "Good too", "area_code": "E05999992"}, SQUARE),
                feature({"area_name": "Bow tie", "area_code": "E05999993"}, BOWTIE),
            ],
        },
    )
    assert_refused(trafford, path, "Feature 3 (Bow tie) has an invalid geometry: Self-intersection")


def test_it_refuses_a_point_or_a_missing_geometry(trafford, tmp_path):
    point = write(
        tmp_path,
        {
            "type": "FeatureCollection",
            "features": [
                feature({"area_name": "Pin", "area_code": "E1"}, {"type": "Point", "coordinates": [0, 0]})
            ],
        },
        "point.geojson",
    )
    assert_refused(
        trafford, point, "Feature 1 (Pin) is a Point; boundaries must be a Polygon or MultiPolygon."
    )
    empty = write(
        tmp_path,
        {
            "type": "FeatureCollection",
            "features": [feature({"area_name": "Nowhere", "area_code": "E1"}, None)],
        },
        "empty.geojson",
    )
    assert_refused(trafford, empty, "Feature 1 (Nowhere) has no geometry.")


def test_it_refuses_grid_coordinates_without_a_crs(trafford, tmp_path):
    collection = json.loads(BNG_WARDS.read_text())
    del collection["crs"]
    path = write(tmp_path, collection)
    assert_refused(
        trafford,
        path,
        "Feature 1 (Altrincham) has coordinates outside longitude and latitude",
        "EPSG:27700",
        name_property="wd16nm",
    )


def test_a_bad_feature_late_in_the_file_leaves_the_earlier_ones_unwritten(trafford, tmp_path):
    collection = json.loads(WARDS.read_text())
    collection["features"][3]["geometry"] = BOWTIE
    name = collection["features"][3]["properties"]["area_name"]
    assert_refused(trafford, write(tmp_path, collection), f"Feature 4 ({name}) has an invalid geometry")
    assert not Area.objects.filter(kind=Area.Kind.WARD).exists()


def test_it_refuses_an_unknown_parent_or_a_missing_kind(trafford):
    with pytest.raises(CommandError, match='There is no area with the slug "nowhere"'):
        run(str(WARDS), "--kind", "ward", "--parent", "nowhere", "--name-property", "area_name")
    with pytest.raises(CommandError, match="--kind"):
        run(str(WARDS), "--parent", trafford.slug, "--name-property", "area_name")
    with pytest.raises(CommandError, match="There is no file at"):
        run("/nonexistent/file.geojson", "--kind", "ward", "--name-property", "area_name")
    assert Area.objects.count() == 1


def test_it_refuses_a_lookup_without_the_columns_and_lists_those_it_has(trafford, tmp_path):
    import_wards(trafford)
    before = counts()
    lookup = tmp_path / "lookup.csv"
    lookup.write_text("code,ward\nE01006109,E05000825\n")

    with pytest.raises(CommandError) as error:
        run(str(LSOAS), "--lsoa", "--parent", trafford.slug, "--code-property", "area_code",
            "--name-property", "area_name", "--lookup", str(lookup))  # fmt: skip

    assert "The lookup lookup.csv has no LSOA code column. Its columns are: code, ward." in str(error.value)
    assert counts() == before


def test_a_ward_cannot_be_imported_inside_a_ward(trafford):
    ward = make_area(name="A ward", kind=Area.Kind.WARD, parent=trafford)
    before = counts()

    with pytest.raises(
        CommandError, match=r"Feature 1 \(.*\) cannot be saved: A ward cannot sit inside a ward"
    ):
        import_wards(ward)

    assert counts() == before
