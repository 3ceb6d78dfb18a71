// models.water on a hand-made 4x4 study (files written in a temporary folder) and on the shipped
// study (determinism at 1 vs 2 threads, together with models.green_cover).
#include "simulate/green_cover.hpp"
#include "simulate/water_model.hpp"
#include "support/support.hpp"

#include "core/errors.hpp"
#include "io/raster_io.hpp"
#include "io/vector_io.hpp"
#include "vector/geos.hpp"

#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <tbb/global_control.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace xiongguan;
using namespace xiongguan::simulate;

namespace {

std::string crsWkt() {
    OGRSpatialReference srs;
    srs.importFromEPSG(4542);
    char* w = nullptr;
    srs.exportToWkt(&w);
    std::string s(w);
    CPLFree(w);
    return s;
}

raster::ClassInfo cls(const std::string& code, raster::ClassGroup g, bool resid, const std::string& use) {
    raster::ClassInfo c;
    c.code = code;
    c.value = raster::ClassTable::codeValue(code);
    c.name = code;
    c.group = g;
    c.residential = resid;
    c.water_use = use;
    return c;
}

std::vector<std::uint8_t> wkb(const std::string& wkt) {
    auto& ctx = vector::threadContext();
    auto g = vector::fromWkt(ctx, wkt);
    return vector::toWkb(ctx, g.get());
}

void writeLayer(const std::string& path, const std::string& name, const std::string& crs, io::GeomKind kind,
                const std::vector<io::FieldDef>& fields, const std::vector<std::pair<std::string, std::vector<io::FieldValue>>>& rows) {
    std::vector<io::OutFeature> feats;
    for (const auto& [wkt, vals] : rows) feats.push_back({wkb(wkt), vals});
    io::writeVectorLayer(path, name, crs, kind, fields, feats);
}

io::LayerSpec spec(const std::string& role, const std::string& file) {
    io::LayerSpec l;
    l.role = role;
    l.file = file;
    return l;
}

// 4x4 cells of 100 m (1 ha each), origin (0, 400):
//   row 0: farm farm park park          district F (farm, flood 0.5, node F): cols 0-1, rows 0-2
//   row 1: farm farm park resid         district G (urban green, sprinkler 0.8, node G): cols 2-3
//   row 2: farm farm resid resid        industry (row 3, cols 0-1) is outside every district
//   row 3: ind  ind  resid resid        100 persons on each residential cell (500)
// Canals H→F (loss 20 %) and H→G (loss 10 %), river source 100,000 m³ at H; basic farmland on
// the farm cells of rows 0-1 (4 ha).
struct Fixture {
    test::TempDir tmp;
    io::StudyArea study;
    raster::ClassGrid lu;
    Fixture() {
        const std::string crs = crsWkt();
        study.path = tmp.file("study.yaml");
        study.dir = tmp.path();
        study.grid.cols = 4;
        study.grid.rows = 4;
        study.grid.origin_x = 0;
        study.grid.origin_y = 400;
        study.grid.cell_size_m = 100;
        study.grid.crs_wkt = crs;
        study.classes = raster::ClassTable({cls("0102", raster::ClassGroup::Farmland, false, "farm"),
                                            cls("1401", raster::ClassGroup::Green, false, "park"),
                                            cls("0701", raster::ClassGroup::Built, true, "residential"),
                                            cls("1001", raster::ClassGroup::Built, false, "industry")});
        lu = raster::ClassGrid(4, 4);
        const int v[16] = {102, 102, 1401, 1401, 102, 102, 1401, 701, 102, 102, 701, 701, 1001, 1001, 701, 701};
        for (int i = 0; i < 16; ++i) lu[static_cast<size_t>(i)] = static_cast<std::uint16_t>(v[i]);
        raster::Grid<float> pop(4, 4, 0.0f);
        for (size_t i = 0; i < 16; ++i)
            if (lu[i] == 701) pop[i] = 100.0f;
        io::RasterWriteOptions o;
        o.nodata = -9999.0;
        io::writeGeoTiff(tmp.file("population.tif"), pop, study.grid, o);
        study.layers["population"] = spec("population", tmp.file("population.tif"));

        using FT = io::FieldType;
        writeLayer(tmp.file("irrigation.gpkg"), "irrigation", crs, io::GeomKind::Polygon,
                   {{"district_id", FT::String}, {"name", FT::String}, {"kind", FT::String}, {"method", FT::String},
                    {"efficiency", FT::Real}, {"node", FT::String}},
                   {{"POLYGON((0 100,200 100,200 400,0 400,0 100))",
                     {std::string("F"), std::string("farms"), std::string("farm"), std::string("flood"), 0.5, std::string("F")}},
                    {"POLYGON((200 0,400 0,400 400,200 400,200 0))",
                     {std::string("G"), std::string("green"), std::string("urban_green"), std::string("sprinkler"), 0.8,
                      std::string("G")}}});
        study.layers["irrigation"] = spec("irrigation", tmp.file("irrigation.gpkg"));
        writeLayer(tmp.file("canals.gpkg"), "canals", crs, io::GeomKind::LineString,
                   {{"canal_id", FT::String}, {"from_node", FT::String}, {"to_node", FT::String},
                    {"capacity_m3_per_year", FT::Real}, {"loss_share", FT::Real}},
                   {{"LINESTRING(0 0,100 300)", {std::string("C1"), std::string("H"), std::string("F"), 1e9, 0.2}},
                    {"LINESTRING(0 0,300 200)", {std::string("C2"), std::string("H"), std::string("G"), 1e9, 0.1}}});
        study.layers["canals"] = spec("canals", tmp.file("canals.gpkg"));
        writeLayer(tmp.file("sources.gpkg"), "water_sources", crs, io::GeomKind::Point,
                   {{"source_id", FT::String}, {"kind", FT::String}, {"supply_m3_per_year", FT::Real}, {"node", FT::String}},
                   {{"POINT(0 0)", {std::string("R"), std::string("river"), 100000.0, std::string("H")}}});
        study.layers["water_sources"] = spec("water_sources", tmp.file("sources.gpkg"));
        writeLayer(tmp.file("basic.gpkg"), "basic_farmland", crs, io::GeomKind::Polygon, {{"name", FT::String}},
                   {{"POLYGON((0 200,200 200,200 400,0 400,0 200))", {std::string("bf")}}});
        study.layers["basic_farmland"] = spec("basic_farmland", tmp.file("basic.gpkg"));
    }
    RunState state() {
        RunState st;
        st.study = &study;
        st.out_dir = tmp.path();
        st.year_from = st.year_to = 2021;
        st.landuse[2021] = lu;
        return st;
    }
};

const char* kParams = "{municipal_node: G, leakage_share: 0.2, uses: {park: {kind: urban_green, net_m: 0.64}}}";

} // namespace

