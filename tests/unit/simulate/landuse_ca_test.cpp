// The cellular automaton on tiny grids where the allocation is forced, and its determinism.
#include "simulate/landuse_ca.hpp"
#include "simulate/landuse_constraints.hpp"
#include "simulate/landuse_demand.hpp"
#include "simulate/landuse_drivers.hpp"
#include "simulate/landuse_model.hpp"

#include "core/random.hpp"
#include "support/support.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

using namespace xiongguan;
using namespace xiongguan::simulate;

namespace {
// Classes 1 (bare, free) and 2 (built); 1 -> 2 allowed; suitability of 2 from `suit` (0..1).
CaInputs twoClasses(const raster::ClassGrid& map, const std::vector<double>& suit) {
    CaInputs in;
    in.classes = {1, 2};
    in.neighbourhood_weight = {1.0, 1.0};
    in.suitability.resize(2);
    raster::Grid<std::uint16_t> s(map.cols(), map.rows(), 0);
    for (size_t i = 0; i < map.size(); ++i) s[i] = static_cast<std::uint16_t>(suit[i] * 65535.0 + 0.5);
    in.suitability[1] = SuitabilityGrid(s);
    in.conversion = {{0.0, 1.0}, {0.0, 0.0}};
    return in;
}
} // namespace

TEST(LanduseCa, OneCandidateCell) {
    // Only one cell of the releasing class 1; class 3 may not convert. Demand: one more cell of 2.
    auto map = test::asciiGrid<std::uint16_t>("3 3 3\n3 1 3\n3 3 2");
    CaInputs in;
    in.classes = {1, 2, 3};
    in.neighbourhood_weight = {1, 1, 1};
    in.suitability.resize(3);
    in.suitability[1] = SuitabilityGrid(raster::Grid<std::uint16_t>(3, 3, 30000));
    in.conversion = {{0, 1, 0}, {0, 0, 0}, {0, 0, 0}};
    CaOptions o;
    const auto rep = runCaYear(map, in, {-1, 2, -1}, 2022, o);
    EXPECT_TRUE(map == test::asciiGrid<std::uint16_t>("3 3 3\n3 2 3\n3 3 2"));
    EXPECT_TRUE(rep.unmet.empty());
    // A second year asking one more: no candidate left.
    const auto rep2 = runCaYear(map, in, {-1, 3, -1}, 2023, o);
    ASSERT_EQ(rep2.unmet.size(), 1u);
    EXPECT_EQ(rep2.unmet[0].not_placed, 1);
    EXPECT_EQ(rep2.unmet[0].candidate_cells, 0);
    EXPECT_EQ(rep2.unmet[0].reason, "no candidate cells");
}

TEST(LanduseCa, ForbiddenLine) {
    // Cells 0 and 1 lie inside the ecological red line (zone bit 0), where construction is forbidden.
    auto map = test::asciiGrid<std::uint16_t>("1 1 1 1");
    auto in = twoClasses(map, {0.9, 0.9, 0.2, 0.2});
    in.zones = test::asciiGrid<std::uint8_t>("1 1 0 0");
    ConstraintOptions co; // red line: forbid (default)
    in.zone_factor = constraintFactors(co, {0, 1}, {0, 1}, {0, 0});
    CaOptions o;
    const auto rep = runCaYear(map, in, {-1, 2}, 2022, o);
    EXPECT_TRUE(map == test::asciiGrid<std::uint16_t>("1 1 2 2")); // the more suitable cells are forbidden
    EXPECT_TRUE(rep.unmet.empty());
    const auto rep2 = runCaYear(map, in, {-1, 3}, 2023, o);
    EXPECT_TRUE(map == test::asciiGrid<std::uint16_t>("1 1 2 2"));
    ASSERT_EQ(rep2.unmet.size(), 1u);
    EXPECT_EQ(rep2.unmet[0].placed, 0);
    EXPECT_EQ(rep2.unmet[0].not_placed, 1);
    EXPECT_EQ(rep2.unmet[0].candidate_cells, 2);
    EXPECT_EQ(rep2.unmet[0].forbidden_cells, 2);
    EXPECT_EQ(rep2.unmet[0].reason, "forbidden by constraints");
    // As a weight (0.2) instead, the line only lowers the probability: the change happens.
    co.ecological_redline = {LineRule::Mode::Weight, 0.2, false};
    in.zone_factor = constraintFactors(co, {0, 1}, {0, 1}, {0, 0});
    const auto rep3 = runCaYear(map, in, {-1, 3}, 2024, o);
    EXPECT_TRUE(rep3.unmet.empty());
    EXPECT_EQ(classCounts(map, {1, 2})[1], 3);
}

