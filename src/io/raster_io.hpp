#pragma once

#include "raster/classes.hpp"
#include "raster/grid.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace xiongguan::io {

/// How a raster on another grid is brought onto the study grid.
enum class Resample { Refuse, Nearest, Bilinear, Average, Mode };
/// Parses "nearest", "bilinear", "average", "mode"; "" or "refuse" -> Refuse.
Resample parseResample(const std::string& s, const std::string& context);

/// Reads band 1 of a raster onto `grid`. When the file's CRS or grid differs from `grid`, throws
/// InputError naming the file, its CRS/grid and the expected one, unless `resample` says how to
/// warp it (GDALWarp into memory). Cells outside the file or equal to its nodata get `nodata`.
/// \throws IoError when the file cannot be opened or read (e.g. a truncated GeoTIFF, whether cut in
/// its pixel data or in its tags).
raster::Grid<float> readFloatRaster(const std::string& path, const raster::GridSpec& grid, Resample resample,
                                    float nodata = -9999.0f);

/// Reads a class raster (integer codes) onto `grid`; nodata -> 0. Resampling is nearest or mode
/// only. Every non-zero value must be in `classes`: an unknown value throws InputError naming the
/// file, the first cell (col, row, x, y) and the value.
raster::ClassGrid readClassRaster(const std::string& path, const raster::GridSpec& grid,
                                  const raster::ClassTable& classes, Resample resample);

/// Cells per class value (index = value, 65,536 entries; nodata counted under 0) of the class
/// raster `readClassRaster` would read, without keeping the grid: a file on `grid` is read tile by
/// tile straight from the file (no block cache), in parallel row bands; others go through
/// readClassRaster. The same errors as readClassRaster (the first unknown value is reported with
/// its cell). \throws IoError, InputError as readClassRaster.
/// Cells per class value of a class grid already in memory (index = value, 65,536 entries).
std::vector<std::uint64_t> classCounts(const raster::ClassGrid& grid);

std::vector<std::uint64_t> classRasterCounts(const std::string& path, const raster::GridSpec& grid,
                                             const raster::ClassTable& classes, Resample resample);

/// Options of a GeoTIFF written by the engine.
struct RasterWriteOptions {
    std::optional<double> nodata;            ///< nodata value to record
    const raster::ClassTable* classes = nullptr; ///< class raster: colour table + category names
    std::string description;                 ///< band description
    std::string units;                       ///< band unit type, e.g. "m3/yr"
};

/// Writes a tiled, DEFLATE-compressed GeoTIFF with overviews, atomically (temporary name, rename).
/// Class rasters (uint16 / uint8 with `classes`) get a colour table and category names.
void writeGeoTiff(const std::string& path, const raster::Grid<std::uint16_t>& grid,
                  const raster::GridSpec& spec, const RasterWriteOptions& options);
void writeGeoTiff(const std::string& path, const raster::Grid<std::uint8_t>& grid,
                  const raster::GridSpec& spec, const RasterWriteOptions& options);
void writeGeoTiff(const std::string& path, const raster::Grid<std::uint32_t>& grid,
                  const raster::GridSpec& spec, const RasterWriteOptions& options);
void writeGeoTiff(const std::string& path, const raster::Grid<float>& grid, const raster::GridSpec& spec,
                  const RasterWriteOptions& options);

/// Grid (size, geotransform, CRS WKT) of a raster file. \throws IoError when it cannot be opened.
raster::GridSpec rasterGridOf(const std::string& path);

} // namespace xiongguan::io
