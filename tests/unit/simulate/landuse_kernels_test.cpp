// Distance transform and neighbourhood counts against brute force.
#include "simulate/landuse_distance.hpp"

#include "core/random.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using namespace xiongguan;
using namespace xiongguan::simulate;

namespace {
raster::Grid<std::uint8_t> randomMask(int cols, int rows, double density, std::uint64_t seed) {
    raster::Grid<std::uint8_t> m(cols, rows, 0);
    for (size_t i = 0; i < m.size(); ++i) m[i] = core::uniform01(seed, 7, i) < density;
    return m;
}
// O(n^2) reference: squared distance to the nearest source, -1 when none.
std::vector<std::int64_t> brute(const raster::Grid<std::uint8_t>& m) {
    std::vector<std::int64_t> out(m.size(), -1);
    for (int r = 0; r < m.rows(); ++r)
        for (int c = 0; c < m.cols(); ++c) {
            std::int64_t best = -1;
            for (int rr = 0; rr < m.rows(); ++rr)
                for (int cc = 0; cc < m.cols(); ++cc)
                    if (m.at(cc, rr)) {
                        const std::int64_t d = std::int64_t(c - cc) * (c - cc) + std::int64_t(r - rr) * (r - rr);
                        if (best < 0 || d < best) best = d;
                    }
            out[static_cast<size_t>(r) * m.cols() + c] = best;
        }
    return out;
}
} // namespace

TEST(LanduseDistance, EqualsBruteForceOnRandomGrids) {
    const int sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {17, 23}, {40, 31}, {64, 7}};
    const double densities[] = {0.0, 0.004, 0.03, 0.2, 0.7, 1.0};
    std::uint64_t seed = 1;
    for (const auto& s : sizes)
        for (double d : densities) {
            const auto m = randomMask(s[0], s[1], d, seed++);
            const auto ref = brute(m);
            const auto sq = squaredDistanceCells(m);
            const auto dm = distanceMetres(m, 10.0, -1.0f);
            for (size_t i = 0; i < m.size(); ++i) {
                if (ref[i] < 0) {
                    EXPECT_EQ(sq[i], kNoSource) << "cell " << i;
                    EXPECT_EQ(dm[i], -1.0f);
                    continue;
                }
                ASSERT_EQ(static_cast<std::int64_t>(sq[i]), ref[i])
                    << "grid " << s[0] << "x" << s[1] << " density " << d << " col " << i % s[0] << " row " << i / s[0];
                // exact in double; the float output rounds only the final value
                EXPECT_NEAR(std::sqrt(static_cast<double>(sq[i])), std::sqrt(static_cast<double>(ref[i])), 1e-9);
                EXPECT_NEAR(dm[i], 10.0 * std::sqrt(static_cast<double>(ref[i])), 1e-5 * (1 + dm[i]));
            }
        }
}

TEST(LanduseDistance, KnownValues) {
    // one source at (0,0) of a 4x3 grid: distance to (3,2) is sqrt(13)
    raster::Grid<std::uint8_t> m(4, 3, 0);
    m.at(0, 0) = 1;
    const auto sq = squaredDistanceCells(m);
    EXPECT_EQ(sq.at(3, 2), 13u);
    EXPECT_EQ(sq.at(1, 1), 2u);
    EXPECT_EQ(sq.at(0, 0), 0u);
}

TEST(LanduseDistance, SameAtOneAndManyThreads) {
    const auto m = randomMask(700, 333, 0.001, 99);
    raster::Grid<std::uint32_t> a, b;
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
        a = squaredDistanceCells(m);
    }
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 4);
        b = squaredDistanceCells(m);
    }
    EXPECT_TRUE(a == b);
}

TEST(LanduseNeighbourhood, EqualsBruteForce) {
    raster::ClassGrid g(37, 29, 0);
    const std::uint16_t vals[] = {0, 101, 701, 1001, 2307};
    for (size_t i = 0; i < g.size(); ++i) g[i] = vals[static_cast<int>(core::uniform01(3, 1, i) * 5)];
    const std::vector<std::uint16_t> classes = {701, 2307, 101};
    for (int radius : {1, 2, 3}) {
        const auto counts = neighbourhoodCounts(g, classes, radius);
        for (size_t k = 0; k < classes.size(); ++k)
            for (int r = 0; r < g.rows(); ++r)
                for (int c = 0; c < g.cols(); ++c) {
                    int n = 0;
                    for (int dr = -radius; dr <= radius; ++dr)
                        for (int dc = -radius; dc <= radius; ++dc) {
                            const int rr = r + dr, cc = c + dc;
                            if (rr >= 0 && cc >= 0 && rr < g.rows() && cc < g.cols() && g.at(cc, rr) == classes[k]) ++n;
                        }
                    ASSERT_EQ(counts[k].at(c, r), n) << "radius " << radius << " class " << classes[k] << " col " << c
                                                     << " row " << r;
                }
    }
}

