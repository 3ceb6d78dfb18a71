#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace xiongguan::scenario {

/// One `models:` entry of a scenario.
struct ModelEntry {
    std::string type;   ///< registry id, e.g. "models.green_cover"
    YAML::Node params;  ///< the entry without `type` (a map; marks kept for file:line errors)
    std::string file;   ///< the scenario file the `models:` list came from (for errors, relative paths)
    std::string location; ///< "file:line" of the entry
};

/// A dotted-key assignment (`override:` entry or one batch sweep value).
struct Assignment {
    std::string key;    ///< "seed", "period.from", "period.to", "models.<type>.<param>[.<sub>...]"
    YAML::Node value;
};

/// A scenario after `extends`, `override:` and any extra assignments: plain data.
struct Scenario {
    std::string path;               ///< the scenario file (normalised)
    std::vector<std::string> files; ///< this file and every file it extends, leaf first
    std::string name;               ///< run id base (validated as a folder name)
    std::string description;
    std::string study;              ///< resolved path of the study file
    int year_from = 0;              ///< period start (an observed land-use year)
    int year_to = 0;                ///< period end (>= year_from)
    std::optional<std::uint64_t> seed;
    std::vector<std::string> checks; ///< check ids, in order
    std::string review_layer = "proposals";
    std::string as_of;              ///< idle-land reference date ("" = default of the checks)
    std::vector<ModelEntry> models;
    std::vector<std::string> formats = {"shp"}; ///< vector output formats: shp, gpkg
    std::string landuse_maps = "none";         ///< none | final | all
    bool quicklooks = true;
    /// The resolved document as JSON (after extends/override/assignments; without `extends`,
    /// `override`), for the manifest and the run's spec hash.
    nlohmann::ordered_json resolved;

    /// True when a model of this type is listed.
    bool hasModel(const std::string& type) const;
};

/// Loads a scenario file: follows `extends` (deep merge, this file wins, lists replace), applies
/// its `override:` then `extra` assignments, validates every key, type and range, and checks that
/// `period.from` is an observed land-use year of the study (the study file is read; no layer is).
/// Model parameters are not checked here (that is the model's `configure`).
/// \throws ConfigError "file:line: ..." naming the key and quoting the value; IoError when a file
/// cannot be read.
Scenario loadScenario(const std::string& path, const std::vector<Assignment>& extra = {});

/// True when `s` is usable as a folder name: [A-Za-z0-9_.-], not starting with '.', no "..".
bool isSafeName(const std::string& s);

/// Absolute, lexically normal form of a path (as given when it cannot be made absolute).
std::string normalisePath(const std::string& p);

/// `rel` resolved against the folder of `file` (absolute paths are kept), lexically normal.
std::string resolveFrom(const std::string& file, const std::string& rel);

/// Kind of a YAML file, from its top-level keys: "study" (grid / layers / classes), "batch"
/// (scenarios), "scenario" (models / period / study / extends), or "" when none fits.
/// \throws ConfigError on a YAML syntax error, IoError when unreadable.
std::string detectKind(const std::string& path);

/// YAML node to JSON: plain scalars become bool / integer / number / null when they read as such,
/// quoted scalars stay strings.
nlohmann::ordered_json yamlToJson(const YAML::Node& node);

} // namespace xiongguan::scenario
