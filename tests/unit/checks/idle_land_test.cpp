// Idle land (MLR order 53, 2012): dates on and around the one- and two-year anniversaries, the
// started-but-suspended branch, government causes, bad dates, and map evidence of bare parcels.
#include "checks_fixture.hpp"

#include "checks/api.hpp"
#include "checks/dates.hpp"
#include "checks/idle_land.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;
using checks::decideIdle;

TEST(Dates, ParseAndAnniversaries) {
    EXPECT_TRUE(checks::parseDate("2020-02-29"));
    EXPECT_FALSE(checks::parseDate("2021-02-29"));
    EXPECT_FALSE(checks::parseDate("2020-13-01"));
    EXPECT_FALSE(checks::parseDate("2020-1-01"));
    EXPECT_FALSE(checks::parseDate("20200101"));
    const auto d = *checks::parseDate("2020-02-29");
    EXPECT_EQ(checks::addYears(d, 1).str(), "2021-02-28"); // Civil Code art. 202: month end
    EXPECT_EQ(checks::addYears(d, 4).str(), "2024-02-29");
    EXPECT_EQ(checks::fullYears(*checks::parseDate("2019-03-01"), *checks::parseDate("2020-03-01")), 1);
    EXPECT_EQ(checks::fullYears(*checks::parseDate("2019-03-01"), *checks::parseDate("2020-02-29")), 0);
    EXPECT_EQ(checks::fullYears(*checks::parseDate("2019-03-01"), *checks::parseDate("2021-03-01")), 2);
}

TEST(IdleDecision, NotStartedAroundTheAnniversaries) {
    // As of 2021-12-31. Contract exactly one year before: the anniversary day counts as idle.
    auto d = decideIdle("2021-12-31", "2020-12-31", "", std::nullopt, std::nullopt, "", "");
    EXPECT_EQ(d.status, "idle_1y_fee20");
    EXPECT_EQ(d.years_idle, 1);
    // One day short of a year.
    d = decideIdle("2021-12-31", "2021-01-01", "", std::nullopt, std::nullopt, "", "");
    EXPECT_EQ(d.status, "not_idle");
    // Exactly two years: taken back.
    d = decideIdle("2021-12-31", "2019-12-31", "", std::nullopt, std::nullopt, "", "");
    EXPECT_EQ(d.status, "idle_2y_reclaim");
    EXPECT_EQ(d.years_idle, 2);
    // One day short of two years: still the fee.
    d = decideIdle("2021-12-31", "2020-01-01", "", std::nullopt, std::nullopt, "", "");
    EXPECT_EQ(d.status, "idle_1y_fee20");
    // Leap day contract: 2021-02-28 is its first anniversary.
    EXPECT_EQ(decideIdle("2021-02-28", "2020-02-29", "", {}, {}, "", "").status, "idle_1y_fee20");
    EXPECT_EQ(decideIdle("2021-02-27", "2020-02-29", "", {}, {}, "", "").status, "not_idle");
    // Started after the as-of date = not started as of that date.
    EXPECT_EQ(decideIdle("2021-12-31", "2019-06-01", "2022-03-01", 0.9, 0.9, "", "").status, "idle_2y_reclaim");
    // Contract in the future.
    EXPECT_EQ(decideIdle("2021-12-31", "2022-06-01", "", {}, {}, "", "").status, "not_idle");
}

TEST(IdleDecision, StartedButSuspended) {
    // Developed 20 % < 1/3, suspended exactly one year.
    auto d = decideIdle("2021-12-31", "2018-01-01", "2018-06-01", 0.2, 0.5, "2020-12-31", "");
    EXPECT_EQ(d.status, "idle_1y_fee20");
    EXPECT_EQ(d.years_idle, 1);
    // Invested 20 % < 25 %, suspended exactly two years.
    d = decideIdle("2021-12-31", "2018-01-01", "2018-06-01", 0.5, 0.2, "2019-12-31", "");
    EXPECT_EQ(d.status, "idle_2y_reclaim");
    // Exactly 25 % invested and half developed: not under-developed, whatever the suspension.
    EXPECT_EQ(decideIdle("2021-12-31", "2018-01-01", "2018-06-01", 0.5, 0.25, "2019-01-01", "").status, "not_idle");
    // Exactly one third developed, as a GeoPackage real reads back as text (15 digits): on the limit.
    EXPECT_EQ(decideIdle("2021-12-31", "2016-07-08", "2017-03-01", 0.333333333333333, 0.5, "2019-03-01", "").status,
              "not_idle");
    EXPECT_EQ(decideIdle("2021-12-31", "2016-07-08", "2017-03-01", 0.3333, 0.5, "2019-03-01", "").status,
              "idle_2y_reclaim");
    // Under-developed but suspended one day short of a year.
    EXPECT_EQ(decideIdle("2021-12-31", "2018-01-01", "2018-06-01", 0.1, 0.1, "2021-01-01", "").status, "not_idle");
    // Under-developed, not suspended.
    EXPECT_EQ(decideIdle("2021-12-31", "2018-01-01", "2018-06-01", 0.1, 0.1, "", "").status, "not_idle");
}

