"""Write a police.uk-shaped street file for England and Wales: one national month of crime and ASB.

    .venv/bin/python bench/generate_police_month.py OUT.csv [--rows 550000] [--month 2024-01]
        [--seed 1] [--shift-months 0]

The file is exactly police.uk's street format (the 12-column header, CRLF line ends, UTF-8,
6-decimal coordinates, an empty Context) and shaped like the real thing, so an importer
meets the same work as on national data:

- the 43 territorial forces under their police.uk names (Reported by = Falls within); each of
  the 339 local authority districts of ``ew-lad-339-codes-only.geojson`` is given to a force:
  City of London, the other London boroughs to the Met, the rest to the nearest force
  headquarters of its own country (approximate near force borders);
- incidents clustered around town centres picked inside the district polygons, with a
  heavy-tailed (Pareto) size and a Gaussian spread of a few hundred metres to a few km, then
  snapped to a limited set of anonymised map points per cluster, busier near the centre, so
  about 5–10 rows share a point, as police.uk's "on or near" points do;
- each map point has one location ("On or near <street>", a public place such as
  "Supermarket", the bare "On or near " police.uk also writes, or one with a comma and so
  quoted: "Asda, Leicester") and one LSOA (a ~700 m grid cell of its district: ``E01012345`` /
  ``Leicester 034B`` in shape; the names are real towns, the nearest to each district, not ONS's);
- the national crime-type mix (violence and sexual offences about a third, ASB about a
  quarter); ASB rows have no Crime ID and no outcome; 64-hex Crime IDs, about 0.3% of rows
  repeating another crime's ID a little further down the file, at another point; about 1.5%
  "No Location" rows with no coordinates or LSOA; rows in police.uk's order (force, LSOA name,
  crime type, No Location last).

The same seed writes the same file. ``--shift-months N`` writes the same rows N months later
with new Crime IDs (police.uk's IDs are per crime), for loading several months.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.strtree import STRtree

LAD_BOUNDARIES = Path("/work/shared/data/real/boundaries/ew-lad-339-codes-only.geojson")
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
METRES_PER_DEGREE = 111_320.0
ROWS_PER_CLUSTER = 150
ROWS_PER_POINT = 8  # map points made per cluster row; the busier ones near the centre take more
NO_LOCATION_SHARE = 0.015
REPEATED_ID_SHARE = 0.005
WRITE_ROWS = 50_000
# Mean population by kind of district, relative to a shire district (E07): metropolitan boroughs
# (E08) and London boroughs (E09) are three times and two and a half times as populous.
DISTRICT_WEIGHT = {"E06": 2.0, "E07": 1.0, "E08": 3.0, "E09": 2.5, "W06": 1.3}

# (police.uk name, headquarters longitude, latitude, country); the City and the Met go by code.
FORCES = (
    ("Avon and Somerset Constabulary", -2.75, 51.25, "E"),
    ("Bedfordshire Police", -0.45, 52.05, "E"),
    ("Cambridgeshire Constabulary", 0.00, 52.35, "E"),
    ("Cheshire Constabulary", -2.55, 53.20, "E"),
    ("City of London Police", -0.09, 51.515, "London"),
    ("Cleveland Police", -1.20, 54.55, "E"),
    ("Cumbria Constabulary", -2.90, 54.55, "E"),
    ("Derbyshire Constabulary", -1.60, 53.05, "E"),
    ("Devon & Cornwall Police", -4.30, 50.50, "E"),
    ("Dorset Police", -2.20, 50.75, "E"),
    ("Durham Constabulary", -1.75, 54.70, "E"),
    ("Dyfed-Powys Police", -4.00, 52.10, "W"),
    ("Essex Police", 0.55, 51.80, "E"),
    ("Gloucestershire Constabulary", -2.20, 51.85, "E"),
    ("Greater Manchester Police", -2.30, 53.50, "E"),
    ("Gwent Police", -3.00, 51.70, "W"),
    ("Hampshire Constabulary", -1.25, 51.00, "E"),
    ("Hertfordshire Constabulary", -0.25, 51.80, "E"),
    ("Humberside Police", -0.50, 53.70, "E"),
    ("Kent Police", 0.75, 51.20, "E"),
    ("Lancashire Constabulary", -2.60, 53.85, "E"),
    ("Leicestershire Police", -1.10, 52.65, "E"),
    ("Lincolnshire Police", -0.30, 53.10, "E"),
    ("Merseyside Police", -2.95, 53.42, "E"),
    ("Metropolitan Police Service", -0.12, 51.50, "London"),
    ("Norfolk Constabulary", 1.00, 52.65, "E"),
    ("North Wales Police", -3.60, 53.10, "W"),
    ("North Yorkshire Police", -1.30, 54.10, "E"),
    ("Northamptonshire Police", -0.90, 52.30, "E"),
    ("Northumbria Police", -1.70, 55.10, "E"),
    ("Nottinghamshire Police", -1.10, 53.10, "E"),
    ("South Wales Police", -3.50, 51.55, "W"),
    ("South Yorkshire Police", -1.35, 53.45, "E"),
    ("Staffordshire Police", -2.05, 52.85, "E"),
    ("Suffolk Constabulary", 1.05, 52.20, "E"),
    ("Surrey Police", -0.40, 51.25, "E"),
    ("Sussex Police", -0.20, 50.90, "E"),
    ("Thames Valley Police", -1.00, 51.65, "E"),
    ("Warwickshire Police", -1.55, 52.30, "E"),
    ("West Mercia Police", -2.60, 52.40, "E"),
    ("West Midlands Police", -1.90, 52.48, "E"),
    ("West Yorkshire Police", -1.65, 53.75, "E"),
    ("Wiltshire Police", -1.90, 51.35, "E"),
)

# Towns that name the LSOAs (each district takes the nearest of its country): (name, lon, lat, country).
TOWNS = (
    ("Newcastle upon Tyne", -1.61, 54.98, "E"), ("Sunderland", -1.38, 54.91, "E"),
    ("County Durham", -1.57, 54.78, "E"), ("Middlesbrough", -1.23, 54.57, "E"),
    ("Darlington", -1.55, 54.52, "E"), ("Carlisle", -2.93, 54.89, "E"), ("Lancaster", -2.80, 54.05, "E"),
    ("South Lakeland", -2.75, 54.33, "E"), ("Barrow-in-Furness", -3.23, 54.11, "E"),
    ("Blackpool", -3.05, 53.82, "E"), ("Preston", -2.70, 53.76, "E"),
    ("Blackburn with Darwen", -2.48, 53.75, "E"),
    ("Burnley", -2.24, 53.79, "E"), ("Bolton", -2.43, 53.58, "E"), ("Wigan", -2.63, 53.55, "E"),
    ("Manchester", -2.24, 53.48, "E"), ("Oldham", -2.11, 53.54, "E"), ("Stockport", -2.16, 53.41, "E"),
    ("Liverpool", -2.98, 53.41, "E"), ("Wirral", -3.07, 53.37, "E"), ("St. Helens", -2.74, 53.45, "E"),
    ("Warrington", -2.59, 53.39, "E"), ("Cheshire West and Chester", -2.89, 53.19, "E"),
    ("Cheshire East", -2.44, 53.10, "E"), ("Leeds", -1.55, 53.80, "E"), ("Bradford", -1.75, 53.79, "E"),
    ("Wakefield", -1.50, 53.68, "E"), ("Kirklees", -1.78, 53.65, "E"), ("Calderdale", -1.86, 53.72, "E"),
    ("Harrogate", -1.54, 53.99, "E"), ("York", -1.08, 53.96, "E"), ("Scarborough", -0.40, 54.28, "E"),
    ("Kingston upon Hull", -0.33, 53.74, "E"), ("Doncaster", -1.13, 53.52, "E"),
    ("Sheffield", -1.47, 53.38, "E"), ("Rotherham", -1.36, 53.43, "E"), ("Barnsley", -1.48, 53.55, "E"),
    ("Lincoln", -0.54, 53.23, "E"), ("Boston", -0.02, 52.98, "E"),
    ("North East Lincolnshire", -0.08, 53.57, "E"),
    ("Nottingham", -1.15, 52.95, "E"), ("Mansfield", -1.20, 53.14, "E"), ("Derby", -1.48, 52.92, "E"),
    ("Chesterfield", -1.42, 53.24, "E"), ("Stoke-on-Trent", -2.18, 53.00, "E"),
    ("Stafford", -2.12, 52.81, "E"),
    ("Telford and Wrekin", -2.45, 52.68, "E"), ("Shropshire", -2.75, 52.71, "E"),
    ("Wolverhampton", -2.13, 52.59, "E"), ("Walsall", -1.98, 52.59, "E"), ("Birmingham", -1.90, 52.48, "E"),
    ("Coventry", -1.51, 52.41, "E"), ("Solihull", -1.78, 52.41, "E"), ("Dudley", -2.08, 52.51, "E"),
    ("Worcester", -2.22, 52.19, "E"), ("Herefordshire", -2.72, 52.06, "E"), ("Warwick", -1.58, 52.28, "E"),
    ("Nuneaton and Bedworth", -1.47, 52.52, "E"), ("Leicester", -1.13, 52.64, "E"),
    ("Charnwood", -1.20, 52.77, "E"), ("Northampton", -0.90, 52.24, "E"), ("Kettering", -0.73, 52.40, "E"),
    ("Peterborough", -0.24, 52.57, "E"), ("Cambridge", 0.12, 52.21, "E"), ("Norwich", 1.30, 52.63, "E"),
    ("King's Lynn and West Norfolk", 0.40, 52.75, "E"), ("Ipswich", 1.16, 52.06, "E"),
    ("West Suffolk", 0.71, 52.25, "E"), ("Colchester", 0.90, 51.89, "E"), ("Chelmsford", 0.47, 51.74, "E"),
    ("Southend-on-Sea", 0.71, 51.54, "E"), ("Basildon", 0.46, 51.57, "E"), ("Luton", -0.42, 51.88, "E"),
    ("Bedford", -0.47, 52.14, "E"), ("Milton Keynes", -0.76, 52.04, "E"), ("St Albans", -0.34, 51.75, "E"),
    ("Watford", -0.40, 51.66, "E"), ("Stevenage", -0.20, 51.90, "E"), ("Oxford", -1.26, 51.75, "E"),
    ("Reading", -0.97, 51.45, "E"), ("Swindon", -1.78, 51.56, "E"), ("Wiltshire", -2.00, 51.30, "E"),
    ("Bath and North East Somerset", -2.36, 51.38, "E"), ("Bristol", -2.59, 51.45, "E"),
    ("Gloucester", -2.24, 51.86, "E"), ("Cheltenham", -2.08, 51.90, "E"),
    ("Somerset West and Taunton", -3.10, 51.02, "E"), ("Exeter", -3.53, 50.72, "E"),
    ("Plymouth", -4.14, 50.38, "E"), ("Torbay", -3.53, 50.46, "E"), ("Cornwall", -5.05, 50.26, "E"),
    ("Bournemouth, Christchurch and Poole", -1.88, 50.72, "E"), ("Dorset", -2.44, 50.71, "E"),
    ("Southampton", -1.40, 50.91, "E"), ("Portsmouth", -1.09, 50.82, "E"), ("Winchester", -1.31, 51.06, "E"),
    ("Basingstoke and Deane", -1.09, 51.27, "E"), ("Guildford", -0.57, 51.24, "E"),
    ("Woking", -0.56, 51.32, "E"), ("Brighton and Hove", -0.14, 50.83, "E"), ("Crawley", -0.19, 51.11, "E"),
    ("Eastbourne", 0.28, 50.77, "E"), ("Hastings", 0.57, 50.86, "E"), ("Maidstone", 0.52, 51.27, "E"),
    ("Canterbury", 1.08, 51.28, "E"), ("Medway", 0.53, 51.39, "E"), ("Dover", 1.31, 51.13, "E"),
    ("Tunbridge Wells", 0.26, 51.13, "E"), ("Westminster", -0.14, 51.50, "E"), ("Camden", -0.14, 51.54, "E"),
    ("Islington", -0.11, 51.54, "E"), ("Hackney", -0.06, 51.55, "E"), ("Tower Hamlets", -0.03, 51.52, "E"),
    ("Southwark", -0.08, 51.50, "E"), ("Lambeth", -0.12, 51.46, "E"), ("Newham", 0.03, 51.53, "E"),
    ("Croydon", -0.10, 51.37, "E"), ("Barnet", -0.20, 51.63, "E"), ("Ealing", -0.30, 51.51, "E"),
    ("Brent", -0.27, 51.56, "E"), ("Enfield", -0.08, 51.65, "E"), ("Haringey", -0.11, 51.59, "E"),
    ("Lewisham", -0.02, 51.45, "E"), ("Greenwich", 0.06, 51.48, "E"), ("Wandsworth", -0.19, 51.45, "E"),
    ("Hillingdon", -0.45, 51.54, "E"), ("Hounslow", -0.37, 51.47, "E"), ("Bromley", 0.05, 51.40, "E"),
    ("City of London", -0.09, 51.515, "E"), ("Cardiff", -3.18, 51.48, "W"), ("Swansea", -3.94, 51.62, "W"),
    ("Newport", -3.00, 51.58, "W"), ("Wrexham", -2.99, 53.05, "W"), ("Conwy", -3.83, 53.28, "W"),
    ("Gwynedd", -4.00, 52.90, "W"), ("Ceredigion", -4.10, 52.30, "W"), ("Powys", -3.40, 52.30, "W"),
    ("Carmarthenshire", -4.20, 51.90, "W"), ("Pembrokeshire", -4.90, 51.80, "W"),
    ("Rhondda Cynon Taf", -3.40, 51.65, "W"), ("Bridgend", -3.58, 51.50, "W"),
    ("Caerphilly", -3.22, 51.58, "W"), ("Isle of Anglesey", -4.35, 53.28, "W"),
    ("Denbighshire", -3.35, 53.10, "W"), ("Flintshire", -3.15, 53.20, "W"),
    ("Monmouthshire", -2.90, 51.80, "W"), ("Neath Port Talbot", -3.75, 51.66, "W"),
)  # fmt: skip

# Shares of a national month (England and Wales, 2023–24, rounded).
CRIME_TYPES = (
    ("Anti-social behaviour", 0.245),
    ("Violence and sexual offences", 0.340),
    ("Public order", 0.075),
    ("Criminal damage and arson", 0.060),
    ("Other theft", 0.055),
    ("Shoplifting", 0.055),
    ("Vehicle crime", 0.050),
    ("Burglary", 0.035),
    ("Drugs", 0.020),
    ("Other crime", 0.015),
    ("Theft from the person", 0.0125),
    ("Robbery", 0.011),
    ("Bicycle theft", 0.0105),
    ("Possession of weapons", 0.0065),
)
OUTCOMES = (
    ("Investigation complete; no suspect identified", 0.36),
    ("Unable to prosecute suspect", 0.30),
    ("Under investigation", 0.12),
    ("Status update unavailable", 0.04),
    ("Awaiting court outcome", 0.04),
    ("Local resolution", 0.04),
    ("Court result unavailable", 0.02),
    ("Action to be taken by another organisation", 0.015),
    ("Formal action is not in the public interest", 0.012),
    ("Further investigation is not in the public interest", 0.01),
    ("Offender given a caution", 0.01),
    ("Further action is not in the public interest", 0.008),
    ("Suspect charged as part of another case", 0.003),
    ("Offender given penalty notice", 0.002),
)
DRUGS_WARNING = "Offender given a drugs possession warning"
PLACES = (
    "Supermarket", "Shopping Area", "Parking Area", "Petrol Station", "Sports/Recreation Area",
    "Park/Open Space", "Nightclub", "Further/Higher Educational Building", "Hospital", "Police Station",
    "Conference/Exhibition Centre", "Theatre/Concert Hall", "Pedestrian Subway", "Bus/Coach Station",
)  # fmt: skip
SHOPS = ("Asda", "Tesco", "Sainsbury's", "Morrisons", "Aldi", "Lidl", "Boots", "Retail Park")
STREET_STEMS = (
    "High", "Church", "Station", "Victoria", "Green", "Manor", "Park", "Queens", "Kings", "Mill", "School",
    "Grange", "New", "North", "South", "West", "East", "Chapel", "Albert", "York", "London", "Springfield",
    "Windsor", "Highfield", "George", "Main", "Alexandra", "Broad", "Market", "Castle", "Bridge", "Meadow",
    "Orchard", "Oak", "Ash", "Beech", "Elm", "Willow", "Cedar", "Holly", "Hawthorn", "Rose", "Forest",
    "Hill", "Valley", "Brook", "Lake", "River", "Bank", "Farm", "Stafford", "Kennedy", "Lancelot", "Hobill",
    "Merlin", "Mallard", "Sylvan", "Churchill", "Baines", "Priory", "Abbey", "Cromwell", "Nelson",
    "Wellington", "Trafalgar", "Stanley", "Clarence", "Cavendish", "Grosvenor", "Belgrave", "Regent",
    "Melbourne", "Dale", "Moor", "Heath", "Common", "Cross", "Wood", "Field", "Lodge", "Hall", "Glebe",
    "Rectory", "Vicarage", "Crown", "Salisbury", "Marlborough", "Buckingham", "Warwick", "Derby",
    "Lincoln", "Oxford", "Cambridge", "Bath", "Shakespeare", "Milton", "Chaucer", "Tennyson", "Byron",
)  # fmt: skip
STREET_KINDS = (
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent", "Place", "Gardens",
    "Court", "Grove", "Terrace", "Walk", "Rise", "View", "Square", "Mews",
)  # fmt: skip


def lad_boundaries(path: Path = LAD_BOUNDARIES) -> list[tuple[str, shapely.Geometry]]:
    """(LAD code, polygon) of each district; the file's few self-intersecting rings are repaired."""
    collection = json.loads(path.read_text())
    found = []
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
        found.append((feature["properties"]["item"], geometry))
    return found


