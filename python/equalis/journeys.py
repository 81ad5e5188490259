"""Service journeys: for every zone, group and public matter, how many people can finish it, in how many
in-person visits, at what time and cost, and which requirement or rule stops the rest (docs/journeys.md).
The options are those of `equalis journeys`; zones, offices and costs are as in equalis.access."""

from ._call import Inputs, call
from ._values import names as _names
from ._values import path as _path
from .result import Result


class JourneysResult(Result):
    """`to_frame()`: one row per zone × group × matter (completion, visits, time, money, main reason);
    `summary()`: one row per group × matter with the reasons people fail; `.json`: the CLI's document
    (scenarios with who loses)."""

    def summary(self):
        return self.to_frame("summary")


def journeys(zones, catalogue, abilities, *, facilities=None, matrix=None, graph=None, standard=None,
             groups=None, group_columns=None, zone_id=None, population=None, income=None, coverage=None,
             zone_layer=None, facility_id=None, capacity=None, from_column=None, to_column=None, cost=None,
             cost_unit=None, max_snap=None, snap=None, snap_threshold=None, straight_line=None, detour=None,
             offices=None, terminals=None, assisted=None, outreach=None, outreach_reach=None, choice=None,
             scenarios=None, joint_abilities=None, progress=None):
    """Completion, visits and reasons per zone × group × matter.

    zones      -- DataFrame or file with the groups' populations (or `groups`, a long table)
    catalogue  -- the service catalogue (TOML): matters, steps, channels, requirements, rules
    abilities  -- DataFrame or CSV: group, requirement, probability
    joint_abilities -- DataFrame or CSV: group, share, one 0/1 column per requirement (met together)
    facilities -- the in-person offices; `offices` -- {kind: DataFrame or CSV} for other office kinds
    choice     -- "cheapest" (default), "prefer-online" or "prefer-offline"
    scenarios  -- TOML file of journey scenarios (online-only, add a channel, remove a proof, …)
    """
    with Inputs() as inputs:
        office_files = None
        if offices is not None:
            office_files = {kind: inputs.path(data, f"offices_{kind}") for kind, data in offices.items()}
        fields = dict(
            zones=inputs.path(zones, "zones"), catalogue=_path(catalogue),
            abilities=inputs.path(abilities, "abilities"),
            joint_abilities=inputs.path(joint_abilities, "joint_abilities"), facilities=inputs.path(facilities, "facilities"),
            matrix=inputs.path(matrix, "matrix"), graph=_path(graph), standard=standard,
            groups=inputs.path(groups, "groups"), group_columns=_names(group_columns), zone_id=zone_id,
            population=population, income=income, coverage=coverage, zone_layer=zone_layer,
            facility_id=facility_id, capacity=capacity, from_column=from_column, to_column=to_column, cost=cost,
            cost_unit=cost_unit, max_snap=max_snap, snap=snap, snap_threshold=snap_threshold,
            straight_line=straight_line, detour=detour, offices=office_files,
            terminals=inputs.path(terminals, "terminals"), assisted=inputs.path(assisted, "assisted"),
            outreach=inputs.path(outreach, "outreach"), outreach_reach=outreach_reach, choice=choice,
            scenarios=_path(scenarios))
        return call("journeys", fields, progress, inputs, JourneysResult)
