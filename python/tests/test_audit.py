"""equalis.audit gives the CLI's numbers, from a file or a DataFrame, and fails as the CLI does."""

import json
import math

import pytest

import equalis
from conftest import EXAMPLES, TEST_DATA, cli, cli_json

pd = pytest.importorskip("pandas")

DECISIONS = EXAMPLES / "audit" / "decisions.csv"
CENSUS = EXAMPLES / "audit" / "census.csv"
RULE = 'hukou == "local" and has_e_id'


@pytest.fixture(scope="module")
def decisions():
    return pd.read_csv(DECISIONS)


def test_metrics_from_a_file_is_the_cli_document():
    result = equalis.audit.metrics(DECISIONS, ["region", "hukou"], score="risk", threshold=0.5, label="eligible",
                                   rule=RULE, time="decided_at", period="quarter", bootstrap=49, seed=3)
    expected = cli_json("audit", "metrics", DECISIONS, "-g", "region", "-g", "hukou", "--score", "risk",
                        "--threshold", 0.5, "--label", "eligible", "--rule", RULE, "--time", "decided_at",
                        "--period", "quarter", "--bootstrap", 49, "--seed", 3)
    assert result.json == expected


def test_metrics_from_a_data_frame_has_the_same_numbers(decisions):
    from_frame = equalis.audit.metrics(decisions, "region", decision="granted", label="eligible")
    from_file = equalis.audit.metrics(DECISIONS, "region", decision="granted", label="eligible")
    assert from_frame.json["result"] == from_file.json["result"]
    assert from_frame.json["recipe"]["input"]["file"] == "data frame `data`"
    # Boolean columns cross as True/False, which the decision log reads as 1/0.
    booleans = decisions.assign(granted=decisions["granted"].astype(bool), eligible=decisions["eligible"] == 1)
    from_booleans = equalis.audit.metrics(booleans, "region", decision="granted", label="eligible")
    assert from_booleans.json["result"] == from_file.json["result"]


def test_metrics_frame_has_one_row_per_group_with_its_rates(decisions):
    frame = equalis.audit.metrics(decisions, ["region", "hukou"], decision="granted", label="eligible").to_frame()
    cells = frame.set_index(["family", "group"])
    assert {"n", "selection_rate", "tpr", "fpr", "four_fifths_ratio"} <= set(frame.columns)
    assert cells.loc[("", "overall"), "n"] == len(decisions)
    # Hand check of a group's selection rate against the data.
    east = decisions[decisions["region"] == "east"]
    assert math.isclose(cells.loc[("region", "east"), "selection_rate"], east["granted"].mean(), rel_tol=1e-9)
    assert set(cells.loc["hukou"].index) == set(decisions["hukou"])


def test_metrics_of_an_aggregated_table_is_the_cli_document():
    data = TEST_DATA / "audit" / "compas_aggregated.csv"
    result = equalis.audit.metrics(data, "race", decision="decile_ge5", label="two_year_recid", count="n")
    expected = cli_json("audit", "metrics", data, "-g", "race", "--decision", "decile_ge5", "--label",
                        "two_year_recid", "--count", "n")
    assert result.json["result"] == expected["result"]


def test_rules_is_the_cli_document(decisions):
    result = equalis.audit.rules(DECISIONS, RULE, ["region", "age_band"])
    expected = cli_json("audit", "rules", DECISIONS, "--rule", RULE, "-g", "region", "-g", "age_band")
    assert result.json == expected
    from_frame = equalis.audit.rules(decisions, RULE, ["region", "age_band"])
    assert from_frame.json["result"] == expected["result"]
    frame = result.to_frame().set_index(["family", "group"])
    excluded = decisions[~((decisions["hukou"] == "local") & (decisions["has_e_id"] == 1))]
    assert frame.loc[("", "overall"), "excluded"] == len(excluded)


def test_representation_is_the_cli_document(decisions):
    result = equalis.audit.representation(DECISIONS, "region", CENSUS, reference_value="population")
    expected = cli_json("audit", "representation", DECISIONS, "-g", "region", "--reference", CENSUS,
                        "--reference-value", "population")
    assert result.json == expected
    census = pd.read_csv(CENSUS)
    from_frames = equalis.audit.representation(decisions, "region", census, reference_value="population")
    assert from_frames.json["result"] == expected["result"]
    frame = result.to_frame().set_index("group")
    share = census.set_index("region")["population"] / census["population"].sum()
    assert math.isclose(frame.loc["south", "population_share"], share["south"], rel_tol=1e-9)


def test_mitigate_is_the_cli_document(decisions):
    result = equalis.audit.mitigate(DECISIONS, ["hukou", "age_band"], score="risk", threshold=0.5, label="eligible")
    expected = cli_json("audit", "mitigate", DECISIONS, "-g", "hukou", "-g", "age_band", "--score", "risk",
                        "--threshold", 0.5, "--label", "eligible")
    assert result.json == expected
    from_frame = equalis.audit.mitigate(decisions, ["hukou", "age_band"], score="risk", threshold=0.5,
                                        label="eligible")
    assert from_frame.json["result"] == expected["result"]
    assert {"reweighing", "equal_opportunity_thresholds"} <= set(result.to_frame()["family"])


def test_monitor_gives_the_cli_lines(decisions, tmp_path):
    result = equalis.audit.monitor(DECISIONS, "region", decision="granted", window_count=500)
    _, stdout, _ = cli("audit", "monitor", DECISIONS, "-g", "region", "--decision", "granted", "--window", 500)
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert result.events == lines[:-1]
    assert result.summary == lines[-1]
    assert str(result) == stdout
    assert len(result.to_frame()) == result.summary["alerts"] > 0
    from_frame = equalis.audit.monitor(decisions, "region", decision="granted", window_count=500,
                                       state=tmp_path / "state.json")
    assert from_frame.events == result.events
    assert (tmp_path / "state.json").exists()


def test_a_misspelt_column_says_did_you_mean(decisions):
    with pytest.raises(equalis.InputError) as caught:
        equalis.audit.metrics(decisions, "regoin", decision="granted")
    assert "did you mean" in caught.value.fix and "region" in caught.value.fix
    assert "data frame `data`" in str(caught.value)
    with pytest.raises(equalis.InputError) as caught:
        equalis.audit.representation(decisions, "region", CENSUS, reference_value="populaton")
    assert "did you mean 'population'" in caught.value.fix


def test_a_bad_choice_lists_the_choices(decisions):
    with pytest.raises(equalis.InputError) as caught:
        equalis.audit.metrics(decisions, "region", decision="granted", missing_group="owm")
    assert "own, drop, error" in caught.value.fix
    with pytest.raises(equalis.InputError) as caught:
        equalis.audit.metrics(decisions, "region", decision="granted", favourable="unselected")
    assert "selected, not-selected" in caught.value.fix



def test_a_level_out_of_range_is_refused_by_name(decisions):
    with pytest.raises(equalis.InputError, match="`coverage`"):
        equalis.audit.representation(decisions, "region", CENSUS, reference_value="population", coverage=5)
    with pytest.raises(equalis.InputError, match="`alpha`"):
        equalis.audit.rules(decisions, RULE, "region", alpha=2)