TEST(LanduseCa, DemandOfZeroChangesNothing) {
    auto map = test::asciiGrid<std::uint16_t>("1 2 1\n1 1 2");
    const auto before = map;
    auto in = twoClasses(map, {1, 1, 1, 1, 1, 1});
    CaOptions o;
    const auto rep = runCaYear(map, in, {-1, 2}, 2022, o); // class 2 already has 2 cells
    EXPECT_TRUE(map == before);
    EXPECT_EQ(rep.iterations, 0);
    EXPECT_TRUE(rep.unmet.empty());
    // a shrinking demand of a controlled class does not create changes either
    const auto rep2 = runCaYear(map, in, {4, 1}, 2023, o);
    EXPECT_TRUE(map == before);
}

TEST(LanduseCa, MostSuitableCellsWinWithoutSeeds) {
    // No class-2 neighbour anywhere and no patch seeds (threshold 0): the final pass ranks by suitability.
    auto map = test::asciiGrid<std::uint16_t>("1 1 1 1 1");
    auto in = twoClasses(map, {0.1, 0.9, 0.2, 0.8, 0.3});
    CaOptions o;
    o.seed_threshold = 0.0;
    o.radius = 1;
    runCaYear(map, in, {-1, 2}, 2022, o);
    EXPECT_TRUE(map == test::asciiGrid<std::uint16_t>("1 2 1 2 1"));
}

TEST(LanduseCa, PatchGrowsFromItsNeighbourhood) {
    // One built cell at the left end; radius 1: only cell 1 has a class-2 neighbour.
    auto map = test::asciiGrid<std::uint16_t>("2 1 1 1 1 1 1");
    auto in = twoClasses(map, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
    CaOptions o;
    o.seed_threshold = 0.0;
    o.radius = 1;
    runCaYear(map, in, {-1, 2}, 2022, o);
    EXPECT_TRUE(map == test::asciiGrid<std::uint16_t>("2 2 1 1 1 1 1"));
}

TEST(LanduseCa, SameAtOneAndManyThreads) {
    const int cols = 300, rows = 220;
    raster::ClassGrid base(cols, rows, 1);
    for (size_t i = 0; i < base.size(); ++i) {
        const double u = core::uniform01(4, 1, i);
        base[i] = u < 0.05 ? 2 : u < 0.15 ? 3 : u < 0.2 ? 4 : 1;
    }
    CaInputs in;
    in.classes = {1, 2, 3, 4};
    in.neighbourhood_weight = {0.2, 1.0, 0.6, 0.4};
    in.suitability.resize(4);
    for (int k = 1; k < 4; ++k) {
        raster::Grid<std::uint16_t> s(cols, rows);
        for (size_t i = 0; i < base.size(); ++i) s[i] = static_cast<std::uint16_t>(core::uniform01(5, k, i) * 65535);
        in.suitability[k] = SuitabilityGrid(s);
    }
    in.conversion = {{0, 1, 1, 1}, {0, 0, 0, 0}, {0, 1, 0, 0}, {0, 1, 1, 0}};
    in.zones = raster::Grid<std::uint8_t>(cols, rows, 0);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < 40; ++c) in.zones.at(c, r) = 1;
    in.zone_factor = constraintFactors(ConstraintOptions{}, {0, 1, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0});
    const auto counts = classCounts(base, in.classes);
    const std::vector<std::int64_t> demand = {-1, counts[1] + 900, counts[2] + 300, counts[3] + 100};
    CaOptions o;
    o.tile = 64;
    o.seed = 17;
    auto runAt = [&](int threads) {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, threads);
        raster::ClassGrid m = base;
        for (int y = 0; y < 3; ++y) {
            std::vector<std::int64_t> d = demand;
            for (size_t k = 1; k < d.size(); ++k) d[k] += y * 100;
            runCaYear(m, in, d, 2022 + y, o);
        }
        return m;
    };
    const auto a = runAt(1), b = runAt(2), c = runAt(4);
    EXPECT_TRUE(a == b);
    EXPECT_TRUE(a == c);
    EXPECT_FALSE(a == base);
    // no new built cell (class 2) inside the red-line columns
    for (int r = 0; r < rows; ++r)
        for (int col = 0; col < 40; ++col)
            if (base.at(col, r) != 2) {
                EXPECT_NE(a.at(col, r), 2) << col << "," << r;
            }
    // a different seed gives a different map
    o.seed = 18;
    EXPECT_FALSE(runAt(2) == a);
}

