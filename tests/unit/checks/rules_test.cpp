// Hand-made WKT cases with hand-computed areas and statuses for every rule (fixture in
// checks_fixture.hpp; the areas in the comments are computed by hand from the coordinates).
#include "checks_fixture.hpp"

#include "checks/api.hpp"
#include "io/gdal_env.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

using namespace xiongguan;
using xiongguan::test::CheckStudy;

namespace {

struct Row {
    std::string status, reason;
    double area = -1, share = -1;
    bool has_geom = false;
};

// Reads an output layer with OGR (independent of the code that wrote it).
vector::VectorLayer readOut(const std::string& path, const std::string& layer) {
    io::VectorSource src{path, layer, "", "", "out"};
    return io::readVectorLayer(src, io::crsToWkt("EPSG:4542", "test"));
}

std::map<std::string, Row> rowsOf(const vector::VectorLayer& l, const std::string& rule) {
    std::map<std::string, Row> out;
    const int f_id = l.requireField("parcel_id"), f_rule = l.requireField("rule_id"), f_st = l.requireField("status"),
              f_area = l.requireField("area_m2"), f_share = l.fieldIndex("share_of_parcel") >= 0
                                                               ? l.fieldIndex("share_of_parcel")
                                                               : l.requireField("share"),
              f_reason = l.requireField("reason");
    for (size_t i = 0; i < l.features.size(); ++i) {
        if (l.value(i, f_rule).value_or("") != rule) continue;
        Row r;
        r.status = l.value(i, f_st).value_or("");
        r.reason = l.value(i, f_reason).value_or("");
        r.area = l.number(i, f_area).value_or(-1);
        r.share = l.number(i, f_share).value_or(-1);
        r.has_geom = !l.features[i].wkb.empty();
        out[l.value(i, f_id).value_or("")] = r;
    }
    return out;
}

std::vector<std::string> proposal(const std::string& id, const std::string& use, const std::string& height,
                                  const std::string& activity) {
    return {id, "name " + id, use, height, activity};
}

class RulesTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s = new CheckStudy();
        test::addControlLines(*s);
        // A second farmland polygon inside the concentrated zone (a line conflict of 2,500 m2).
        s->layers["basic_farmland"].wkts.push_back("POLYGON((300 0,350 0,350 50,300 50,300 0))");
        s->layers["basic_farmland"].values.push_back({"BF2"});
        auto& p = s->layers["proposals"];
        p.fields = {"project_id", "name", "use_code", "height_m", "activity"};
        auto add = [&](const std::string& wkt, std::vector<std::string> v) {
            p.wkts.push_back(wkt);
            p.values.push_back(std::move(v));
        };
        add("POLYGON((10 10,110 10,110 110,10 110,10 10))", proposal("P1", "0701", "20", "construction"));
        add("POLYGON((350 100,450 100,450 200,350 200,350 100))", proposal("P2", "0701", "20", "construction"));
        add("POLYGON((380 300,480 300,480 350,380 350,380 300))", proposal("P3", "1001", "20", "construction"));
        add("POLYGON((600 600,700 600,700 700,600 700,600 600))", proposal("P4", "0101", "", "farming"));
        add("MULTIPOLYGON(((50 50,60 50,60 60,50 60,50 50)),((500 50,520 50,520 70,500 70,500 50)))",
            proposal("P6", "0701", "10", "construction"));
        add("POLYGON((10 410,60 410,60 460,10 460,10 410))", proposal("P7", "0701", "10", "construction"));
        add("POLYGON((650 50,700 50,700 100,650 100,650 50))", proposal("Q1", "0701", "10", "construction"));
        add("POLYGON((780 100,830 100,830 150,780 150,780 100))", proposal("Q2", "0801", "5", "research"));
        add("POLYGON((650 350,850 350,850 550,650 550,650 350),(690 390,710 390,710 410,690 410,690 390))",
            proposal("Q3", "0401", "", "tourism_low_impact"));
        add("POLYGON((50 650,200 650,200 800,50 800,50 650),(90 690,160 690,160 760,90 760,90 690))",
            proposal("Q4", "0101", "", "farming"));
        add("POLYGON((850 500,950 500,950 550,850 550,850 500))", proposal("Q5", "1001", "15", "construction"));
        add("POLYGON((250 850,350 850,350 950,250 950,250 850))", proposal("F1", "0201", "", "farming"));
        add("POLYGON((300 600,400 600,400 700,300 700,300 600))", proposal("F2", "0301", "", "ecological_restoration"));
        add("POLYGON((20 820,40 820,40 840,20 840,20 820))", proposal("F3", "1701", "", "farming"));
        add("POLYGON((560 800,600 800,600 850,560 850,560 800))", proposal("G1", "0701", "12", "construction"));
        add("POLYGON((400 800,440 800,440 850,400 850,400 800))", proposal("G2", "0701", "12.5", "construction"));
        add("POLYGON((480 900,520 900,520 920,480 920,480 900))", proposal("G3", "0701", "5", "construction"));
        add("POLYGON((530 750,580 750,580 760,530 760,530 750))", proposal("G4", "0701", "5", "construction"));
        add("POLYGON((650 800,700 800,700 850,650 850,650 800))", proposal("G5", "0701", "5", "construction"));
        add("POLYGON((560 900,600 900,600 950,560 950,560 900))", proposal("G6", "0701", "", "construction"));
        add("POLYGON((940 890,960 890,960 910,940 910,940 890))", proposal("G7", "0701", "9", "construction"));
        // Land use: urban construction on 50 x 30 cells = 150,000 m2 (boundary 194,000 m2 -> ratio 1.293).
        for (int r = 60; r < 90; ++r)
            for (int c = 0; c < 50; ++c) s->landuse.at(c, r) = 701;
        study_path = new std::string(s->write());
        out = new std::string(s->dir().file("out"));
        const io::StudyArea study = io::loadStudy(*study_path);
        checks::CheckRequest req;
        req.out_dir = *out;
        summary = new checks::CheckSummary(checks::runChecks(study, req));
        violations = new vector::VectorLayer(readOut(*out + "/violations.gpkg", "violations"));
    }
    static void TearDownTestSuite() {
        delete violations;
        delete summary;
        delete out;
        delete study_path;
        delete s;
    }
    static void expectRow(const std::map<std::string, Row>& rows, const std::string& id, const std::string& status,
                          double area, double share) {
        auto it = rows.find(id);
        ASSERT_NE(it, rows.end()) << id;
        EXPECT_EQ(it->second.status, status) << id << ": " << it->second.reason;
        EXPECT_NEAR(it->second.area, area, 1e-6) << id;
        if (share >= 0) {
            EXPECT_NEAR(it->second.share, share, 1e-6) << id;
        }
        EXPECT_EQ(it->second.has_geom, status == "fail" || status == "needs_approval") << id;
    }
    static CheckStudy* s;
    static std::string* study_path;
    static std::string* out;
    static checks::CheckSummary* summary;
    static vector::VectorLayer* violations;
};
CheckStudy* RulesTest::s = nullptr;
std::string* RulesTest::study_path = nullptr;
std::string* RulesTest::out = nullptr;
checks::CheckSummary* RulesTest::summary = nullptr;
vector::VectorLayer* RulesTest::violations = nullptr;

} // namespace

