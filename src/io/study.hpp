#pragma once

#include "io/raster_io.hpp"
#include "io/vector_io.hpp"
#include "raster/classes.hpp"
#include "raster/grid.hpp"
#include "vector/feature.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::io {

/// One layer of a study area, as named in `study.yaml` under `layers:`.
struct LayerSpec {
    std::string role;                          ///< e.g. "ecological_redline"
    std::string file;                          ///< absolute or study-relative path, resolved
    std::string layer;                         ///< layer inside a multi-layer file
    std::string encoding;                      ///< attribute encoding override ("CP936")
    std::string crs;                           ///< CRS override for files without one
    Resample resample = Resample::Refuse;      ///< for rasters on another grid
    std::map<std::string, std::string> fields; ///< engine field name -> source field name
    std::string polygons;                      ///< landuse epochs: polygon file with a code field
    std::string code_field = "code";           ///< landuse polygons: the class-code field

    /// Source field for an engine field (the mapping, else the same name).
    std::string field(const std::string& engine_name) const;
};

/// A study area: CRS, grid, class table and layers by role. Paths are resolved relative to the
/// study file. Loading layers is explicit (`loadVector`, `loadLanduse`, ...).
struct StudyArea {
    std::string path;      ///< the study.yaml
    std::string dir;       ///< its folder
    std::string name;
    std::string title;
    bool synthetic = false;
    std::string description;
    std::string crs;       ///< as written, e.g. "EPSG:4542"
    raster::GridSpec grid; ///< includes the CRS WKT
    raster::ClassTable classes;
    InvalidPolicy invalid_geometry = InvalidPolicy::Stop;
    double population_total = 0.0;             ///< optional, for checks of the population layer
    std::map<std::string, LayerSpec> layers;    ///< by role (landuse epochs are separate)
    std::map<int, LayerSpec> landuse;           ///< by year

    bool has(const std::string& role) const { return layers.count(role) > 0; }
    /// \throws ConfigError naming the study file when the role is missing.
    const LayerSpec& layer(const std::string& role) const;
    std::vector<int> landuseYears() const;
    int latestLanduseYear() const;
};

/// Roles the engine knows (DESIGN.md table); others are refused.
const std::vector<std::string>& knownRoles();

/// Parses and checks a study file: keys, types, CRS, grid, class table, that each named file
/// exists. Reads no layer. \throws ConfigError naming the file, line and key.
StudyArea loadStudy(const std::string& path);

/// Loads a vector layer by role, reprojected into the working CRS, validity per the study policy.
vector::VectorLayer loadVector(const StudyArea& study, const std::string& role);

/// Loads the land-use map of a year: the raster if given (checked against the grid, unknown codes
/// refused), else the polygons rasterized on the grid (cell centres) with GDALRasterize.
raster::ClassGrid loadLanduse(const StudyArea& study, int year);

/// Cells per class value (index = value; 0 = nodata) of the study's land-use map of `year`, as
/// loadLanduse would read it, without keeping the grid when the map is a raster on the study grid.
std::vector<std::uint64_t> landuseCounts(const StudyArea& study, int year);

/// Loads a continuous raster layer (dem, population) onto the study grid.
raster::Grid<float> loadFloatLayer(const StudyArea& study, const std::string& role, float nodata = -9999.0f);

/// Mask of the study boundary on the grid (1 inside by cell centre, 0 outside).
raster::Grid<std::uint8_t> boundaryMask(const StudyArea& study);

} // namespace xiongguan::io

namespace xiongguan::io {

/// Loads every layer of a study (vectors reprojected and checked, rasters checked against the
/// grid, land-use codes against the class table). Returns the warnings (repairs, null or empty
/// geometries, features outside the boundary extent). \throws the first error found.
std::vector<std::string> validateStudyLayers(const StudyArea& study);

} // namespace xiongguan::io
