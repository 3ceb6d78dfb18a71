// io::classRasterCounts: the per-class cell counts of a class raster read tile by tile, checked
// against counts made by hand from the values written, and against io::readClassRaster (nodata,
// partial edge tiles, Byte and UInt16 files, off-grid files, unknown values).
#include "fixtures.hpp"
#include "support/support.hpp"

#include "core/errors.hpp"
#include "io/raster_io.hpp"

#include <gtest/gtest.h>

using namespace xiongguan;

namespace {

constexpr double kX0 = 500000.0, kY0 = 4400000.0;
constexpr std::uint16_t kValues[4] = {101, 701, 1401, 2307};

// 70 x 45 cells: 16 x 16 tiles leave partial tiles on the right and at the bottom. Cell (c, r)
// holds kValues[(c + 2r) % 4], except every 11th cell, which holds `nodata`.
template <typename T> raster::Grid<T> pattern(T nodata, bool small_values) {
    raster::Grid<T> g(70, 45, 0);
    for (int r = 0; r < 45; ++r)
        for (int c = 0; c < 70; ++c) {
            const int i = r * 70 + c;
            const std::uint16_t v = kValues[(c + 2 * r) % 4];
            g.at(c, r) = i % 11 == 0 ? nodata : static_cast<T>(small_values ? v % 256 : v);
        }
    return g;
}

std::vector<std::uint64_t> countsOf(const raster::ClassGrid& g) {
    std::vector<std::uint64_t> n(65536, 0);
    for (auto v : g.values()) ++n[v];
    return n;
}

const std::vector<std::string> kTiled = {"TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"};

} // namespace

TEST(ClassRasterCounts, TiledUInt16WithNodataMatchesHandCountsAndTheFullRead) {
    test::TempDir dir;
    const auto grid = test::grid4542(70, 45, kX0, kY0);
    test::writeTiff(dir.file("lu.tif"), pattern<std::uint16_t>(9999, false), kX0, kY0, 10, 4542, 9999.0, kTiled);
    const auto counts =
        io::classRasterCounts(dir.file("lu.tif"), grid, test::smallClassTable(), io::Resample::Refuse);
    // By hand: 3150 cells, of which ceil(3150 / 11) = 287 are nodata (i = 0, 11, ..., 3146).
    std::vector<std::uint64_t> expect(65536, 0);
    expect[0] = 287;
    for (int r = 0; r < 45; ++r)
        for (int c = 0; c < 70; ++c)
            if ((r * 70 + c) % 11 != 0) ++expect[kValues[(c + 2 * r) % 4]];
    EXPECT_EQ(counts, expect);
    EXPECT_EQ(expect[101] + expect[701] + expect[1401] + expect[2307], 3150u - 287u);
    EXPECT_EQ(counts, countsOf(io::readClassRaster(dir.file("lu.tif"), grid, test::smallClassTable(),
                                                   io::Resample::Refuse)));
}

TEST(ClassRasterCounts, StripedAndOffGridFilesGiveTheFullReadCounts) {
    test::TempDir dir;
    // A striped (untiled) file on the grid, and the same values on a 20 m grid (resampled).
    test::writeTiff(dir.file("strips.tif"), pattern<std::uint16_t>(0, false), kX0, kY0, 10, 4542, std::nullopt);
    const auto grid = test::grid4542(70, 45, kX0, kY0);
    EXPECT_EQ(io::classRasterCounts(dir.file("strips.tif"), grid, test::smallClassTable(), io::Resample::Refuse),
              countsOf(io::readClassRaster(dir.file("strips.tif"), grid, test::smallClassTable(), io::Resample::Refuse)));
    const auto fine = test::grid4542(140, 90, kX0, kY0, 5.0);
    EXPECT_EQ(io::classRasterCounts(dir.file("strips.tif"), fine, test::smallClassTable(), io::Resample::Nearest),
              countsOf(io::readClassRaster(dir.file("strips.tif"), fine, test::smallClassTable(), io::Resample::Nearest)));
}

TEST(ClassRasterCounts, UnknownValueGivesTheSameErrorAsTheFullRead) {
    test::TempDir dir;
    // Byte file: 101 stays 101, the other codes wrap to values outside the table (701 % 256 = 189).
    test::writeTiff(dir.file("b.tif"), pattern<std::uint8_t>(255, true), kX0, kY0, 10, 4542, 255.0, kTiled);
    const auto grid = test::grid4542(70, 45, kX0, kY0);
    std::string full, counted;
    try {
        io::readClassRaster(dir.file("b.tif"), grid, test::smallClassTable(), io::Resample::Refuse);
    } catch (const InputError& e) {
        full = e.what();
    }
    try {
        io::classRasterCounts(dir.file("b.tif"), grid, test::smallClassTable(), io::Resample::Refuse);
    } catch (const InputError& e) {
        counted = e.what();
    }
    ASSERT_FALSE(full.empty());
    EXPECT_EQ(counted, full);
    // The first bad cell in row order: (col 1, row 0) holds 701 % 256 = 189.
    EXPECT_NE(full.find("(col 1, row 0)"), std::string::npos) << full;
    EXPECT_NE(full.find("189"), std::string::npos) << full;
}
