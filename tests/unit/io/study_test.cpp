// Study files: parsing errors with file:line, land use from polygons, the boundary mask.
#include "fixtures.hpp"
#include "support/support.hpp"

#include "core/errors.hpp"
#include "io/study.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

using namespace xiongguan;

namespace {

// 6 x 5 cells of 10 m at (440000, 4404000) in EPSG:4542.
const char* kStudyHead = "name: tiny\n"                 // 1
                         "crs: EPSG:4542\n"             // 2
                         "grid:\n"                      // 3
                         "  origin_x: 440000\n"         // 4
                         "  origin_y: 4404000\n"        // 5
                         "  cell_size_m: 10\n"          // 6
                         "  cols: 6\n"                  // 7
                         "  rows: 5\n"                  // 8
                         "classes:\n"                   // 9
                         "  - {code: \"0101\", name: paddy, colour: \"#f5e28a\", group: farmland}\n" // 10
                         "  - {code: \"1401\", name: park, colour: \"#3caa46\", group: green}\n"     // 11
                         "  - {code: \"2307\", name: gobi, colour: \"#beb4a0\", group: bare}\n";     // 12

// Writes boundary.gpkg (a right triangle: the same 15 cells as in rasterize_test) and the land-use
// polygons, then the study file with `layers` appended.
std::string makeStudy(const test::TempDir& dir, const std::string& head, const std::string& layers) {
    test::writeOgr(dir.file("boundary.gpkg"), "GPKG", 4542, wkbPolygon, {{"name", OFTString}},
                   {{"POLYGON((440000 4404000,440060 4404000,440000 4403950,440000 4404000))", {"嘉峪关"}}});
    // Left half (columns 0..2) gobi, a park on columns 3..5 of rows 0..1, paddy below it.
    test::writeOgr(dir.file("lu.gpkg"), "GPKG", 4542, wkbPolygon, {{"code", OFTString}},
                   {{"POLYGON((440000 4404000,440030 4404000,440030 4403950,440000 4403950,440000 4404000))", {"2307"}},
                    {"POLYGON((440030 4404000,440060 4404000,440060 4403980,440030 4403980,440030 4404000))", {"1401"}},
                    {"POLYGON((440030 4403980,440060 4403980,440060 4403950,440030 4403950,440030 4403980))", {"0101"}}});
    test::writeFile(dir.file("study.yaml"), head + layers);
    return dir.file("study.yaml");
}

const char* kLayers = "layers:\n"                                                          // 13
                      "  boundary: {file: boundary.gpkg}\n"                                // 14
                      "  landuse:\n"                                                       // 15
                      "    2021: {polygons: lu.gpkg, code_field: code}\n";                 // 16

template <typename E> std::string errorOf(const std::string& path) {
    try {
        io::loadStudy(path);
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type: " << e.what();
        return "";
    }
    ADD_FAILURE() << "no exception";
    return "";
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
}

} // namespace

TEST(Study, LoadsAValidStudy) {
    test::TempDir dir;
    const auto s = io::loadStudy(makeStudy(dir, kStudyHead, kLayers));
    EXPECT_EQ(s.name, "tiny");
    EXPECT_EQ(s.crs, "EPSG:4542");
    EXPECT_EQ(s.grid.cols, 6);
    EXPECT_EQ(s.grid.rows, 5);
    EXPECT_DOUBLE_EQ(s.grid.origin_x, 440000);
    EXPECT_EQ(io::crsShortName(s.grid.crs_wkt), "EPSG:4542");
    ASSERT_EQ(s.classes.rows().size(), 3u);
    EXPECT_EQ(s.classes.byCode("1401")->rgb, (std::array<std::uint8_t, 3>{0x3c, 0xaa, 0x46}));
    EXPECT_EQ(s.classes.byCode("0101")->value, 101);
    EXPECT_TRUE(s.has("boundary"));
    EXPECT_EQ(s.landuseYears(), std::vector<int>{2021});
    EXPECT_EQ(s.layer("boundary").file, dir.file("boundary.gpkg"));
    EXPECT_EQ(s.invalid_geometry, io::InvalidPolicy::Stop);
}

TEST(Study, LanduseFromPolygonsIsRasterizedOnTheGrid) {
    test::TempDir dir;
    const auto s = io::loadStudy(makeStudy(dir, kStudyHead, kLayers));
    EXPECT_EQ(io::loadLanduse(s, 2021), test::asciiGrid<std::uint16_t>("2307 2307 2307 1401 1401 1401\n"
                                                                       "2307 2307 2307 1401 1401 1401\n"
                                                                       "2307 2307 2307 101 101 101\n"
                                                                       "2307 2307 2307 101 101 101\n"
                                                                       "2307 2307 2307 101 101 101"));
    EXPECT_THROW(io::loadLanduse(s, 2016), ConfigError);
}