TEST(LanduseDistance, HandComputedAroundOneSource) {
    // source at the centre of a 5x5 grid: distances 0, 1, sqrt 2, 2, sqrt 5, sqrt 8 cells
    raster::Grid<std::uint8_t> m(5, 5, 0);
    m.at(2, 2) = 1;
    const auto d = distanceMetres(m, 30.0, -1.0f);
    EXPECT_FLOAT_EQ(d.at(2, 2), 0.0f);
    EXPECT_FLOAT_EQ(d.at(2, 1), 30.0f);
    EXPECT_FLOAT_EQ(d.at(1, 1), static_cast<float>(30.0 * std::sqrt(2.0)));
    EXPECT_FLOAT_EQ(d.at(2, 0), 60.0f);
    EXPECT_FLOAT_EQ(d.at(0, 1), static_cast<float>(30.0 * std::sqrt(5.0)));
    EXPECT_FLOAT_EQ(d.at(4, 4), static_cast<float>(30.0 * std::sqrt(8.0)));
    // two sources in one row: the cell between them is 1 from the nearer one, ties are equal
    raster::Grid<std::uint8_t> row(7, 1, 0);
    row.at(1, 0) = row.at(5, 0) = 1;
    const auto sq = squaredDistanceCells(row);
    const std::uint32_t expect[] = {1, 0, 1, 4, 1, 0, 1};
    for (int c = 0; c < 7; ++c) EXPECT_EQ(sq.at(c, 0), expect[c]) << "col " << c;
}

TEST(LanduseDistance, TallGridUses32BitColumns) {
    // 70,000 rows (beyond the 16-bit column pass): sources at rows 3 and 69,000 of column 0.
    raster::Grid<std::uint8_t> m(2, 70000, 0);
    m.at(0, 3) = m.at(0, 69000) = 1;
    const auto sq = squaredDistanceCells(m);
    for (int r = 0; r < m.rows(); r += 997)
        for (int c = 0; c < 2; ++c) {
            const std::int64_t a = r - 3, b = r - 69000;
            const std::int64_t want = std::min(a * a, b * b) + c * c;
            ASSERT_EQ(sq.at(c, r), static_cast<std::uint32_t>(want)) << "col " << c << " row " << r;
        }
    EXPECT_EQ(sq.at(1, 69999), 999u * 999u + 1u);
}

TEST(LanduseDistance, StreamedRowsEqualTheGridAtOneAndTwoThreads) {
    const auto m = randomMask(301, 257, 0.002, 5);
    const auto whole = distanceMetres(m, 10.0, -1.0f);
    for (int threads : {1, 2})
        for (int band : {1, 7, 64, 257, 1000}) {
            tbb::global_control gc(tbb::global_control::max_allowed_parallelism, threads);
            raster::Grid<float> got(m.cols(), m.rows(), -99.0f);
            int expect_row = 0;
            distanceMetresRows(m, 10.0, -1.0f, band, [&](int row0, int nrows, const float* v) {
                EXPECT_EQ(row0, expect_row); // in row order, bands of `band` rows
                EXPECT_EQ(nrows, std::min(band, m.rows() - row0));
                expect_row += nrows;
                std::copy(v, v + static_cast<size_t>(nrows) * m.cols(), got.data() + static_cast<size_t>(row0) * m.cols());
            });
            EXPECT_EQ(expect_row, m.rows());
            EXPECT_TRUE(got == whole) << "threads " << threads << " band " << band;
        }
    // empty mask: every cell gets none_value
    const raster::Grid<std::uint8_t> empty(9, 4, 0);
    distanceMetresRows(empty, 1.0, -1.0f, 3, [&](int, int nrows, const float* v) {
        for (int i = 0; i < nrows * 9; ++i) EXPECT_EQ(v[i], -1.0f);
    });
}

namespace {
int bruteCount(const raster::ClassGrid& g, int c, int r, int radius, std::uint16_t value) {
    int n = 0;
    for (int dr = -radius; dr <= radius; ++dr)
        for (int dc = -radius; dc <= radius; ++dc) {
            const int rr = r + dr, cc = c + dc;
            if (rr >= 0 && cc >= 0 && rr < g.rows() && cc < g.cols() && g.at(cc, rr) == value) ++n;
        }
    return n;
}
} // namespace

TEST(LanduseNeighbourhood, HandComputed3x3) {
    // one class everywhere: corner 4, edge 6, centre 9 cells in the 3x3 window
    raster::ClassGrid g(3, 3, 5);
    const auto c = neighbourhoodCounts(g, {5, 6}, 1);
    ASSERT_EQ(c.size(), 2u);
    const int expect[3][3] = {{4, 6, 4}, {6, 9, 6}, {4, 6, 4}};
    for (int r = 0; r < 3; ++r)
        for (int col = 0; col < 3; ++col) {
            EXPECT_EQ(c[0].at(col, r), expect[r][col]);
            EXPECT_EQ(c[1].at(col, r), 0);
        }
}

