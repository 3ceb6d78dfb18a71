#include "core/random.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;

TEST(Random, CounterBasedIsOrderIndependent) {
    // The same (seed, stream, counter) gives the same number whatever was drawn before.
    const double a = core::uniform01(42, 7, 1000);
    for (int i = 0; i < 100; ++i) (void)core::uniform01(42, 7, static_cast<std::uint64_t>(i));
    EXPECT_EQ(a, core::uniform01(42, 7, 1000));
    EXPECT_NE(core::uniform01(42, 7, 1000), core::uniform01(43, 7, 1000));
}

TEST(Random, UniformIsInUnitIntervalWithMeanNearHalf) {
    double sum = 0.0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const double u = core::uniform01(1, 2, static_cast<std::uint64_t>(i));
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
    }
    // Standard error of the mean is 1/sqrt(12 n) ~ 0.0009; allow 5 of them.
    EXPECT_NEAR(sum / n, 0.5, 0.0046);
}
