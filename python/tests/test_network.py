"""equalis.network builds the CLI's graph and gives its travel times, from files or DataFrames, and fails as
the CLI does. Uses the bundled Monaco extract."""

import datetime
import io
import json

import pytest

import equalis
from conftest import TEST_DATA, cli, cli_json

pd = pytest.importorskip("pandas")

OSM = TEST_DATA / "osm" / "monaco.osm.pbf"
GOLDEN_DATA = TEST_DATA.parent / "golden" / "data"
DEMAND = GOLDEN_DATA / "monaco_demand.csv"
PLACES = GOLDEN_DATA / "monaco_places.csv"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The graph built by Python and by the CLI, each with its build document."""
    folder = tmp_path_factory.mktemp("graphs")
    network = equalis.network.build(OSM, output=folder / "python.eqg", profile="car")
    # `network build` has no --format: its JSON document is its only output (stdout).
    document = json.loads(cli("network", "build", "--osm", OSM, "--profile", "car", "-o", folder / "cli.eqg")[1])
    return network, folder / "cli.eqg", document


def build_result(document):
    """The build's result without what differs between two builds: the output path and the wall time."""
    return {key: value for key, value in document["result"].items() if key not in ("graph_file", "seconds")}


def test_build_is_the_cli_document_and_the_same_graph(built):
    network, cli_graph, document = built
    assert build_result(network.build.json) == build_result(document)
    assert network.build.json["input"] == document["input"]
    assert network.profile == "car"
    with open(network.path, "rb") as mine, open(cli_graph, "rb") as theirs:
        assert mine.read() == theirs.read()


def test_matrix_is_the_cli_csv(built):
    network, cli_graph, _ = built
    result = network.matrix(DEMAND, PLACES, max_time=300)
    _, stdout, _ = cli("network", "matrix", "--graph", cli_graph, "--origins", DEMAND, "--destinations", PLACES,
                       "--max-time", 300)
    frame = result.to_frame()
    assert frame.equals(pd.read_csv(io.StringIO(stdout)))
    assert list(frame.columns) == ["from_id", "to_id", "travel_time_s"]
    assert (frame["travel_time_s"] <= 300).all()


def test_matrix_from_data_frames_has_the_same_times(built):
    network, _, _ = built
    demand, places = pd.read_csv(DEMAND), pd.read_csv(PLACES)
    from_frames = network.matrix(demand, places, snap="segment").to_frame()
    from_files = equalis.network.load(network.path).matrix(DEMAND, PLACES, snap="segment").to_frame()
    assert from_frames.equals(from_files)
    assert len(from_files) == len(demand) * len(places)
    # A place to itself takes no time.
    to_itself = network.matrix(places, places).to_frame()
    assert (to_itself[to_itself["from_id"] == to_itself["to_id"]]["travel_time_s"] == 0).all()


def test_isochrone_is_the_cli_document_and_outline(built, tmp_path):
    network, cli_graph, _ = built
    result = network.isochrone(7.42, 43.7313, 600)
    outline = tmp_path / "iso.geojson"
    expected = cli_json("network", "isochrone", "--graph", cli_graph, "--lon", 7.42, "--lat", 43.7313, "--max-time",
                        600, "--geojson", outline)
    assert result.json["result"] == expected["result"]
    assert result.json["options"] == expected["options"]
    assert result.geojson == json.loads(outline.read_text())
    nodes = result.to_frame()
    assert len(nodes) == expected["result"]["reachable_nodes"]
    assert (nodes["travel_time_s"] <= 600).all()
    assert "600 s" in str(result)


def test_pois_is_the_cli_csv():
    result = equalis.network.pois(OSM, "amenity=hospital,school,pharmacy")
    _, stdout, _ = cli("network", "pois", "--osm", OSM, "--tags", "amenity=hospital,school,pharmacy")
    assert result.to_frame().equals(pd.read_csv(io.StringIO(stdout)))
    as_list = equalis.network.pois(OSM, ["amenity=hospital", "amenity=school", "amenity=pharmacy"])
    assert as_list.to_frame().equals(result.to_frame())


def test_a_misspelt_column_says_did_you_mean(built):
    network, _, _ = built
    places = pd.read_csv(PLACES)
    with pytest.raises(equalis.InputError) as caught:
        network.matrix(places.rename(columns={"lon": "lonn"}), places)
    assert "did you mean" in caught.value.fix
    assert "data frame `origins`" in str(caught.value)
    assert "/tmp" not in str(caught.value)


def test_a_bad_choice_lists_the_choices(built, tmp_path):
    with pytest.raises(equalis.InputError) as caught:
        equalis.network.build(OSM, output=tmp_path / "g.eqg", profile="bicycle")
    assert "car, walk, bike" in caught.value.fix
    network, _, _ = built
    with pytest.raises(equalis.InputError) as caught:
        network.isochrone(7.42, 43.7313, 600, outline="hul")
    assert "network, hull" in caught.value.fix


def test_a_point_off_the_map_and_a_missing_graph(built, tmp_path):
    network, _, _ = built
    with pytest.raises(equalis.InputError) as caught:
        network.isochrone(0.0, 0.0, 600)
    assert "max_snap" in caught.value.fix
    with pytest.raises(equalis.FileError):
        equalis.network.load(tmp_path / "none.eqg")
    with pytest.raises(equalis.InputError):
        equalis.network.build(OSM, output=OSM)


def test_a_plan_on_the_network_is_the_cli_document(built, tmp_path):
    network, cli_graph, _ = built
    schools = equalis.network.pois(OSM, "amenity=school")
    schools_csv = tmp_path / "schools.csv"
    cli("network", "pois", "--osm", OSM, "--tags", "amenity=school", "-o", schools_csv)
    result = equalis.plan.pmedian(graph=network, demand=pd.read_csv(DEMAND), sites=schools.to_frame(), groups="band",
                                  p=3, max_time=datetime.timedelta(minutes=10))
    expected = cli_json("plan", "pmedian", "--graph", cli_graph, "--demand", DEMAND, "--sites", schools_csv,
                        "--groups", "band", "--p", 3, "--max-time", "10min")
    assert result.json["instance"] == expected["instance"]
    assert result.json["options"] == {**expected["options"], "sites": "data frame `sites`"}
    assert result.open_sites == expected["result"]["open_sites"]
    assert result.json["result"]["objective"] == expected["result"]["objective"]
    assert result.to_frame().to_dict("records") == expected["result"]["groups"]


def test_durations_are_read_as_the_cli_reads_them(built):
    network, _, _ = built
    in_seconds = network.isochrone(7.42, 43.7313, 600)
    as_text = network.isochrone(7.42, 43.7313, "10min")
    assert as_text.json["result"] == in_seconds.json["result"]
    with pytest.raises(equalis.InputError) as caught:
        network.isochrone(7.42, 43.7313, "10 minuets")
    assert "10min" in caught.value.fix


def test_an_isochrone_outline_is_a_geodataframe_with_geopandas(built):
    geopandas = pytest.importorskip("geopandas")
    network, _, _ = built
    outline = network.isochrone(7.42, 43.7313, 600).geo()
    assert isinstance(outline, geopandas.GeoDataFrame)
    assert len(outline) >= 1 and outline.geometry.notna().all()
