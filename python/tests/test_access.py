"""equalis.access and equalis.journeys give the CLI's numbers, from files or DataFrames."""

import pytest

import equalis
from conftest import EXAMPLES, TEST_DATA, cli_json

pd = pytest.importorskip("pandas")

BHO = TEST_DATA / "bho"
GUIZHOU = EXAMPLES / "access" / "guizhou"
JOURNEYS = EXAMPLES / "journeys"


def _bho_access(**extra):
    return dict(zone_id="idx", facility_id="idx", capacity="schools", matrix=BHO / "ttm_full.csv.gz",
                cost_unit="minutes", measures=["interval=10min..60min/10min", "3sfca=linear:45min"],
                income="income_per_capita", standard="20min", **extra)


def test_access_is_the_cli_document():
    hexagons = BHO / "hexagons.csv"
    result = equalis.access.access(hexagons, hexagons, **_bho_access())
    expected = cli_json("access", hexagons, "--zone-id", "idx", "--facilities", hexagons, "--facility-id", "idx",
                        "--capacity", "schools", "--matrix", BHO / "ttm_full.csv.gz", "--cost-unit", "minutes",
                        "-m", "interval=10min..60min/10min", "-m", "3sfca=linear:45min", "--income",
                        "income_per_capita", "--standard", "20min")
    for key in expected:
        if key not in ("equalis", "input"):
            assert result.json[key] == expected[key], key
    zones = result.to_frame()
    assert len(zones) == len(pd.read_csv(hexagons))
    assert len(result.summary()) > 0


def test_access_from_data_frames_has_the_same_numbers():
    hexagons = pd.read_csv(BHO / "hexagons.csv", dtype={"idx": str})
    matrix = pd.read_csv(BHO / "ttm_full.csv.gz", dtype={0: str, 1: str})
    from_frames = equalis.access.access(hexagons, hexagons, **{**_bho_access(), "matrix": matrix})
    from_files = equalis.access.access(BHO / "hexagons.csv", BHO / "hexagons.csv", **_bho_access())
    assert from_frames.json["measures"] == from_files.json["measures"]


def test_access_through_channels_counts_the_excluded():
    result = equalis.access.access(GUIZHOU / "places.csv", GUIZHOU / "service_centres.csv",
                                   group_columns=["pop_60plus", "pop_rural"], capacity="windows",
                                   straight_line="40km/h", detour=1.4, measures="closest", standard="60min",
                                   channels=["in-person", "online"],
                                   digital_profiles=EXAMPLES / "access" / "digital_profiles_cn.csv")
    assert "channels" in result.json
    zones = result.to_frame()  # one row per zone and group, with the people no channel serves
    assert set(zones["group"]) == {"all", "pop_60plus", "pop_rural"}
    assert len(zones) == 3 * len(pd.read_csv(GUIZHOU / "places.csv"))
    assert (zones["excluded_people"] >= 0).all()


def test_an_unknown_channel_lists_the_channels():
    with pytest.raises(equalis.InputError) as caught:
        equalis.access.access(GUIZHOU / "places.csv", GUIZHOU / "service_centres.csv", capacity="windows",
                              straight_line="40km/h", channels=["online", "kiosk"])
    assert "terminal" in caught.value.fix


def test_a_misspelt_zone_column_says_did_you_mean():
    hexagons = pd.read_csv(BHO / "hexagons.csv")
    with pytest.raises(equalis.InputError) as caught:
        equalis.access.access(hexagons, hexagons, **{**_bho_access(), "zone_id": "idz"})
    assert "idx" in str(caught.value)
    assert "/tmp" not in str(caught.value)


def _journey_files(folder):
    files = {"zones": "id,population,pop_60plus,pop_rural\nA,1000,200,0\nB,800,200,800\n",
             "offices": "id,capacity\nX,5\n", "assisted": "id\nS\n",
             "matrix": "from,to,cost\nA,X,10\nB,X,50\nB,S,10\nA,S,40\n"}
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return {name: folder / f"{name}.csv" for name in files}


def test_journeys_are_the_cli_document(tmp_path):
    files = _journey_files(tmp_path)
    result = equalis.journeys.journeys(files["zones"], JOURNEYS / "one_network_catalogue.toml",
                                       JOURNEYS / "one_network_abilities_cn.csv", facilities=files["offices"],
                                       matrix=files["matrix"], cost_unit="minutes", standard="30min",
                                       group_columns=["pop_60plus", "pop_rural"], assisted=files["assisted"],
                                       scenarios=JOURNEYS / "one_network_scenarios.toml")
    expected = cli_json("journeys", files["zones"], "--facilities", files["offices"], "--matrix", files["matrix"],
                        "--cost-unit", "minutes", "--standard", "30min", "--group-columns", "pop_60plus,pop_rural",
                        "--assisted", files["assisted"], "--catalogue", JOURNEYS / "one_network_catalogue.toml",
                        "--abilities", JOURNEYS / "one_network_abilities_cn.csv", "--scenarios",
                        JOURNEYS / "one_network_scenarios.toml")
    for key in expected:
        if key not in ("equalis", "input"):
            assert result.json[key] == expected[key], key
    cells = result.to_frame()
    assert {"completion", "visits"} <= set(cells.columns)
    assert len(result.summary()) > 0


