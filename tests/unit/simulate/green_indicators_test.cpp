// Green indicators, park service coverage and allocation on hand-made grids; every expected
// value is computed by hand in the comments.
#include "simulate/green_allocation.hpp"
#include "simulate/green_indicators.hpp"
#include "simulate/green_service.hpp"
#include "support/support.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace xiongguan;
using namespace xiongguan::simulate;

namespace {

raster::ClassInfo cls(const std::string& code, raster::ClassGroup g, double canopy, double attached, bool uc,
                      bool resid) {
    raster::ClassInfo c;
    c.code = code;
    c.value = raster::ClassTable::codeValue(code);
    c.name = code;
    c.group = g;
    c.canopy = canopy;
    c.attached_green = attached;
    c.urban_construction = uc;
    c.residential = resid;
    return c;
}

raster::ClassTable table() {
    return raster::ClassTable({cls("1401", raster::ClassGroup::Green, 0.9, 1.0, true, false),
                               cls("0701", raster::ClassGroup::Built, 0.4, 0.3, true, true),
                               cls("1001", raster::ClassGroup::Built, 0.2, 0.1, true, false),
                               cls("0403", raster::ClassGroup::Grassland, 0.15, 0.0, false, false),
                               cls("2306", raster::ClassGroup::Bare, 0.0, 0.0, false, false)});
}

raster::GridSpec spec(int cols, int rows, double cell) {
    raster::GridSpec s;
    s.cols = cols;
    s.rows = rows;
    s.origin_x = 0;
    s.origin_y = 0;
    s.cell_size_m = cell;
    return s;
}

raster::ClassGrid classGrid(const std::string& text) {
    auto g = test::asciiGrid<int>(text);
    raster::ClassGrid out(g.cols(), g.rows());
    for (size_t i = 0; i < g.size(); ++i) out[i] = static_cast<std::uint16_t>(g[i]);
    return out;
}

raster::Grid<std::uint8_t> byteGrid(const std::string& text) {
    auto g = test::asciiGrid<int>(text);
    raster::Grid<std::uint8_t> out(g.cols(), g.rows());
    for (size_t i = 0; i < g.size(); ++i) out[i] = static_cast<std::uint8_t>(g[i]);
    return out;
}

} // namespace

// 4x4 grid of 10 m cells (100 m² each); built-up = rows 0-2 (12 cells, A = 1,200 m²).
// Inside: 3 park (0.9 / 1.0), 5 residential (0.4 / 0.3), 2 industry (0.2 / 0.1), 2 bare (0 / 0).
//   green space = (3×1.0 + 5×0.3 + 2×0.1) × 100 = 470 m²  -> 470 / 1200 = 0.391667
//   canopy      = (3×0.9 + 5×0.4 + 2×0.2) × 100 = 510 m²  -> 510 / 1200 = 0.425
//   park green  = 300 m² / 500 persons (100 on each residential cell) = 0.6 m²/person;
//   the 50 persons of the last row are outside the built-up area and do not count.
//   construction land = 10 cells (park, residential, industry) = 1,000 m² / 500 = 2 m²/person.
TEST(GreenIndicators, HandComputedRatesOnA4x4Grid) {
    const auto ct = table();
    const auto sp = spec(4, 4, 10.0);
    const auto lu = classGrid("1401 1401 701 701\n1401 701 701 2306\n1001 1001 701 2306\n1001 2306 2306 2306");
    const auto bu = byteGrid("1 1 1 1\n1 1 1 1\n1 1 1 1\n0 0 0 0");
    const auto pop = test::asciiGrid<float>("0 0 100 100\n0 100 100 0\n0 0 100 0\n50 0 0 -9999");
    GreenInputs in;
    in.spec = &sp;
    in.landuse = &lu;
    in.built_up = &bu;
    in.population = &pop;
    in.classes = &ct;
    const GreenTotals t = computeGreenTotals(in);
    EXPECT_EQ(t.built_up_cells, 12);
    EXPECT_DOUBLE_EQ(t.built_up_m2, 1200.0);
    EXPECT_NEAR(t.greenSpaceRate(), 470.0 / 1200.0, 1e-12);
    EXPECT_NEAR(t.greenCoverRate(), 0.425, 1e-12);
    EXPECT_DOUBLE_EQ(t.population, 500.0);
    EXPECT_NEAR(t.parkPerPerson(), 0.6, 1e-12);
    EXPECT_NEAR(t.constructionPerPerson(), 2.0, 1e-12);
}

