#pragma once

#include "core/errors.hpp"
#include "raster/grid.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// A year's land-use demand could not be met within the tolerance (exit code 8).
class DemandNotMetError : public Error {
  public:
    explicit DemandNotMetError(const std::string& m) : Error(ErrorCode::DemandNotMet, m) {}
};

/// Cells per class (in `classes` order) of a map; cells with other values are ignored.
std::vector<std::int64_t> classCounts(const raster::ClassGrid& map, const std::vector<std::uint16_t>& classes);

/// Transition matrix between two maps: P[i][j] = share of the cells of class i in `from` that are
/// class j in `to` (rows of absent classes are the identity).
std::vector<std::vector<double>> transitionMatrix(const raster::ClassGrid& from, const raster::ClassGrid& to,
                                                  const std::vector<std::uint16_t>& classes);

/// Rounds shares to integers that sum exactly to `total` (largest remainder, ties by index).
std::vector<std::int64_t> roundToTotal(const std::vector<double>& values, std::int64_t total);

/// Markov demand: the matrix P spans `interval_years`; each year moves 1/interval of the way
/// (A_{t+1} = A_t + (A_t·P − A_t) / interval). Returns counts for years 1..steps after the base.
std::vector<std::vector<std::int64_t>> markovDemand(const std::vector<std::int64_t>& base,
                                                    const std::vector<std::vector<double>>& P,
                                                    int interval_years, int steps);

/// Linear trend: per-class change per year from (earlier, base) over `interval_years`, continued for
/// `steps` years, floored at 0 and scaled so the total stays that of the base.
std::vector<std::vector<std::int64_t>> trendDemand(const std::vector<std::int64_t>& earlier,
                                                   const std::vector<std::int64_t>& base, int interval_years,
                                                   int steps);

/// Plan targets: for each listed class, cells per year linearly interpolated between the base year
/// (its current count) and the target years (later years keep the last target). Unlisted classes get
/// -1 ("free": they do not grow and may give up any of their cells).
/// `targets_cells[year][class index]`.
std::vector<std::vector<std::int64_t>> planDemand(const std::vector<std::int64_t>& base, int base_year,
                                                  const std::map<int, std::map<int, double>>& targets_cells,
                                                  int steps);

/// Classes that may have to gain cells in a run (a superset), so that only they get a suitability
/// grid: 1 for a class with a release share > 0 (it gives cells away beyond its net loss and grows
/// them back), or whose demand in some year exceeds the least count it can have entering that year
/// (`start` before the first year, then the previous year's demand; 0 after a free year, -1). A class
/// that neither grows nor releases gives up at most count - demand cells, so it keeps at least its
/// demand. `release` may be empty (no gross change).
std::vector<char> classesThatMayGain(const std::vector<std::int64_t>& start,
                                     const std::vector<std::vector<std::int64_t>>& demand,
                                     const std::vector<double>& release);

} // namespace xiongguan::simulate
