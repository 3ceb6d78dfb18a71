// Writers: every written file is read back with GDAL/OGR (not with our readers) and checked for
// CRS, geotransform, nodata, tiling, compression, overviews, colours, class names, .prj and .cpg,
// field names and UTF-8 text; failing writes leave nothing behind.
#include "fixtures.hpp"
#include "support/support.hpp"

#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "io/raster_io.hpp"
#include "io/vector_io.hpp"
#include "vector/geos.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

using namespace xiongguan;
namespace fs = std::filesystem;

namespace {

const double kX0 = 440000.0, kY0 = 4404000.0;

std::unique_ptr<GDALDataset> openRaster(const std::string& path) {
    return std::unique_ptr<GDALDataset>(
        GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
}
std::unique_ptr<GDALDataset> openVector(const std::string& path) {
    return std::unique_ptr<GDALDataset>(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
}

std::string epsgOf(const OGRSpatialReference* srs) {
    if (!srs) return "(none)";
    OGRSpatialReference s(*srs);
    if (!s.GetAuthorityCode(nullptr)) s.AutoIdentifyEPSG();
    const char* code = s.GetAuthorityCode(nullptr);
    if (code) return code;
    // ESRI .prj files carry no authority: ask PROJ for the best match.
    int n = 0;
    int* conf = nullptr;
    OGRSpatialReferenceH* matches = s.FindMatches(nullptr, &n, &conf);
    std::string out = "(unidentified)";
    if (n > 0 && conf[0] >= 90) {
        const char* c = OSRGetAuthorityCode(matches[0], nullptr);
        if (c) out = c;
    }
    OSRFreeSRSArray(matches);
    CPLFree(conf);
    return out;
}

raster::Grid<std::uint16_t> classPattern(int cols, int rows) {
    raster::Grid<std::uint16_t> g(cols, rows);
    const std::uint16_t vals[] = {0, 101, 701, 1401, 2307};
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) g.at(c, r) = vals[(c / 7 + r / 5) % 5];
    return g;
}

} // namespace

TEST(WriteGeoTiff, ClassRasterReadsBackWithCrsNodataTilingColoursAndNames) {
    test::TempDir dir;
    const auto spec = test::grid4542(300, 260, kX0, kY0);
    const auto g = classPattern(300, 260);
    const auto classes = test::smallClassTable();
    io::RasterWriteOptions opt;
    opt.nodata = 0;
    opt.classes = &classes;
    opt.description = "land use 2021";
    io::writeGeoTiff(dir.file("lu.tif"), g, spec, opt);

    EXPECT_EQ(test::listFiles(dir.path()), (std::vector<std::string>{"lu.tif", "lu.tif.aux.xml"}));
    auto ds = openRaster(dir.file("lu.tif"));
    ASSERT_NE(ds, nullptr);
    EXPECT_EQ(epsgOf(ds->GetSpatialRef()), "4542");
    double gt[6];
    ASSERT_EQ(ds->GetGeoTransform(gt), CE_None);
    EXPECT_DOUBLE_EQ(gt[0], kX0);
    EXPECT_DOUBLE_EQ(gt[1], 10.0);
    EXPECT_DOUBLE_EQ(gt[2], 0.0);
    EXPECT_DOUBLE_EQ(gt[3], kY0);
    EXPECT_DOUBLE_EQ(gt[4], 0.0);
    EXPECT_DOUBLE_EQ(gt[5], -10.0);
    GDALRasterBand* b = ds->GetRasterBand(1);
    EXPECT_EQ(b->GetRasterDataType(), GDT_UInt16);
    int has = 0;
    EXPECT_EQ(b->GetNoDataValue(&has), 0.0);
    EXPECT_TRUE(has);
    int bx = 0, by = 0;
    b->GetBlockSize(&bx, &by);
    EXPECT_EQ(bx, 256);
    EXPECT_EQ(by, 256);
    EXPECT_STREQ(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
    EXPECT_GE(b->GetOverviewCount(), 1); // 300x260 -> one level (factor 2)
    EXPECT_STREQ(b->GetDescription(), "land use 2021");
    EXPECT_EQ(b->GetColorInterpretation(), GCI_PaletteIndex);
    const GDALColorTable* ct = b->GetColorTable();
    ASSERT_NE(ct, nullptr);
    for (const auto& c : classes.rows()) {
        const GDALColorEntry* e = ct->GetColorEntry(c.value);
        ASSERT_NE(e, nullptr) << c.code;
        EXPECT_EQ(e->c1, c.rgb[0]) << c.code;
        EXPECT_EQ(e->c2, c.rgb[1]) << c.code;
        EXPECT_EQ(e->c3, c.rgb[2]) << c.code;
        EXPECT_EQ(e->c4, 255) << c.code;
    }
    EXPECT_EQ(ct->GetColorEntry(0)->c4, 0); // nodata transparent
    char** names = b->GetCategoryNames();
    ASSERT_NE(names, nullptr);
    ASSERT_GT(CSLCount(names), 2307);
    EXPECT_STREQ(names[101], "0101 水田 paddy");
    EXPECT_STREQ(names[701], "0701 城镇住宅 urban housing");
    EXPECT_STREQ(names[1401], "1401 公园绿地 park");
    EXPECT_STREQ(names[2307], "2307 裸岩石砾地 gobi");
    EXPECT_STREQ(names[5], "");
    raster::Grid<std::uint16_t> back(300, 260);
    ASSERT_EQ(b->RasterIO(GF_Read, 0, 0, 300, 260, back.data(), 300, 260, GDT_UInt16, 0, 0, nullptr), CE_None);
    EXPECT_EQ(back, g);
}

TEST(WriteGeoTiff, FloatRasterReadsBackWithNodataAndOverviews) {
    test::TempDir dir;
    const auto spec = test::grid4542(512, 300, kX0, kY0, 5.0);
    raster::Grid<float> g(512, 300);
    for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<float>(i % 1000) * 0.25f;
    g.at(3, 4) = -9999.0f;
    io::RasterWriteOptions opt;
    opt.nodata = -9999.0;
    opt.units = "m3/yr";
    io::writeGeoTiff(dir.file("w.tif"), g, spec, opt);
    EXPECT_EQ(test::listFiles(dir.path()), (std::vector<std::string>{"w.tif"}));
    auto ds = openRaster(dir.file("w.tif"));
    ASSERT_NE(ds, nullptr);
    EXPECT_EQ(epsgOf(ds->GetSpatialRef()), "4542");
    double gt[6];
    ds->GetGeoTransform(gt);
    EXPECT_DOUBLE_EQ(gt[1], 5.0);
    EXPECT_DOUBLE_EQ(gt[5], -5.0);
    GDALRasterBand* b = ds->GetRasterBand(1);
    EXPECT_EQ(b->GetRasterDataType(), GDT_Float32);
    int has = 0;
    EXPECT_EQ(b->GetNoDataValue(&has), -9999.0);
    EXPECT_TRUE(has);
    EXPECT_STREQ(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
    EXPECT_EQ(b->GetOverviewCount(), 1); // 300 / 2 = 150 >= 128; 300 / 4 = 75 < 128
    EXPECT_EQ(b->GetColorTable(), nullptr);
    EXPECT_STREQ(b->GetUnitType(), "m3/yr");
    raster::Grid<float> back(512, 300);
    ASSERT_EQ(b->RasterIO(GF_Read, 0, 0, 512, 300, back.data(), 512, 300, GDT_Float32, 0, 0, nullptr), CE_None);
    EXPECT_EQ(back, g);
}

TEST(WriteGeoTiff, SameInputGivesByteIdenticalFiles) {
    test::TempDir dir;
    const auto spec = test::grid4542(300, 260, kX0, kY0);
    const auto classes = test::smallClassTable();
    io::RasterWriteOptions opt;
    opt.nodata = 0;
    opt.classes = &classes;
    io::writeGeoTiff(dir.file("a.tif"), classPattern(300, 260), spec, opt);
    io::writeGeoTiff(dir.file("b.tif"), classPattern(300, 260), spec, opt);
    EXPECT_EQ(io::fileSha256(dir.file("a.tif")), io::fileSha256(dir.file("b.tif")));
    // Overwriting an existing file replaces it whole.
    auto other = classPattern(300, 260);
    other.at(0, 0) = 2307;
    io::writeGeoTiff(dir.file("a.tif"), other, spec, opt);
    EXPECT_NE(io::fileSha256(dir.file("a.tif")), io::fileSha256(dir.file("b.tif")));
    EXPECT_EQ(test::listFiles(dir.path()),
              (std::vector<std::string>{"a.tif", "a.tif.aux.xml", "b.tif", "b.tif.aux.xml"}));
}

TEST(WriteGeoTiff, FailingWriteThrowsIoErrorAndLeavesNothing) {
    test::TempDir dir;
    const auto spec = test::grid4542(20, 20, kX0, kY0);
    raster::Grid<float> g(20, 20, 1.0f);
    io::RasterWriteOptions opt;
    try {
        io::writeGeoTiff(dir.file("missing/sub/w.tif"), g, spec, opt);
        ADD_FAILURE() << "no exception";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("missing/sub/w.tif"), std::string::npos) << e.what();
    }
    // A parent that is a file, not a folder.
    test::writeFile(dir.file("afile"), "x");
    EXPECT_THROW(io::writeGeoTiff(dir.file("afile/w.tif"), g, spec, opt), IoError);
    EXPECT_EQ(test::listFiles(dir.path()), (std::vector<std::string>{"afile"}));
    // Grid and spec disagree: a programming error, nothing written.
    EXPECT_THROW(io::writeGeoTiff(dir.file("w.tif"), g, test::grid4542(21, 20, kX0, kY0), opt), Error);
    EXPECT_EQ(test::listFiles(dir.path()), (std::vector<std::string>{"afile"}));
}

namespace {

std::vector<io::FieldDef> outFields() {
    return {{"parcel_id", io::FieldType::String, 0, 0},
            {"share_of_parcel", io::FieldType::Real, 0, 0},
            {"building_height_m", io::FieldType::Real, 0, 0},
            {"years_idle", io::FieldType::Integer, 0, 0},
            {"a_really_long_field", io::FieldType::String, 0, 0},
            {"feature_name", io::FieldType::String, 0, 0}};
}

std::vector<io::OutFeature> outFeatures() {
    auto& ctx = vector::threadContext();
    auto poly = [&](double x, double y) {
        char wkt[256];
        std::snprintf(wkt, sizeof wkt, "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))", x, y, x + 30, y, x + 30, y + 20, x,
                      y + 20, x, y);
        return vector::toWkb(ctx, vector::fromWkt(ctx, wkt).get());
    };
    std::vector<io::OutFeature> out;
    out.push_back({poly(kX0, kY0), {std::string("P-001"), 0.25, 18.5, std::int64_t{2}, std::string("x"),
                                    std::string("嘉峪关关城")}});
    out.push_back({poly(kX0 + 100, kY0), {std::string("P-002"), std::monostate{}, 9.0, std::int64_t{0},
                                          std::monostate{}, std::string("讨赖河 Taolai")}});
    return out;
}

void expectLayer(OGRLayer* layer, const std::vector<std::string>& names) {
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(epsgOf(layer->GetSpatialRef()), "4542");
    OGRFeatureDefn* d = layer->GetLayerDefn();
    ASSERT_EQ(d->GetFieldCount(), static_cast<int>(names.size()));
    for (size_t i = 0; i < names.size(); ++i) EXPECT_STREQ(d->GetFieldDefn(static_cast<int>(i))->GetNameRef(), names[i].c_str());
    EXPECT_EQ(layer->GetFeatureCount(TRUE), 2);
    layer->ResetReading();
    std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
    ASSERT_NE(f, nullptr);
    EXPECT_STREQ(f->GetFieldAsString(0), "P-001");
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble(1), 0.25);
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble(2), 18.5);
    EXPECT_EQ(f->GetFieldAsInteger64(3), 2);
    EXPECT_STREQ(f->GetFieldAsString(5), "嘉峪关关城");
    ASSERT_NE(f->GetGeometryRef(), nullptr);
    EXPECT_NEAR(f->GetGeometryRef()->toPolygon()->get_Area(), 600.0, 1e-6);
    OGREnvelope env;
    f->GetGeometryRef()->getEnvelope(&env);
    EXPECT_DOUBLE_EQ(env.MinX, kX0);
    EXPECT_DOUBLE_EQ(env.MinY, kY0);
    f.reset(layer->GetNextFeature());
    ASSERT_NE(f, nullptr);
    EXPECT_FALSE(f->IsFieldSetAndNotNull(1));
    EXPECT_STREQ(f->GetFieldAsString(5), "讨赖河 Taolai");
}

} // namespace