// Demand (m³/yr), by hand:
//   park    0.64 m / 0.8 (sprinkler) × 10,000 m² = 8,000 per cell, 3 cells = 24,000
//   farm    0.40 m / 0.5 (flood)     × 10,000 m² = 8,000 per cell, 6 cells = 48,000
//   industry 2.0 m³/m² × 10,000 m² = 20,000 per cell, 2 cells = 40,000 (outside: municipal node G)
//   domestic 500 persons × 125 L × 365 d / 1000 = 22,812.5 (in district G)
// Delivery, source units (m³ at H): f(G) = 0.9, f(F) = 0.8; leakage 20 % grosses piped demand up.
//   domestic 22,812.5 / 0.8 / 0.9 = 31,684.03; industry 40,000 / 0.8 / 0.9 = 55,555.56;
//   left 100,000 − 87,239.58 = 12,760.42 units -> urban green gets 12,760.42 × 0.9 = 11,484.375;
//   farm (lowest priority) gets nothing.
// Delivered to users 22,812.5 + 40,000 + 11,484.375 = 74,296.875; deficit 134,812.5 − that =
// 60,515.625; canal loss 100,000 × 10 % = 10,000; leakage (28,515.625 + 50,000) × 0.2 = 15,703.125.
TEST(WaterModel, HandComputedBalanceOnA4x4Study) {
    Fixture fx;
    RunState st = fx.state();
    WaterModel m;
    m.configure(YAML::Load(kParams), "test.yaml");
    m.run(st);
    const auto& w = st.metrics["models.water"];
    EXPECT_NEAR(w["demand_by_use_m3"]["urban_green"].get<double>(), 24000.0, 1e-6);
    EXPECT_NEAR(w["demand_by_use_m3"]["farm"].get<double>(), 48000.0, 1e-6);
    EXPECT_NEAR(w["demand_by_use_m3"]["industry"].get<double>(), 40000.0, 1e-6);
    EXPECT_NEAR(w["demand_by_use_m3"]["domestic"].get<double>(), 22812.5, 1e-6);
    EXPECT_NEAR(w["water_demand_m3_per_year"].get<double>(), 134812.5, 1e-6);
    EXPECT_NEAR(w["delivered_m3_per_year"].get<double>(), 74296.875, 3.0);
    EXPECT_NEAR(w["deficit_m3_per_year"].get<double>(), 60515.625, 3.0);
    EXPECT_NEAR(w["canal_loss_m3_per_year"].get<double>(), 10000.0, 2.0);
    EXPECT_NEAR(w["leakage_loss_m3_per_year"].get<double>(), 15703.125, 2.0);
    EXPECT_EQ(w["flow_iterations"], 1);
    // Farmland: 6 ha short of water, 4 ha of it basic farmland: flagged, never dropped.
    EXPECT_NEAR(w["farmland_short_of_water_ha"].get<double>(), 6.0, 1e-9);
    EXPECT_NEAR(w["basic_farmland_short_of_water_ha"].get<double>(), 4.0, 1e-9);
    EXPECT_NEAR(w["farmland_sustainable_ha"].get<double>(), 0.0, 1e-3);
    ASSERT_EQ(w["farmland_flags"].size(), 1u);
    EXPECT_EQ(w["farmland_flags"][0]["flag"], "basic_farmland_short_of_water");
    EXPECT_EQ(st.landuse.at(2021), fx.lu); // the map is not changed
    // Indicators: sewage (22,812.5 × 0.8 + 40,000 × 0.3) × 0.96 = 29,040 treated, none reused.
    EXPECT_NEAR(w["sewage_treated_m3_per_year"].get<double>(), 29040.0, 1e-6);
    EXPECT_DOUBLE_EQ(w["reclaimed_use_rate"]["value"].get<double>(), 0.0);
    EXPECT_FALSE(w["reclaimed_use_rate"]["pass"]["water_saving_city"].get<bool>());
    EXPECT_FALSE(w["leakage_share"]["pass"]["water_saving_city"].get<bool>()); // 0.2 > 0.10
    EXPECT_DOUBLE_EQ(w["efficient_irrigation_green_share"]["value"].get<double>(), 1.0);
    // Per-cell demand raster.
    auto d = io::readFloatRaster(fx.tmp.file("water_demand_2021.tif"), fx.study.grid, io::Resample::Refuse);
    EXPECT_NEAR(d.at(2, 0), 8000.0, 1e-3);
    EXPECT_NEAR(d.at(0, 0), 8000.0, 1e-3);
    EXPECT_NEAR(d.at(0, 3), 20000.0, 1e-3);
    EXPECT_NEAR(d.at(3, 1), 4562.5, 1e-3); // 100 × 125 × 365 / 1000
    const std::string csv = test::readFile(fx.tmp.file("water_balance.csv"));
    EXPECT_NE(csv.find("district,F,farms,farm,F,48000.0,0.0,48000.0,1.0000,6.00,4.00,0.00,basic_farmland_short_of_water"),
              std::string::npos)
        << csv;
    EXPECT_TRUE(std::filesystem::exists(fx.tmp.file("farmland_deficit.shp")));
}

