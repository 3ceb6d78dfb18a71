// compareOutputs and `xiongguan compare`: fixtures written with GDAL/OGR directly.
#include "support/support.hpp"

#include "io/gdal_env.hpp"
#include "report/compare.hpp"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

using namespace xiongguan;
namespace fs = std::filesystem;

namespace {

void writeTiff(const std::string& path, GDALDataType type, const std::vector<double>& v, int cols, int rows, int epsg = 4542,
               double origin_x = 440000.0) {
    io::initGdal();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path.c_str(), cols, rows, 1, type, nullptr);
    ASSERT_NE(ds, nullptr);
    double gt[6] = {origin_x, 10.0, 0.0, 4404000.0, 0.0, -10.0};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, epsg);
    char* wkt = nullptr;
    OSRExportToWkt(srs, &wkt);
    GDALSetProjection(ds, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
    ASSERT_EQ(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, cols, rows, const_cast<double*>(v.data()), cols, rows,
                           GDT_Float64, 0, 0),
              CE_None);
    GDALClose(ds);
}

void writeShp(const std::string& path, const std::vector<std::string>& wkts, const std::vector<std::string>& names) {
    io::initGdal();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("ESRI Shapefile"), path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4542);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayerH l = GDALDatasetCreateLayer(ds, fs::path(path).stem().c_str(), srs, wkbPolygon, nullptr);
    OGRFieldDefnH fd = OGR_Fld_Create("name", OFTString);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    for (size_t i = 0; i < wkts.size(); ++i) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(f, 0, names[i].c_str());
        OGRGeometryH g = nullptr;
        char* w = const_cast<char*>(wkts[i].c_str());
        ASSERT_EQ(OGR_G_CreateFromWkt(&w, srs, &g), OGRERR_NONE);
        OGR_F_SetGeometryDirectly(f, g);
        ASSERT_EQ(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

// A square of 100 m x 100 m whose right edge is at 440100 + dx.
std::string square(double dx) {
    const std::string r = std::to_string(440100.0 + dx);
    return "POLYGON((440000 4404000," + r + " 4404000," + r + " 4403900,440000 4403900,440000 4404000))";
}

class Compare : public ::testing::Test {
  protected:
    // Writes the same run folder into a/ and b/: a 5x4 class raster, a float raster, a
    // shapefile of two squares, metrics.json, metrics.csv, a text file.
    void SetUp() override {
        for (const char* d : {"a", "b"}) {
            const std::string p = dir.file(d);
            fs::create_directories(p);
            writeTiff(p + "/landuse_2021.tif", GDT_UInt16, classes, 5, 4);
            writeTiff(p + "/water_demand_2021.tif", GDT_Float32, demand, 5, 4);
            writeShp(p + "/new_green.shp", {square(0), square(300)}, {"park one", "park two"});
            test::writeFile(p + "/metrics.json", R"({"models.green": {"rate": {"value": 0.407}, "cells": 12}})");
            test::writeFile(p + "/metrics.csv", "key,value\nmodels.green.rate.value,0.407\n");
            test::writeFile(p + "/notes.txt", "hello\n");
            test::writeFile(p + "/manifest.json", std::string(R"({"timings": {"total_s": )") + (d[0] == 'a' ? "1" : "2") + "}}");
        }
    }
    std::vector<report::Difference> diff(const report::CompareOptions& o = {}) {
        return report::compareOutputs(dir.file("a"), dir.file("b"), o);
    }
    std::vector<double> classes = std::vector<double>(20, 2307.0);
    std::vector<double> demand = {0, 1.5, 2.25, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19.5};
    test::TempDir dir;
};

TEST_F(Compare, IdenticalFoldersHaveNoDifference) {
    const auto d = diff();
    for (const auto& x : d) ADD_FAILURE() << x.file << ": " << x.message;
    // manifest.json differs (timings) but is ignored by default; not when asked to.
    report::CompareOptions o;
    o.ignore.clear();
    const auto d2 = diff(o);
    ASSERT_EQ(d2.size(), 1u);
    EXPECT_EQ(d2[0].file, "manifest.json");
    EXPECT_NE(d2[0].message.find("timings.total_s: 1 vs 2"), std::string::npos) << d2[0].message;
}

TEST_F(Compare, OneChangedPixelOfAClassBand) {
    auto changed = classes;
    changed[2 * 5 + 3] = 1401.0; // col 3, row 2
    writeTiff(dir.file("b/landuse_2021.tif"), GDT_UInt16, changed, 5, 4);
    const auto d = diff();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].file, "landuse_2021.tif");
    EXPECT_NE(d[0].message.find("1 of 20 pixels differ"), std::string::npos) << d[0].message;
    EXPECT_NE(d[0].message.find("col 3 row 2: 2307 vs 1401"), std::string::npos) << d[0].message;
}

TEST_F(Compare, ContinuousBandWithinTolerance) {
    auto changed = demand;
    changed[7] += 0.25;  // exact in float32
    changed[19] -= 0.5;
    writeTiff(dir.file("b/water_demand_2021.tif"), GDT_Float32, changed, 5, 4);
    const auto d = diff();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0].message.find("2 of 20 pixels differ (max difference 0.5"), std::string::npos) << d[0].message;
    report::CompareOptions o;
    o.raster_tolerance = 0.3;
    const auto d2 = diff(o);
    ASSERT_EQ(d2.size(), 1u);
    EXPECT_NE(d2[0].message.find("1 of 20 pixels differ"), std::string::npos) << d2[0].message;
    o.raster_tolerance = 0.5;
    EXPECT_TRUE(diff(o).empty());
}

