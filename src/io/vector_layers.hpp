#pragma once

#include "io/vector_io.hpp"

#include <string>
#include <vector>

namespace xiongguan::io {

/// One layer of a multi-layer GeoPackage.
struct OutLayer {
    std::string name;
    GeomKind kind = GeomKind::MultiPolygon;
    std::vector<FieldDef> fields;
    const std::vector<OutFeature>* features = nullptr;
};

/// Writes several layers into one GeoPackage atomically (temporary name, then rename). Each layer
/// is written with `writeVectorLayer` (same field and geometry handling) and then copied into the
/// final file in one transaction per layer. \throws IoError.
void writeVectorLayers(const std::string& gpkg_path, const std::string& crs_wkt, const std::vector<OutLayer>& layers);

} // namespace xiongguan::io
