#pragma once

// Owning handles for GDAL/OGR C objects, shared by the io readers (internal to src/io).
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "io/vector_io.hpp"
#include "vector/geos.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace xiongguan::io::detail {

struct DsCloser {
    void operator()(void* p) const {
        if (p) GDALClose(static_cast<GDALDatasetH>(p));
    }
};
using DsPtr = std::unique_ptr<void, DsCloser>;
struct SrsFree {
    void operator()(void* p) const {
        if (p) OSRDestroySpatialReference(static_cast<OGRSpatialReferenceH>(p));
    }
};
struct FeatureFree {
    void operator()(void* p) const {
        if (p) OGR_F_Destroy(static_cast<OGRFeatureH>(p));
    }
};
struct GeomFree {
    void operator()(void* p) const {
        if (p) OGR_G_DestroyGeometry(static_cast<OGRGeometryH>(p));
    }
};
struct CtFree {
    void operator()(void* p) const {
        if (p) OCTDestroyCoordinateTransformation(static_cast<OGRCoordinateTransformationH>(p));
    }
};

/// GEOS geometry of a feature's WKB; a geometry GEOS cannot take (e.g. a curve) throws InputError
/// naming the file, the layer and the feature.
vector::GeomPtr decodeFeatureWkb(vector::Context& ctx, const std::vector<std::uint8_t>& wkb, const std::string& path,
                                 std::int64_t fid, const std::string& role);

/// Validity step both readers share: for a polygonal `geom`, an invalid one throws GeometryError
/// (Stop: file, fid, GEOS reason and location) or is repaired with MakeValid (Repair), in which
/// case `geom` and `wkb` are replaced and one line is added to `repairs`.
void checkPolygonValidity(vector::Context& ctx, vector::GeomPtr& geom, std::vector<std::uint8_t>& wkb,
                          const std::string& path, std::int64_t fid, const std::string& role,
                          InvalidPolicy invalid, std::vector<std::string>& repairs);

} // namespace xiongguan::io::detail
