#pragma once
// Fixtures of the scenario tests: a tiny study area written with GDAL/OGR directly, and a fake
// fast model (registered through the Runner's model factory, never in the real registry).

#include "support/support.hpp"

#include "core/errors.hpp"
#include "core/random.hpp"
#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "io/vector_io.hpp"
#include "io/yaml_util.hpp"
#include "scenario/runner.hpp"
#include "simulate/model.hpp"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <cstdint>
#include <string>
#include <vector>

namespace xiongguan::test {

inline constexpr int kCols = 40;
inline constexpr int kRows = 30;
inline constexpr double kOriginX = 440000.0;
inline constexpr double kOriginY = 4404000.0;

/// Writes a UInt16 GeoTIFF in EPSG:4542 with GDAL (10 m cells at kOriginX/kOriginY).
inline void writeClassTiff(const std::string& path, const std::vector<std::uint16_t>& v, int cols, int rows) {
    io::initGdal();
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    GDALDatasetH ds = GDALCreate(drv, path.c_str(), cols, rows, 1, GDT_UInt16, nullptr);
    ASSERT_NE(ds, nullptr);
    double gt[6] = {kOriginX, 10.0, 0.0, kOriginY, 0.0, -10.0};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4542);
    char* wkt = nullptr;
    OSRExportToWkt(srs, &wkt);
    GDALSetProjection(ds, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(b, 0);
    ASSERT_EQ(GDALRasterIO(b, GF_Write, 0, 0, cols, rows, const_cast<std::uint16_t*>(v.data()), cols, rows, GDT_UInt16, 0, 0),
              CE_None);
    GDALClose(ds);
}

/// Writes a one-polygon GeoPackage in EPSG:4542 with OGR.
inline void writePolygonGpkg(const std::string& path, const std::string& wkt) {
    io::initGdal();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4542);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "boundary", srs, wkbPolygon, nullptr);
    OGRFieldDefnH fd = OGR_Fld_Create("name", OFTString);
    OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    OGR_F_SetFieldString(f, 0, "tiny");
    OGRGeometryH g = nullptr;
    char* w = const_cast<char*>(wkt.c_str());
    ASSERT_EQ(OGR_G_CreateFromWkt(&w, srs, &g), OGRERR_NONE);
    OGR_F_SetGeometryDirectly(f, g);
    ASSERT_EQ(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

/// Land use of the tiny study: columns 0..9 residential (701), a park (1401) at rows 0..4 of
/// columns 10..14, the rest gobi (2307). 2016: the same with the park as gobi.
inline std::vector<std::uint16_t> tinyLanduse(int year) {
    std::vector<std::uint16_t> v(static_cast<size_t>(kCols) * kRows, 2307);
    for (int r = 0; r < kRows; ++r)
        for (int c = 0; c < kCols; ++c) {
            auto& x = v[static_cast<size_t>(r) * kCols + c];
            if (c < 10) x = 701;
            else if (year >= 2021 && c < 15 && r < 5) x = 1401;
        }
    return v;
}

/// Writes study.yaml (+ boundary.gpkg, landuse_2016.tif, landuse_2021.tif) into `dir`.
inline std::string writeTinyStudy(const std::string& dir) {
    writeClassTiff(dir + "/landuse_2016.tif", tinyLanduse(2016), kCols, kRows);
    writeClassTiff(dir + "/landuse_2021.tif", tinyLanduse(2021), kCols, kRows);
    writePolygonGpkg(dir + "/boundary.gpkg", "POLYGON((440000 4404000,440400 4404000,440400 4403700,440000 4403700,440000 4404000))");
    writeFile(dir + "/study.yaml",
              "name: tiny\n"
              "crs: EPSG:4542\n"
              "grid: {origin_x: 440000, origin_y: 4404000, cell_size_m: 10, cols: 40, rows: 30}\n"
              "classes:\n"
              "  - {code: \"0701\", name: housing, colour: \"#e6503c\", group: built, urban_construction: true, residential: true}\n"
              "  - {code: \"1401\", name: park, colour: \"#3caa46\", group: green, canopy: 0.8, attached_green: 1}\n"
              "  - {code: \"2307\", name: gobi, colour: \"#beb4a0\", group: bare}\n"
              "layers:\n"
              "  boundary: {file: boundary.gpkg}\n"
              "  landuse:\n"
              "    2016: {file: landuse_2016.tif}\n"
              "    2021: {file: landuse_2021.tif}\n");
    return dir + "/study.yaml";
}

/// Counts runs of the fake model (all instances).
inline std::atomic<int>& fakeRuns() {
    static std::atomic<int> n{0};
    return n;
}

/// `models.fake_green`: turns gobi cells into parks with probability `conversion_share` per year
/// (counter-based random numbers, rows in parallel), writes landuse_<to>.tif, green_<to>.tif
/// (float: canopy with noise) and new_green.shp (one point per converted cell), and reports the
/// park share as an indicator against a threshold. `fail: true` makes it throw InputError.
class FakeGreenModel : public simulate::Model {
  public:
    std::string name() const override { return "models.fake_green"; }
    void configure(const YAML::Node& p, const std::string& file) override {
        io::requireKnownKeys(file, p, {"conversion_share", "fail", "threshold"}, "models.fake_green");
        m_share = io::getDoubleIn(file, p, "conversion_share", 0.3, 0.0, 1.0);
        m_fail = io::getBool(file, p, "fail", false);
        m_threshold = io::getDoubleIn(file, p, "threshold", 0.2, 0.0, 1.0);
    }
    nlohmann::ordered_json parameters() const override {
        return {{"conversion_share", m_share}, {"fail", m_fail}, {"threshold", m_threshold}};
    }
    void run(simulate::RunState& st) override {
        ++fakeRuns();
        if (m_fail) throw InputError("models.fake_green: asked to fail (fail: true)");
        raster::ClassGrid g = st.landuseAt(st.year_from);
        const int cols = g.cols(), rows = g.rows();
        for (int year = st.year_from + 1; year <= st.year_to; ++year) {
            tbb::parallel_for(tbb::blocked_range<int>(0, rows, 1), [&](const tbb::blocked_range<int>& rr) {
                for (int r = rr.begin(); r < rr.end(); ++r)
                    for (int c = 0; c < cols; ++c) {
                        const auto i = static_cast<std::uint64_t>(r) * static_cast<std::uint64_t>(cols) + static_cast<std::uint64_t>(c);
                        if (g.at(c, r) == 2307 && core::uniform01(st.seed, static_cast<std::uint64_t>(year), i) < m_share)
                            g.at(c, r) = 1401;
                    }
            });
        }
        raster::Grid<float> green(cols, rows, 0.0f);
        std::vector<double> row_sum(static_cast<size_t>(rows), 0.0);
        tbb::parallel_for(tbb::blocked_range<int>(0, rows, 1), [&](const tbb::blocked_range<int>& rr) {
            for (int r = rr.begin(); r < rr.end(); ++r) {
                double s = 0.0;
                for (int c = 0; c < cols; ++c) {
                    const auto i = static_cast<std::uint64_t>(r) * static_cast<std::uint64_t>(cols) + static_cast<std::uint64_t>(c);
                    const float v = g.at(c, r) == 1401 ? static_cast<float>(0.5 + 0.5 * core::uniform01(st.seed, 99, i)) : 0.0f;
                    green.at(c, r) = v;
                    s += v;
                }
                row_sum[static_cast<size_t>(r)] = s;
            }
        });
        double total = 0.0;
        for (double s : row_sum) total += s; // row order: independent of the thread count
        std::int64_t parks = 0, new_parks = 0;
        const raster::ClassGrid& before = st.landuseAt(st.year_from);
        std::vector<io::OutFeature> pts;
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) {
                if (g.at(c, r) != 1401) continue;
                ++parks;
                if (before.at(c, r) == 1401) continue;
                ++new_parks;
                io::OutFeature f;
                // WKB point (little endian) at the cell centre.
                const double x = st.study->grid.centreX(c), y = st.study->grid.centreY(r);
                f.wkb.resize(21);
                f.wkb[0] = 1;
                const std::uint32_t type = 1;
                std::memcpy(&f.wkb[1], &type, 4);
                std::memcpy(&f.wkb[5], &x, 8);
                std::memcpy(&f.wkb[13], &y, 8);
                f.values = {std::int64_t(r) * cols + c};
                pts.push_back(std::move(f));
            }
        st.landuse[st.year_to] = g;
        io::RasterWriteOptions co;
        co.nodata = 0.0;
        co.classes = &st.study->classes;
        io::writeGeoTiff(st.out_dir + "/landuse_" + std::to_string(st.year_to) + ".tif", g, st.study->grid, co);
        io::RasterWriteOptions fo;
        fo.nodata = -1.0;
        fo.units = "share";
        io::writeGeoTiff(st.out_dir + "/green_" + std::to_string(st.year_to) + ".tif", green, st.study->grid, fo);
        io::writeVectorLayer(st.out_dir + "/new_green.shp", "new_green", st.study->grid.crs_wkt, io::GeomKind::Point,
                             {{"cell", io::FieldType::Integer, 10, 0}}, pts);
        const double share = static_cast<double>(parks) / static_cast<double>(g.size());
        st.metrics[name()] = {{"park_cells", parks},
                              {"new_park_cells", new_parks},
                              {"green_sum", total},
                              {"green_cover_rate",
                               {{"value", share},
                                {"unit", "share"},
                                {"thresholds", {{"test", m_threshold}}},
                                {"pass", {{"test", share >= m_threshold}}}}},
                              {"timings_s", {{"run", 0.001}}}};
        st.files.push_back("new_green.shp");
    }

  private:
    double m_share = 0.3;
    bool m_fail = false;
    double m_threshold = 0.2;
};

/// The factory the runner tests use: the fake model, else the real registry.
inline scenario::ModelFactory fakeFactory() {
    return [](const std::string& type) -> std::unique_ptr<simulate::Model> {
        if (type == "models.fake_green") return std::make_unique<FakeGreenModel>();
        return simulate::createModel(type);
    };
}

} // namespace xiongguan::test