TEST(WriteVector, ShapefileHasPrjCpgMappedNamesAndUtf8Text) {
    test::TempDir dir;
    io::writeVectorLayer(dir.file("violations.shp"), "violations", io::crsToWkt("EPSG:4542", "t"),
                         io::GeomKind::Polygon, outFields(), outFeatures());
    EXPECT_EQ(test::listFiles(dir.path()), (std::vector<std::string>{"violations.cpg", "violations.dbf",
                                                                     "violations.prj", "violations.shp",
                                                                     "violations.shx"}));
    EXPECT_EQ(test::readFile(dir.file("violations.cpg")).substr(0, 5), "UTF-8");
    EXPECT_NE(test::readFile(dir.file("violations.prj")).find("CGCS2000"), std::string::npos);
    // The UTF-8 bytes are in the DBF as is.
    EXPECT_NE(test::readFile(dir.file("violations.dbf")).find("嘉峪关关城"), std::string::npos);
    auto ds = openVector(dir.file("violations.shp"));
    ASSERT_NE(ds, nullptr);
    // Names per docs/FIELDS.md; an unlisted long name is cut to 10 characters.
    expectLayer(ds->GetLayer(0), {"parcel_id", "share", "height_m", "yrs_idle", "a_really_l", "feat_name"});
}

