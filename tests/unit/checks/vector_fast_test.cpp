// io::readVectorLayerParallel (the loader of the compliance review): a GeoPackage written here
// with OGR's C API, read in parallel id ranges, must give exactly what the serial
// io::readVectorLayer gives (features, order, values, WKB, envelopes, errors, repairs), and the
// values written by hand, at 1 and 2 threads.
#include "core/errors.hpp"
#include "io/gdal_env.hpp"
#include "io/vector_fast.hpp"
#include "support/support.hpp"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <string>

using namespace xiongguan;

namespace {

// n features; feature k (fid k + 1) is the square [10k, 10k + 5] x [0, 5] with id "P<k>",
// value k * 0.1; fids in `deleted` are removed afterwards (gaps), fid `null_fid` has no geometry,
// fids in `bowties` get a self-intersecting polygon.
std::string writeGpkg(const std::string& path, int n, const std::vector<std::int64_t>& deleted,
                      std::int64_t null_fid, const std::vector<std::int64_t>& bowties) {
    io::initGdal();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    EXPECT_NE(ds, nullptr);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4542);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "parcels", srs, wkbPolygon, nullptr);
    OSRDestroySpatialReference(srs);
    OGRFieldDefnH fd = OGR_Fld_Create("parcel_id", OFTString);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("share", OFTReal);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    OGR_L_StartTransaction(l);
    for (int k = 0; k < n; ++k) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        const std::int64_t fid = k + 1;
        OGR_F_SetFieldString(f, 0, ("P" + std::to_string(k)).c_str());
        if (k % 7 != 3) OGR_F_SetFieldDouble(f, 1, k * 0.1); // every 7th value null
        if (fid != null_fid) {
            const double x = 10.0 * k;
            std::string wkt = "POLYGON((" + std::to_string(x) + " 0," + std::to_string(x + 5) + " 0," +
                              std::to_string(x + 5) + " 5," + std::to_string(x) + " 5," + std::to_string(x) + " 0))";
            if (std::find(bowties.begin(), bowties.end(), fid) != bowties.end())
                wkt = "POLYGON((" + std::to_string(x) + " 0," + std::to_string(x + 5) + " 5," + std::to_string(x + 5) +
                      " 0," + std::to_string(x) + " 5," + std::to_string(x) + " 0))";
            OGRGeometryH g = nullptr;
            char* p = const_cast<char*>(wkt.c_str());
            OGR_G_CreateFromWkt(&p, nullptr, &g);
            OGR_F_SetGeometryDirectly(f, g);
        }
        OGR_L_CreateFeature(l, f);
        OGR_F_Destroy(f);
    }
    OGR_L_CommitTransaction(l);
    for (auto fid : deleted) OGR_L_DeleteFeature(l, fid);
    GDALClose(ds);
    return path;
}

std::string epsg4542() { return io::crsToWkt("EPSG:4542", "test"); }

void expectSame(const vector::VectorLayer& a, const vector::VectorLayer& b) {
    EXPECT_EQ(a.fields, b.fields);
    EXPECT_EQ(a.geometry_type, b.geometry_type);
    EXPECT_EQ(a.repairs, b.repairs);
    ASSERT_EQ(a.features.size(), b.features.size());
    for (size_t i = 0; i < a.features.size(); ++i) {
        const auto& x = a.features[i];
        const auto& y = b.features[i];
        ASSERT_EQ(x.fid, y.fid) << i;
        EXPECT_EQ(x.values, y.values) << "fid " << x.fid;
        EXPECT_EQ(x.wkb, y.wkb) << "fid " << x.fid;
        EXPECT_EQ(x.env.minx, y.env.minx);
        EXPECT_EQ(x.env.maxx, y.env.maxx);
        EXPECT_EQ(x.env.miny, y.env.miny);
        EXPECT_EQ(x.env.maxy, y.env.maxy);
    }
}

} // namespace

