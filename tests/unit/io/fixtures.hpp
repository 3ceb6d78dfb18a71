#pragma once
// Test fixtures for the io tests, written with GDAL/OGR directly (never with the code under test),
// so that a bug in our writers cannot hide a bug in our readers.

#include "io/gdal_env.hpp"
#include "raster/classes.hpp"
#include "raster/grid.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <stdexcept>
#include <string>
#include <vector>

namespace xiongguan::test {

/// One attribute column of a fixture layer.
struct FxField {
    std::string name;
    OGRFieldType type = OFTString;
};

/// One fixture feature: WKT (in the layer's CRS, traditional lon/lat order) and text values.
struct FxFeature {
    std::string wkt;
    std::vector<std::string> values;
};

inline OGRSpatialReference srsOf(int epsg) {
    OGRSpatialReference srs;
    if (srs.importFromEPSG(epsg) != OGRERR_NONE) throw std::runtime_error("bad EPSG in test");
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

/// Writes a vector file with OGR. `epsg` 0 = no CRS. `lco` are layer creation options
/// ("ENCODING=CP936"). String values are passed to OGR as given (UTF-8 unless `raw_bytes`).
inline void writeOgr(const std::string& path, const char* driver, int epsg, OGRwkbGeometryType type,
                     const std::vector<FxField>& fields, const std::vector<FxFeature>& features,
                     const std::vector<std::string>& lco = {}) {
    io::initGdal();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
    ASSERT_NE(drv, nullptr) << driver;
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_NE(ds, nullptr) << path << ": " << CPLGetLastErrorMsg();
    std::unique_ptr<OGRSpatialReference> srs;
    if (epsg) srs = std::make_unique<OGRSpatialReference>(srsOf(epsg));
    CPLStringList opts;
    for (const auto& o : lco) opts.AddString(o.c_str());
    OGRLayer* layer = ds->CreateLayer("layer", srs.get(), type, opts.List());
    ASSERT_NE(layer, nullptr);
    for (const auto& f : fields) {
        OGRFieldDefn fd(f.name.c_str(), f.type);
        if (f.type == OFTString) fd.SetWidth(80);
        ASSERT_EQ(layer->CreateField(&fd), OGRERR_NONE);
    }
    for (const auto& ff : features) {
        OGRFeature feat(layer->GetLayerDefn());
        for (size_t i = 0; i < ff.values.size(); ++i)
            if (!ff.values[i].empty()) feat.SetField(static_cast<int>(i), ff.values[i].c_str());
        if (!ff.wkt.empty()) {
            OGRGeometry* g = nullptr;
            ASSERT_EQ(OGRGeometryFactory::createFromWkt(ff.wkt.c_str(), nullptr, &g), OGRERR_NONE) << ff.wkt;
            feat.SetGeometryDirectly(g);
        }
        ASSERT_EQ(layer->CreateFeature(&feat), OGRERR_NONE);
    }
}

/// Writes a single-band GeoTIFF with GDAL. `epsg` 0 = no CRS.
template <typename T>
inline void writeTiff(const std::string& path, const raster::Grid<T>& grid, double origin_x, double origin_y,
                      double cell, int epsg, std::optional<double> nodata = std::nullopt,
                      const std::vector<std::string>& co = {}) {
    io::initGdal();
    GDALDataType type = std::is_same_v<T, float> ? GDT_Float32 : std::is_same_v<T, std::uint8_t> ? GDT_Byte
                        : std::is_same_v<T, std::uint16_t>                                    ? GDT_UInt16
                                                                                              : GDT_Int32;
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::uint16_t> ||
                  std::is_same_v<T, std::int32_t>);
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLStringList opts;
    for (const auto& o : co) opts.AddString(o.c_str());
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), grid.cols(), grid.rows(), 1, type, opts.List()));
    ASSERT_NE(ds, nullptr);
    double gt[6] = {origin_x, cell, 0, origin_y, 0, -cell};
    ds->SetGeoTransform(gt);
    if (epsg) {
        OGRSpatialReference srs = srsOf(epsg);
        ds->SetSpatialRef(&srs);
    }
    if (nodata) ds->GetRasterBand(1)->SetNoDataValue(*nodata);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, grid.cols(), grid.rows(),
                                             const_cast<T*>(grid.data()), grid.cols(), grid.rows(), type, 0, 0,
                                             nullptr),
              CE_None);
}

/// A small class table: 0101 cropland, 0701 residential, 1401 park, 2307 gobi.
inline raster::ClassTable smallClassTable() {
    auto row = [](const char* code, const char* name, std::array<std::uint8_t, 3> rgb, raster::ClassGroup g) {
        raster::ClassInfo c;
        c.code = code;
        c.name = name;
        c.rgb = rgb;
        c.group = g;
        return c;
    };
    return raster::ClassTable({row("0101", "水田 paddy", {245, 226, 138}, raster::ClassGroup::Farmland),
                               row("0701", "城镇住宅 urban housing", {230, 80, 60}, raster::ClassGroup::Built),
                               row("1401", "公园绿地 park", {60, 170, 70}, raster::ClassGroup::Green),
                               row("2307", "裸岩石砾地 gobi", {190, 180, 160}, raster::ClassGroup::Bare)});
}

/// A study grid in EPSG:4542.
inline raster::GridSpec grid4542(int cols, int rows, double origin_x, double origin_y, double cell = 10.0) {
    raster::GridSpec g;
    g.cols = cols;
    g.rows = rows;
    g.origin_x = origin_x;
    g.origin_y = origin_y;
    g.cell_size_m = cell;
    g.crs_wkt = io::crsToWkt("EPSG:4542", "test");
    return g;
}

} // namespace xiongguan::test