// cell_size_m: the observed maps are aggregated by block mode (hand-checked 5x4 -> 3x2 with factor 2:
// edge blocks use the cells that exist, nodata 0 is ignored, ties go to the first value met).
TEST(LanduseGrid, ModeAggregateByHand) {
    // row-major 5 cols x 4 rows
    const std::vector<std::uint16_t> v = {
        1, 1, 2, 3, 4,   //
        2, 1, 3, 2, 4,   //
        0, 0, 5, 6, 0,   //
        0, 7, 6, 5, 0};
    raster::ClassGrid fine(5, 4, 0);
    for (size_t i = 0; i < v.size(); ++i) fine[i] = v[i];
    const raster::ClassGrid g = modeAggregate(fine, 2, 3, 2);
    ASSERT_EQ(g.cols(), 3);
    ASSERT_EQ(g.rows(), 2);
    EXPECT_EQ(g[0], 1); // {1,1,2,1}: 1 three times
    EXPECT_EQ(g[1], 2); // {2,3,3,2}: tie 2/3, 2 met first
    EXPECT_EQ(g[2], 4); // edge block {4,4}
    EXPECT_EQ(g[3], 7); // {0,0,0,7}: nodata ignored
    EXPECT_EQ(g[4], 5); // {5,6,6,5}: tie, 5 first
    EXPECT_EQ(g[5], 0); // {0,0}: nodata only
}

TEST(LanduseDemand, ClassesThatMayGainByHand) {
    // class 0 shrinks 100 -> 90 -> 85; 1 grows 50 -> 60; 2 is free in year 1 (may lose every cell),
    // then asks 25 > 0; 3 is flat but releases cells (grows them back); 4 falls to 30 and asks 35
    // again; 5 is flat without release.
    const std::vector<std::int64_t> start = {100, 50, 30, 20, 40, 10};
    const std::vector<std::vector<std::int64_t>> demand = {{90, 60, -1, 20, 30, 10}, {85, 60, 25, 20, 35, 10}};
    const std::vector<double> release = {0.0, 0.0, 0.0, 0.1, 0.0, 0.0};
    EXPECT_EQ(classesThatMayGain(start, demand, release), (std::vector<char>{0, 1, 1, 1, 1, 0}));
    // without gross change class 3 cannot gain; with no years nothing can
    EXPECT_EQ(classesThatMayGain(start, demand, {}), (std::vector<char>{0, 1, 1, 0, 1, 0}));
    EXPECT_EQ(classesThatMayGain(start, {}, {}), (std::vector<char>(6, 0)));
}