TEST(ChecksParallelLoader, SameAsSerialReaderWithGapsAndNulls) {
    test::TempDir dir;
    const int n = 1000;
    const std::string path = writeGpkg(dir.file("p.gpkg"), n, {2, 3, 500, 999}, 301, {});
    io::VectorSource src{path, "parcels", "", "", "land_supply"};
    const auto serial = io::readVectorLayer(src, epsg4542());
    vector::VectorLayer par1, par2;
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
        par1 = io::readVectorLayerParallel(src, epsg4542());
    }
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
        par2 = io::readVectorLayerParallel(src, epsg4542());
    }
    expectSame(par1, serial);
    expectSame(par2, serial);
    // By hand: 1000 written, 4 deleted; fids ascending; feature k = fid - 1.
    ASSERT_EQ(par2.features.size(), 996u);
    EXPECT_EQ(par2.features[0].fid, 1);
    EXPECT_EQ(par2.features[1].fid, 4);
    EXPECT_EQ(par2.features.back().fid, 1000);
    for (const auto& f : par2.features) {
        const std::int64_t k = f.fid - 1;
        EXPECT_EQ(f.values[0].value_or("?"), "P" + std::to_string(k));
        EXPECT_EQ(f.values[1].has_value(), k % 7 != 3);
        if (f.fid == 301) {
            EXPECT_TRUE(f.wkb.empty());
            continue;
        }
        ASSERT_FALSE(f.wkb.empty()) << f.fid;
        EXPECT_DOUBLE_EQ(f.env.minx, 10.0 * static_cast<double>(k));
        EXPECT_DOUBLE_EQ(f.env.maxx, 10.0 * static_cast<double>(k) + 5);
        EXPECT_DOUBLE_EQ(f.env.miny, 0.0);
        EXPECT_DOUBLE_EQ(f.env.maxy, 5.0);
    }
}

TEST(ChecksParallelLoader, InvalidPolygonsStopOrRepairLikeTheSerialReader) {
    test::TempDir dir;
    // Two bow-ties in different id ranges: the first one (fid 640) must be the one reported.
    const std::string path = writeGpkg(dir.file("bad.gpkg"), 900, {}, -1, {640, 870});
    io::VectorSource src{path, "", "", "", "land_supply"};
    std::string serial_msg, par_msg;
    try {
        io::readVectorLayer(src, epsg4542());
    } catch (const GeometryError& e) {
        serial_msg = e.what();
    }
    try {
        io::readVectorLayerParallel(src, epsg4542());
    } catch (const GeometryError& e) {
        par_msg = e.what();
    }
    ASSERT_FALSE(serial_msg.empty());
    EXPECT_EQ(par_msg, serial_msg);
    EXPECT_NE(par_msg.find("feature 640 "), std::string::npos) << par_msg;
    EXPECT_NE(par_msg.find("bad.gpkg"), std::string::npos) << par_msg;

    const auto serial = io::readVectorLayer(src, epsg4542(), io::InvalidPolicy::Repair);
    const auto par = io::readVectorLayerParallel(src, epsg4542(), io::InvalidPolicy::Repair);
    ASSERT_EQ(par.repairs.size(), 2u);
    EXPECT_NE(par.repairs[0].find("feature 640 "), std::string::npos);
    EXPECT_NE(par.repairs[1].find("feature 870 "), std::string::npos);
    // A 5 x 5 bow-tie repairs into two triangles of 6.25 m2 each.
    EXPECT_NE(par.repairs[0].find("area now 12.5 m2"), std::string::npos) << par.repairs[0];
    expectSame(par, serial);
}

