#pragma once

#include "raster/classes.hpp"
#include "raster/grid.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// Inputs of the green indicators, all on one grid.
struct GreenInputs {
    const raster::GridSpec* spec = nullptr;
    const raster::ClassGrid* landuse = nullptr;
    const raster::Grid<std::uint8_t>* built_up = nullptr; ///< 1 = cell centre inside the built-up area
    const raster::Grid<float>* population = nullptr;      ///< persons per cell; < 0 = nodata; may be null
    const raster::ClassTable* classes = nullptr;
    std::vector<std::uint16_t> park_values{1401};          ///< class values counted as park green
};

/// Sums over the cells inside the built-up area (docs/STUDY_FORMAT.md, last section).
struct GreenTotals {
    std::int64_t built_up_cells = 0;
    double built_up_m2 = 0.0;      ///< A = cells × cell area
    double green_space_m2 = 0.0;   ///< Σ attached_green(class) × cell area
    double canopy_m2 = 0.0;        ///< Σ canopy(class) × cell area
    double park_m2 = 0.0;          ///< cells of a park class × cell area
    double construction_m2 = 0.0;  ///< cells of urban-construction classes × cell area
    double population = 0.0;       ///< Σ population over the cells (nodata skipped)

    double greenSpaceRate() const { return built_up_m2 > 0 ? green_space_m2 / built_up_m2 : 0.0; }
    double greenCoverRate() const { return built_up_m2 > 0 ? canopy_m2 / built_up_m2 : 0.0; }
    double parkPerPerson() const { return population > 0 ? park_m2 / population : 0.0; }
    double constructionPerPerson() const { return population > 0 ? construction_m2 / population : 0.0; }
};

/// Computes the totals, parallel over tiles; floating partial sums combined in tile order, so the
/// result is identical at any thread count. \throws InputError when grids differ in size.
GreenTotals computeGreenTotals(const GreenInputs& in);

/// One row of the versioned threshold table of the garden-city standards (DOMAIN.md §3).
struct GreenThreshold {
    std::string indicator; ///< metrics key, e.g. "green_cover_rate"
    std::string level;     ///< "garden_city" or "eco_garden_city"
    std::string standard;  ///< the standard's name
    std::string edition;   ///< its edition / year
    double value = 0.0;    ///< the threshold (shares 0..1, m²/person)
    std::string label;     ///< [S], [S-weak], [R], [E]
    /// Applies when construction land per person (m²) is in [cond_lo, cond_hi) (park green only).
    double cond_lo = 0.0;
    double cond_hi = 1e300;
};

/// Version tag of the table below (in the metrics).
inline constexpr const char* kGreenThresholdVersion = "garden-city-2016/eco-garden-city-2016 (xiongguan 2026.1)";
/// The garden-city (2016 series standard [R]) and eco-garden-city ([S-weak]) thresholds.
const std::vector<GreenThreshold>& greenThresholds();

/// An indicator object per docs/SCENARIO_FORMAT.md ("value", "unit", "thresholds", "pass",
/// "direction": "min", "labels"). `construction_m2_per_person` selects the park-green row.
nlohmann::ordered_json greenIndicator(const std::string& key, double value, const std::string& unit,
                                      double construction_m2_per_person);

} // namespace xiongguan::simulate