TEST(WriteVector, GeoPackageKeepsFullNamesAndUtf8Text) {
    test::TempDir dir;
    io::writeVectorLayer(dir.file("v.gpkg"), "violations", io::crsToWkt("EPSG:4542", "t"), io::GeomKind::Polygon,
                         outFields(), outFeatures());
    EXPECT_EQ(test::listFiles(dir.path()), (std::vector<std::string>{"v.gpkg"}));
    auto ds = openVector(dir.file("v.gpkg"));
    ASSERT_NE(ds, nullptr);
    EXPECT_STREQ(ds->GetDriver()->GetDescription(), "GPKG");
    expectLayer(ds->GetLayerByName("violations"),
                {"parcel_id", "share_of_parcel", "building_height_m", "years_idle", "a_really_long_field",
                 "feature_name"});
}

TEST(WriteVector, SameInputGivesByteIdenticalFiles) {
    test::TempDir dir;
    for (const char* ext : {".shp", ".gpkg"}) {
        const std::string a = dir.file(std::string("a") + ext), b = dir.file(std::string("b") + ext);
        io::writeVectorLayer(a, "v", io::crsToWkt("EPSG:4542", "t"), io::GeomKind::Polygon, outFields(), outFeatures());
        io::writeVectorLayer(b, "v", io::crsToWkt("EPSG:4542", "t"), io::GeomKind::Polygon, outFields(), outFeatures());
        EXPECT_EQ(io::fileSha256(a), io::fileSha256(b)) << ext;
        if (std::string(ext) == ".shp") {
            EXPECT_EQ(io::fileSha256(dir.file("a.dbf")), io::fileSha256(dir.file("b.dbf")));
        }
    }
}

