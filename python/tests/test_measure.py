"""equalis.measure gives the CLI's numbers, from a file or a DataFrame, and fails as the CLI does."""

import math

import pytest

import equalis
from conftest import TEST_DATA, cli_json

pd = pytest.importorskip("pandas")


def test_inequality_from_a_file_is_the_cli_document(mexico_csv):
    result = equalis.measure.inequality(mexico_csv, value=["pcgdp1940", "pcgdp2000"], group="hanson98",
                                        bootstrap=99, permutations=99, seed=7)
    expected = cli_json("measure", "inequality", mexico_csv, "--value", "pcgdp1940", "--value", "pcgdp2000",
                        "--group", "hanson98", "--bootstrap", 99, "--permutations", 99, "--seed", 7)
    assert result.json["results"] == expected["results"]
    assert result.json["options"] == expected["options"]


def test_inequality_from_a_data_frame_has_the_same_numbers(mexico_csv):
    # Group labels as the file spells them ("2.000"); read as floats they would print as "2".
    mexico = pd.read_csv(mexico_csv, dtype={"hanson98": str})
    from_frame = equalis.measure.inequality(mexico, value="pcgdp1940", weight="pcgdp2000", group="hanson98")
    from_file = equalis.measure.inequality(mexico_csv, value="pcgdp1940", weight="pcgdp2000", group="hanson98")
    assert from_frame.json["results"] == from_file.json["results"]
    assert from_frame.json["input"]["file"] == "data frame `data`"


def test_inequality_frame_has_one_row_per_indicator_and_a_column_per_index(mexico):
    frame = equalis.measure.inequality(mexico, value=["pcgdp1940", "pcgdp2000"]).to_frame()
    assert list(frame["indicator"]) == ["pcgdp1940", "pcgdp2000"]
    assert {"gini", "ge(0)", "ge(1)", "atkinson(0.5)", "palma"} <= set(frame.columns)
    # Hand check of the 1940 Gini from the definition: mean absolute difference over twice the mean.
    values = mexico["pcgdp1940"].to_numpy()
    n = len(values)
    gini = sum(abs(a - b) for a in values for b in values) / (2 * n * n * values.mean())
    assert math.isclose(frame.loc[0, "gini"], gini, rel_tol=1e-12)


def test_gini_is_invariant_to_scaling(mexico):
    base = equalis.measure.inequality(mexico, value="pcgdp1940", indices="gini").to_frame()
    scaled = mexico.assign(pcgdp1940=mexico["pcgdp1940"] * 1000.0)
    scaled = equalis.measure.inequality(scaled, value="pcgdp1940", indices="gini").to_frame()
    assert math.isclose(base.loc[0, "gini"], scaled.loc[0, "gini"], rel_tol=1e-12)


def test_theil_between_plus_within_is_the_total(mexico):
    statistics = equalis.measure.inequality(mexico, value="pcgdp2000", group="hanson98", indices=["ge",
                                            "decomposition"]).statistics()
    value = dict(zip(statistics["statistic"], statistics["value"].astype(float)))
    assert math.isclose(value["ge(1).between"] + value["ge(1).within"], value["ge(1)"], rel_tol=1e-12)


def test_an_indexed_frame_keeps_its_index_as_a_column(mexico):
    indexed = mexico.set_index("State")
    result = equalis.measure.composite(indexed, ["pcgdp1940", "pcgdp2000:-"], id="State")
    assert set(result.to_frame()["id"]) == set(mexico["State"])


def test_convergence_is_the_cli_document(mexico_csv):
    columns = ["pcgdp1940", "pcgdp1960", "pcgdp1980", "pcgdp2000"]
    result = equalis.measure.convergence(mexico_csv, value=columns, id="State")
    args = ["measure", "convergence", mexico_csv, "--id", "State"]
    for column in columns:
        args += ["--value", column]
    assert result.json["result"] == cli_json(*args)["result"]
    assert "σ" in str(result) or "sigma" in str(result).lower()


def test_spatial_is_the_cli_document():
    data = TEST_DATA / "mexico" / "mexicojoin_attributes_shp_order.csv"
    edges = TEST_DATA / "mexico" / "mexicojoin_queen_edges.csv"
    header = pd.read_csv(data, nrows=0).columns
    value = "PCGDP1940" if "PCGDP1940" in header else "pcgdp1940"
    result = equalis.measure.spatial(data, value, id=header[0], edges=edges, edge_index=True, local=True)
    expected = cli_json("measure", "spatial", data, "--value", value, "--id", header[0], "--edges", edges,
                        "--edge-index", "--local")
    assert result.json["results"] == expected["results"]
    assert len(result.to_frame()) > 0


def test_spatial_from_data_frames(mexico):
    # The bundled edge lists number the shapefile's rows, not mexico.csv's: knn weights on made-up points.
    coords = mexico.assign(x=range(len(mexico)), y=[float(i % 5) for i in range(len(mexico))])
    result = equalis.measure.spatial(coords, "pcgdp1940", id="State", x="x", y="y", knn=4)
    assert result.json["results"][0]["n"] == len(mexico)


