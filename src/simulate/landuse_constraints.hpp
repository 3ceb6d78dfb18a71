#pragma once

#include "io/study.hpp"
#include "raster/grid.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// How one control line acts on the allocation.
struct LineRule {
    enum class Mode { Off, Forbid, Weight };
    Mode mode = Mode::Off;
    double weight = 1.0;   ///< Weight mode: multiplies the probability of the restricted changes
    /// development_boundary only: the area where the line acts is outside the concentrated zone
    /// (default) or outside every zone ("forbid_outside").
    bool outside_any_zone = false;
};

/// The control lines of a scenario (`constraints:` of models.landuse_ca).
/// - ecological_redline: new construction inside the red line;
/// - basic_farmland: any change to a non-farmland class inside basic farmland;
/// - development_boundary: new urban construction outside the concentrated zone (or every zone);
/// - great_wall_protection: new construction inside the protection range (heritage protection_m).
struct ConstraintOptions {
    LineRule ecological_redline{LineRule::Mode::Forbid, 1.0, false};
    LineRule basic_farmland{LineRule::Mode::Forbid, 1.0, false};
    LineRule development_boundary{LineRule::Mode::Off, 1.0, false};
    LineRule great_wall_protection{LineRule::Mode::Forbid, 1.0, false};
};

/// Parses `constraints:`: each line is `forbid`, `off`, `{weight: w}` or `{mode: ..., weight: w}`;
/// development_boundary also takes `forbid_outside_concentrated` / `forbid_outside` (as a scalar or
/// as `mode:`). \throws ConfigError naming file:line and the key.
ConstraintOptions parseConstraints(const YAML::Node& node, const std::string& file);
nlohmann::ordered_json constraintsJson(const ConstraintOptions& o);

/// Rasterized control lines: a zone code per cell (bit 0 red line, 1 basic farmland, 2 outside the
/// development boundary's zone, 3 Great Wall protection range) and the factor table
/// factor[(code·K + from)·K + to] (0 = forbidden).
struct ConstraintSet {
    raster::Grid<std::uint8_t> zones;
    std::vector<float> factor;
    nlohmann::ordered_json summary; ///< hectares of each line's area on the grid
};

/// Builds the constraint rasters for the classes in play (raster values, index k). A line whose
/// layer is absent from the study is skipped and listed in the summary.
ConstraintSet buildConstraints(const io::StudyArea& study, const std::vector<std::uint16_t>& classes,
                               const ConstraintOptions& options);

/// Factor table alone (for tests): `construction[k]`, `urban[k]`, `farmland[k]` per class.
std::vector<float> constraintFactors(const ConstraintOptions& options, const std::vector<char>& construction,
                                     const std::vector<char>& urban, const std::vector<char>& farmland);

} // namespace xiongguan::simulate