TEST(WriteVector, OverwritingAShapefileReplacesEveryPart) {
    test::TempDir dir;
    auto feats = outFeatures();
    io::writeVectorLayer(dir.file("v.shp"), "v", io::crsToWkt("EPSG:4542", "t"), io::GeomKind::Polygon, outFields(),
                         feats);
    test::writeFile(dir.file("v.qix"), "stale spatial index");
    feats.pop_back();
    io::writeVectorLayer(dir.file("v.shp"), "v", io::crsToWkt("EPSG:4542", "t"), io::GeomKind::Polygon, outFields(),
                         feats);
    auto ds = openVector(dir.file("v.shp"));
    ASSERT_NE(ds, nullptr);
    EXPECT_EQ(ds->GetLayer(0)->GetFeatureCount(TRUE), 1);
    EXPECT_FALSE(fs::exists(dir.file("v.qix"))) << "a stale .qix would mislead readers";
}

TEST(WriteVector, FailingWritesThrowIoErrorAndLeaveNothing) {
    test::TempDir dir;
    const std::string crs = io::crsToWkt("EPSG:4542", "t");
    for (const char* name : {"missing/v.shp", "missing/v.gpkg"}) {
        EXPECT_THROW(io::writeVectorLayer(dir.file(name), "v", crs, io::GeomKind::Polygon, outFields(), outFeatures()),
                     IoError)
            << name;
        EXPECT_EQ(test::listFiles(dir.path()), std::vector<std::string>{}) << name;
        EXPECT_FALSE(fs::exists(dir.file("missing"))) << name;
    }
    // A broken geometry half-way through the features.
    auto feats = outFeatures();
    feats[1].wkb = {1, 3, 0, 0, 0, 9, 9};
    for (const char* name : {"v.shp", "v.gpkg"}) {
        try {
            io::writeVectorLayer(dir.file(name), "v", crs, io::GeomKind::Polygon, outFields(), feats);
            ADD_FAILURE() << "no exception for " << name;
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        }
        EXPECT_EQ(test::listFiles(dir.path()), std::vector<std::string>{}) << name;
    }
    // Two long names that map to the same shapefile name.
    auto fields = outFields();
    fields.push_back({"a_really_long_field_too", io::FieldType::String, 0, 0});
    try {
        io::writeVectorLayer(dir.file("v.shp"), "v", crs, io::GeomKind::Polygon, fields, outFeatures());
        ADD_FAILURE() << "no exception";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("a_really_l"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::listFiles(dir.path()), std::vector<std::string>{});
    // Unknown format.
    EXPECT_THROW(io::writeVectorLayer(dir.file("v.xyz"), "v", crs, io::GeomKind::Polygon, outFields(), outFeatures()),
                 IoError);
    EXPECT_EQ(test::listFiles(dir.path()), std::vector<std::string>{});
}

TEST(Writers, ReadOnlyFolderThrowsIoErrorAndLeavesNothing) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders; covered by the missing-folder tests";
    test::TempDir dir;
    const std::string ro = dir.file("ro");
    fs::create_directory(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    const auto spec = test::grid4542(20, 20, kX0, kY0);
    EXPECT_THROW(io::writeGeoTiff(ro + "/w.tif", raster::Grid<float>(20, 20, 1.0f), spec, {}), IoError);
    for (const char* name : {"/v.shp", "/v.gpkg"})
        EXPECT_THROW(io::writeVectorLayer(ro + name, "v", io::crsToWkt("EPSG:4542", "t"), io::GeomKind::Polygon,
                                          outFields(), outFeatures()),
                     IoError)
            << name;
    EXPECT_EQ(test::listFiles(ro), std::vector<std::string>{});
    fs::permissions(ro, fs::perms::owner_all);
}

TEST(WriteVector, FieldsDocMatchesTheMappingTable) {
    // docs/FIELDS.md is the documented table; every row must be what shapefileFieldName does.
    std::ifstream in(test::sourceDir() + "/docs/FIELDS.md");
    ASSERT_TRUE(in) << "docs/FIELDS.md missing";
    std::regex row(R"(^\|\s*`([a-z0-9_]+)`\s*\|\s*`([a-z0-9_]+)`\s*\|)");
    std::string line;
    int rows = 0;
    while (std::getline(in, line)) {
        std::smatch m;
        if (!std::regex_search(line, m, row)) continue;
        ++rows;
        EXPECT_EQ(io::shapefileFieldName(m[1].str()), m[2].str()) << line;
        EXPECT_LE(m[2].str().size(), 10u) << line;
    }
    EXPECT_GE(rows, 20);
    EXPECT_EQ(io::shapefileFieldName("short"), "short");
    EXPECT_EQ(io::shapefileFieldName("abcdefghijKLM"), "abcdefghij");
}
