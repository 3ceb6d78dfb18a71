#pragma once

#include "raster/classes.hpp"
#include "raster/grid.hpp"
#include "simulate/green_indicators.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// Candidate kinds (bit flags in the candidate grid).
enum CandidateBits : std::uint8_t {
    kCandidateIdle = 1,     ///< idle land: idle-land classes, or bare cells of idle supply parcels
    kCandidateBare = 2,     ///< bare land inside the development boundary
    kCandidateCorridor = 4  ///< bare / grassland cells near the Taolai (river classes)
};

/// Parameters of the allocation of new green.
struct AllocationParams {
    std::optional<double> target_green_cover; ///< share 0..1 of the built-up area
    std::optional<double> target_green_space; ///< share 0..1
    std::optional<double> water_budget_m3;    ///< extra irrigation water allowed, m³/yr (none = unlimited)
    std::uint16_t new_class = 1401;           ///< class value given to allocated cells
    double block_m = 100.0;                   ///< side of the allocation units (blocks), m
};

/// One allocation unit: the candidate cells of one block.
struct AllocationUnit {
    std::int32_t id = 0;          ///< 1 + block index (row-major blocks)
    double area_m2 = 0.0;         ///< candidate cells with a gain
    double gain_m2 = 0.0;         ///< green-cover (or green-space) m² gained in the built-up area
    double water_m3 = 0.0;        ///< extra irrigation water, m³/yr
    std::uint8_t kinds = 0;       ///< CandidateBits present
    double allocated_m2 = 0.0;    ///< taken
    double allocated_gain_m2 = 0.0;
    double allocated_water_m3 = 0.0;
};

/// Outcome of the allocation.
struct AllocationResult {
    bool ran = false;               ///< false when no target was set
    double needed_m2 = 0.0;         ///< gain needed to reach the target(s) (ranking indicator), m²
    double gained_cover_m2 = 0.0;
    double gained_space_m2 = 0.0;
    double allocated_m2 = 0.0;
    double water_m3 = 0.0;
    bool target_reached = false;
    bool budget_binding = false;
    std::int64_t candidate_cells = 0;
    std::vector<AllocationUnit> units; ///< units used (allocated_m2 > 0), in allocation order
    raster::Grid<std::int32_t> unit_of_cell; ///< unit id of each allocated cell, 0 elsewhere
};

/// Converts candidate cells to `new_class` greedily toward the target(s).
///
/// Gain of a cell = (canopy(new) − canopy(old)) × cell area when `target_green_cover` is set (else
/// attached_green), counted only for cells inside the built-up area; cells without a gain are
/// not taken. Water of a cell = `water_m3(cell index)` (the caller's quota for the new class and
/// the cell's irrigation method, minus the old class's demand). Units (blocks of `block_m`) are
/// ranked by gain per m³ of water, then gain per m², then id when a budget is set; by gain per m²,
/// then per m³, then id otherwise. Cells are taken in row-major order inside a unit until every
/// set target is reached or the next cell would exceed the water budget (then `budget_binding`).
/// Modifies `landuse`. Deterministic (sequential; ties broken by id).
AllocationResult allocateGreen(const raster::GridSpec& spec, raster::ClassGrid& landuse,
                               const raster::Grid<std::uint8_t>& built_up, const raster::ClassTable& classes,
                               const raster::Grid<std::uint8_t>& candidates, const GreenTotals& before,
                               const std::function<double(size_t)>& water_m3, const AllocationParams& params);

} // namespace xiongguan::simulate
