// One test per kind of bad input: each checks the one-line message (file, feature or cell, value,
// expectation) and that nothing was written next to the inputs (no .aux.xml, no temporary files).
#include "fixtures.hpp"
#include "support/support.hpp"

#include "core/errors.hpp"
#include "core/random.hpp"
#include "io/raster_io.hpp"
#include "io/study.hpp"
#include "io/vector_io.hpp"
#include "vector/geos.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace xiongguan;
namespace fs = std::filesystem;

namespace {

const double kX0 = 440000.0, kY0 = 4404000.0;

// Runs `f`, expects an exception of type E, returns its message (one line) and checks that the
// folder holds the same files as before.
template <typename E, typename F> std::string expectError(const std::string& dir, F&& f) {
    const auto before = test::listFiles(dir);
    std::string msg;
    try {
        f();
        ADD_FAILURE() << "no exception";
    } catch (const E& e) {
        msg = e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type: " << e.what();
    }
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "message must be one line: " << msg;
    EXPECT_EQ(test::listFiles(dir), before) << "files appeared or vanished in " << dir;
    return msg;
}

std::string vectorCrs() { return io::crsToWkt("EPSG:4542", "test"); }

vector::VectorLayer readShp(const std::string& path, io::InvalidPolicy p = io::InvalidPolicy::Stop,
                            const std::string& encoding = "") {
    io::VectorSource src;
    src.path = path;
    src.role = "ecological_redline";
    src.encoding = encoding;
    return io::readVectorLayer(src, vectorCrs(), p);
}

// A 4x3 class grid on the study grid: values are the class codes' integer values.
raster::Grid<std::uint16_t> classGrid() {
    return test::asciiGrid<std::uint16_t>("101 101 701 701\n"
                                          "101 1401 1401 701\n"
                                          "2307 2307 1401 0");
}

} // namespace

TEST(BadInput, RasterOnAnotherCrsIsRefusedNamingBothCrs) {
    test::TempDir dir;
    // Same size and geotransform numbers, but in UTM 47N: only the CRS differs.
    test::writeTiff(dir.file("lu.tif"), classGrid(), kX0, kY0, 10, 32647, 0.0);
    const auto grid = test::grid4542(4, 3, kX0, kY0);
    const auto msg = expectError<InputError>(dir.path(), [&] {
        io::readClassRaster(dir.file("lu.tif"), grid, test::smallClassTable(), io::Resample::Refuse);
    });
    EXPECT_NE(msg.find(dir.file("lu.tif")), std::string::npos) << msg;
    EXPECT_NE(msg.find("EPSG:32647"), std::string::npos) << msg;
    EXPECT_NE(msg.find("EPSG:4542"), std::string::npos) << msg;
    EXPECT_NE(msg.find("resample"), std::string::npos) << msg;
}

TEST(BadInput, RasterOnAnotherGridIsRefusedUnlessResampleNearest) {
    test::TempDir dir;
    // 20 m cells, 2x2, same origin: each file cell covers 2x2 study cells.
    test::writeTiff(dir.file("coarse.tif"), test::asciiGrid<std::uint16_t>("101 701\n1401 2307"), kX0, kY0, 20, 4542,
                    0.0);
    const auto grid = test::grid4542(4, 4, kX0, kY0);
    const auto msg = expectError<InputError>(dir.path(), [&] {
        io::readClassRaster(dir.file("coarse.tif"), grid, test::smallClassTable(), io::Resample::Refuse);
    });
    EXPECT_NE(msg.find(dir.file("coarse.tif")), std::string::npos) << msg;
    EXPECT_NE(msg.find("2x2 cells of 20 m"), std::string::npos) << msg;
    EXPECT_NE(msg.find("4x4 cells of 10 m"), std::string::npos) << msg;

    // With 'resample: nearest' it loads; by hand, each study cell takes the 20 m cell holding its centre.
    const auto before = test::listFiles(dir.path());
    const auto g = io::readClassRaster(dir.file("coarse.tif"), grid, test::smallClassTable(), io::Resample::Nearest);
    EXPECT_EQ(g, test::asciiGrid<std::uint16_t>("101 101 701 701\n"
                                                "101 101 701 701\n"
                                                "1401 1401 2307 2307\n"
                                                "1401 1401 2307 2307"));
    EXPECT_EQ(test::listFiles(dir.path()), before);

    // A class raster may not be resampled with bilinear.
    expectError<ConfigError>(dir.path(), [&] {
        io::readClassRaster(dir.file("coarse.tif"), grid, test::smallClassTable(), io::Resample::Bilinear);
    });
}