TEST(IdleDecision, GovernmentCauseAndBadValues) {
    auto d = decideIdle("2021-12-31", "2018-01-01", "", {}, {}, "", "plan_change");
    EXPECT_EQ(d.status, "gov_cause_negotiate");
    EXPECT_EQ(d.years_idle, 3);
    // A cause on land that is not idle changes nothing.
    EXPECT_EQ(decideIdle("2021-12-31", "2021-06-01", "", {}, {}, "", "heritage").status, "not_idle");
    d = decideIdle("2021-12-31", "2020-02-30", "", {}, {}, "", "");
    EXPECT_EQ(d.status, "invalid");
    EXPECT_NE(d.reason.find("'2020-02-30'"), std::string::npos) << d.reason;
    EXPECT_EQ(decideIdle("2021-12-31", "2020-01-01", "last year", {}, {}, "", "").status, "invalid");
    EXPECT_EQ(decideIdle("2021-12-31", "2020-01-01", "", {}, {}, "", "weather").status, "invalid");
    EXPECT_EQ(decideIdle("2021-12-31", "2020-01-01", "2020-02-01", 1.5, 0.5, "", "").status, "invalid");
    EXPECT_EQ(decideIdle("2021-12-31", "", "", {}, {}, "", "").status, "invalid");
}

TEST(IdleLand, OutputsFeesAndMapEvidence) {
    test::CheckStudy s;
    auto& l = s.layers["land_supply"];
    l.fields = {"parcel_id", "use_code", "contract_start", "actual_start", "developed_share", "invested_share",
                "suspended_since", "cause", "land_price_yuan"};
    l.wkts = {"POLYGON((0 0,100 0,100 100,0 100,0 0))", "POLYGON((200 0,300 0,300 100,200 100,200 0))",
              "POLYGON((800 100,900 100,900 200,800 200,800 100))", "POLYGON((400 400,500 400,500 500,400 500,400 400))",
              "POLYGON((600 600,700 600,700 700,600 700,600 600))"};
    l.values = {{"L1", "1001", "2020-12-31", "", "", "", "", "", "1000000"},
                {"L2", "1001", "2019-12-31", "", "", "", "", "", "2000000"},
                {"L3", "0701", "2018-01-01", "2018-06-01", "0.9", "0.9", "", "", "500000"},
                {"L4", "0701", "2021-31-01", "", "", "", "", "", "100"},
                {"L5", "0701", "2018-01-01", "", "", "", "", "government", "100"}};
    // L3's 100 cells (cols 80..89, rows 80..89: x 800..900, y 100..200) are bare on the 2021 map.
    for (int r = 80; r < 90; ++r)
        for (int c = 80; c < 90; ++c) s.landuse.at(c, r) = 2306;
    const io::StudyArea study = io::loadStudy(s.write());
    checks::CheckRequest req;
    req.rules = {"idle_land"};
    req.as_of = "2021-12-31";
    req.out_dir = s.dir().file("out");
    auto sum = checks::runChecks(study, req);
    io::VectorSource src{req.out_dir + "/idle_land.shp", "", "", "", "idle"};
    auto out = io::readVectorLayer(src, study.grid.crs_wkt);
    ASSERT_EQ(out.features.size(), 5u);
    const int f_st = out.requireField("status"), f_fee = out.requireField("fee_yuan"),
              f_years = out.requireField("yrs_idle"), f_bare = out.requireField("bare_share");
    EXPECT_EQ(out.value(0, f_st).value_or(""), "idle_1y_fee20");
    EXPECT_NEAR(*out.number(0, f_fee), 200000.0, 1e-6); // 20 % of 1,000,000
    EXPECT_EQ(*out.number(0, f_years), 1);
    EXPECT_EQ(out.value(1, f_st).value_or(""), "idle_2y_reclaim");
    EXPECT_FALSE(out.number(1, f_fee).has_value());
    EXPECT_EQ(out.value(2, f_st).value_or(""), "suspected_idle");
    EXPECT_NEAR(*out.number(2, f_bare), 1.0, 1e-9);
    EXPECT_EQ(out.value(3, f_st).value_or(""), "invalid"); // month 31
    EXPECT_EQ(out.value(4, f_st).value_or(""), "gov_cause_negotiate");
    const auto& r = sum.metrics["rules"][0];
    EXPECT_EQ(r["rule_id"], "checks.idle_land");
    EXPECT_EQ(r["statuses"]["suspected_idle"], 1);
    EXPECT_EQ(r["invalid"], 1);
    EXPECT_EQ(sum.metrics["findings_count"], 1);
}