TEST(GreenIndicators, ThresholdsPassFailAndParkRowByConstructionLand) {
    // Green cover 0.407: passes garden city (0.36), fails eco-garden city (0.43).
    auto j = greenIndicator("green_cover_rate", 0.407, "share", 200.0);
    EXPECT_EQ(j["thresholds"]["garden_city"], 0.36);
    EXPECT_TRUE(j["pass"]["garden_city"].get<bool>());
    EXPECT_FALSE(j["pass"]["eco_garden_city"].get<bool>());
    // Park green per person: the garden-city row depends on construction land per person.
    EXPECT_EQ(greenIndicator("park_green_m2_per_person", 8.2, "m2/person", 70.0)["thresholds"]["garden_city"], 7.5);
    EXPECT_EQ(greenIndicator("park_green_m2_per_person", 8.2, "m2/person", 90.0)["thresholds"]["garden_city"], 8.0);
    auto p = greenIndicator("park_green_m2_per_person", 8.2, "m2/person", 120.0);
    EXPECT_EQ(p["thresholds"]["garden_city"], 9.0);
    EXPECT_FALSE(p["pass"]["garden_city"].get<bool>());
    EXPECT_FALSE(p["pass"]["eco_garden_city"].get<bool>()); // 14.8
}

TEST(GreenService, ParkPatchesAreFourConnected) {
    const auto lu = classGrid("1401 1401 0 1401\n0 0 0 1401\n1401 0 0 0");
    const auto p = labelParks(lu, {1401}, 100.0);
    ASSERT_EQ(p.area_m2.size(), 3u); // {(0,0),(1,0)}, {(3,0),(3,1)}, {(0,2)}
    EXPECT_DOUBLE_EQ(p.area_m2[0], 200.0);
    EXPECT_DOUBLE_EQ(p.area_m2[1], 200.0);
    EXPECT_DOUBLE_EQ(p.area_m2[2], 100.0);
}

namespace {
// One row of 12 cells of 100 m: a park in column 0 (10,000 m²), residential in columns 1..11
// (11 cells), all inside the built-up area. Cell c has its centre at x = 100c + 50, y = -50.
struct RowFixture {
    raster::ClassTable ct = table();
    raster::GridSpec sp = spec(12, 1, 100.0);
    raster::ClassGrid lu = classGrid("1401 701 701 701 701 701 701 701 701 701 701 701");
    raster::Grid<std::uint8_t> bu = raster::Grid<std::uint8_t>(12, 1, 1);
};
} // namespace

// Euclidean: centre-to-centre distance from column c to the park is 100c; large park radius
// 500 m covers c = 1..5 -> 5 of 11 residential cells.
TEST(GreenService, EuclideanCoverageLargePark) {
    RowFixture f;
    ServiceParams P;
    auto r = computeServiceCoverage(f.sp, f.lu, f.bu, f.ct, {1401}, nullptr, P);
    EXPECT_EQ(r.method, "euclidean");
    EXPECT_EQ(r.parks_large, 1);
    EXPECT_DOUBLE_EQ(r.residential_m2, 11 * 10000.0);
    EXPECT_DOUBLE_EQ(r.covered_m2, 5 * 10000.0);
}

