#include "io/vector_layers.hpp"

#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_env.hpp"

#include <gdal.h>
#include <ogr_api.h>

#include <filesystem>

namespace xiongguan::io {

namespace fs = std::filesystem;

void writeVectorLayers(const std::string& path, const std::string& crs_wkt, const std::vector<OutLayer>& layers) {
    initGdal();
    if (layers.empty()) throw IoError(path + ": no layers to write");
    const std::string tmp_dir = tempPathFor(path) + ".layers";
    makeDirs(tmp_dir);
    auto cleanup = [&]() {
        std::error_code ec;
        fs::remove_all(tmp_dir, ec);
    };
    try {
        std::vector<std::string> parts;
        for (size_t i = 0; i < layers.size(); ++i) {
            const std::string p = tmp_dir + "/part" + std::to_string(i) + ".gpkg";
            static const std::vector<OutFeature> none;
            writeVectorLayer(p, layers[i].name, crs_wkt, layers[i].kind, layers[i].fields,
                             layers[i].features ? *layers[i].features : none);
            parts.push_back(p);
        }
        GDALDatasetH dst = GDALOpenEx(parts[0].c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
        if (!dst) throw IoError(path + ": cannot reopen the first layer: " + lastGdalError());
        for (size_t i = 1; i < parts.size(); ++i) {
            GDALDatasetH src = GDALOpenEx(parts[i].c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
            if (!src) {
                GDALClose(dst);
                throw IoError(path + ": cannot reopen layer '" + layers[i].name + "': " + lastGdalError());
            }
            // Copy the layer definition, then the features in one transaction (GPKG is slow without).
            OGRLayerH sl = GDALDatasetGetLayer(src, 0);
            const char* lco[] = {"SPATIAL_INDEX=YES", nullptr};
            OGRLayerH dl = GDALDatasetCreateLayer(dst, layers[i].name.c_str(), OGR_L_GetSpatialRef(sl),
                                                  OGR_L_GetGeomType(sl), const_cast<char**>(lco));
            bool ok = dl != nullptr;
            OGRFeatureDefnH sd = OGR_L_GetLayerDefn(sl);
            for (int k = 0; ok && k < OGR_FD_GetFieldCount(sd); ++k)
                ok = OGR_L_CreateField(dl, OGR_FD_GetFieldDefn(sd, k), TRUE) == OGRERR_NONE;
            ok = ok && OGR_L_StartTransaction(dl) == OGRERR_NONE;
            if (ok) {
                OGRFeatureDefnH dd = OGR_L_GetLayerDefn(dl);
                OGR_L_ResetReading(sl);
                OGRFeatureH f;
                while (ok && (f = OGR_L_GetNextFeature(sl)) != nullptr) {
                    OGRFeatureH g = OGR_F_Create(dd);
                    ok = OGR_F_SetFrom(g, f, TRUE) == OGRERR_NONE && OGR_L_CreateFeature(dl, g) == OGRERR_NONE;
                    OGR_F_Destroy(g);
                    OGR_F_Destroy(f);
                }
                ok = OGR_L_CommitTransaction(dl) == OGRERR_NONE && ok;
            }
            GDALClose(src);
            if (!ok) {
                GDALClose(dst);
                throw IoError(path + ": cannot copy layer '" + layers[i].name + "': " + lastGdalError());
            }
        }
        GDALClose(dst);
        renameInto(parts[0], path);
    } catch (...) {
        cleanup();
        throw;
    }
    cleanup();
}

} // namespace xiongguan::io
