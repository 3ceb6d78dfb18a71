#pragma once

#include "io/study.hpp"
#include "raster/grid.hpp"

#include <cstdint>
#include <functional>
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

/// Receives each driver grid as it is made (name, grid), so that a caller can store it compactly or
/// spill it and free it before the next one is made.
using DriverSink = std::function<void(const std::string& name, raster::Grid<float>&& grid)>;

/// Driver layers kept out of memory: every layer is written to one temporary file (raw floats,
/// row-major, layer after layer) in a folder given at construction, which is unlinked at once, so it
/// goes away when the store is destroyed or the process ends. Layers are read back by row bands
/// (`readRows`, thread-safe), so memory is bounded by the band, not by the grid (issue 6: memory
/// bounded by tiles). Costs 4 bytes per cell and layer of disk.
class DriverStore {
  public:
    /// \throws IoError when no temporary file can be made in `dir`.
    DriverStore(const std::string& dir, int cols, int rows);
    ~DriverStore();
    DriverStore(const DriverStore&) = delete;
    DriverStore& operator=(const DriverStore&) = delete;

    /// Appends a layer (cols×rows) and returns its index. \throws IoError on a short write.
    int add(const std::string& name, const raster::Grid<float>& grid);
    /// Rows row0..row0+n-1 of layer `layer` into out[0 .. n·cols). \throws IoError on a short read.
    void readRows(int layer, int row0, int n, float* out) const;
    const std::vector<std::string>& names() const { return m_names; }
    int cols() const { return m_cols; }
    int rows() const { return m_rows; }

  private:
    int m_fd = -1;
    int m_cols = 0, m_rows = 0;
    std::string m_where;
    std::vector<std::string> m_names;
};

/// Drivers that do not depend on the land-use map: distances to roads (one per road class), to
/// town centres, to the Great Wall (heritage kind wall); slope from the DEM (degrees, Horn); the
/// user rasters. Vectors are rasterized on the grid (all touched) and the exact Euclidean distance
/// is taken. A missing optional layer is listed in `skipped`, not an error.
/// \throws InputError / IoError for unreadable layers.
DriverSet staticDrivers(const io::StudyArea& study, const std::vector<UserDriver>& user);
/// The same, each driver handed to `sink` as soon as it is made (one full-size float grid at a
/// time); returns the skipped drivers and why.
std::vector<std::string> staticDrivers(const io::StudyArea& study, const std::vector<UserDriver>& user,
                                       const DriverSink& sink);

/// Drivers from a land-use map: distance to water (classes of group water), to industry (1001),
/// to construction land (urban construction, built, transport). Appended to `set`.
void mapDrivers(const io::StudyArea& study, const raster::ClassGrid& map, DriverSet& set);
/// The same, each driver handed to `sink` as soon as it is made.
void mapDrivers(const io::StudyArea& study, const raster::ClassGrid& map, const DriverSink& sink);

/// Slope in degrees (Horn's 3×3 method) of a DEM in metres; edge cells use the nearest inside
/// neighbours; nodata cells (== nodata) give 0.
raster::Grid<float> slopeDegrees(const raster::Grid<float>& dem, double cell_size_m, float nodata);

} // namespace xiongguan::simulate