TEST(Study, LanduseRasterWinsOverPolygonsAndIsChecked) {
    test::TempDir dir;
    const auto path = makeStudy(dir, kStudyHead,
                                "layers:\n  boundary: {file: boundary.gpkg}\n  landuse:\n"
                                "    2021: {file: lu.tif, polygons: lu.gpkg}\n");
    test::writeTiff(dir.file("lu.tif"), test::asciiGrid<std::uint16_t>("101 101 101 101 101 101\n"
                                                                       "0 0 0 0 0 0\n"
                                                                       "1401 1401 1401 1401 1401 1401\n"
                                                                       "0 0 0 0 0 0\n"
                                                                       "2307 2307 2307 2307 2307 2307"),
                    440000, 4404000, 10, 4542, 0.0);
    const auto s = io::loadStudy(path);
    const auto g = io::loadLanduse(s, 2021);
    EXPECT_EQ(g.at(0, 0), 101);
    EXPECT_EQ(g.at(5, 2), 1401);
    EXPECT_EQ(g.at(3, 3), 0);
}

TEST(Study, BoundaryMaskByCellCentre) {
    test::TempDir dir;
    const auto s = io::loadStudy(makeStudy(dir, kStudyHead, kLayers));
    // The triangle of rasterize_test: 5 + 4 + 3 + 2 + 1 cell centres inside.
    EXPECT_EQ(io::boundaryMask(s), test::asciiGrid<std::uint8_t>("1 1 1 1 1 0\n"
                                                                 "1 1 1 1 0 0\n"
                                                                 "1 1 1 0 0 0\n"
                                                                 "1 1 0 0 0 0\n"
                                                                 "1 0 0 0 0 0"));
}

TEST(Study, BoundaryInLonLatIsReprojectedBeforeTheMask) {
    test::TempDir dir;
    const auto path = makeStudy(dir, kStudyHead, kLayers);
    // Overwrite the boundary with a lon/lat copy of the same triangle made by OGR.
    OGRSpatialReference gk = test::srsOf(4542), ll = test::srsOf(4326);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&gk, &ll));
    double x[3] = {440000, 440060, 440000}, y[3] = {4404000, 4404000, 4403950};
    ASSERT_TRUE(ct->Transform(3, x, y));
    char wkt[512];
    std::snprintf(wkt, sizeof wkt, "POLYGON((%.10f %.10f,%.10f %.10f,%.10f %.10f,%.10f %.10f))", x[0], y[0], x[1],
                  y[1], x[2], y[2], x[0], y[0]);
    std::filesystem::remove(dir.file("boundary.gpkg"));
    test::writeOgr(dir.file("boundary.gpkg"), "GPKG", 4326, wkbPolygon, {}, {{wkt, {}}});
    const auto mask = io::boundaryMask(io::loadStudy(path));
    int inside = 0;
    for (auto v : mask.values()) inside += v;
    EXPECT_EQ(inside, 15);
    EXPECT_EQ(mask.at(4, 0), 1);
    EXPECT_EQ(mask.at(0, 4), 1);
    EXPECT_EQ(mask.at(5, 0), 0);
}

TEST(Study, UnknownKeyNamesFileLineAndKey) {
    test::TempDir dir;
    const auto path = makeStudy(dir, replaced(kStudyHead, "colour: \"#3caa46\"", "colr: \"#3caa46\""), kLayers);
    const auto msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":11"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'colr'"), std::string::npos) << msg;
    const auto top = makeStudy(dir, std::string(kStudyHead) + "threads: 4\n", kLayers);
    const auto msg2 = errorOf<ConfigError>(top);
    EXPECT_NE(msg2.find(top + ":13"), std::string::npos) << msg2;
    EXPECT_NE(msg2.find("'threads'"), std::string::npos) << msg2;
    const auto role = makeStudy(dir, kStudyHead, std::string(kLayers) + "  red_line: {file: lu.gpkg}\n");
    const auto msg3 = errorOf<ConfigError>(role);
    EXPECT_NE(msg3.find(role + ":17"), std::string::npos) << msg3;
    EXPECT_NE(msg3.find("'red_line'"), std::string::npos) << msg3;
}