TEST(BadInput, FloatRasterOnAnotherGridIsRefusedAndWarpsWithBilinear) {
    test::TempDir dir;
    // 1 cell offset: a 10 m shift of the origin.
    test::writeTiff(dir.file("dem.tif"), test::asciiGrid<float>("1 2 3\n4 5 6\n7 8 9"), kX0 + 10, kY0, 10, 4542,
                    -9999.0);
    const auto grid = test::grid4542(3, 3, kX0, kY0);
    const auto msg = expectError<InputError>(dir.path(), [&] {
        io::readFloatRaster(dir.file("dem.tif"), grid, io::Resample::Refuse);
    });
    EXPECT_NE(msg.find("440010.000"), std::string::npos) << msg;
    // Nearest: the study grid is the file shifted by one column; column 0 is outside -> nodata.
    const auto g = io::readFloatRaster(dir.file("dem.tif"), grid, io::Resample::Nearest, -1.0f);
    EXPECT_EQ(g, test::asciiGrid<float>("-1 1 2\n-1 4 5\n-1 7 8"));
}

TEST(BadInput, InvalidPolygonStopsWithGeosReasonAndLocation) {
    test::TempDir dir;
    // A bow-tie: the edges cross at (x0 + 5, y0 + 5).
    char wkt[256];
    std::snprintf(wkt, sizeof wkt, "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))", kX0, kY0, kX0 + 10, kY0 + 10, kX0 + 10,
                  kY0, kX0, kY0 + 10, kX0, kY0);
    test::writeOgr(dir.file("red.shp"), "ESRI Shapefile", 4542, wkbPolygon, {{"name", OFTString}},
                   {{"POLYGON((440100 4404100,440110 4404100,440110 4404110,440100 4404100))", {"ok"}},
                    {wkt, {"bowtie"}}});
    const auto msg = expectError<GeometryError>(dir.path(), [&] { readShp(dir.file("red.shp")); });
    EXPECT_NE(msg.find(dir.file("red.shp")), std::string::npos) << msg;
    EXPECT_NE(msg.find("feature 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Self-intersection"), std::string::npos) << msg;
    EXPECT_NE(msg.find("440005 4404005"), std::string::npos) << msg;
    EXPECT_NE(msg.find("invalid_geometry: repair"), std::string::npos) << msg;
}

TEST(BadInput, InvalidPolygonIsRepairedAndReported) {
    test::TempDir dir;
    char wkt[256];
    std::snprintf(wkt, sizeof wkt, "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))", kX0, kY0, kX0 + 10, kY0 + 10, kX0 + 10,
                  kY0, kX0, kY0 + 10, kX0, kY0);
    test::writeOgr(dir.file("red.shp"), "ESRI Shapefile", 4542, wkbPolygon, {{"name", OFTString}},
                   {{wkt, {"bowtie"}}});
    const auto before = test::listFiles(dir.path());
    const auto layer = readShp(dir.file("red.shp"), io::InvalidPolicy::Repair);
    EXPECT_EQ(test::listFiles(dir.path()), before);
    ASSERT_EQ(layer.features.size(), 1u);
    ASSERT_EQ(layer.repairs.size(), 1u);
    EXPECT_NE(layer.repairs[0].find("feature 0"), std::string::npos) << layer.repairs[0];
    EXPECT_NE(layer.repairs[0].find("Self-intersection[440005 4404005]"), std::string::npos) << layer.repairs[0];
    EXPECT_NE(layer.repairs[0].find("area now 50.0 m2"), std::string::npos) << layer.repairs[0];
    auto& ctx = vector::threadContext();
    auto g = vector::fromWkb(ctx, layer.features[0].wkb);
    EXPECT_EQ(vector::invalidReason(ctx, g.get()), "");
    // Two triangles of base 10 m and height 5 m: 2 x 25 m2.
    EXPECT_NEAR(vector::area(ctx, g.get()), 50.0, 1e-6);
    EXPECT_EQ(GEOSGetNumGeometries_r(ctx.handle(), g.get()), 2);
}

