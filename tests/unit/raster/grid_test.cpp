#include "raster/classes.hpp"
#include "raster/grid.hpp"
#include "support/support.hpp"

#include "core/errors.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;

TEST(Grid, AsciiGridIsRowMajor) {
    auto g = test::asciiGrid<int>("1 2 3\n4 5 6");
    EXPECT_EQ(g.cols(), 3);
    EXPECT_EQ(g.rows(), 2);
    EXPECT_EQ(g.at(2, 0), 3);
    EXPECT_EQ(g.at(0, 1), 4);
}

TEST(GridSpec, CellCentresAndIndices) {
    raster::GridSpec s;
    s.cols = 4;
    s.rows = 3;
    s.origin_x = 1000;
    s.origin_y = 2000;
    s.cell_size_m = 10;
    EXPECT_DOUBLE_EQ(s.centreX(0), 1005);
    EXPECT_DOUBLE_EQ(s.centreY(2), 1975);
    EXPECT_EQ(s.colOf(1039.9), 3);
    EXPECT_EQ(s.rowOf(1970.0), 3); // bottom edge belongs to the next row down
    EXPECT_DOUBLE_EQ(s.minY(), 1970);
}

TEST(Windows, CoverTheGridOnceWithPartialEdges) {
    auto w = raster::makeWindows(10, 7, 4);
    ASSERT_EQ(w.size(), 6u); // 3 x 2
    long cells = 0;
    for (const auto& x : w) cells += static_cast<long>(x.cols) * x.rows;
    EXPECT_EQ(cells, 70);
    EXPECT_EQ(w[2].cols, 2);
    EXPECT_EQ(w[5].rows, 3);
}

TEST(ClassTable, CodeValuesAndLookups) {
    raster::ClassInfo park;
    park.code = "1401";
    raster::ClassInfo paddy;
    paddy.code = "0101";
    raster::ClassTable t({park, paddy});
    EXPECT_EQ(t.byCode("0101")->value, 101);
    EXPECT_EQ(t.byValue(1401)->code, "1401");
    EXPECT_EQ(t.byValue(1402), nullptr);
    EXPECT_THROW(raster::ClassTable::codeValue("14a1"), InputError);
}

TEST(ClassTable, DuplicateValuesAreRefused) {
    raster::ClassInfo a, b;
    a.code = "101";
    b.code = "0101";
    EXPECT_THROW(raster::ClassTable({a, b}), ConfigError);
}
