// ControlLayer's cell index (the shortcut that settles parcels wholly inside or wholly apart from
// a control polygon without GEOS): hand-made boxes around a square with a hole, and thousands of
// random parcels whose overlaps must be exactly those of the GEOS-only path.
#include "checks/review.hpp"
#include "vector/geos.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

using namespace xiongguan;
using Where = checks::ControlLayer::Where;

namespace {

std::vector<std::uint8_t> wkbOf(const std::string& wkt) {
    vector::Context& ctx = vector::threadContext();
    return vector::toWkb(ctx, vector::fromWkt(ctx, wkt).get());
}

vector::Envelope box(double x0, double y0, double x1, double y1) {
    vector::Envelope e;
    e.minx = x0;
    e.miny = y0;
    e.maxx = x1;
    e.maxy = y1;
    return e;
}

std::string boxWkt(const vector::Envelope& e) {
    auto n = [](double v) { return std::to_string(v); };
    return "POLYGON((" + n(e.minx) + " " + n(e.miny) + "," + n(e.maxx) + " " + n(e.miny) + "," + n(e.maxx) + " " +
           n(e.maxy) + "," + n(e.minx) + " " + n(e.maxy) + "," + n(e.minx) + " " + n(e.miny) + "))";
}

struct Lcg {
    std::uint64_t s;
    double next() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};

// Member 0: the square [0, 6400]^2 with the hole [3200, 4800]^2 (cells of 100 m, so the hole's
// edges fall on cell edges); member 1: two triangles.
std::vector<std::vector<std::uint8_t>> members() {
    return {wkbOf("POLYGON((0 0,6400 0,6400 6400,0 6400,0 0),(3200 3200,4800 3200,4800 4800,3200 4800,3200 3200))"),
            wkbOf("MULTIPOLYGON(((7000 0,9000 0,7000 2000,7000 0)),((7000 3000,9000 3000,9000 5000,7000 3000)))")};
}

} // namespace

TEST(ChecksCellIndex, BoxesAroundASquareWithAHole) {
    checks::ControlLayer layer("test", members(), {0, 1});
    layer.setCellIndexAfter(0);
    checks::Scratch s;
    EXPECT_EQ(layer.where(0, box(1000, 1000, 1050, 1050), s), Where::Inside);
    EXPECT_EQ(layer.where(0, box(3500, 3500, 3600, 3600), s), Where::Outside); // in the hole
    EXPECT_EQ(layer.where(0, box(6350, 100, 6450, 150), s), Where::Unknown);   // across the outer edge
    EXPECT_EQ(layer.where(0, box(4800, 3500, 4850, 3550), s), Where::Unknown); // touching the hole's edge
    EXPECT_EQ(layer.where(0, box(3190, 3500, 3199, 3550), s), Where::Unknown); // next to the hole, cell on its edge
    EXPECT_EQ(layer.where(0, box(6401, 100, 6500, 150), s), Where::Unknown);   // beyond the envelope
    EXPECT_EQ(layer.where(1, box(7100, 100, 7200, 200), s), Where::Inside);    // first triangle
    EXPECT_EQ(layer.where(1, box(8800, 1900, 8850, 1950), s), Where::Outside); // between the two
}

TEST(ChecksCellIndex, RandomParcelsGetTheOverlapsOfTheGeosPath) {
    checks::ControlLayer fast("fast", members(), {0, 1});
    checks::ControlLayer slow("slow", members(), {0, 1});
    fast.setCellIndexAfter(0);
    slow.setCellIndexAfter(SIZE_MAX);
    checks::Scratch s;
    vector::Context& ctx = s.ctx;
    Lcg r{42};
    int inside = 0, apart = 0;
    for (int q = 0; q < 4000; ++q) {
        const double x = r.next() * 9800 - 200, y = r.next() * 6800 - 200;
        const double w = q % 5 == 0 ? r.next() * 800 : r.next() * 60, h = r.next() * 60;
        // Every 7th parcel snapped to 100 m, so that it touches cell and hole edges exactly.
        const double sx = q % 7 == 0 ? std::round(x / 100) * 100 : x, sy = q % 7 == 0 ? std::round(y / 100) * 100 : y;
        const vector::Envelope e = box(sx, sy, sx + w + 1, sy + h + 1);
        vector::GeomPtr g = vector::fromWkt(ctx, boxWkt(e));
        const double area = vector::area(ctx, g.get());
        const vector::Envelope ge = vector::envelope(ctx, g.get());
        const checks::Overlap a = fast.overlap(g.get(), area, ge, s, true);
        const checks::Overlap b = slow.overlap(g.get(), area, ge, s, true);
        ASSERT_EQ(a.area_m2, b.area_m2) << boxWkt(e);
        ASSERT_EQ(a.members, b.members) << boxWkt(e);
        ASSERT_EQ(a.member_area_m2, b.member_area_m2) << boxWkt(e);
        ASSERT_EQ(a.touching, b.touching) << boxWkt(e);
        ASSERT_EQ(a.geom != nullptr, b.geom != nullptr) << boxWkt(e);
        for (size_t m = 0; m < 2; ++m) {
            const Where wh = fast.where(m, ge, s);
            inside += wh == Where::Inside;
            apart += wh == Where::Outside;
        }
    }
    // The shortcut is actually taken for most parcels (else this test would prove nothing).
    EXPECT_GT(inside, 1000);
    EXPECT_GT(apart, 1000);
}
