// The coarse final map of a land-use run goes back onto the study grid for the runner's checks.
#include "simulate/landuse_model.hpp"
#include "support/support.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;

TEST(LanduseExpand, EachCoarseCellFillsItsBlockAndNodataStays) {
    // 2x2 coarse cells of factor 2 over a 4x3 fine grid (the last coarse row covers one fine row).
    const auto coarse = test::asciiGrid<std::uint16_t>("701 1001\n1401 2307");
    const auto mask = test::asciiGrid<std::uint16_t>("1 1 1 0\n"
                                                     "1 1 1 1\n"
                                                     "0 1 1 1");
    const auto got = simulate::blockExpand(coarse, 2, mask);
    const auto want = test::asciiGrid<std::uint16_t>("701 701 1001 0\n"
                                                     "701 701 1001 1001\n"
                                                     "0 1401 2307 2307");
    ASSERT_EQ(got.cols(), 4);
    ASSERT_EQ(got.rows(), 3);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 4; ++c) EXPECT_EQ(got.at(c, r), want.at(c, r)) << "col " << c << " row " << r;
}
