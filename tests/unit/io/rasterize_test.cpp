// Rasterize and polygonize on tiny grids with hand-counted cells and areas.
#include "fixtures.hpp"
#include "support/support.hpp"

#include "io/vector_io.hpp"
#include "vector/geos.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace xiongguan;

namespace {

// 6 x 5 cells of 10 m, top-left corner at (1000, 2000); no CRS needed.
raster::GridSpec smallGrid() {
    raster::GridSpec g;
    g.cols = 6;
    g.rows = 5;
    g.origin_x = 1000;
    g.origin_y = 2000;
    g.cell_size_m = 10;
    return g;
}

std::vector<std::uint8_t> wkb(const std::string& wkt) {
    auto& ctx = vector::threadContext();
    return vector::toWkb(ctx, vector::fromWkt(ctx, wkt).get());
}

} // namespace

// Right triangle (1000,2000) (1060,2000) (1000,1950). Its hypotenuse is x - 1000 = 1.2 (y - 1950).
// A cell centre (1000 + 10c + 5, 1995 - 10r) is inside when 10c + 5 < 1.2 (45 - 10r) = 54 - 12r:
// row 0: c < 4.9 -> 5 cells; row 1: 3.7 -> 4; row 2: 2.5 -> 3; row 3: 1.3 -> 2; row 4: 0.1 -> 1. 15 cells.
TEST(Rasterize, TriangleByCellCentresIsHandCounted) {
    const auto w = wkb("POLYGON((1000 2000,1060 2000,1000 1950,1000 2000))");
    const auto g = io::rasterizeGeometries(smallGrid(), {&w}, {7.0});
    EXPECT_EQ(g, test::asciiGrid<std::int32_t>("7 7 7 7 7 0\n"
                                               "7 7 7 7 0 0\n"
                                               "7 7 7 0 0 0\n"
                                               "7 7 0 0 0 0\n"
                                               "7 0 0 0 0 0"));
}

// All touched: cell (c, r) meets the triangle when its left edge 10c is left of the hypotenuse at
// the cell's top edge, 10c < 1.2 (50 - 10r): c < 6, 4.8, 3.6, 2.4, 1.2 -> 6 + 5 + 4 + 3 + 2 = 20 cells.
TEST(Rasterize, TriangleAllTouchedIsHandCounted) {
    const auto w = wkb("POLYGON((1000 2000,1060 2000,1000 1950,1000 2000))");
    const auto g = io::rasterizeGeometries(smallGrid(), {&w}, {3.0}, true, -1);
    EXPECT_EQ(g, test::asciiGrid<std::int32_t>("3 3 3 3 3 3\n"
                                               "3 3 3 3 3 -1\n"
                                               "3 3 3 3 -1 -1\n"
                                               "3 3 3 -1 -1 -1\n"
                                               "3 3 -1 -1 -1 -1"));
}

TEST(Rasterize, LaterGeometriesWinAndNullsAreSkipped) {
    // Rectangle over columns 1..3 and rows 1..3 (centres 1015..1035, 1985..1965), then a square on
    // column 3, row 3 with another value; a null geometry in between is ignored.
    const auto a = wkb("POLYGON((1012 1962,1038 1962,1038 1991,1012 1991,1012 1962))");
    const std::vector<std::uint8_t> null;
    const auto b = wkb("POLYGON((1030 1960,1040 1960,1040 1970,1030 1970,1030 1960))");
    const auto g = io::rasterizeGeometries(smallGrid(), {&a, &null, &b}, {1401, 9, 2307});
    EXPECT_EQ(g, test::asciiGrid<std::int32_t>("0 0 0 0 0 0\n"
                                               "0 1401 1401 1401 0 0\n"
                                               "0 1401 1401 1401 0 0\n"
                                               "0 1401 1401 2307 0 0\n"
                                               "0 0 0 0 0 0"));
}

namespace {

struct Piece {
    std::int32_t value;
    double area;
};

std::vector<Piece> pieces(const raster::Grid<std::int32_t>& g, const raster::GridSpec& s, bool eight) {
    auto& ctx = vector::threadContext();
    std::vector<Piece> out;
    for (const auto& [w, v] : io::polygonizeGrid(g, s, eight))
        out.push_back({v, vector::area(ctx, vector::fromWkb(ctx, w).get())});
    std::sort(out.begin(), out.end(), [](const Piece& x, const Piece& y) {
        return x.value != y.value ? x.value < y.value : x.area < y.area;
    });
    return out;
}

} // namespace

TEST(Polygonize, AreasAreHandCountedAndRasterizingBackGivesTheGrid) {
    raster::GridSpec s = smallGrid();
    s.cols = 3;
    s.rows = 3;
    // 1: three cells (300 m2); 2: four 4-connected cells (400 m2); 0 is skipped.
    const auto g = test::asciiGrid<std::int32_t>("1 1 2\n"
                                                 "1 2 2\n"
                                                 "0 0 2");
    const auto p = pieces(g, s, false);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].value, 1);
    EXPECT_DOUBLE_EQ(p[0].area, 300.0);
    EXPECT_EQ(p[1].value, 2);
    EXPECT_DOUBLE_EQ(p[1].area, 400.0);

    // Round trip: burn the polygons back by cell centre.
    const auto polys = io::polygonizeGrid(g, s, false);
    std::vector<const std::vector<std::uint8_t>*> w;
    std::vector<double> v;
    for (const auto& [bytes, value] : polys) {
        w.push_back(&bytes);
        v.push_back(value);
    }
    EXPECT_EQ(io::rasterizeGeometries(s, w, v), g);
}

TEST(Polygonize, DiagonalCellsJoinOnlyWhenEightConnected) {
    raster::GridSpec s = smallGrid();
    s.cols = 2;
    s.rows = 2;
    const auto g = test::asciiGrid<std::int32_t>("3 0\n0 3");
    const auto four = pieces(g, s, false);
    ASSERT_EQ(four.size(), 2u);
    EXPECT_DOUBLE_EQ(four[0].area, 100.0);
    EXPECT_DOUBLE_EQ(four[1].area, 100.0);
    const auto eight = pieces(g, s, true);
    ASSERT_EQ(eight.size(), 1u);
    EXPECT_EQ(eight[0].value, 3);
    EXPECT_DOUBLE_EQ(eight[0].area, 200.0);
}