// Network: a road along the row from the park centre (50,-50) to (350,-50), densified to 25 m.
// Nodes within 50 m of the park cell square (x <= 150) are access points starting at their
// distance to the square, so a node at x has network distance max(0, x - 100).
// Cell c (c = 1..3) has a node at its centre: 100c - 50 = 50, 150, 250 m <= 500: covered.
// Cell 4 (x = 450): nearest node x = 350 at 100 m <= max_access 150: 100 + 250 = 350: covered.
// Cell 5 (x = 550): no node within 150 m: not covered (Euclidean would cover it).
// -> 4 of 11 cells. With the default max_access_m (500 m, the leg only bounded by the radius):
// cell 5: 200 + 250 = 450 <= 500 covered; cell 6: 300 + 250 = 550 not -> 5 of 11.
TEST(GreenService, NetworkCoverageLargePark) {
    RowFixture f;
    ServiceParams P;
    P.max_access_m = 150.0;
    auto g = graph::RoadGraph::build({{{50, -50}, {350, -50}}}, 1.0, 25.0);
    auto r = computeServiceCoverage(f.sp, f.lu, f.bu, f.ct, {1401}, &g, P);
    EXPECT_EQ(r.method, "network");
    EXPECT_EQ(r.access_nodes, 5); // x = 50, 75, 100, 125, 150
    EXPECT_DOUBLE_EQ(r.covered_m2, 4 * 10000.0);
    auto d = computeServiceCoverage(f.sp, f.lu, f.bu, f.ct, {1401}, &g, ServiceParams{});
    EXPECT_DOUBLE_EQ(d.covered_m2, 5 * 10000.0);
}

// The same park counted as small (large_park_m2 raised to 20,000 m²): radius 300 m.
// Euclidean: c = 1..3 -> 3 cells. Network: 50, 150, 250 <= 300 (cells 1-3); cell 4: 350 > 300.
TEST(GreenService, SmallParkRadiusBothMethods) {
    RowFixture f;
    ServiceParams P;
    P.large_park_m2 = 20000.0;
    auto e = computeServiceCoverage(f.sp, f.lu, f.bu, f.ct, {1401}, nullptr, P);
    EXPECT_EQ(e.parks_small, 1);
    EXPECT_DOUBLE_EQ(e.covered_m2, 3 * 10000.0);
    auto g = graph::RoadGraph::build({{{50, -50}, {350, -50}}}, 1.0, 25.0);
    auto n = computeServiceCoverage(f.sp, f.lu, f.bu, f.ct, {1401}, &g, P);
    EXPECT_DOUBLE_EQ(n.covered_m2, 3 * 10000.0);
    // Parks under 2,000 m² do not qualify at all.
    P.small_park_m2 = 20000.0;
    auto none = computeServiceCoverage(f.sp, f.lu, f.bu, f.ct, {1401}, &g, P);
    EXPECT_EQ(none.parks, 0);
    EXPECT_DOUBLE_EQ(none.covered_m2, 0.0);
}

TEST(GreenService, DistanceTransformMatchesBruteForce) {
    // Random-ish mask; compare with brute-force nearest source distance.
    raster::Grid<std::uint8_t> m(23, 17, 0);
    for (int r = 0; r < 17; ++r)
        for (int c = 0; c < 23; ++c)
            if ((r * 7 + c * 13) % 29 == 0) m.at(c, r) = 1;
    auto d = distanceToMask(m, {0, 0, 23, 17}, 10.0);
    for (int r = 0; r < 17; ++r)
        for (int c = 0; c < 23; ++c) {
            double best = 1e300;
            for (int rr = 0; rr < 17; ++rr)
                for (int cc = 0; cc < 23; ++cc)
                    if (m.at(cc, rr)) best = std::min(best, 10.0 * std::hypot(cc - c, rr - r));
            EXPECT_NEAR(d.at(c, r), best, 1e-3) << "col " << c << " row " << r;
        }
}

namespace {
// 4x4 grid of 10 m cells, all built-up: 12 residential (canopy 0.4), bare at (0,0),(1,0)
// (block 1 of 2x2-cell blocks), grassland (0.15) at (2,2),(3,3) (block 4).
// Canopy = (12×0.4 + 2×0.15) × 100 = 510 m² of A = 1,600 m² (0.31875); target 0.40 needs 130 m².
// Converting to park (0.9): bare gains 90 m² per cell, grassland 75 m².
// Water per cell: block 1 cells 100 m³, block 4 cells 50 m³.
// -> per m²: bare 0.9 > grass 0.75; per m³: grass 1.5 > bare 0.9.
struct AllocFixture {
    raster::ClassTable ct = table();
    raster::GridSpec sp = spec(4, 4, 10.0);
    raster::ClassGrid lu = classGrid("2306 2306 701 701\n701 701 701 701\n701 701 403 701\n701 701 701 403");
    raster::Grid<std::uint8_t> bu = raster::Grid<std::uint8_t>(4, 4, 1);
    raster::Grid<std::uint8_t> cand = byteGrid("2 2 0 0\n0 0 0 0\n0 0 4 0\n0 0 0 4");
    GreenTotals before() const {
        GreenInputs in;
        in.spec = &sp;
        in.landuse = &lu;
        in.built_up = &bu;
        in.classes = &ct;
        return computeGreenTotals(in);
    }
    static double water(size_t i) { return (i == 0 || i == 1) ? 100.0 : 50.0; }
};
} // namespace