def test_composite_is_the_cli_document():
    data = TEST_DATA / "un_egdi" / "egdi_2022.csv"
    indicators = ["Online Service Index", "Human Capital Index", "Telecommunication Infrastructure Index"]
    result = equalis.measure.composite(data, indicators, id="Country Name", method="topsis")
    args = ["measure", "composite", data, "--id", "Country Name", "--method", "topsis"]
    for indicator in indicators:
        args += ["--indicator", indicator]
    assert result.json["result"] == cli_json(*args)["result"]
    frame = result.to_frame()
    assert len(frame) == len(pd.read_csv(data))


def test_a_misspelt_column_says_did_you_mean(mexico):
    with pytest.raises(equalis.InputError) as caught:
        equalis.measure.inequality(mexico, value="pcgdp194")
    assert "pcgdp1940" in caught.value.fix
    assert "data frame `data`" in str(caught.value)
    assert "/tmp" not in str(caught.value)


def test_a_bad_cell_names_its_line_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("region,value\na,1\nb,x\n")
    with pytest.raises(equalis.ParseError) as caught:
        equalis.measure.inequality(path, value="value")
    assert caught.value.file == str(path)
    assert caught.value.line == 3
    assert caught.value.column is not None


def test_a_bad_option_value_says_what_is_allowed(mexico):
    with pytest.raises(equalis.InputError) as caught:
        equalis.measure.inequality(mexico, value="pcgdp1940", missing="dorp")
    assert "drop" in caught.value.fix
    with pytest.raises(equalis.InputError):
        equalis.measure.inequality(mexico, value="pcgdp1940", bootstrap="many")


def test_errors_are_value_errors_too(mexico):
    with pytest.raises(ValueError):
        equalis.measure.inequality(mexico, value="nope")


def test_a_data_frame_crosses_in_memory_not_as_a_file(mexico, monkeypatch):
    def no_file(*_args):
        raise AssertionError("the data frame was written to a file")

    monkeypatch.setattr(equalis._call.Inputs, "path", no_file)
    result = equalis.measure.inequality(mexico, value="pcgdp1940", weight="pcgdp2000", group="hanson98")
    assert result.json["input"] == {"file": "data frame `data`", "rows": 32}


def test_missing_values_in_memory_are_dropped_as_from_a_file(tmp_path):
    frame = pd.DataFrame({"v": [1.0, None, 3.0, 7.0, 2.0], "g": ["a", "a", None, "b", "b"]})
    path = tmp_path / "m.csv"
    frame.to_csv(path, index=False)
    in_memory = equalis.measure.inequality(frame, value="v", group="g", missing="drop", allow_singleton_groups=True)
    from_file = equalis.measure.inequality(path, value="v", group="g", missing="drop", allow_singleton_groups=True)
    assert in_memory.json["results"] == from_file.json["results"]
    assert in_memory.json["results"][0]["rows_dropped"] == 2
    with pytest.raises(equalis.InputError) as caught:
        equalis.measure.inequality(frame, value="v")
    assert "row 1" in str(caught.value)


def test_an_infinite_value_is_refused_with_its_row():
    frame = pd.DataFrame({"v": [1.0, 2.0, float("inf")]})
    with pytest.raises(equalis.InputError) as caught:
        equalis.measure.inequality(frame, value="v")
    assert "row 2" in str(caught.value)


def test_a_text_value_column_is_reported_at_its_cell():
    frame = pd.DataFrame({"v": ["1", "2", "three"]})
    with pytest.raises(equalis.ParseError) as caught:
        equalis.measure.inequality(frame, value="v")
    assert caught.value.line == 4  # the header is line 1 of the file the frame crossed as


def test_progress_reaches_a_callable(mexico):
    events = []
    equalis.measure.inequality(mexico, value="pcgdp1940", group="hanson98", bootstrap=200,
                               progress=lambda *event: events.append(event))
    kinds = [event[0] for event in events]
    assert "begin" in kinds and "end" in kinds
    assert all(isinstance(event[1], str) and (event[3] == 0 or event[2] <= event[3]) for event in events)


def test_an_exception_in_the_callback_stops_the_work_and_is_raised(mexico):
    def interrupt(event, task, done, total):
        if event == "update":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        equalis.measure.inequality(mexico, value="pcgdp1940", bootstrap=100000, progress=interrupt)


def test_float64_columns_cross_without_a_copy():
    np = pytest.importorskip("numpy")
    frame = pd.DataFrame({"v": np.linspace(1.0, 2.0, 1000), "w": np.ones(1000), "g": ["a", "b"] * 500})
    crossing = equalis.measure._frame_columns(frame, numeric=["v", "w", None], category=["g", None])
    arrays = dict(crossing["numeric"])
    assert np.shares_memory(arrays["v"], frame["v"].to_numpy())
    assert np.shares_memory(arrays["w"], frame["w"].to_numpy())
    codes = crossing["category"][0][1]
    assert codes.dtype == np.int64 and list(crossing["category"][0][2]) == ["a", "b"]


def test_progress_true_draws_a_tqdm_bar(mexico, capsys):
    pytest.importorskip("tqdm")
    equalis.measure.inequality(mexico, value="pcgdp1940", bootstrap=200, progress=True)
    assert "bootstrap" in capsys.readouterr().err


def test_progress_none_is_silent_off_a_terminal(mexico, capsys):
    equalis.measure.inequality(mexico, value="pcgdp1940", bootstrap=50)
    assert capsys.readouterr().err == ""