def _nearest(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the nearest target (lon, lat) to each point, longitude scaled for Britain's latitude."""
    scale = np.array([math.cos(math.radians(53)), 1.0])
    distances = (((points[:, None, :] - targets[None, :, :]) * scale) ** 2).sum(axis=2)
    return distances.argmin(axis=1)


def _lad_forces_and_names(codes: list[str], anchors: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The force (index into FORCES) and the town name of each district."""
    forces = np.empty(len(codes), dtype=np.int64)
    names = []
    for country in ("E", "W"):
        mine = np.array([code[0] == country for code in codes])
        pool = [i for i, force in enumerate(FORCES) if force[3] == country]
        forces[mine] = np.array(pool)[_nearest(anchors[mine], np.array([FORCES[i][1:3] for i in pool]))]
    city = next(i for i, force in enumerate(FORCES) if force[0] == "City of London Police")
    met = next(i for i, force in enumerate(FORCES) if force[0] == "Metropolitan Police Service")
    for position, code in enumerate(codes):
        if code.startswith("E09"):
            forces[position] = city if code == "E09000001" else met
    for code, anchor in zip(codes, anchors, strict=True):
        pool = [town for town in TOWNS if town[3] == code[0]]
        names.append(pool[int(_nearest(anchor[None, :], np.array([town[1:3] for town in pool]))[0])][0])
    return forces, names


def _cluster_centres(rng, codes: list[str], geometries: list, count: int) -> np.ndarray:
    """``count`` town centres, each in a district drawn by the mean population of its kind, at a
    uniform point inside it."""
    weight = np.array([DISTRICT_WEIGHT[code[:3]] for code in codes])
    lads = rng.choice(len(codes), count, p=weight / weight.sum())
    centres = np.empty((count, 2))
    for lad in np.unique(lads):
        mine = np.flatnonzero(lads == lad)
        geometry = geometries[lad]
        shapely.prepare(geometry)
        min_x, min_y, max_x, max_y = geometry.bounds
        got = np.empty((0, 2))
        while len(got) < len(mine):
            tries = rng.uniform((min_x, min_y), (max_x, max_y), (4 * len(mine) + 16, 2))
            got = np.vstack([got, tries[shapely.contains_xy(geometry, tries[:, 0], tries[:, 1])]])
        centres[mine] = got[: len(mine)]
    return centres


def _district_of(tree: STRtree, points: np.ndarray) -> np.ndarray:
    """The first district holding each point, -1 for none."""
    hit_point, hit_lad = tree.query(shapely.points(points), predicate="intersects")
    found = np.full(len(points), -1, dtype=np.int64)
    found[hit_point[::-1]] = hit_lad[::-1]
    return found


def _csv_field(value: str) -> str:
    return f'"{value}"' if "," in value or '"' in value else value


def _locations(rng, count: int, town_of_point: list[str]) -> list[str]:
    """One "On or near …" per map point (already CSV-quoted where it holds a comma)."""
    kind = rng.choice(4, count, p=[0.755, 0.15, 0.09, 0.005])  # street, place, bare, "Shop, Town"
    stems = rng.integers(0, len(STREET_STEMS), count)
    suffixes = rng.integers(0, len(STREET_KINDS), count)
    places = rng.integers(0, len(PLACES), count)
    shops = rng.integers(0, len(SHOPS), count)
    out = []
    for i, what in enumerate(kind.tolist()):
        if what == 0:
            text = f"On or near {STREET_STEMS[stems[i]]} {STREET_KINDS[suffixes[i]]}"
        elif what == 1:
            text = f"On or near {PLACES[places[i]]}"
        elif what == 2:
            text = "On or near "
        else:
            text = f"On or near {SHOPS[shops[i]]}, {town_of_point[i]}"
        out.append(_csv_field(text))
    return out


def _lsoas(points: np.ndarray, point_lad: np.ndarray, lad_codes: list[str], lad_names: list[str]):
    """Each map point's LSOA: a ~700 m grid cell of its district, coded and named police.uk's way."""
    cells = np.column_stack(
        (point_lad, np.floor(points[:, 0] / 0.010).astype(np.int64), np.floor(points[:, 1] / 0.0063))
    ).astype(np.int64)
    unique, inverse = np.unique(cells, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    numbered: Counter[str] = Counter()
    serial: Counter[str] = Counter()
    codes, names = [], []
    for lad in unique[:, 0].tolist():
        country, town = lad_codes[lad][0], lad_names[lad]
        serial[country] += 1
        codes.append(f"{country}01{serial[country]:06d}")
        number = numbered[town]
        numbered[town] += 1
        names.append(_csv_field(f"{town} {number // 4 + 1:03d}{'ABCD'[number % 4]}"))
    return np.array(codes, dtype=object)[inverse], np.array(names, dtype=object)[inverse]


def _month_index(month: str) -> int:
    year, number = (int(part) for part in month.split("-"))
    return year * 12 + number - 1


def generate(
    out: str | Path, *, rows: int = 550_000, month: str = "2024-01", seed: int = 1, shift_months: int = 0
) -> dict:
    """Write the file; return what it holds (rows, distinct points, forces…)."""
    rng = np.random.default_rng(seed)
    boundaries = lad_boundaries()
    lad_codes = [code for code, _ in boundaries]
    geometries = [geometry for _, geometry in boundaries]
    anchors = np.array([(p.x, p.y) for p in shapely.point_on_surface(geometries)])
    lad_force, lad_names = _lad_forces_and_names(lad_codes, anchors)

    # Town centres, their sizes and spreads, and the rows of each.
    clusters = max(1, rows // ROWS_PER_CLUSTER)
    centres = _cluster_centres(rng, lad_codes, geometries, clusters)
    weight = np.minimum(rng.pareto(1.2, clusters) + 1.0, 400.0)
    spread_m = np.clip(350.0 * weight**0.35 * rng.lognormal(0.0, 0.3, clusters), 250.0, 5000.0)
    per_cluster = rng.multinomial(rows, weight / weight.sum())

    # Map points: Gaussian around each centre, nearest first; a point in the sea becomes the centre.
    points_per = np.maximum(1, np.ceil(per_cluster / ROWS_PER_POINT).astype(np.int64))
    point_cluster = np.repeat(np.arange(clusters), points_per)
    offsets = rng.standard_normal((len(point_cluster), 2)) * spread_m[point_cluster, None]
    distance = np.hypot(offsets[:, 0], offsets[:, 1])
    order = np.lexsort((distance, point_cluster))
    offsets, point_cluster = offsets[order], point_cluster[order]
    centre = centres[point_cluster]
    points = centre + offsets / METRES_PER_DEGREE * np.column_stack(
        (1.0 / np.cos(np.radians(centre[:, 1])), np.ones(len(centre)))
    )
    points = np.round(points, 6)
    tree = STRtree(geometries)
    point_lad = _district_of(tree, points)
    at_sea = point_lad < 0
    points[at_sea] = np.round(centre[at_sea], 6)
    point_lad[at_sea] = _district_of(tree, points[at_sea])

    # Rows: a cluster's rows pick its points, the central ones more often.
    row_cluster = np.repeat(np.arange(clusters), per_cluster)
    first_point = np.r_[0, np.cumsum(points_per)[:-1]]
    pick = np.floor(points_per[row_cluster] * rng.random(rows) ** 1.6).astype(np.int64)
    row_point = first_point[row_cluster] + pick
    no_location = rng.random(rows) < NO_LOCATION_SHARE
    type_names, type_shares = zip(*CRIME_TYPES, strict=True)
    crime_type = rng.choice(len(type_names), rows, p=np.array(type_shares) / sum(type_shares))
    outcome_names, outcome_shares = zip(*OUTCOMES, strict=True)
    outcome = rng.choice(len(outcome_names), rows, p=np.array(outcome_shares) / sum(outcome_shares))
    outcome_text = np.array([*outcome_names, DRUGS_WARNING, ""], dtype=object)
    drugs = type_names.index("Drugs")
    outcome[(crime_type == drugs) & (rng.random(rows) < 0.2)] = len(outcome_names)
    asb = crime_type == type_names.index("Anti-social behaviour")
    outcome[asb] = len(outcome_names) + 1

    # Per-point text, then police.uk's order: force, LSOA name, crime type, No Location last.
    lsoa_code, lsoa_name = _lsoas(points, point_lad, lad_codes, lad_names)
    location = np.array(_locations(rng, len(points), [lad_names[lad] for lad in point_lad]), dtype=object)
    longitude = np.array([f"{value:.6f}" for value in points[:, 0].tolist()], dtype=object)
    latitude = np.array([f"{value:.6f}" for value in points[:, 1].tolist()], dtype=object)
    force = lad_force[point_lad[row_point]]
    order = np.lexsort((crime_type, lsoa_name[row_point].astype(str), no_location, force))
    row_point, force, crime_type, outcome = row_point[order], force[order], crime_type[order], outcome[order]
    no_location, asb = no_location[order], asb[order]

    # Crime IDs, new for each month written; a few repeated a little further down the file.
    written = _month_index(month) + shift_months
    ids_rng = np.random.default_rng([seed, written])
    hexes = ids_rng.bytes(32 * rows).hex()
    crime_id = np.array([hexes[64 * i : 64 * i + 64] for i in range(rows)], dtype=object)
    crime_id[asb] = ""
    source = np.arange(rows) + ids_rng.integers(1, 500, rows)
    repeat = (ids_rng.random(rows) < REPEATED_ID_SHARE) & (source < rows)
    repeat &= ~asb
    source = np.minimum(source, rows - 1)
    repeat &= ~asb[source] & (force[source] == force) & (row_point[source] != row_point)
    crime_id[source[repeat]] = crime_id[np.flatnonzero(repeat)]

    force_text = np.array([name for name, *_ in FORCES], dtype=object)[force]
    columns = [
        crime_id,
        np.full(rows, f"{written // 12:04d}-{written % 12 + 1:02d}", dtype=object),
        force_text,
        force_text,
        np.where(no_location, "", longitude[row_point]),
        np.where(no_location, "", latitude[row_point]),
        np.where(no_location, "No Location", location[row_point]),
        np.where(no_location, "", lsoa_code[row_point]),
        np.where(no_location, "", lsoa_name[row_point]),
        np.array(type_names, dtype=object)[crime_type],
        outcome_text[outcome],
        np.full(rows, "", dtype=object),
    ]
    with open(out, "w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\r\n")
        for start in range(0, rows, WRITE_ROWS):
            part = [column[start : start + WRITE_ROWS].tolist() for column in columns]
            handle.write("\r\n".join(map(",".join, zip(*part, strict=True))) + "\r\n")
    located = row_point[~no_location]
    return {
        "rows": rows,
        "points": len(np.unique(located)),
        "rows_per_point": len(located) / max(1, len(np.unique(located))),
        "no_location": int(no_location.sum()),
        "asb": int(asb.sum()),
        "repeated_ids": int(repeat.sum()),
        "lsoas": len(set(lsoa_code[located].tolist())),
        "forces": len(np.unique(force)),
        "clusters": clusters,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("--rows", type=int, default=550_000)
    parser.add_argument("--month", default="2024-01", help="YYYY-MM")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shift-months", type=int, default=0, help="the same rows, this many months later")
    args = parser.parse_args()
    started = time.perf_counter()
    stats = generate(
        args.out, rows=args.rows, month=args.month, seed=args.seed, shift_months=args.shift_months
    )
    print(
        f"{args.out}: {stats['rows']:,} rows, {stats['points']:,} map points "
        f"({stats['rows_per_point']:.1f} rows each), {stats['lsoas']:,} LSOAs, {stats['forces']} forces, "
        f"{stats['asb']:,} ASB, {stats['no_location']:,} No Location, "
        f"{stats['repeated_ids']:,} repeated Crime IDs ({time.perf_counter() - started:.1f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
