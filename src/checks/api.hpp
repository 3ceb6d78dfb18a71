#pragma once

#include "io/study.hpp"
#include "raster/grid.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace xiongguan::checks {

/// What to review and where to write. Used by `xiongguan check` and by scenarios.
struct CheckRequest {
    /// Rule ids to run ("" / empty = all): e.g. "checks.development_boundary", "checks.red_line",
    /// "checks.basic_farmland", "checks.great_wall", "checks.line_conflicts", "checks.idle_land".
    std::vector<std::string> rules;
    std::string review_layer = "proposals"; ///< study role of the parcels to review
    std::string as_of;                      ///< idle-land reference date YYYY-MM-DD ("" = 2021-12-31)
    std::string out_dir;                    ///< output folder (created); "" = write nothing
    /// Land-use map to review instead of / besides the parcels (e.g. a simulated year); may be null.
    const raster::ClassGrid* landuse = nullptr;
    int landuse_year = 0;
};

/// Totals of a review, for scenario metrics and the CLI summary.
struct CheckSummary {
    nlohmann::ordered_json metrics;    ///< per rule and total: parcels, area, pass/fail/approval
    std::vector<std::string> files;    ///< files written
    /// The review's loaded layers, parcels and per-thread geometries, freed with the summary. A
    /// process that exits right after may keep it instead (cli::keepUntilExit): freeing a large
    /// review costs tens of milliseconds the operating system does at exit for nothing.
    std::shared_ptr<void> review;
};

/// Runs the requested checks on a study. Findings go to the outputs, not exceptions.
/// \throws ConfigError for an unknown rule id, InputError / GeometryError for bad layers.
CheckSummary runChecks(const io::StudyArea& study, const CheckRequest& request);

/// Compliance of a land-use map (e.g. a simulated year) with the control lines, raster-based:
/// hectares of urban construction outside the concentrated zone, of construction in the red line,
/// of non-farm use on basic farmland, of construction in the Great Wall protection range.
nlohmann::ordered_json landuseCompliance(const io::StudyArea& study, const raster::ClassGrid& landuse);

} // namespace xiongguan::checks
