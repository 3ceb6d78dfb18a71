#include "io/describe.hpp"

#include "core/errors.hpp"
#include "io/gdal_env.hpp"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <cpl_conv.h>

namespace xiongguan::io {

namespace {
std::string srsShort(OGRSpatialReferenceH srs) {
    if (!srs) return "(none)";
    char* wkt = nullptr;
    OSRExportToWkt(srs, &wkt);
    std::string s = crsShortName(wkt ? wkt : "");
    CPLFree(wkt);
    return s;
}
} // namespace

DatasetSummary describeDataset(const std::string& path, const std::string& layer_name) {
    initGdal();
    DatasetSummary out;
    GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr,
                                 nullptr);
    if (!ds) throw IoError(path + ": cannot open: " + lastGdalError());
    if (GDALDatasetGetLayerCount(ds) > 0) {
        OGRLayerH layer = layer_name.empty() ? GDALDatasetGetLayer(ds, 0)
                                             : GDALDatasetGetLayerByName(ds, layer_name.c_str());
        if (!layer) {
            GDALClose(ds);
            throw InputError(path + ": no layer '" + layer_name + "'");
        }
        out.kind = "vector";
        out.count = static_cast<long long>(OGR_L_GetFeatureCount(layer, TRUE));
        out.geometry_type = OGRGeometryTypeToName(OGR_L_GetGeomType(layer));
        out.crs = srsShort(OGR_L_GetSpatialRef(layer));
        OGREnvelope env;
        if (OGR_L_GetExtent(layer, &env, TRUE) == OGRERR_NONE) {
            out.minx = env.MinX;
            out.miny = env.MinY;
            out.maxx = env.MaxX;
            out.maxy = env.MaxY;
        }
    } else if (GDALGetRasterCount(ds) > 0) {
        out.kind = "raster";
        out.cols = GDALGetRasterXSize(ds);
        out.rows = GDALGetRasterYSize(ds);
        out.count = static_cast<long long>(out.cols) * out.rows;
        out.geometry_type = GDALGetDataTypeName(GDALGetRasterDataType(GDALGetRasterBand(ds, 1)));
        const char* wkt = GDALGetProjectionRef(ds);
        out.crs = crsShortName(wkt ? wkt : "");
        double gt[6];
        if (GDALGetGeoTransform(ds, gt) == CE_None) {
            out.cell_size = gt[1];
            out.minx = gt[0];
            out.maxy = gt[3];
            out.maxx = gt[0] + gt[1] * out.cols;
            out.miny = gt[3] + gt[5] * out.rows;
        }
    }
    GDALClose(ds);
    return out;
}

} // namespace xiongguan::io
