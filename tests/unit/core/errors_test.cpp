// Exit codes are part of the interface (README table): they must never change.
#include "core/errors.hpp"
#include "core/log.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;

TEST(Errors, ExitCodesAreStable) {
    EXPECT_EQ(static_cast<int>(ErrorCode::Usage), 2);
    EXPECT_EQ(static_cast<int>(ErrorCode::Config), 3);
    EXPECT_EQ(static_cast<int>(ErrorCode::Input), 4);
    EXPECT_EQ(static_cast<int>(ErrorCode::Geometry), 5);
    EXPECT_EQ(static_cast<int>(ErrorCode::Io), 6);
    EXPECT_EQ(static_cast<int>(ErrorCode::RunsFailed), 7);
    EXPECT_EQ(static_cast<int>(ErrorCode::DemandNotMet), 8);
    EXPECT_EQ(static_cast<int>(ErrorCode::OutOfMemory), 9);
    EXPECT_EQ(static_cast<int>(ErrorCode::ComparisonFailed), 10);
    EXPECT_STREQ(errorCodeName(ErrorCode::Geometry), "geometry");
    EXPECT_STREQ(errorCodeName(ErrorCode::ComparisonFailed), "comparison_failed");
}

TEST(Errors, ExceptionsCarryTheirCode) {
    EXPECT_EQ(ConfigError("x").code(), ErrorCode::Config);
    EXPECT_EQ(InputError("x").code(), ErrorCode::Input);
    EXPECT_EQ(GeometryError("x").code(), ErrorCode::Geometry);
    EXPECT_EQ(IoError("x").code(), ErrorCode::Io);
    try {
        throw InputError("a.tif: cell (col 1, row 2) has class value 9");
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "a.tif: cell (col 1, row 2) has class value 9");
    }
}

TEST(Log, CatJoinsValues) { EXPECT_EQ(core::cat("got '", -5, "' at ", 1.5), "got '-5' at 1.5"); }