// A batch shares study inputs (districts, population, basic farmland) through a StudyCache: the
// second run reads them from the cache and must give the hand-computed figures above, and the same
// metrics as a run without a cache.
TEST(WaterModel, StudyCacheSharedByTwoRunsGivesTheSameResult) {
    Fixture fx;
    RunState plain = fx.state();
    WaterModel m;
    m.configure(YAML::Load(kParams), "test.yaml");
    m.run(plain);
    StudyCache cache;
    for (int k = 0; k < 2; ++k) {
        RunState st = fx.state();
        st.cache = &cache;
        m.run(st);
        const auto& w = st.metrics["models.water"];
        EXPECT_NEAR(w["water_demand_m3_per_year"].get<double>(), 134812.5, 1e-6) << "run " << k;
        EXPECT_NEAR(w["basic_farmland_short_of_water_ha"].get<double>(), 4.0, 1e-9) << "run " << k;
        EXPECT_NEAR(w["demand_by_use_m3"]["domestic"].get<double>(), 22812.5, 1e-6) << "run " << k;
        nlohmann::ordered_json a = w, b = plain.metrics["models.water"];
        a.erase("timings_s");
        b.erase("timings_s");
        a.erase("timings");
        b.erase("timings");
        EXPECT_EQ(a.dump(), b.dump()) << "run " << k;
    }
    // The cache really holds the entries: a maker is not called again for a cached key.
    int made = 0;
    auto again = RunState{};
    again.study = &fx.study;
    again.cache = &cache;
    again.cached<int>("irrigation_districts-probe", [&] { return ++made; });
    again.cached<int>("irrigation_districts-probe", [&] { return ++made; });
    EXPECT_EQ(made, 1);
}

