#pragma once

#include "raster/grid.hpp"
#include "vector/feature.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace xiongguan::io {

/// Where and how to read one vector layer.
struct VectorSource {
    std::string path;      ///< any file OGR opens
    std::string layer;     ///< layer name inside a multi-layer file ("" = first layer)
    /// Source attribute encoding of a shapefile, e.g. "CP936". "" = auto: the .cpg if present; else
    /// the DBF language driver id when it names a code page; else (LDID 0 or 0x57 "ANSI") valid
    /// UTF-8 is kept and anything else is decoded as GBK/CP936 (values and field names).
    std::string encoding;
    std::string crs;       ///< override of the source CRS, e.g. "EPSG:4326" ("" = from the file)
    std::string role;      ///< study role, for messages
};

/// What to do with invalid polygons.
enum class InvalidPolicy { Stop, Repair };

/// Reads a whole layer into memory, reprojected into `target_crs_wkt` with PROJ in traditional GIS
/// axis order (lon/lat inputs land right). Attribute strings come back as UTF-8.
/// Invalid polygons throw GeometryError with GEOS's reason and location (Stop), or are repaired
/// with MakeValid and listed in `VectorLayer::repairs` (Repair). Null geometries are kept with an
/// empty WKB. \throws IoError, InputError (no CRS / missing .dbf), GeometryError.
vector::VectorLayer readVectorLayer(const VectorSource& src, const std::string& target_crs_wkt,
                                    InvalidPolicy invalid = InvalidPolicy::Stop);

/// Type of an output attribute field.
enum class FieldType { Integer, Real, String };

/// One output field. `name` is the full name (used as is in GeoPackage); shapefiles get the
/// ≤10-character name from `shapefileFieldName`.
struct FieldDef {
    std::string name;
    FieldType type = FieldType::String;
    int width = 0;
    int precision = 0;
};

using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;

/// One output feature: geometry as WKB (empty = null) and values in field order.
struct OutFeature {
    std::vector<std::uint8_t> wkb;
    std::vector<FieldValue> values;
};

/// Geometry type of an output layer.
enum class GeomKind { Polygon, MultiPolygon, LineString, Point, Unknown };

/// Shapefile name (≤10 characters) of a long field name: the documented table in
/// docs/FIELDS.md, else the name itself when short enough, else its first 10 characters.
std::string shapefileFieldName(const std::string& name);

/// Writes a vector layer atomically. The format follows the extension: .shp (ESRI Shapefile with
/// .prj and a UTF-8 .cpg), .gpkg (GeoPackage), .geojson. Two long names that map to the same
/// shapefile name are an error. \throws IoError.
void writeVectorLayer(const std::string& path, const std::string& layer_name, const std::string& crs_wkt,
                      GeomKind kind, const std::vector<FieldDef>& fields, const std::vector<OutFeature>& features);

/// Burns geometries into a grid with GDALRasterizeGeometries: cell = value of the last geometry
/// covering its centre (or touching it when `all_touched`). Cells not covered keep `background`.
raster::Grid<std::int32_t> rasterizeGeometries(const raster::GridSpec& grid,
                                               const std::vector<const std::vector<std::uint8_t>*>& wkbs,
                                               const std::vector<double>& values, bool all_touched = false,
                                               std::int32_t background = 0);

/// Polygonizes a class grid with GDALPolygonize (8-connected when `eight`); cells equal to 0 are
/// skipped. Returns (WKB polygon, value) pairs in the working CRS.
std::vector<std::pair<std::vector<std::uint8_t>, std::int32_t>>
polygonizeGrid(const raster::Grid<std::int32_t>& grid, const raster::GridSpec& spec, bool eight = false);

} // namespace xiongguan::io