TEST(BadInput, ShapefileWithoutPrjSaysNoCrs) {
    test::TempDir dir;
    test::writeOgr(dir.file("noprj.shp"), "ESRI Shapefile", 0, wkbPolygon, {},
                   {{"POLYGON((440100 4404100,440110 4404100,440110 4404110,440100 4404100))", {}}});
    ASSERT_FALSE(fs::exists(dir.file("noprj.prj")));
    const auto msg = expectError<InputError>(dir.path(), [&] { readShp(dir.file("noprj.shp")); });
    EXPECT_NE(msg.find(dir.file("noprj.shp")), std::string::npos) << msg;
    EXPECT_NE(msg.find("no CRS"), std::string::npos) << msg;
    EXPECT_NE(msg.find("EPSG:4542"), std::string::npos) << msg;
}

TEST(BadInput, ShapefileWithoutDbfIsAnInputError) {
    test::TempDir dir;
    test::writeOgr(dir.file("nodbf.shp"), "ESRI Shapefile", 4542, wkbPolygon, {{"name", OFTString}},
                   {{"POLYGON((440100 4404100,440110 4404100,440110 4404110,440100 4404100))", {"a"}}});
    fs::remove(dir.file("nodbf.dbf"));
    const auto msg = expectError<InputError>(dir.path(), [&] { readShp(dir.file("nodbf.shp")); });
    EXPECT_NE(msg.find(dir.file("nodbf.shp")), std::string::npos) << msg;
    EXPECT_NE(msg.find(".dbf is missing"), std::string::npos) << msg;
}

TEST(BadInput, MissingFileIsAnIoError) {
    test::TempDir dir;
    const auto msg = expectError<IoError>(dir.path(), [&] { readShp(dir.file("nothere.shp")); });
    EXPECT_NE(msg.find("nothere.shp"), std::string::npos) << msg;
    expectError<IoError>(dir.path(), [&] {
        io::readFloatRaster(dir.file("nothere.tif"), test::grid4542(2, 2, kX0, kY0), io::Resample::Refuse);
    });
}