// Lever: farms on drip (0.90): farm demand 0.40 / 0.9 × 10,000 × 6 = 26,666.67 m³. With
// 200,000 m³ at H every demand is met: the city needs 87,239.58 + 24,000 / 0.9 = 113,906.25
// units, the farm 26,666.67 / 0.8 = 33,333.33 units; 147,239.58 < 200,000.
TEST(WaterModel, MethodOverrideAndMoreSupply) {
    Fixture fx;
    RunState st = fx.state();
    WaterModel m;
    m.configure(YAML::Load("{municipal_node: G, leakage_share: 0.2, methods: {farm: drip}, river_allocation_m3: 200000,"
                           " uses: {park: {kind: urban_green, net_m: 0.64}}}"),
                "test.yaml");
    m.run(st);
    const auto& w = st.metrics["models.water"];
    EXPECT_NEAR(w["demand_by_use_m3"]["farm"].get<double>(), 0.4 / 0.9 * 60000.0, 1e-6);
    EXPECT_NEAR(w["deficit_m3_per_year"].get<double>(), 0.0, 3.0);
    EXPECT_NEAR(w["farmland_sustainable_ha"].get<double>(), 6.0, 1e-3);
    EXPECT_EQ(w["farmland_flags"].size(), 0u);
}

TEST(WaterModel, BadParametersNameTheKey) {
    WaterModel m;
    try {
        m.configure(YAML::Load("{leakage_share: 1.5}"), "s.yaml");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("s.yaml:1"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("leakage_share"), std::string::npos) << e.what();
    }
    EXPECT_THROW(m.configure(YAML::Load("{leakage: 0.1}"), "s.yaml"), ConfigError);
    EXPECT_THROW(m.configure(YAML::Load("{methods: {farm: hose}}"), "s.yaml"), ConfigError);
    GreenCoverModel g;
    EXPECT_THROW(g.configure(YAML::Load("{target_green_cover: 43}"), "s.yaml"), ConfigError);
    EXPECT_THROW(g.configure(YAML::Load("{candidates: [everywhere]}"), "s.yaml"), ConfigError);
    EXPECT_THROW(g.configure(YAML::Load("{distance: manhattan}"), "s.yaml"), ConfigError);
}

namespace {
struct RunOut {
    std::string metrics;
    raster::Grid<float> green, demand;
    std::string new_green_dbf;
};
RunOut runShipped(int threads) {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
    const io::StudyArea study = io::loadStudy(test::sourceDir() + "/data/jiayuguan/study.yaml");
    test::TempDir tmp;
    RunState st;
    st.study = &study;
    st.out_dir = tmp.path();
    st.year_from = 2021;
    st.year_to = 2026;
    st.landuse[2021] = io::loadLanduse(study, 2021);
    GreenCoverModel g;
    g.configure(YAML::Load("{target_green_cover: 0.43, candidates: [idle_land, bare_in_boundary, taolai_corridor],"
                           " water_budget_m3: 800000}"),
                "t.yaml");
    g.run(st);
    WaterModel w;
    w.configure(YAML::Load("{}"), "t.yaml");
    w.run(st);
    RunOut o;
    o.metrics = st.metrics.dump();
    o.green = io::readFloatRaster(tmp.file("green_2026.tif"), study.grid, io::Resample::Refuse);
    o.demand = io::readFloatRaster(tmp.file("water_demand_2026.tif"), study.grid, io::Resample::Refuse);
    o.new_green_dbf = test::readFile(tmp.file("new_green.dbf"));
    return o;
}
} // namespace

// Same inputs at 1 and 2 threads: identical metrics (every digit), rasters and attribute table.
// The 0.8 Mm³ budget binds, so the run also exercises the deficit path on real data.
TEST(WaterModel, ShippedStudyIdenticalAtOneAndTwoThreads) {
    ASSERT_TRUE(std::filesystem::exists(test::sourceDir() + "/data/jiayuguan/study.yaml"));
    const RunOut a = runShipped(1);
    const RunOut b = runShipped(2);
    EXPECT_EQ(a.metrics, b.metrics);
    EXPECT_TRUE(a.green == b.green);
    EXPECT_TRUE(a.demand == b.demand);
    EXPECT_EQ(a.new_green_dbf, b.new_green_dbf);
    auto m = nlohmann::json::parse(a.metrics);
    EXPECT_TRUE(m["models.green_cover"]["allocation"]["budget_binding"].get<bool>());
    EXPECT_GT(m["models.green_cover"]["allocation"]["green_cover_deficit"].get<double>(), 0.0);
    EXPECT_LE(m["models.green_cover"]["allocation"]["new_green_water_m3_per_year"].get<double>(), 800000.0);
}
