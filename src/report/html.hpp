#pragma once

#include "raster/classes.hpp"
#include "raster/grid.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace xiongguan::report {

/// Library versions for manifests: xiongguan, GDAL, GEOS, PROJ, oneTBB.
nlohmann::ordered_json versions();

/// HTML-escapes text (& < > ").
std::string htmlEscape(const std::string& s);

/// A PNG preview of a GeoTIFF (GDAL PNG driver, longest side `max_px` pixels): class rasters with
/// a colour table are expanded to RGB, others are stretched to grey between their min and max.
/// Returns the PNG bytes base64-encoded, or "" when GDAL cannot make one (never throws).
std::string quicklookBase64(const std::string& tif_path, int max_px = 640);

/// A PNG preview of an in-memory class map (colours from the class table, nearest sampling,
/// longest side `max_px`), base64-encoded; "" when GDAL cannot make one (never throws).
std::string quicklookBase64(const raster::ClassGrid& grid, const raster::ClassTable& classes, int max_px = 640);

/// One picture of a report.
struct Quicklook {
    std::string title;
    std::string png_base64;
};

/// Writes `report.html` of one run, a self-contained page: header (`run`: id, scenario,
/// description, seed, period), the indicators of `metrics` with pass/fail marks, every other
/// metric, the output files with sizes, and the quicklooks (embedded). Atomic. \throws IoError.
void writeRunReport(const std::string& path, const nlohmann::ordered_json& run, const nlohmann::ordered_json& metrics,
                    const std::vector<std::string>& files, const std::vector<Quicklook>& quicklooks);

/// One run of a batch for `compare.html`.
struct RunColumn {
    std::string id;
    std::string status; ///< done / skipped / failed
    std::string error;
    nlohmann::ordered_json metrics;
};

/// Writes `compare.html`: the runs side by side, one row per numeric metric (union over runs, in
/// first-seen order), pass/fail coloured for indicators. Atomic. \throws IoError.
void writeCompareHtml(const std::string& path, const std::string& batch_name, const std::vector<RunColumn>& runs);

} // namespace xiongguan::report