namespace {

// UTF-8 Chinese text and its GBK bytes, the latter from iconv via CPLRecode (independent of the
// shapefile driver).
const std::string kNameUtf8 = "嘉峪关草湖湿地";
const std::string kTierUtf8 = "核心区";

std::string gbk(const std::string& utf8) {
    char* s = CPLRecode(utf8.c_str(), CPL_ENC_UTF8, "CP936");
    std::string out(s);
    CPLFree(s);
    return out;
}

// Writes a shapefile whose DBF strings are GBK bytes (GDAL recodes from UTF-8 with ENCODING=CP936).
// The second field has a Chinese name ("级别", tier), as many Chinese shapefiles do.
const std::string kTierField = "级别";

void writeGbkShapefile(const std::string& path) {
    test::writeOgr(path, "ESRI Shapefile", 4542, wkbPolygon, {{"name", OFTString}, {kTierField, OFTString}},
                   {{"POLYGON((440100 4404100,440110 4404100,440110 4404110,440100 4404100))", {kNameUtf8, kTierUtf8}},
                    {"POLYGON((440200 4404100,440210 4404100,440210 4404110,440200 4404100))", {"ascii only", ""}}},
                   {"ENCODING=CP936"});
}

bool fileContains(const std::string& path, const std::string& bytes) {
    return test::readFile(path).find(bytes) != std::string::npos;
}

// Sets the DBF language driver id (byte 29): 0 = none, as written by tools that know no encodings.
void setLdid(const std::string& dbf, unsigned char ldid) {
    std::fstream f(dbf, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(29);
    f.put(static_cast<char>(ldid));
}

void expectChinese(const vector::VectorLayer& l, const std::string& tier_field = kTierField) {
    ASSERT_EQ(l.features.size(), 2u);
    ASSERT_EQ(l.fields.size(), 2u);
    EXPECT_EQ(l.fields[1], tier_field);
    const int name = l.requireField("name"), tier = l.requireField(tier_field);
    EXPECT_EQ(l.value(0, name).value_or("(null)"), kNameUtf8);
    EXPECT_EQ(l.value(0, tier).value_or("(null)"), kTierUtf8);
    EXPECT_EQ(l.value(1, name).value_or("(null)"), "ascii only");
}

} // namespace

TEST(Encoding, GbkBytesAreReallyInTheDbf) {
    test::TempDir dir;
    writeGbkShapefile(dir.file("gbk.shp"));
    const std::string g = gbk(kNameUtf8);
    ASSERT_EQ(g.size(), 14u); // 7 characters x 2 bytes
    EXPECT_TRUE(fileContains(dir.file("gbk.dbf"), g));
    EXPECT_FALSE(fileContains(dir.file("gbk.dbf"), kNameUtf8));
    EXPECT_TRUE(fileContains(dir.file("gbk.dbf"), gbk(kTierField))); // the field name too
}

TEST(Encoding, GbkShapefileWithCpgGbkOrCp936) {
    for (const char* cpg : {"GBK", "CP936", "936"}) {
        test::TempDir dir;
        writeGbkShapefile(dir.file("gbk.shp"));
        test::writeFile(dir.file("gbk.cpg"), cpg);
        setLdid(dir.file("gbk.dbf"), 0);
        const auto before = test::listFiles(dir.path());
        expectChinese(readShp(dir.file("gbk.shp")));
        EXPECT_EQ(test::listFiles(dir.path()), before) << cpg;
    }
}

TEST(Encoding, GbkShapefileWithoutCpgIsDetected) {
    // LDID 0: none; 0x57: "ANSI" (the writer's system code page); 0x4D: CP936, decoded by GDAL.
    for (unsigned char ldid : {static_cast<unsigned char>(0x00), static_cast<unsigned char>(0x57),
                               static_cast<unsigned char>(0x4D)}) {
        test::TempDir dir;
        writeGbkShapefile(dir.file("gbk.shp"));
        fs::remove(dir.file("gbk.cpg"));
        setLdid(dir.file("gbk.dbf"), ldid);
        SCOPED_TRACE(ldid);
        expectChinese(readShp(dir.file("gbk.shp")));
    }
}

TEST(Encoding, Utf8ShapefileWithoutCpgStaysUtf8) {
    test::TempDir dir;
    test::writeOgr(dir.file("u.shp"), "ESRI Shapefile", 4542, wkbPolygon, {{"name", OFTString}, {"tier", OFTString}},
                   {{"POLYGON((440100 4404100,440110 4404100,440110 4404110,440100 4404100))", {kNameUtf8, kTierUtf8}},
                    {"POLYGON((440200 4404100,440210 4404100,440210 4404110,440200 4404100))", {"ascii only", ""}}},
                   {"ENCODING=UTF-8"});
    fs::remove(dir.file("u.cpg"));
    setLdid(dir.file("u.dbf"), 0);
    ASSERT_TRUE(fileContains(dir.file("u.dbf"), kNameUtf8));
    expectChinese(readShp(dir.file("u.shp")), "tier");
}

TEST(Encoding, ExplicitEncodingOverridesAWrongCpg) {
    test::TempDir dir;
    writeGbkShapefile(dir.file("gbk.shp"));
    test::writeFile(dir.file("gbk.cpg"), "UTF-8"); // wrong
    expectChinese(readShp(dir.file("gbk.shp"), io::InvalidPolicy::Stop, "CP936"));
}

TEST(BadInput, TruncatedGeoTiffIsAnIoErrorNotACrash) {
    test::TempDir dir;
    // 512x512 random classes, tiled and compressed so that the data fills the file.
    raster::Grid<std::uint16_t> g(512, 512);
    const std::uint16_t vals[] = {101, 701, 1401, 2307};
    for (size_t i = 0; i < g.size(); ++i) g[i] = vals[core::counterHash(7, 0, i) % 4];
    test::writeTiff(dir.file("lu.tif"), g, kX0, kY0, 10, 4542, 0.0,
                    {"TILED=YES", "COMPRESS=DEFLATE", "BLOCKXSIZE=128", "BLOCKYSIZE=128"});
    const auto size = fs::file_size(dir.file("lu.tif"));
    ASSERT_GT(size, 20000u);
    const auto grid = test::grid4542(512, 512, kX0, kY0);
    // The intact file reads.
    EXPECT_EQ(io::readClassRaster(dir.file("lu.tif"), grid, test::smallClassTable(), io::Resample::Refuse), g);
    fs::resize_file(dir.file("lu.tif"), size / 2);
    const auto msg = expectError<IoError>(dir.path(), [&] {
        io::readClassRaster(dir.file("lu.tif"), grid, test::smallClassTable(), io::Resample::Refuse);
    });
    EXPECT_NE(msg.find(dir.file("lu.tif")), std::string::npos) << msg;
    expectError<IoError>(dir.path(), [&] { io::readFloatRaster(dir.file("lu.tif"), grid, io::Resample::Refuse); });
    // Cut to a few bytes: not even a header.
    fs::resize_file(dir.file("lu.tif"), 6);
    expectError<IoError>(dir.path(), [&] {
        io::readClassRaster(dir.file("lu.tif"), grid, test::smallClassTable(), io::Resample::Refuse);
    });
}

TEST(BadInput, UnknownClassValueInARasterNamesTheCell) {
    test::TempDir dir;
    auto g = classGrid();
    g.at(2, 1) = 999;
    test::writeTiff(dir.file("lu.tif"), g, kX0, kY0, 10, 4542, 0.0);
    const auto msg = expectError<InputError>(dir.path(), [&] {
        io::readClassRaster(dir.file("lu.tif"), test::grid4542(4, 3, kX0, kY0), test::smallClassTable(),
                            io::Resample::Refuse);
    });
    EXPECT_NE(msg.find(dir.file("lu.tif")), std::string::npos) << msg;
    EXPECT_NE(msg.find("col 2, row 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(440025.0, 4403985.0)"), std::string::npos) << msg; // the cell centre
    EXPECT_NE(msg.find("999"), std::string::npos) << msg;
    EXPECT_NE(msg.find("class table"), std::string::npos) << msg;
}

TEST(BadInput, UnknownClassCodeInLandusePolygonsNamesTheFeature) {
    test::TempDir dir;
    test::writeOgr(dir.file("lu.gpkg"), "GPKG", 4542, wkbPolygon, {{"code", OFTString}},
                   {{"POLYGON((440000 4404000,440040 4404000,440040 4403970,440000 4403970,440000 4404000))", {"0101"}},
                    {"POLYGON((440000 4404000,440020 4404000,440020 4403990,440000 4404000))", {"9999"}}});
    io::StudyArea s;
    s.path = dir.file("study.yaml");
    s.grid = test::grid4542(4, 3, kX0, kY0);
    s.classes = test::smallClassTable();
    io::LayerSpec spec;
    spec.role = "landuse 2021";
    spec.polygons = dir.file("lu.gpkg");
    s.landuse[2021] = spec;
    const auto msg = expectError<InputError>(dir.path(), [&] { io::loadLanduse(s, 2021); });
    EXPECT_NE(msg.find(dir.file("lu.gpkg")), std::string::npos) << msg;
    EXPECT_NE(msg.find("feature 2"), std::string::npos) << msg; // GeoPackage fids start at 1
    EXPECT_NE(msg.find("'9999'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("class table"), std::string::npos) << msg;
}