TEST_F(RulesTest, DevelopmentBoundary) {
    auto rows = rowsOf(*violations, "checks.development_boundary");
    expectRow(rows, "P1", "pass", 0, 0);                // wholly inside the concentrated zone
    expectRow(rows, "P2", "needs_approval", 5000, 0.5); // 50 x 100 outside, all in the flexible zone
    expectRow(rows, "P3", "fail", 4000, 0.8);           // 80 x 50 outside, 20 x 50 beyond the flexible zone
    expectRow(rows, "P4", "pass", 10000, 1.0);          // farm use: not urban construction
    expectRow(rows, "P6", "fail", 400, 0.8);            // multipolygon: 10 x 10 inside, 20 x 20 outside
    expectRow(rows, "P7", "fail", 2500, 1.0);           // in the special zone = outside
}

TEST_F(RulesTest, BoundaryTotals) {
    const auto& rules = summary->metrics["rules"];
    ASSERT_EQ(rules[0]["rule_id"], "checks.development_boundary");
    const auto& t = rules[0]["boundary_totals"];
    EXPECT_NEAR(t["concentrated_m2"].get<double>(), 160000, 1e-6);
    EXPECT_NEAR(t["flexible_m2"].get<double>(), 24000, 1e-6);
    EXPECT_NEAR(t["boundary_total_m2"].get<double>(), 194000, 1e-6);
    EXPECT_NEAR(t["urban_construction_m2"].get<double>(), 150000, 1e-6);
    EXPECT_NEAR(t["ratio_to_urban_land"].get<double>(), 194000.0 / 150000.0, 1e-12);
    EXPECT_EQ(t["ratio_status"], "pass");
    EXPECT_NEAR(t["flexible_share_of_concentrated"].get<double>(), 0.15, 1e-12);
    EXPECT_EQ(t["flexible_status"], "pass"); // exactly 15 % is allowed
}

TEST_F(RulesTest, RedLine) {
    auto rows = rowsOf(*violations, "checks.red_line");
    expectRow(rows, "Q1", "fail", 2500, 1.0);             // construction in the core zone
    expectRow(rows, "Q2", "fail", 1000, 0.4);             // research, but 20 x 50 in the core zone
    expectRow(rows, "Q3", "needs_approval", 29700, 0.75); // holes: 39,600 - (10,000 - 100)
    expectRow(rows, "Q4", "pass", 0, 0);                  // the red line sits in the parcel's hole
    expectRow(rows, "Q5", "fail", 2500, 0.5);             // construction in the general zone
    expectRow(rows, "P4", "pass", 0, 0);                  // shares an edge with the red line only
    EXPECT_NE(rows["P4"].reason.find("edge"), std::string::npos) << rows["P4"].reason;
    EXPECT_NE(rows["Q2"].reason.find("core"), std::string::npos) << rows["Q2"].reason;
}

