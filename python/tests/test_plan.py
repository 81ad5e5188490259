"""equalis.plan gives the CLI's plans, from files or DataFrames, and fails as the CLI does."""

import math

import pytest

import equalis
from conftest import TEST_DATA, cli, cli_json

pd = pytest.importorskip("pandas")

ORLIB = TEST_DATA / "orlib-pmed" / "pmed1.txt"
MATRIX = TEST_DATA / "bho" / "matrix.csv"
DEMAND = TEST_DATA / "bho" / "demand.csv"
REGIONS = TEST_DATA.parent / "golden" / "data" / "regions.csv"
BHO = dict(groups="income_group", existing="existing")
BHO_FLAGS = ["--matrix", MATRIX, "--demand", DEMAND, "--groups", "income_group", "--existing", "existing"]


def without_timings(value):
    """The document without wall-clock times (the only part two runs may differ in)."""
    if isinstance(value, dict):
        return {key: without_timings(item) for key, item in value.items() if key != "seconds"}
    if isinstance(value, list):
        return [without_timings(item) for item in value]
    return value


def test_pmedian_from_an_orlib_file_is_the_cli_document():
    result = equalis.plan.pmedian(orlib=ORLIB)
    assert without_timings(result.json) == without_timings(cli_json("plan", "pmedian", "--orlib", ORLIB))
    assert result.status == "optimal"
    assert len(result.open_sites) == 5
    # pmed1's optimum (OR-Library pmedcap/pmed1: 5819).
    assert result.json["result"]["objective"] == 5819.0


def test_pcenter_is_the_cli_document():
    result = equalis.plan.pcenter(orlib=ORLIB, p=5)
    expected = cli_json("plan", "pcenter", "--orlib", ORLIB, "--p", 5)
    assert without_timings(result.json) == without_timings(expected)


@pytest.mark.parametrize("model, options, flags", [
    ("mclp", dict(p=3, radius=30), ["--p", 3, "--radius", 30]),
    ("lscp", dict(radius=45), ["--radius", 45]),
])
def test_covering_models_are_the_cli_document(model, options, flags):
    result = getattr(equalis.plan, model)(matrix=MATRIX, demand=DEMAND, **BHO, **options)
    expected = cli_json("plan", model, *BHO_FLAGS, *flags)
    assert without_timings(result.json) == without_timings(expected)


@pytest.mark.parametrize("options, flags", [
    (dict(objective="kolm-pollak", aversion=2, p=3), ["--objective", "kolm-pollak", "--aversion", 2, "--p", 3]),
    (dict(objective="rawls", focus_groups=["Q1", "Q2"], p=3), ["--objective", "rawls", "--focus-groups", "Q1,Q2",
                                                               "--p", 3]),
    (dict(objective="gap", p=2), ["--objective", "gap", "--p", 2]),
])
def test_fair_is_the_cli_document(options, flags):
    result = equalis.plan.fair(matrix=MATRIX, demand=DEMAND, **BHO, **options)
    expected = cli_json("plan", "fair", *BHO_FLAGS, *flags)
    assert without_timings(result.json) == without_timings(expected)
    frame = result.to_frame()
    assert set(frame["group"]) == {"Q1", "Q2", "Q3", "Q4", "Q5"}


def test_data_frames_give_the_same_plan():
    matrix, demand = pd.read_csv(MATRIX), pd.read_csv(DEMAND)
    from_frames = equalis.plan.pmedian(matrix=matrix, demand=demand, p=3, **BHO)
    from_files = equalis.plan.pmedian(matrix=MATRIX, demand=DEMAND, p=3, **BHO)
    assert without_timings(from_frames.json["result"]) == without_timings(from_files.json["result"])
    assert from_frames.json["input"]["file"] == "data frame `matrix`"
    # The group outcome is the demand-weighted mean of each client's cost to its nearest open site.
    open_sites = set(from_files.open_sites) | {"existing"}
    nearest = matrix[matrix["to_id"].astype(str).isin(open_sites)].groupby("from_id")["travel_time"].min()
    clients = demand.set_index("id").assign(cost=nearest)
    q1 = clients[clients["income_group"] == "Q1"]
    expected = (q1["cost"] * q1["population"]).sum() / q1["population"].sum()
    outcome = from_files.to_frame().set_index("group")
    # The plan's cost matrix holds single-precision floats (plan/instance.hpp): about 7 digits.
    assert math.isclose(outcome.loc["Q1", "mean_cost"], expected, rel_tol=1e-6)


def test_budget_is_the_cli_document():
    for objective in ("maximin", "mad"):
        result = equalis.plan.budget(REGIONS, 60, objective=objective)
        expected = cli_json("plan", "budget", "--regions", REGIONS, "--budget", 60, "--objective", objective)
        assert result.json == expected
    regions = pd.read_csv(REGIONS)
    from_frame = equalis.plan.budget(regions, 60)
    frame = from_frame.to_frame()
    assert list(frame["region"]) == list(regions["region"])
    assert math.isclose(frame["spend"].sum(), 60.0, rel_tol=1e-6)
    assert from_frame.json["result"] == equalis.plan.budget(REGIONS, 60).json["result"]


def test_an_infeasible_plan_raises_with_its_report():
    status, _, _ = cli("plan", "lscp", *BHO_FLAGS, "--radius", 1, check=False)
    with pytest.raises(equalis.InfeasibleError) as caught:
        equalis.plan.lscp(matrix=MATRIX, demand=DEMAND, radius=1, **BHO)
    assert status != 0
    assert caught.value.result.status == "infeasible"
    assert "radius" in str(caught.value)


def test_a_misspelt_column_says_did_you_mean():
    demand = pd.read_csv(DEMAND)
    with pytest.raises(equalis.InputError) as caught:
        equalis.plan.pmedian(matrix=MATRIX, demand=demand, p=3, groups="income_grup")
    assert "did you mean 'income_group'" in caught.value.fix
    assert "data frame `demand`" in str(caught.value)
    with pytest.raises(equalis.InputError) as caught:
        equalis.plan.budget(REGIONS, 60, value_col="indicatr")
    assert "did you mean 'indicator'" in caught.value.fix


def test_a_bad_choice_lists_the_choices():
    with pytest.raises(equalis.InputError) as caught:
        equalis.plan.fair(matrix=MATRIX, demand=DEMAND, p=3, objective="rawl")
    assert "kolm-pollak, rawls, coverage, gap" in caught.value.fix
    with pytest.raises(equalis.InputError) as caught:
        equalis.plan.pmedian(orlib=ORLIB, cost_unit="meters")
    assert "seconds, minutes, metres, given" in caught.value.fix


def test_an_unknown_option_says_did_you_mean():
    with pytest.raises(equalis.InputError) as caught:
        equalis.plan.pmedian(orlib=ORLIB, time_limt=5)
    assert "did you mean `time_limit`" in caught.value.fix


def test_a_warning_points_at_the_caller():
    with pytest.warns(UserWarning, match="existing") as record:
        equalis.plan.pmedian(matrix=MATRIX, demand=DEMAND, p=2, groups="income_group")
    assert record[0].filename == __file__


def test_a_negative_count_is_named():
    with pytest.raises(equalis.InputError, match="`p` cannot be negative"):
        equalis.plan.pmedian(orlib=ORLIB, p=-1)
