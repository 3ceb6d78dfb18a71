#pragma once
// A parallel reader for large GeoPackage layers: the same result as io::readVectorLayer, read in
// feature-id ranges side by side (one dataset handle, one coordinate transformation and one GEOS
// context per task).

#include "io/vector_io.hpp"

namespace xiongguan::io {

/// Same contract and result as `readVectorLayer` (features in feature-id order, attribute text,
/// WKB in the working CRS, envelopes, the same errors for the first offending feature, the same
/// repairs in the same order), but a GeoPackage layer is read in contiguous feature-id ranges in
/// parallel (oneTBB), each range with its own dataset handle; the validity check, repair, WKB
/// export and envelope run in the reading task. The result is identical at any thread count.
/// Other formats, and GeoPackage layers whose feature order is not ascending by id, are read by
/// `readVectorLayer`. \throws IoError, InputError, GeometryError as `readVectorLayer`.
vector::VectorLayer readVectorLayerParallel(const VectorSource& src, const std::string& target_crs_wkt,
                                            InvalidPolicy invalid = InvalidPolicy::Stop);

} // namespace xiongguan::io
