// Distance transform and neighbourhood counts against brute force.
#include "simulate/landuse_distance.hpp"

#include "core/random.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <cstdint>

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
