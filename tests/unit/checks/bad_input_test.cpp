// Bad input (issue 4, item 7): each case gets a clear one-line error with the documented exit
// code, or an `invalid` row plus a finding — never a crash, never a silently wrong area.
#include "checks_fixture.hpp"

#include "checks/api.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace xiongguan;

namespace {
void addProposals(test::CheckStudy& s, std::vector<std::string> wkts, std::vector<std::vector<std::string>> values,
                  std::vector<std::string> fields = {"project_id", "name", "use_code", "height_m", "activity"}) {
    s.layers["proposals"] = {std::move(wkts), std::move(fields), std::move(values)};
}
std::string q(const std::string& s) { return "'" + s + "'"; }
} // namespace

TEST(ChecksBadInput, InvalidRowsAndFindings) {
    test::CheckStudy s;
    test::addControlLines(s);
    addProposals(s,
                 {"", "POLYGON((10 10,20 10,20 20,10 20,10 10))", "POLYGON((2000 2000,2100 2000,2100 2100,2000 2100,2000 2000))",
                  "POLYGON((10 10,20 10,20 20,10 20,10 10))", "POLYGON((10 10,20 10,20 20,10 20,10 10))",
                  "POINT(5 5)", "POLYGON((950 950,1050 950,1050 1050,950 1050,950 950))"},
                 {{"N1", "", "0701", "", "construction"},
                  {"N2", "", "9999", "", "construction"},
                  {"N3", "", "0701", "", "construction"},
                  {"N4", "", "0701", "tall", "construction"},
                  {"N5", "", "0701", "5", "mining"},
                  {"N6", "", "0701", "5", "construction"},
                  {"N7", "", "0701", "5", "construction"}});
    const std::string study = s.write();
    auto r = test::runCli("check " + q(study) + " --rules development_boundary,red_line -o " + q(s.dir().file("out")) + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    const auto& db = j["rules"][0];
    EXPECT_EQ(db["invalid"], 6); // N1..N6; N7 is partly outside the boundary and still reviewed
    std::string all;
    for (const auto& f : j["findings"]) all += f["message"].get<std::string>() + "\n";
    EXPECT_NE(all.find("null or empty geometry"), std::string::npos) << all;
    EXPECT_NE(all.find("use_code '9999' is not in the study's class table"), std::string::npos) << all;
    EXPECT_NE(all.find("outside the study boundary"), std::string::npos) << all;
    EXPECT_NE(all.find("height_m 'tall' is not a number"), std::string::npos) << all;
    EXPECT_NE(all.find("activity 'mining'"), std::string::npos) << all;
    EXPECT_NE(all.find("not a polygon"), std::string::npos) << all;
    EXPECT_NE(all.find("partly outside"), std::string::npos) << all;
}

TEST(ChecksBadInput, InvalidPolygonStopsOrIsRepaired) {
    const std::string bowtie = "POLYGON((0 0,100 100,100 0,0 100,0 0))"; // two triangles of 2,500 m2
    {
        test::CheckStudy s;
        test::addControlLines(s);
        addProposals(s, {bowtie}, {{"B1", "", "0701", "5", "construction"}});
        auto r = test::runCli("check " + q(s.write()) + " -o " + q(s.dir().file("out")));
        EXPECT_EQ(r.exit_code, 5) << r.err; // GeometryError
        EXPECT_NE(r.err.find("invalid polygon"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("invalid_geometry: repair"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(s.dir().file("out/violations.shp")));
    }
    {
        test::CheckStudy s;
        s.invalid_geometry = "repair";
        test::addControlLines(s);
        addProposals(s, {bowtie}, {{"B1", "", "0701", "5", "construction"}});
        auto r = test::runCli("check " + q(s.write()) + " --rules development_boundary -o " + q(s.dir().file("out")) + " --json");
        ASSERT_EQ(r.exit_code, 0) << r.err;
        auto j = nlohmann::json::parse(r.out);
        // Repaired into two triangles of 2,500 m2 each, wholly in the concentrated zone.
        EXPECT_NEAR(j["rules"][0]["reviewed_area_m2"].get<double>(), 5000.0, 1e-6);
        EXPECT_EQ(j["rules"][0]["pass"], 1);
        EXPECT_NE(r.out.find("geometry.repaired"), std::string::npos);
    }
}

TEST(ChecksBadInput, OneLineErrors) {
    test::CheckStudy s;
    test::addControlLines(s);
    addProposals(s, {"POLYGON((10 10,20 10,20 20,10 20,10 10))"}, {{"X1", "", "5", "construction"}},
                 {"project_id", "name", "height_m", "activity"}); // no use_code field
    const std::string study = q(s.write());
    const std::string out = " -o " + q(s.dir().file("out"));
    auto r = test::runCli("check " + study + out);
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("has no field 'use_code'"), std::string::npos) << r.err;

    r = test::runCli("check " + study + out + " --rules red_line,nonsense");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("unknown rule 'nonsense'"), std::string::npos) << r.err;

    r = test::runCli("check " + study + out + " --as-of 2021-02-30");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("'2021-02-30'"), std::string::npos) << r.err;

    r = test::runCli("check " + study + out + " --rules idle_land");
    EXPECT_EQ(r.exit_code, 3) << r.err; // the study has no land_supply layer
    EXPECT_NE(r.err.find("land_supply"), std::string::npos) << r.err;

    for (const auto* e : {&r}) EXPECT_EQ(std::count(e->err.begin(), e->err.end(), '\n'), 1) << e->err;
}

TEST(ChecksBadInput, BadControlLayerValues) {
    test::CheckStudy s;
    test::addControlLines(s);
    s.layers["ecological_redline"].values[0][1] = "strict";
    addProposals(s, {"POLYGON((10 10,20 10,20 20,10 20,10 10))"}, {{"X1", "", "0701", "5", "construction"}});
    auto r = test::runCli("check " + q(s.write()) + " --rules red_line -o " + q(s.dir().file("out")));
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("tier 'strict'"), std::string::npos) << r.err;
}