TEST(Study, WrongTypesNameFileLineAndValue) {
    test::TempDir dir;
    auto path = makeStudy(dir, replaced(kStudyHead, "cols: 6", "cols: six"), kLayers);
    auto msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":7"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'six'"), std::string::npos) << msg;
    path = makeStudy(dir, replaced(kStudyHead, "cell_size_m: 10", "cell_size_m: -10"), kLayers);
    msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":6"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'-10'"), std::string::npos) << msg;
    path = makeStudy(dir, std::string(kStudyHead) + "invalid_geometry: fix\n", kLayers);
    msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":13"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'fix'"), std::string::npos) << msg;
    path = makeStudy(dir, replaced(kStudyHead, "group: bare", "group: desert"), kLayers);
    msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":12"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'desert'"), std::string::npos) << msg;
}

TEST(Study, BadColourNamesFileLineAndValue) {
    test::TempDir dir;
    const auto path = makeStudy(dir, replaced(kStudyHead, "#3caa46", "#3caa4"), kLayers);
    const auto msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":11"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'#3caa4'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("#rrggbb"), std::string::npos) << msg;
}

TEST(Study, DuplicateClassValuesAreRefused) {
    test::TempDir dir;
    // "101" and "0101" are different strings but the same raster value.
    const auto path = makeStudy(dir, std::string(kStudyHead) + "  - {code: \"101\", name: dup, group: farmland}\n",
                                kLayers);
    const auto msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":10"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'0101'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'101'"), std::string::npos) << msg;
    const auto bad = makeStudy(dir, replaced(kStudyHead, "code: \"1401\"", "code: \"14A1\""), kLayers);
    const auto msg2 = errorOf<ConfigError>(bad);
    EXPECT_NE(msg2.find(bad + ":11"), std::string::npos) << msg2;
    EXPECT_NE(msg2.find("'14A1'"), std::string::npos) << msg2;
}

TEST(Study, MissingLayerFileNamesFileLineAndPath) {
    test::TempDir dir;
    const auto path = makeStudy(dir, kStudyHead, replaced(kLayers, "boundary.gpkg", "nowhere.gpkg"));
    const auto msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":14"), std::string::npos) << msg;
    EXPECT_NE(msg.find(dir.file("nowhere.gpkg")), std::string::npos) << msg;
    EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
    // The study file itself.
    const auto msg2 = errorOf<IoError>(dir.file("nostudy.yaml"));
    EXPECT_NE(msg2.find("nostudy.yaml"), std::string::npos) << msg2;
}

TEST(Study, BadCrsStringsAreRefused) {
    test::TempDir dir;
    auto path = makeStudy(dir, replaced(kStudyHead, "EPSG:4542", "EPSG:99999"), kLayers);
    auto msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'EPSG:99999'"), std::string::npos) << msg;
    path = makeStudy(dir, replaced(kStudyHead, "EPSG:4542", "not a crs"), kLayers);
    msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find("'not a crs'"), std::string::npos) << msg;
    // A geographic CRS has no metres: the grid would be in degrees.
    path = makeStudy(dir, replaced(kStudyHead, "EPSG:4542", "EPSG:4490"), kLayers);
    msg = errorOf<ConfigError>(path);
    EXPECT_NE(msg.find(path + ":2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'EPSG:4490'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("projected"), std::string::npos) << msg;
}

TEST(Study, YamlSyntaxErrorNamesLine) {
    test::TempDir dir;
    const auto path = makeStudy(dir, replaced(kStudyHead, "  rows: 5\n", "  rows: [5\n"), kLayers);
    const auto msg = errorOf<ConfigError>(path);
    EXPECT_TRUE(std::regex_search(msg, std::regex(R"(study\.yaml:\d+:\d+: YAML syntax error)"))) << msg;
}

TEST(Study, RepairPolicyAppliesToLoadedLayers) {
    test::TempDir dir;
    const auto path = makeStudy(dir, std::string(kStudyHead) + "invalid_geometry: repair\n", kLayers);
    // Replace the boundary with a bow-tie.
    std::filesystem::remove(dir.file("boundary.gpkg"));
    test::writeOgr(dir.file("boundary.gpkg"), "GPKG", 4542, wkbPolygon, {},
                   {{"POLYGON((440000 4404000,440010 4404010,440010 4404000,440000 4404010,440000 4404000))", {}}});
    const auto s = io::loadStudy(path);
    EXPECT_EQ(s.invalid_geometry, io::InvalidPolicy::Repair);
    const auto b = io::loadVector(s, "boundary");
    EXPECT_EQ(b.repairs.size(), 1u);
    const auto warnings = io::validateStudyLayers(s);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("repaired"), std::string::npos) << warnings[0];
}
