// Metrics flattening, CSV quoting, indicator discovery, key indicators of the batch table.
#include "report/metrics.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;
using json = nlohmann::ordered_json;

TEST(Metrics, FlattenKeepsDocumentOrder) {
    const json m = json::parse(R"({"b": {"x": 1, "y": [true, null]}, "a": "t"})", nullptr, true, false);
    const auto f = report::flatten(m);
    ASSERT_EQ(f.size(), 4u);
    EXPECT_EQ(f[0].first, "b.x");
    EXPECT_EQ(f[1].first, "b.y.0");
    EXPECT_EQ(f[2].first, "b.y.1");
    EXPECT_TRUE(f[2].second.is_null());
    EXPECT_EQ(f[3].first, "a");
}

TEST(Metrics, CsvFieldQuoting) {
    EXPECT_EQ(report::csvField("plain"), "plain");
    EXPECT_EQ(report::csvField("a,b"), "\"a,b\"");
    EXPECT_EQ(report::csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(report::csvField("two\nlines"), "\"two\nlines\"");
}

TEST(Metrics, ScalarText) {
    EXPECT_EQ(report::scalarText(json(0.1)), "0.1");
    EXPECT_EQ(report::scalarText(json(12)), "12");
    EXPECT_EQ(report::scalarText(json(true)), "true");
    EXPECT_EQ(report::scalarText(json(nullptr)), "");
    EXPECT_EQ(report::scalarText(json(1.0 / 3.0)), "0.333333333333");
}

TEST(Metrics, IndicatorsWithThresholds) {
    const json m = json::parse(R"({
      "models.green_cover": {
        "green_cover_rate": {"value": 0.407, "unit": "share", "thresholds": {"garden_city": 0.36, "eco": 0.43},
                             "pass": {"garden_city": true, "eco": false}},
        "parks": 3,
        "leakage": {"value": 0.12, "threshold": 0.10, "pass": false}
      }})");
    const auto ind = report::findIndicators(m);
    ASSERT_EQ(ind.size(), 2u);
    EXPECT_EQ(ind[0].key, "models.green_cover.green_cover_rate");
    EXPECT_DOUBLE_EQ(ind[0].value, 0.407);
    ASSERT_EQ(ind[0].marks.size(), 2u);
    EXPECT_EQ(ind[0].marks[1].name, "eco");
    EXPECT_DOUBLE_EQ(*ind[0].marks[1].threshold, 0.43);
    EXPECT_FALSE(*ind[0].marks[1].pass);
    ASSERT_EQ(ind[1].marks.size(), 1u);
    EXPECT_DOUBLE_EQ(*ind[1].marks[0].threshold, 0.10);
}

TEST(Metrics, KeyIndicatorsPickKnownNames) {
    const json m = json::parse(R"({
      "models.green_cover": {"green_space_rate": {"value": 0.395}, "green_cover_rate": 0.407,
                             "park_green_m2_per_person": {"value": 29.2}},
      "models.water": {"water_demand_m3_per_year": 1.5e8, "deficit_m3_per_year": {"value": 2e6}},
      "checks": {"total": {"fail": 6}},
      "compliance": {"a_ha": 1.5, "b_ha": 2.25, "year": 2021}})");
    const auto k = report::keyIndicators(report::flatten(m));
    ASSERT_EQ(k.size(), 7u);
    EXPECT_EQ(k[0], (std::pair<std::string, double>{"green_space_rate", 0.395}));
    EXPECT_EQ(k[1], (std::pair<std::string, double>{"green_cover_rate", 0.407}));
    EXPECT_EQ(k[2], (std::pair<std::string, double>{"park_m2_per_person", 29.2}));
    EXPECT_EQ(k[3], (std::pair<std::string, double>{"water_demand_m3", 1.5e8}));
    EXPECT_EQ(k[4], (std::pair<std::string, double>{"deficit_m3", 2e6}));
    EXPECT_EQ(k[5], (std::pair<std::string, double>{"violations", 6.0}));
    EXPECT_EQ(k[6], (std::pair<std::string, double>{"breach_ha", 3.75}));
    EXPECT_TRUE(report::keyIndicators(report::flatten(json::parse(R"({"x": 1})"))).empty());
}
