#pragma once

#include <optional>
#include <string>

namespace xiongguan::io {

/// What a dataset holds, as `xiongguan info` prints it.
struct DatasetSummary {
    std::string kind;            ///< "vector" or "raster"
    std::string crs;             ///< short CRS name of the file ("EPSG:4542")
    long long count = 0;         ///< features, or cells
    std::string geometry_type;   ///< vectors: OGR geometry type name; rasters: data type
    double minx = 0, miny = 0, maxx = 0, maxy = 0; ///< extent in the file's CRS
    int cols = 0, rows = 0;      ///< rasters
    double cell_size = 0;        ///< rasters
};

/// Opens a dataset read-only and summarises it. \throws IoError when it cannot be opened.
DatasetSummary describeDataset(const std::string& path, const std::string& layer = "");

} // namespace xiongguan::io
