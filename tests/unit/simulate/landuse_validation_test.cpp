// Agreement metrics against hand-computed confusion matrices, and the demand projections.
#include "simulate/landuse_demand.hpp"
#include "simulate/landuse_validation.hpp"

#include "support/support.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;
using namespace xiongguan::simulate;

TEST(LanduseMetrics, FromConfusionMatrix) {
    // m[sim][ref]: N = 100, diagonal 70; sim totals 50/50, ref totals 60/40.
    const auto r = agreementFromConfusion({{40, 10}, {20, 30}});
    EXPECT_DOUBLE_EQ(r.overall_accuracy, 0.7);
    EXPECT_NEAR(r.kappa, 0.4, 1e-12);                  // Pe = .5*.6 + .5*.4 = .5
    EXPECT_NEAR(r.quantity_disagreement, 0.1, 1e-12);   // (|50-60| + |50-40|) / 2 / 100
    EXPECT_NEAR(r.allocation_disagreement, 0.2, 1e-12); // (2*min(10,20) + 2*min(20,10)) / 2 / 100
    EXPECT_NEAR(r.quantity_disagreement + r.allocation_disagreement, 1 - r.overall_accuracy, 1e-12);
    EXPECT_NEAR(r.classes[0].quantity_disagreement, 0.1, 1e-12);
    EXPECT_NEAR(r.classes[1].allocation_disagreement, 0.2, 1e-12);
}

TEST(LanduseMetrics, ThreeClassKappa) {
    // sim x ref: [[5,1,0],[2,6,1],[0,1,4]], N = 20, OA = 15/20;
    // sim totals 6,9,5; ref totals 7,8,5; Pe = (42+72+25)/400 = 0.3475
    const auto r = agreementFromConfusion({{5, 1, 0}, {2, 6, 1}, {0, 1, 4}});
    EXPECT_DOUBLE_EQ(r.overall_accuracy, 0.75);
    EXPECT_NEAR(r.kappa, (0.75 - 0.3475) / (1 - 0.3475), 1e-12);
    EXPECT_NEAR(r.quantity_disagreement, (1 + 1 + 0) / 2.0 / 20, 1e-12);
}

TEST(LanduseMetrics, FigureOfMeritOnTinyMaps) {
    const auto initial = test::asciiGrid<std::uint16_t>("1 1 1 1 1 2");
    const auto reference = test::asciiGrid<std::uint16_t>("2 2 3 1 1 2");
    const auto simulated = test::asciiGrid<std::uint16_t>("2 1 2 2 1 2");
    const auto r = compareMaps(initial, reference, simulated, {1, 2, 3});
    // cell 0 hit, cell 1 miss, cell 2 wrong hit, cell 3 false alarm
    EXPECT_EQ(r.change.hits, 1);
    EXPECT_EQ(r.change.misses, 1);
    EXPECT_EQ(r.change.wrong_hits, 1);
    EXPECT_EQ(r.change.false_alarms, 1);
    EXPECT_DOUBLE_EQ(r.change.figureOfMerit(), 0.25);
    EXPECT_DOUBLE_EQ(r.overall_accuracy, 0.5);
    EXPECT_DOUBLE_EQ(r.classes[1].change.figureOfMerit(), 1.0 / 3.0); // class 2: H1 M1 F1
    EXPECT_EQ(r.classes[2].change.wrong_hits, 1);                     // class 3
    EXPECT_DOUBLE_EQ(r.classes[2].change.figureOfMerit(), 0.0);
}

TEST(LanduseMetrics, NullModelKeepsQuantitiesAndPersistence) {
    raster::ClassGrid g(50, 40, 1);
    for (size_t i = 0; i < 300; ++i) g[i] = 2;
    for (size_t i = 300; i < 400; ++i) g[i] = 3;
    // targets: class 1 loses 150, class 2 gains 100, class 3 gains 50
    const auto n = nullModel(g, {1, 2, 3}, {1600 - 150, 400, 150}, 5);
    const auto counts = classCounts(n, {1, 2, 3});
    EXPECT_EQ(counts[0], 1450);
    EXPECT_EQ(counts[1], 400);
    EXPECT_EQ(counts[2], 150);
    for (size_t i = 0; i < 400; ++i) EXPECT_EQ(n[i], g[i]); // gaining classes persist
    EXPECT_TRUE(n == nullModel(g, {1, 2, 3}, {1450, 400, 150}, 5));
    EXPECT_FALSE(n == nullModel(g, {1, 2, 3}, {1450, 400, 150}, 6));
}

TEST(LanduseDemand, MarkovTrendPlan) {
    // Markov: A1 = A0 + (A0 P - A0)/5 = [96, 4]; A2 = [92.16, 7.84] -> [92, 8]
    const auto m = markovDemand({100, 0}, {{0.8, 0.2}, {0.0, 1.0}}, 5, 2);
    EXPECT_EQ(m[0], (std::vector<std::int64_t>{96, 4}));
    EXPECT_EQ(m[1], (std::vector<std::int64_t>{92, 8}));
    // Trend: -2 / +2 per year
    const auto t = trendDemand({100, 50}, {90, 60}, 5, 2);
    EXPECT_EQ(t[0], (std::vector<std::int64_t>{88, 62}));
    EXPECT_EQ(t[1], (std::vector<std::int64_t>{86, 64}));
    // Plan: class 1 from 50 (2021) to 100 cells in 2026; class 0 free (-1)
    const auto p = planDemand({100, 50}, 2021, {{2026, {{1, 100.0}}}}, 6);
    EXPECT_EQ(p[0], (std::vector<std::int64_t>{-1, 60}));
    EXPECT_EQ(p[4], (std::vector<std::int64_t>{-1, 100}));
    EXPECT_EQ(p[5], (std::vector<std::int64_t>{-1, 100})); // after the last target: kept
    EXPECT_EQ(roundToTotal({1.5, 1.5, 1.0}, 4), (std::vector<std::int64_t>{2, 1, 1}));
}

TEST(LanduseDemand, TransitionMatrix) {
    const auto a = test::asciiGrid<std::uint16_t>("1 1 1 1 2 2");
    const auto b = test::asciiGrid<std::uint16_t>("1 2 2 1 2 0");
    const auto P = transitionMatrix(a, b, {1, 2});
    EXPECT_DOUBLE_EQ(P[0][0], 0.5);
    EXPECT_DOUBLE_EQ(P[0][1], 0.5);
    EXPECT_DOUBLE_EQ(P[1][1], 1.0); // the nodata cell is skipped
}