// The direct GeoPackage path keeps the blob's WKB only when it is plain little-endian 2D; every
// other geometry (Z, empty, curves) and every field type must still come out as OGR's serial reader
// gives them. Mixed geometries cycle through the rows; a reprojected copy goes through OGR.
TEST(ChecksParallelLoader, MixedGeometriesAndFieldTypesSameAsSerialReader) {
    test::TempDir dir;
    io::initGdal();
    const std::string path = dir.file("mixed.gpkg");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4542);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "mixed", srs, wkbUnknown, nullptr);
    OSRDestroySpatialReference(srs);
    for (auto [name, type] : {std::pair{"name", OFTString}, {"n", OFTInteger}, {"big", OFTInteger64}, {"x", OFTReal}}) {
        OGRFieldDefnH fd = OGR_Fld_Create(name, type);
        OGR_L_CreateField(l, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    const std::vector<std::string> shapes = {
        "POLYGON((0 0,4 0,4 3,0 3,0 0))",
        "POLYGON Z((0 0 1,4 0 1,4 3 2,0 3 2,0 0 1))",
        "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((5 5,6 5,6 6,5 6,5 5)))",
        "POLYGON EMPTY",
        "MULTIPOLYGON EMPTY",
        "POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2))",
        "LINESTRING(0 0,3 4)",
        "POINT(1 2)",
        "CURVEPOLYGON(CIRCULARSTRING(0 0,2 0,2 2,0 2,0 0))"};
    OGR_L_StartTransaction(l);
    const int n = 9 * 40;
    for (int k = 0; k < n; ++k) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        if (k % 5 != 0) OGR_F_SetFieldString(f, 0, k % 2 ? "嘉峪关" : "parcel with a rather long name");
        if (k % 3 != 0) OGR_F_SetFieldInteger(f, 1, k - 100);
        OGR_F_SetFieldInteger64(f, 2, std::int64_t(1) << 40 | k);
        OGR_F_SetFieldDouble(f, 3, 1.0 / (k + 3));
        OGRGeometryH g = nullptr;
        char* p = const_cast<char*>(shapes[static_cast<size_t>(k) % shapes.size()].c_str());
        ASSERT_EQ(OGR_G_CreateFromWkt(&p, nullptr, &g), OGRERR_NONE);
        OGR_F_SetGeometryDirectly(f, g);
        ASSERT_EQ(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OGR_L_CommitTransaction(l);
    GDALClose(ds);

    // Curves cannot be handed to GEOS: both readers stop, with the same message.
    io::VectorSource src{path, "mixed", "", "", "parcels"};
    std::string serial_msg, par_msg;
    try {
        io::readVectorLayer(src, epsg4542());
    } catch (const Error& e) {
        serial_msg = e.what();
    }
    try {
        io::readVectorLayerParallel(src, epsg4542());
    } catch (const Error& e) {
        par_msg = e.what();
    }
    ASSERT_FALSE(serial_msg.empty());
    EXPECT_EQ(par_msg, serial_msg);
    EXPECT_NE(par_msg.find("feature 9"), std::string::npos) << "message: " << par_msg; // the first curve: k = 8

    // Without the curves (deleted), both readers agree feature by feature, here and reprojected.
    ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
    l = GDALDatasetGetLayer(ds, 0);
    for (int k = 8; k < n; k += 9) OGR_L_DeleteFeature(l, k + 1);
    GDALClose(ds);
    const auto serial = io::readVectorLayer(src, epsg4542());
    const auto par = io::readVectorLayerParallel(src, epsg4542());
    expectSame(par, serial);
    ASSERT_EQ(par.features.size(), static_cast<size_t>(n - 40));
    // By hand: feature fid 2 (k = 1) is the Z square, flattened to 2D: 4 x 3 envelope, 93-byte WKB.
    EXPECT_EQ(par.features[1].wkb.size(), 1u + 4 + 4 + 4 + 5 * 16);
    EXPECT_EQ(par.features[1].env.maxx, 4.0);
    EXPECT_TRUE(par.features[3].wkb.empty()); // POLYGON EMPTY
    EXPECT_TRUE(par.features[4].wkb.empty()); // MULTIPOLYGON EMPTY
    EXPECT_EQ(par.features[1].values[0].value_or("?"), "嘉峪关");
    EXPECT_FALSE(par.features[0].values[0].has_value());
    EXPECT_EQ(par.features[2].values[1].value_or("?"), "-98");
    EXPECT_EQ(par.features[2].values[2].value_or("?"), std::to_string((std::int64_t(1) << 40) | 2));
    io::VectorSource wgs{path, "mixed", "", "", "parcels"};
    const std::string wkt4326 = io::crsToWkt("EPSG:4490", "test");
    expectSame(io::readVectorLayerParallel(wgs, wkt4326), io::readVectorLayer(wgs, wkt4326));
}
