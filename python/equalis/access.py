"""Who can reach what, through which channel: physical access measures per zone and group (cumulative,
cost to the closest, gravity, 2SFCA and kin, coverage, RAAM), the people beyond an access standard, and
access through every channel (in person, online, phone, terminal, assisted, outreach) with the people no
channel serves (docs/access.md). The options are those of `equalis access`."""

from ._call import Inputs, call
from ._values import geojson as _geojson
from ._values import names as _names
from ._values import path as _path
from .result import Result


class AccessResult(Result):
    """`to_frame()`: one row per zone (every measure, the people beyond the standard, by channel);
    `summary()`: one row per measure and group; `geo()`: the zones as GeoJSON (a GeoDataFrame with
    geopandas); `.json`: the CLI's document (equity summaries, scenarios, snapping)."""

    def summary(self):
        return self.to_frame("summary")

    def geo(self):
        """The zones with their measures: a GeoDataFrame when geopandas is installed, else a GeoJSON dict."""
        return _geojson(self._csv.get("zones.geojson"))

    @property
    def table_names(self):
        return [name for name in self._csv if not name.endswith(".geojson")]


def access(zones, facilities, *, matrix=None, graph=None, straight_line=None, measures=None, standard=None,
           groups=None, group_columns=None, zone_id=None, population=None, income=None, coverage=None,
           zone_layer=None, zone_points=None, facility_id=None, capacity=None, from_column=None,
           to_column=None, cost=None, cost_unit=None, max_snap=None, snap=None, snap_threshold=None,
           detour=None, decay=None, alpha=None, no_access=None, concentration=None, poverty_lines=None,
           channels=None, terminals=None, assisted=None, outreach=None, outreach_reach=None,
           joint_abilities=None, digital_profiles=None, scenarios=None, zone_polygons=None, polygon_id=None,
           cost_cache=None, progress=None):
    """Access per zone and group.

    zones       -- DataFrame or file (CSV, or GeoJSON/GeoPackage/Shapefile): id, population, group columns
    facilities  -- DataFrame or CSV: id and capacity (offices of the in-person channel)
    matrix      -- long travel-cost matrix (DataFrame or CSV: zone, facility, cost), or `graph` (a file of
                   `equalis network build`), or `straight_line` ("4.5km/h")
    measures    -- e.g. ["cumulative=30min", "closest", "2sfca=gaussian:30min"] (default ["2sfca"])
    standard    -- access standard ("30min"): people whose nearest office costs more are counted
    channels    -- e.g. ["in-person", "online", "assisted"], with `digital_profiles` (DataFrame or CSV) and
                   the site files of terminal/assisted/outreach
    scenarios   -- TOML file of what-if scenarios
    """
    with Inputs() as inputs:
        fields = dict(
            zones=inputs.path(zones, "zones"), facilities=inputs.path(facilities, "facilities"),
            matrix=inputs.path(matrix, "matrix"), graph=_path(graph), straight_line=straight_line,
            measures=_names(measures), standard=standard, groups=inputs.path(groups, "groups"),
            group_columns=_names(group_columns), zone_id=zone_id, population=population, income=income,
            coverage=coverage, zone_layer=zone_layer, zone_points=inputs.path(zone_points, "zone_points"),
            facility_id=facility_id, capacity=capacity, from_column=from_column, to_column=to_column, cost=cost,
            cost_unit=cost_unit, max_snap=max_snap, snap=snap, snap_threshold=snap_threshold, detour=detour,
            decay=decay, alpha=alpha, no_access=no_access, concentration=concentration,
            poverty_lines=_names(poverty_lines), channels=_names(channels),
            terminals=inputs.path(terminals, "terminals"), assisted=inputs.path(assisted, "assisted"),
            outreach=inputs.path(outreach, "outreach"), outreach_reach=outreach_reach,
            joint_abilities=inputs.path(joint_abilities, "joint_abilities"),
            digital_profiles=inputs.path(digital_profiles, "digital_profiles"), scenarios=_path(scenarios),
            zone_polygons=_path(zone_polygons), polygon_id=polygon_id, cost_cache=_path(cost_cache))
        return call("access", fields, progress, inputs, AccessResult)
