#pragma once

#include <string>
#include <vector>

namespace xiongguan::report {

/// Tolerances of `compareOutputs` (STYLE.md §6).
struct CompareOptions {
    /// Relative tolerance of numbers in JSON and CSV files (metrics.json, summary.csv, ...):
    /// |a - b| <= tolerance * max(|a|, |b|, 1).
    double tolerance = 1e-9;
    /// Largest absolute difference allowed in continuous (floating-point) raster bands, in the
    /// band's unit. Class (integer) bands are always compared exactly.
    double raster_tolerance = 0.0;
    /// Largest relative symmetric-difference area of two polygons: area(A Δ B) / max(area A, area B).
    double area_tolerance = 1e-3;
    /// Largest Hausdorff distance of two non-polygonal geometries, CRS units (m).
    double hausdorff_m = 0.01;
    /// File names (anywhere in the tree) not compared: they hold timings and paths.
    std::vector<std::string> ignore = {"manifest.json", "report.html", "compare.html", "summary.json"};
};

/// One difference between two output trees.
struct Difference {
    std::string file;    ///< path relative to the compared folders
    std::string message; ///< what differs, with values / counts / first cell
};

/// Lists every difference between two run (or batch) folders: files present in one only; GeoTIFFs
/// (size, CRS, geotransform within 1e-10 relative, band types, nodata, class bands exactly with the
/// count of differing pixels and the first one, continuous bands within `raster_tolerance` with
/// the max difference and count); vector files (.shp, .gpkg, .geojson: layers, feature count,
/// fields, attribute values, geometries by relative symmetric-difference area or Hausdorff
/// distance); JSON and CSV values within `tolerance`; any other file byte for byte. Hidden
/// files and folders (".name") and shapefile side files are skipped (the .shp covers them).
/// \throws IoError when a folder cannot be read.
std::vector<Difference> compareOutputs(const std::string& dir_a, const std::string& dir_b,
                                       const CompareOptions& options = {});

} // namespace xiongguan::report