// No budget: ranked by gain per m² -> the two bare cells (90 + 90 >= 130), 200 m³.
TEST(GreenAllocation, UnconstrainedTakesBestPerSquareMetre) {
    AllocFixture f;
    const auto before = f.before();
    EXPECT_NEAR(before.greenCoverRate(), 0.31875, 1e-12);
    AllocationParams ap;
    ap.target_green_cover = 0.40;
    ap.block_m = 20.0;
    auto r = allocateGreen(f.sp, f.lu, f.bu, f.ct, f.cand, before, AllocFixture::water, ap);
    EXPECT_TRUE(r.target_reached);
    EXPECT_FALSE(r.budget_binding);
    EXPECT_DOUBLE_EQ(r.allocated_m2, 200.0);
    EXPECT_DOUBLE_EQ(r.water_m3, 200.0);
    EXPECT_DOUBLE_EQ(r.gained_cover_m2, 180.0);
    EXPECT_EQ(f.lu.at(0, 0), 1401);
    EXPECT_EQ(f.lu.at(1, 0), 1401);
    EXPECT_EQ(f.lu.at(2, 2), 403);
    ASSERT_EQ(r.units.size(), 1u);
    EXPECT_EQ(r.units[0].id, 1);
}

// Ample budget: ranked by gain per m³ -> the two grass cells (75 + 75 >= 130), 100 m³.
TEST(GreenAllocation, BudgetRanksByGainPerCubicMetre) {
    AllocFixture f;
    AllocationParams ap;
    ap.target_green_cover = 0.40;
    ap.water_budget_m3 = 1000.0;
    ap.block_m = 20.0;
    auto r = allocateGreen(f.sp, f.lu, f.bu, f.ct, f.cand, f.before(), AllocFixture::water, ap);
    EXPECT_TRUE(r.target_reached);
    EXPECT_DOUBLE_EQ(r.water_m3, 100.0);
    EXPECT_EQ(f.lu.at(2, 2), 1401);
    EXPECT_EQ(f.lu.at(3, 3), 1401);
    EXPECT_EQ(f.lu.at(0, 0), 2306);
}

// Budget 60 m³ binds after one grass cell (50 m³; the next would make 100): 100 m² allocated,
// less than the unconstrained 200 m²; deficit = 0.40 − (510 + 75) / 1600 = 0.034375.
TEST(GreenAllocation, BindingBudgetShowsDeficitAndAllocatesLess) {
    AllocFixture f;
    AllocationParams ap;
    ap.target_green_cover = 0.40;
    ap.water_budget_m3 = 60.0;
    ap.block_m = 20.0;
    const auto before = f.before();
    auto r = allocateGreen(f.sp, f.lu, f.bu, f.ct, f.cand, before, AllocFixture::water, ap);
    EXPECT_FALSE(r.target_reached);
    EXPECT_TRUE(r.budget_binding);
    EXPECT_DOUBLE_EQ(r.allocated_m2, 100.0);
    EXPECT_DOUBLE_EQ(r.water_m3, 50.0);
    const double achieved = (before.canopy_m2 + r.gained_cover_m2) / before.built_up_m2;
    EXPECT_NEAR(0.40 - achieved, 0.034375, 1e-12);
    EXPECT_LT(r.allocated_m2, 200.0);
}

// Target already met: nothing changes.
TEST(GreenAllocation, TargetAlreadyMet) {
    AllocFixture f;
    AllocationParams ap;
    ap.target_green_cover = 0.30;
    auto r = allocateGreen(f.sp, f.lu, f.bu, f.ct, f.cand, f.before(), AllocFixture::water, ap);
    EXPECT_TRUE(r.target_reached);
    EXPECT_DOUBLE_EQ(r.allocated_m2, 0.0);
}