TEST(LanduseNeighbourhood, LargeRadiusAndBandEdgesEqualBruteForce) {
    // taller than one row band (128 rows), radius up to 7 (counts up to 225), unlisted values
    raster::ClassGrid g(45, 300, 0);
    for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<std::uint16_t>(core::uniform01(8, 2, i) < 0.9 ? 3 : 9);
    const std::vector<std::uint16_t> classes = {3, 4};
    for (int radius : {2, 7}) {
        const auto counts = neighbourhoodCounts(g, classes, radius);
        for (size_t k = 0; k < classes.size(); ++k)
            for (int r = 0; r < g.rows(); ++r)
                for (int c = 0; c < g.cols(); ++c)
                    ASSERT_EQ(counts[k].at(c, r), bruteCount(g, c, r, radius, classes[k]))
                        << "radius " << radius << " class " << classes[k] << " col " << c << " row " << r;
    }
    EXPECT_THROW(neighbourhoodCounts(g, classes, 8), std::exception);
}

TEST(LanduseNeighbourhood, WindowsEqualBruteForce) {
    raster::ClassGrid g(50, 41, 0);
    const std::uint16_t vals[] = {0, 1, 2, 3, 40};
    for (size_t i = 0; i < g.size(); ++i) g[i] = vals[static_cast<int>(core::uniform01(4, 4, i) * 5)];
    // class_index shorter than the largest value: 40 counts as no class
    const std::vector<std::uint8_t> class_index = {255, 2, 0, 1, 255, 255};
    const std::uint16_t value_of[] = {2, 3, 1};
    std::vector<std::uint8_t> out, scratch;
    const raster::Window windows[] = {{0, 0, 50, 41}, {0, 0, 7, 5}, {13, 9, 20, 17}, {44, 35, 6, 6}, {49, 0, 1, 41}};
    for (const auto& w : windows) {
        neighbourhoodCountsWindow(g, class_index, 3, 2, w, out, scratch);
        ASSERT_EQ(out.size(), static_cast<size_t>(3 * w.cols * w.rows));
        for (int k = 0; k < 3; ++k)
            for (int r = 0; r < w.rows; ++r)
                for (int c = 0; c < w.cols; ++c)
                    ASSERT_EQ(out[static_cast<size_t>(k) * w.cols * w.rows + static_cast<size_t>(r) * w.cols + c],
                              bruteCount(g, w.col0 + c, w.row0 + r, 2, value_of[k]))
                        << "window " << w.col0 << "," << w.row0 << " class " << value_of[k];
    }
}

TEST(LanduseNeighbourhood, SameAtOneAndTwoThreads) {
    raster::ClassGrid g(613, 517, 0);
    for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<std::uint16_t>(1 + core::uniform01(6, 6, i) * 6);
    const std::vector<std::uint16_t> classes = {1, 2, 3, 4, 5, 6};
    std::vector<raster::Grid<std::uint8_t>> a, b;
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
        a = neighbourhoodCounts(g, classes, 2);
    }
    {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
        b = neighbourhoodCounts(g, classes, 2);
    }
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(a[k] == b[k]) << "class " << classes[k];
}

TEST(LanduseDistance, CellUnitsAreTheCorrectlyRoundedRootOfTheExactSquare) {
    // cell size 1 (the float square-root path) gives exactly float(sqrt(double(d²))), also where d²
    // passes 2^24 (the double path): a 6000-cell row with sources at both ends and a random grid.
    raster::Grid<std::uint8_t> row(6000, 2, 0);
    row.at(0, 0) = 1;
    row.at(5999, 1) = 1;
    const auto d = distanceMetres(row, 1.0, -1.0f);
    for (int c = 0; c < 6000; ++c) {
        const double a0 = c, b0 = 5999.0 - c; // row 0: source at col 0 (same row) or col 5999 (one row down)
        ASSERT_EQ(d.at(c, 0), static_cast<float>(std::sqrt(std::min(a0 * a0, b0 * b0 + 1.0)))) << "col " << c;
        ASSERT_EQ(d.at(c, 1), static_cast<float>(std::sqrt(std::min(a0 * a0 + 1.0, b0 * b0)))) << "col " << c;
    }
    const auto m = randomMask(83, 61, 0.01, 17);
    const auto ref = brute(m);
    const auto dc = distanceMetres(m, 1.0, -1.0f);
    for (size_t i = 0; i < m.size(); ++i)
        ASSERT_EQ(dc[i], ref[i] < 0 ? -1.0f : static_cast<float>(std::sqrt(static_cast<double>(ref[i])))) << i;
}