TEST_F(Compare, GeotransformAndCrs) {
    writeTiff(dir.file("b/landuse_2021.tif"), GDT_UInt16, classes, 5, 4, 4542, 440000.5);
    auto d = diff();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0].message.find("geotransform[0] 440000 vs 440000.5"), std::string::npos) << d[0].message;
    writeTiff(dir.file("b/landuse_2021.tif"), GDT_UInt16, classes, 5, 4, 4326);
    d = diff();
    ASSERT_GE(d.size(), 1u);
    EXPECT_NE(d[0].message.find("CRS"), std::string::npos) << d[0].message;
}

TEST_F(Compare, VectorGeometriesByRelativeSymmetricDifference) {
    // Right edge 0.5 m further: symmetric difference 0.5 x 100 = 50 m2 of 10,050 m2 = 0.004975 > 1e-3.
    fs::remove(dir.file("b/new_green.shp"));
    for (const char* e : {".dbf", ".shx", ".prj", ".cpg"}) fs::remove(dir.file(std::string("b/new_green") + e));
    writeShp(dir.file("b/new_green.shp"), {square(0.5), square(300)}, {"park one", "park two"});
    auto d = diff();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0].message.find("feature 0: geometries differ, symmetric difference 0.004975"), std::string::npos)
        << d[0].message;
    // 0.05 m: 5 m2 of 10,005 m2 = 5.0e-4 < 1e-3: the same.
    for (const char* e : {".shp", ".dbf", ".shx", ".prj", ".cpg"}) fs::remove(dir.file(std::string("b/new_green") + e));
    writeShp(dir.file("b/new_green.shp"), {square(0.05), square(300)}, {"park one", "park two"});
    EXPECT_TRUE(diff().empty());
    // An attribute and the count.
    for (const char* e : {".shp", ".dbf", ".shx", ".prj", ".cpg"}) fs::remove(dir.file(std::string("b/new_green") + e));
    writeShp(dir.file("b/new_green.shp"), {square(0), square(300), square(600)}, {"park one", "park 2", "three"});
    d = diff();
    ASSERT_EQ(d.size(), 2u);
    EXPECT_NE(d[0].message.find("2 features vs 3"), std::string::npos) << d[0].message;
    EXPECT_NE(d[1].message.find("feature 1 field 'name': 'park two' vs 'park 2'"), std::string::npos) << d[1].message;
}

TEST_F(Compare, MetricsWithinTolerance) {
    test::writeFile(dir.file("b/metrics.json"), R"({"models.green": {"rate": {"value": 0.4070000000001}, "cells": 12}})");
    EXPECT_TRUE(diff().empty());
    test::writeFile(dir.file("b/metrics.json"), R"({"models.green": {"rate": {"value": 0.408}, "cells": 12, "extra": 1}})");
    const auto d = diff();
    ASSERT_EQ(d.size(), 2u);
    EXPECT_NE(d[0].message.find("models.green.rate.value: 0.407 vs 0.408"), std::string::npos) << d[0].message;
    EXPECT_NE(d[1].message.find("models.green.extra: only in B"), std::string::npos) << d[1].message;
    report::CompareOptions o;
    o.tolerance = 0.01;
    EXPECT_EQ(diff(o).size(), 1u); // the extra key remains
    test::writeFile(dir.file("b/metrics.csv"), "key,value\nmodels.green.rate.value,0.5\n");
    o.tolerance = 1e-9;
    bool csv = false;
    for (const auto& x : diff(o))
        if (x.file == "metrics.csv") {
            csv = true;
            EXPECT_NE(x.message.find("'0.407' vs '0.5'"), std::string::npos) << x.message;
        }
    EXPECT_TRUE(csv);
}

TEST_F(Compare, FilesInOneFolderOnlyAndBytes) {
    test::writeFile(dir.file("b/extra.txt"), "x");
    fs::remove(dir.file("b/water_demand_2021.tif"));
    test::writeFile(dir.file("b/notes.txt"), "hello!\n");
    const auto d = diff();
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].file, "extra.txt");
    EXPECT_EQ(d[0].message, "only in B");
    EXPECT_EQ(d[1].file, "notes.txt");
    EXPECT_EQ(d[2].file, "water_demand_2021.tif");
    EXPECT_EQ(d[2].message, "only in A");
}

TEST_F(Compare, CommandLineExitCodes) {
    auto r = test::runCli("compare '" + dir.file("a") + "' '" + dir.file("b") + "'");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("no differences"), std::string::npos);
    auto changed = classes;
    changed[0] = 701.0;
    writeTiff(dir.file("b/landuse_2021.tif"), GDT_UInt16, changed, 5, 4);
    r = test::runCli("compare '" + dir.file("a") + "' '" + dir.file("b") + "'");
    EXPECT_EQ(r.exit_code, 10) << r.out << r.err;
    EXPECT_NE(r.out.find("landuse_2021.tif: band 1: 1 of 20 pixels differ"), std::string::npos) << r.out;
    r = test::runCli("compare --json '" + dir.file("a") + "' '" + dir.file("b") + "'");
    EXPECT_EQ(r.exit_code, 10);
    EXPECT_NE(r.out.find("\"same\": false"), std::string::npos) << r.out;
}

} // namespace
