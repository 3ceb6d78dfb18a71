#pragma once

#include "io/study.hpp"
#include "raster/grid.hpp"

#include <string>
#include <vector>

namespace xiongguan::simulate {

/// A user raster listed in the scenario (`drivers: [{file, name, resample}]`).
struct UserDriver {
    std::string name;
    std::string file;                   ///< resolved path
    io::Resample resample = io::Resample::Refuse;
};

/// Driver rasters on the study grid, one float grid per driver (metres for distances, degrees
/// for slope, the file's unit for user rasters).
struct DriverSet {
    std::vector<std::string> names;
    std::vector<raster::Grid<float>> grids;
    std::vector<std::string> skipped;   ///< drivers not built and why ("dist_wall: no heritage layer")
    std::size_t count() const { return names.size(); }
};

/// Drivers that do not depend on the land-use map: distances to roads (one per road class), to
/// town centres, to the Great Wall (heritage kind wall); slope from the DEM (degrees, Horn); the
/// user rasters. Vectors are rasterized on the grid (all touched) and the exact Euclidean distance
/// is taken. A missing optional layer is listed in `skipped`, not an error.
/// \throws InputError / IoError for unreadable layers.
DriverSet staticDrivers(const io::StudyArea& study, const std::vector<UserDriver>& user);

/// Drivers from a land-use map: distance to water (classes of group water), to industry (1001),
/// to construction land (urban construction, built, transport). Appended to `set`.
void mapDrivers(const io::StudyArea& study, const raster::ClassGrid& map, DriverSet& set);

/// Slope in degrees (Horn's 3×3 method) of a DEM in metres; edge cells use the nearest inside
/// neighbours; nodata cells (== nodata) give 0.
raster::Grid<float> slopeDegrees(const raster::Grid<float>& dem, double cell_size_m, float nodata);

} // namespace xiongguan::simulate
