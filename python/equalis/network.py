"""Road networks from OpenStreetMap (docs/network.md, docs/cli.md): build() turns an OSM extract into a
graph file and returns a Network, whose matrix(), isochrone() give travel times on it; load() opens a
graph built before (by build() or `equalis network build`); pois() extracts points of interest.

    net = equalis.network.build("monaco.osm.pbf", output="monaco.eqg", profile="walk")
    times = net.matrix(homes, schools, max_time=1800).to_frame()   # from_id, to_id, travel_time_s
"""

import atexit
import json
import os
import shutil
import tempfile

from ._call import Inputs, call
from ._values import geojson as _geojson
from ._values import seconds as _seconds
from .result import Result


class BuildResult(Result):
    """What build() read and wrote: `.json` the CLI's document (nodes, edges, the profile, the OSM
    extract's SHA-256)."""


class MatrixResult(Result):
    """Travel times: `to_frame()` the long matrix (from_id, to_id, travel_time_s in seconds), as
    `equalis network matrix` writes it; unreachable pairs are left out unless keep_unreachable."""


class IsochroneResult(Result):
    """`to_frame()` the reachable nodes (node, OSM id, lon, lat, seconds), `.json` the CLI's summary,
    `.geojson` the outline (a dict, as --geojson writes it), `str()` the text form."""

    @property
    def geojson(self):
        return json.loads(self._csv["outline.geojson"])

    def geo(self):
        """The outline: a GeoDataFrame when geopandas is installed, else the GeoJSON dict."""
        return _geojson(self._csv["outline.geojson"])


class PoisResult(Result):
    """`to_frame()` the points of interest (id, kind, name, lon, lat, …), as `equalis network pois`."""


class Network:
    """A built road network: the graph file at `.path`, and the profile it was built for (`.profile`,
    None for a graph opened with load())."""

    def __init__(self, path, build=None):
        self.path = os.fspath(path)
        self.build = build  # the BuildResult, when this session built it

    @property
    def profile(self):
        if self.build is None:
            return None
        return self.build.json["options"]["profile"]

    def matrix(self, origins, destinations, *, max_time=None, max_snap=None, snap=None, keep_unreachable=None,
               progress=None):
        """Travel times in seconds from every origin to every destination.

        origins, destinations -- DataFrames or CSV paths with columns id, lon, lat (WGS84)
        max_time  -- seconds (or a timedelta, or "10min"): longer trips count as unreachable; max_snap -- metres to the graph
        snap      -- "node" (nearest graph node, default) or "segment" (nearest point of the nearest road)
        """
        with Inputs() as inputs:
            fields = dict(graph=self.path, origins=inputs.path(origins, "origins"),
                          destinations=inputs.path(destinations, "destinations"), max_time=_seconds(max_time),
                          max_snap=_float(max_snap), snap=snap, keep_unreachable=keep_unreachable)
            return call("network_matrix", fields, progress, inputs, MatrixResult)

    def isochrone(self, lon, lat, max_time, *, max_snap=None, outline=None, buffer=None, progress=None):
        """What is reachable from (lon, lat) within `max_time` seconds (or a timedelta, or "10min"); `outline` "network" (the reachable
        roads buffered by `buffer` metres, default) or "hull"."""
        with Inputs() as inputs:
            fields = dict(graph=self.path, lon=float(lon), lat=float(lat), max_time=_seconds(max_time),
                          max_snap=_float(max_snap), outline=outline, buffer=_float(buffer))
            return call("network_isochrone", fields, progress, inputs, IsochroneResult)

    def __repr__(self):
        return f"<equalis Network {self.path!r}>"

    def __fspath__(self):
        return self.path


def build(osm, output=None, *, profile="car", speeds=None, progress=None):
    """Builds a routable graph from an OpenStreetMap extract (.osm.pbf or .osm) and writes it to `output`
    (atomically; None: a temporary file removed when Python exits). profile -- "car", "walk" or "bike";
    speeds -- DataFrame or CSV highway,speed_kmh overriding the profile's speeds."""
    if output is None:
        folder = tempfile.mkdtemp(prefix="equalis-graph-")
        atexit.register(shutil.rmtree, folder, True)
        output = os.path.join(folder, f"{profile}.eqg")
    with Inputs() as inputs:
        fields = dict(osm=os.fspath(osm), profile=profile, speeds=inputs.path(speeds, "speeds"),
                      output=os.fspath(output))
        result = call("network_build", fields, progress, inputs, BuildResult)
    return Network(output, result)


def load(graph):
    """A Network over a graph file built before."""
    path = os.fspath(graph)
    if not os.path.isfile(path):
        from .errors import FileError  # noqa: PLC0415

        raise FileError(f"cannot open graph file '{path}'", fix="build it with equalis.network.build()",
                        code="io", file=path)
    return Network(path)


def pois(osm, tags, *, progress=None):
    """Points of interest of an OSM extract; tags -- e.g. "amenity=hospital,clinic,school;shop=supermarket"
    (an item without '=' reuses the previous key; value * = any), or a list of such "key=value" items."""
    with Inputs() as inputs:
        fields = dict(osm=os.fspath(osm), tags=tags if isinstance(tags, str) else ";".join(tags))
        return call("network_pois", fields, progress, inputs, PoisResult)


def _float(value):
    return None if value is None else float(value)
