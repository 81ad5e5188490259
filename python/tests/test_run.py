"""equalis.run: a study file in, the report out, the same as `equalis run`."""

import json

import pytest

import equalis
from conftest import EXAMPLES, cli

pd = pytest.importorskip("pandas")


def _without_timings(document):
    document = dict(document)
    document.pop("timings", None)
    return document


def test_run_gives_the_cli_report(tmp_path):
    study = EXAMPLES / "regions" / "study.toml"
    report = equalis.run(study, tmp_path / "py-report", cache=False)
    cli("run", study, "--output", tmp_path / "cli-report", "--no-cache")
    expected = json.loads((tmp_path / "cli-report" / "report.json").read_text())
    written = json.loads((tmp_path / "py-report" / "report.json").read_text())
    assert _without_timings(report.json)["sections"] == _without_timings(expected)["sections"]
    assert written["sections"] == expected["sections"]
    assert "inequality" in report.table_names
    assert len(report.to_frame("inequality")) > 0
    assert "<html" in report.html


def test_run_without_output_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = equalis.run(EXAMPLES / "regions" / "study.toml", cache=False)
    assert list(tmp_path.iterdir()) == []
    assert "report:" not in str(report)
    assert report.json["sections"]


def test_a_bad_study_is_an_input_error_with_its_line(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text('[study]\ntitle = "x"\n\n[inequality]\nfile = "missing.csv"\nvalus = ["a"]\n')
    with pytest.raises(equalis.Error) as caught:
        equalis.run(study)
    assert "values" in str(caught.value)


def test_output_over_an_input_is_refused(tmp_path):
    with pytest.raises(equalis.InputError) as caught:
        equalis.run(EXAMPLES / "regions" / "study.toml", EXAMPLES)
    assert "`output`" in caught.value.fix


def test_study_zones_are_a_geodataframe_with_geopandas():
    geopandas = pytest.importorskip("geopandas")
    report = equalis.run(EXAMPLES / "bho" / "study.toml", cache=False)
    assert isinstance(report.zones, geopandas.GeoDataFrame)
    assert len(report.zones) == len(pd.read_csv(EXAMPLES.parent / "tests" / "data" / "bho" / "hexagons.csv"))
