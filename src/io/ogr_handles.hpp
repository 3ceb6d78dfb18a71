#pragma once

// Owning handles for GDAL/OGR C objects, shared by the io readers (internal to src/io).
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <memory>

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
struct CtFree {
    void operator()(void* p) const {
        if (p) OCTDestroyCoordinateTransformation(static_cast<OGRCoordinateTransformationH>(p));
    }
};

} // namespace xiongguan::io::detail