TEST_F(RulesTest, BasicFarmland) {
    auto rows = rowsOf(*violations, "checks.basic_farmland");
    expectRow(rows, "F1", "fail", 2500, 0.25); // orchard, 50 x 50 on farmland
    expectRow(rows, "F2", "pass", 0, 0);       // forest touching along x = 300 only
    expectRow(rows, "F3", "fail", 400, 1.0);   // pond wholly on farmland
    expectRow(rows, "Q4", "pass", 17600, 1.0); // farm use on farmland: 150^2 - 70^2
    EXPECT_NE(rows["F1"].reason.find("orchard"), std::string::npos);
    EXPECT_NE(rows["F3"].reason.find("pond"), std::string::npos);
    EXPECT_NE(rows["F2"].reason.find("edge"), std::string::npos);
}

TEST_F(RulesTest, GreatWall) {
    auto rows = rowsOf(*violations, "checks.great_wall");
    expectRow(rows, "G1", "needs_approval", 2000, 1.0); // 60..100 m from the wall, height 12 == limit
    expectRow(rows, "G2", "fail", 2000, 1.0);           // same distance, 12.5 m > 12 m
    expectRow(rows, "G3", "fail", 800, 1.0);            // crosses the wall
    EXPECT_NE(rows["G3"].reason.find("crosses"), std::string::npos);
    expectRow(rows, "G4", "fail", 500, 1.0); // 20 x 10 inside the 50 m protection range
    EXPECT_NE(rows["G4"].reason.find("protection"), std::string::npos);
    expectRow(rows, "G5", "pass", 0, 0); // touches the control zone's straight edge x = 650
    ASSERT_TRUE(rows.count("G6"));
    EXPECT_EQ(rows["G6"].status, "invalid"); // no height inside the control zone
    ASSERT_TRUE(rows.count("G7"));
    EXPECT_EQ(rows["G7"].status, "fail"); // 9 m > 8 m near the beacon tower, outside its 20 m range
    EXPECT_GT(rows["G7"].area, 0.0);
    EXPECT_LT(rows["G7"].area, 400.0);
}

TEST_F(RulesTest, LineConflicts) {
    auto c = readOut(*out + "/violations.gpkg", "line_conflicts");
    ASSERT_EQ(c.features.size(), 2u);
    const int f_pair = c.requireField("pair"), f_area = c.requireField("area_m2");
    EXPECT_EQ(c.value(0, f_pair).value_or(""), "development_boundary x basic_farmland");
    EXPECT_NEAR(*c.number(0, f_area), 2500, 1e-6);
    EXPECT_EQ(c.value(1, f_pair).value_or(""), "basic_farmland x ecological_redline");
    EXPECT_NEAR(*c.number(1, f_area), 2500, 1e-6);
    auto shp = readOut(*out + "/conflicts.shp", "");
    EXPECT_EQ(shp.features.size(), 2u);
}

TEST_F(RulesTest, ShapefileMatchesGeoPackage) {
    auto shp = readOut(*out + "/violations.shp", "");
    ASSERT_EQ(shp.features.size(), violations->features.size());
    auto a = rowsOf(shp, "checks.red_line");
    auto b = rowsOf(*violations, "checks.red_line");
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [id, r] : b) {
        EXPECT_EQ(a[id].status, r.status) << id;
        EXPECT_NEAR(a[id].area, r.area, 1e-3) << id;
    }
}

TEST_F(RulesTest, SummaryCountsAndFiles) {
    const auto& m = summary->metrics;
    // 21 proposals reviewed by 4 parcel rules.
    for (size_t k = 0; k < 4; ++k) EXPECT_EQ(m["rules"][k]["items"], 21) << k;
    // Red line: fails Q1, Q2, Q5; approval Q3; the rest pass.
    EXPECT_EQ(m["rules"][1]["fail"], 3);
    EXPECT_EQ(m["rules"][1]["needs_approval"], 1);
    EXPECT_EQ(m["rules"][1]["pass"], 17);
    for (const char* f : {"violations.shp", "violations.gpkg", "conflicts.shp", "rule_flags.tif", "checks.csv", "checks.json"})
        EXPECT_TRUE(std::filesystem::exists(*out + "/" + f)) << f;
    const std::string csv = test::readFile(*out + "/checks.csv");
    EXPECT_NE(csv.find("checks.red_line,21,"), std::string::npos) << csv;
}

TEST_F(RulesTest, RuleFlagsRaster) {
    // Cell (col 66, row 92) has its centre (665, 75) in Q1 (650..700 x 50..100): red-line bit 1.
    io::initGdal();
    const io::StudyArea study = io::loadStudy(*study_path);
    raster::ClassTable none;
    auto flags = io::readFloatRaster(*out + "/rule_flags.tif", study.grid, io::Resample::Refuse, -1);
    const int v = static_cast<int>(flags.at(66, 92));
    EXPECT_TRUE(v & 2) << v;
    // Cell centre (45, 45) in P1 only (passes every rule) -> 0.
    EXPECT_EQ(static_cast<int>(flags.at(4, 95)), 0);
}