TEST(LanduseDrivers, StoreReadsBackRowBandsAndLeavesNoFile) {
    test::TempDir dir;
    const int cols = 7, rows = 5;
    raster::Grid<float> a(cols, rows, 0.0f), b(cols, rows, 0.0f);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) {
            a.at(x, y) = static_cast<float>(10 * y + x);
            b.at(x, y) = -0.5f * static_cast<float>(x * y) + 1e6f;
        }
    {
        DriverStore store(dir.path(), cols, rows);
        EXPECT_EQ(store.add("a", a), 0);
        EXPECT_EQ(store.add("b", b), 1);
        EXPECT_EQ(store.names(), (std::vector<std::string>{"a", "b"}));
        // the file is unlinked as soon as it is made: nothing in the folder
        EXPECT_TRUE(test::listFiles(dir.path()).empty());
        std::vector<float> band(3 * cols, -1.0f);
        store.readRows(1, 2, 3, band.data()); // rows 2..4 of layer b
        for (int y = 2; y < 5; ++y)
            for (int x = 0; x < cols; ++x) EXPECT_EQ(band[(y - 2) * cols + x], -0.5f * static_cast<float>(x * y) + 1e6f);
        store.readRows(0, 0, 1, band.data()); // row 0 of layer a
        for (int x = 0; x < cols; ++x) EXPECT_EQ(band[x], static_cast<float>(x));
        EXPECT_THROW(store.add("wrong size", raster::Grid<float>(cols + 1, rows, 0.0f)), InputError);
        EXPECT_THROW(store.readRows(0, 4, 2, band.data()), InputError); // past the last row
        EXPECT_THROW(store.readRows(2, 0, 1, band.data()), InputError); // no such layer
    }
    EXPECT_THROW(DriverStore(dir.file("no/such/folder"), cols, rows), IoError);
}

TEST(LanduseCa, SuitabilityBlocksNotStoredReadAsZero) {
    // 130 x 70 cells = 3 x 2 blocks of 64 x 64 (edge blocks partial); store blocks 0 and 4 only.
    const int cols = 130, rows = 70;
    SuitabilityGrid g(cols, rows, {1, 0, 0, 0, 1, 0});
    EXPECT_EQ(g.storedCells(), 2u * 64 * 64);
    ASSERT_NE(g.cell(63, 63), nullptr);       // block 0
    ASSERT_NE(g.cell(64, 64), nullptr);       // block 4 = (row 1, col 1)
    EXPECT_EQ(g.cell(64, 0), nullptr);        // block 1
    EXPECT_EQ(g.cell(129, 69), nullptr);      // block 5
    *g.cell(63, 63) = 7;
    *g.cell(64, 64) = 9;
    *g.cell(127, 69) = 11;                    // last stored cell of block 4 inside the grid
    EXPECT_EQ(g.at(63, 63), 7);
    EXPECT_EQ(g.at(64, 64), 9);
    EXPECT_EQ(g.at(127, 69), 11);
    EXPECT_EQ(g.at(0, 0), 0);
    EXPECT_EQ(g.at(100, 10), 0);              // not stored
    EXPECT_EQ(g.at(128, 69), 0);              // block 5, not stored
    // from a full grid: every value kept
    raster::Grid<std::uint16_t> full(cols, rows, 0);
    for (size_t i = 0; i < full.size(); ++i) full[i] = static_cast<std::uint16_t>(i * 7919 % 65536);
    const SuitabilityGrid h(full);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) ASSERT_EQ(h.at(x, y), full.at(x, y)) << x << "," << y;
    EXPECT_TRUE(SuitabilityGrid().empty());
}