def test_journeys_from_data_frames(tmp_path):
    files = _journey_files(tmp_path)
    frames = {name: pd.read_csv(path) for name, path in files.items()}
    abilities = pd.read_csv(JOURNEYS / "one_network_abilities_cn.csv")
    from_frames = equalis.journeys.journeys(frames["zones"], JOURNEYS / "one_network_catalogue.toml", abilities,
                                            facilities=frames["offices"], matrix=frames["matrix"],
                                            cost_unit="minutes", standard="30min",
                                            group_columns=["pop_60plus", "pop_rural"])
    from_files = equalis.journeys.journeys(files["zones"], JOURNEYS / "one_network_catalogue.toml",
                                           JOURNEYS / "one_network_abilities_cn.csv", facilities=files["offices"],
                                           matrix=files["matrix"], cost_unit="minutes", standard="30min",
                                           group_columns=["pop_60plus", "pop_rural"])
    assert from_frames.to_frame().equals(from_files.to_frame())


def test_a_bad_choice_rule_lists_the_rules(tmp_path):
    files = _journey_files(tmp_path)
    with pytest.raises(equalis.InputError) as caught:
        equalis.journeys.journeys(files["zones"], JOURNEYS / "one_network_catalogue.toml",
                                  JOURNEYS / "one_network_abilities_cn.csv", facilities=files["offices"],
                                  matrix=files["matrix"], cost_unit="minutes", choice="prefer-onlin")
    assert "prefer-online" in caught.value.fix


def test_zones_come_back_as_a_geodataframe_with_geopandas():
    geopandas = pytest.importorskip("geopandas")
    hexagons = BHO / "hexagons.csv"
    result = equalis.access.access(hexagons, hexagons, **_bho_access(zone_polygons=BHO / "hexagons.geojson",
                                                                     polygon_id="id"))
    zones = result.geo()
    assert isinstance(zones, geopandas.GeoDataFrame)
    assert len(zones) == len(pd.read_csv(hexagons))
    assert zones.geometry.notna().all()


def test_a_geodataframe_of_zones_crosses_with_its_polygons():
    geopandas = pytest.importorskip("geopandas")
    polygons = geopandas.read_file(BHO / "hexagons.geojson")
    attributes = pd.read_csv(BHO / "hexagons.csv", dtype={"id": str})
    zones = polygons[["id", "geometry"]].merge(attributes, on="id")
    result = equalis.access.access(zones, BHO / "hexagons.csv", **_bho_access())
    from_file = equalis.access.access(BHO / "hexagons.csv", BHO / "hexagons.csv", **_bho_access())
    assert result.json["measures"] == from_file.json["measures"]


def test_journeys_with_joint_requirements_are_the_cli_document(tmp_path):
    files = _journey_files(tmp_path)
    # Among the elderly, e-ID and smartphone go together (marginals 0.52 and 0.5 kept roughly).
    joint = pd.DataFrame({"group": ["pop_60plus"] * 3, "share": [0.5, 0.02, 0.48],
                          "smartphone": [1, 1, 0], "e_id": [1, 0, 0]})
    joint_csv = tmp_path / "joint.csv"
    joint.to_csv(joint_csv, index=False)
    common = dict(facilities=files["offices"], matrix=files["matrix"], cost_unit="minutes", standard="30min",
                  group_columns=["pop_60plus", "pop_rural"])
    result = equalis.journeys.journeys(files["zones"], JOURNEYS / "one_network_catalogue.toml",
                                       JOURNEYS / "one_network_abilities_cn.csv", joint_abilities=joint, **common)
    expected = cli_json("journeys", files["zones"], "--facilities", files["offices"], "--matrix", files["matrix"],
                        "--cost-unit", "minutes", "--standard", "30min", "--group-columns", "pop_60plus,pop_rural",
                        "--catalogue", JOURNEYS / "one_network_catalogue.toml", "--abilities",
                        JOURNEYS / "one_network_abilities_cn.csv", "--joint-abilities", joint_csv)
    for key in expected:
        if key not in ("equalis", "input"):
            assert _renamed_paths(result.json[key]) == _renamed_paths(expected[key]), key
    independent = equalis.journeys.journeys(files["zones"], JOURNEYS / "one_network_catalogue.toml",
                                            JOURNEYS / "one_network_abilities_cn.csv", **common)
    assert not result.to_frame().equals(independent.to_frame())


def _renamed_paths(value):
    """The joint table's path differs (a data frame against a file): compare everything else."""
    text = str(value)
    for marker in ("data frame `joint_abilities`",):
        text = text.replace(marker, "JOINT")
    import re  # noqa: PLC0415

    return re.sub(r"/\S*joint\.csv", "JOINT", text)
