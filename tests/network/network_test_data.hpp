#pragma once
// Hand-drawn OSM extract exercising every car-profile rule of issue 3, and helpers for temp files.
// Expected travel times were computed independently with python (haversine R = 6 371 009 m, round to ms).

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace equalis::network::testing {

inline const std::string kMonaco = std::string(EQUALIS_TEST_DATA_DIR) + "/osm/monaco.osm.pbf";

inline std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / fmt::format("equalis_network_{}_{}", ::getpid(), name))
      .string();
}

inline std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// Nodes 1..5 form the kept component; 6 only lies on excluded ways; 7 is behind a one-way dead end.
inline constexpr const char* kRulesOsm = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="1" lat="43.70" lon="7.40"/>
  <node id="2" lat="43.70" lon="7.41"/>
  <node id="3" lat="43.71" lon="7.41"/>
  <node id="4" lat="43.71" lon="7.40"/>
  <node id="5" lat="43.715" lon="7.405"/>
  <node id="6" lat="43.70" lon="7.395"/>
  <node id="7" lat="43.71" lon="7.42"/>
  <node id="8" lat="43.705" lon="7.405"><tag k="amenity" v="school"/><tag k="name" v="École A"/></node>
  <way id="101"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
  <way id="102"><nd ref="3"/><nd ref="4"/><tag k="highway" v="primary"/><tag k="oneway" v="yes"/><tag k="maxspeed" v="50"/></way>
  <way id="103"><nd ref="4"/><nd ref="1"/><tag k="highway" v="secondary"/><tag k="oneway" v="-1"/></way>
  <way id="104"><nd ref="4"/><nd ref="5"/><tag k="highway" v="tertiary"/><tag k="junction" v="roundabout"/></way>
  <way id="105"><nd ref="5"/><nd ref="3"/><tag k="highway" v="residential"/></way>
  <way id="106"><nd ref="2"/><nd ref="6"/><tag k="highway" v="residential"/><tag k="access" v="private"/></way>
  <way id="107"><nd ref="1"/><nd ref="6"/><tag k="highway" v="footway"/></way>
  <way id="108"><nd ref="2"/><nd ref="5"/><tag k="highway" v="residential"/><tag k="area" v="yes"/></way>
  <way id="109"><nd ref="1"/><nd ref="3"/><tag k="highway" v="tertiary"/><tag k="motorcar" v="yes"/><tag k="access" v="no"/></way>
  <way id="110"><nd ref="2"/><nd ref="4"/><tag k="highway" v="tertiary"/><tag k="motor_vehicle" v="private"/><tag k="access" v="yes"/></way>
  <way id="111"><nd ref="5"/><nd ref="2"/><tag k="highway" v="unclassified"/><tag k="maxspeed" v="30 mph"/></way>
  <way id="112"><nd ref="3"/><nd ref="7"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="113"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="maxspeed" v="100"/></way>
  <way id="114"><nd ref="1"/><nd ref="4"/><nd ref="5"/><nd ref="1"/><tag k="amenity" v="townhall"/><tag k="name" v="Mairie"/></way>
</osm>
)";

}  // namespace equalis::network::testing