TEST(LanduseCa, SpilledSuitabilityReadsBackAfterEvictionAndLeavesNoFile) {
    // 200 x 150 cells = 4 x 3 blocks of 64 x 64 (edge blocks partial); blocks 1 and 6 not stored.
    test::TempDir dir;
    const int cols = 200, rows = 150, bcols = 4, brows = 3;
    std::vector<char> used(static_cast<size_t>(bcols) * brows, 1);
    used[1] = used[6] = 0;
    auto value = [](int x, int y) { return static_cast<std::uint16_t>((x * 7919 + y * 104729 + 13) % 65536); };
    auto stored = [&](int x, int y) { return used[static_cast<size_t>(y / 64) * bcols + x / 64] != 0; };
    {
        SuitabilityGrid g(cols, rows, used, dir.path());
        ASSERT_TRUE(g.spilled());
        EXPECT_EQ(g.storedCells(), 10u * 64 * 64);
        // the file is unlinked as soon as it is made: nothing in the folder
        EXPECT_TRUE(test::listFiles(dir.path()).empty());
        for (int by = brows - 1; by >= 0; --by) { // rows of blocks in any order
            g.openBlockRow(by);
            for (int y = by * 64; y < std::min(rows, by * 64 + 64); ++y)
                for (int x = 0; x < cols; ++x) {
                    std::uint16_t* p = g.cell(x, y);
                    ASSERT_EQ(p != nullptr, stored(x, y)) << x << "," << y;
                    if (p) *p = value(x, y);
                }
            g.closeBlockRow();
        }
        // one cell at a time
        for (int y = 0; y < rows; y += 7)
            for (int x = 0; x < cols; x += 5) ASSERT_EQ(g.at(x, y), stored(x, y) ? value(x, y) : 0) << x << "," << y;
        // through a cache of two blocks: every block is evicted and read again on the second sweep;
        // the second class (k = 1) shares the cache and the grid
        SuitabilityCache cache(2, 2);
        for (int sweep = 0; sweep < 2; ++sweep)
            for (int by = 0; by < brows; ++by)
                for (int bx = 0; bx < bcols; ++bx)
                    for (int k = 0; k < 2; ++k) {
                        const size_t b = static_cast<size_t>(by) * bcols + bx;
                        const std::uint16_t* d = cache.block(g, k, b);
                        for (int iy = 0; iy < 64; ++iy)
                            for (int ix = 0; ix < 64; ++ix) {
                                const int x = bx * 64 + ix, y = by * 64 + iy;
                                if (x >= cols || y >= rows) continue;
                                ASSERT_EQ(d[iy * 64 + ix], stored(x, y) ? value(x, y) : 0) << x << "," << y;
                            }
                    }
        EXPECT_EQ(cache.misses(), 2u * 2 * bcols * brows);
        EXPECT_EQ(cache.bytes(), 2u * 64 * 64 * 2);
        // a copy shares the file
        const SuitabilityGrid h = g;
        EXPECT_EQ(h.at(199, 149), value(199, 149));
    }
    EXPECT_TRUE(test::listFiles(dir.path()).empty());
    EXPECT_THROW(SuitabilityGrid(cols, rows, used, dir.file("no/such/folder")), IoError);
}

TEST(LanduseCa, SpilledSuitabilityGivesTheSameYears) {
    // The automaton on in-memory and on spilled suitability (the same values): the same maps.
    test::TempDir dir;
    const int cols = 300, rows = 220;
    raster::ClassGrid base(cols, rows, 1);
    for (size_t i = 0; i < base.size(); ++i) {
        const double u = core::uniform01(8, 1, i);
        base[i] = u < 0.05 ? 2 : u < 0.15 ? 3 : 1;
    }
    CaInputs mem, spill;
    mem.classes = {1, 2, 3};
    mem.neighbourhood_weight = {0.2, 1.0, 0.6};
    mem.conversion = {{0, 1, 1}, {0, 0, 0}, {0, 1, 0}};
    spill = mem;
    mem.suitability.resize(3);
    spill.suitability.resize(3);
    const std::vector<char> used(static_cast<size_t>(SuitabilityGrid::blockCols(cols)) * SuitabilityGrid::blockCols(rows), 1);
    for (int k = 1; k < 3; ++k) {
        raster::Grid<std::uint16_t> s(cols, rows);
        for (size_t i = 0; i < base.size(); ++i) s[i] = static_cast<std::uint16_t>(core::uniform01(9, k, i) * 65535);
        mem.suitability[k] = SuitabilityGrid(s);
        SuitabilityGrid g(cols, rows, used, dir.path());
        for (int by = 0; by < SuitabilityGrid::blockCols(rows); ++by) {
            g.openBlockRow(by);
            for (int y = by * 64; y < std::min(rows, by * 64 + 64); ++y)
                for (int x = 0; x < cols; ++x) *g.cell(x, y) = s.at(x, y);
            g.closeBlockRow();
        }
        spill.suitability[k] = std::move(g);
    }
    const auto counts = classCounts(base, mem.classes);
    CaOptions o;
    o.tile = 64;
    raster::ClassGrid a = base, b = base;
    for (int y = 0; y < 3; ++y) {
        const std::vector<std::int64_t> d = {-1, counts[1] + 700 * (y + 1), counts[2] + 200 * (y + 1)};
        const auto ra = runCaYear(a, mem, d, 2022 + y, o);
        const auto rb = runCaYear(b, spill, d, 2022 + y, o);
        EXPECT_EQ(ra.after, rb.after);
        EXPECT_EQ(ra.iterations, rb.iterations);
    }
    EXPECT_TRUE(a == b);
    EXPECT_FALSE(a == base);
}
