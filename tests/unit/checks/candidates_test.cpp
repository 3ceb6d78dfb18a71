// ControlLayer::candidates (the envelope filter of every overlay) must return exactly the members
// whose envelope meets the query, ascending: checked against a brute-force scan, for a small layer
// (linear scan) and a large one (envelope bins), including queries on bin edges and outside.
#include "checks/review.hpp"
#include "vector/geos.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace xiongguan;

namespace {

std::vector<std::uint8_t> boxWkb(double x0, double y0, double x1, double y1) {
    vector::Context& ctx = vector::threadContext();
    const std::string wkt = "POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + "," + std::to_string(x1) + " " +
                            std::to_string(y0) + "," + std::to_string(x1) + " " + std::to_string(y1) + "," +
                            std::to_string(x0) + " " + std::to_string(y1) + "," + std::to_string(x0) + " " +
                            std::to_string(y0) + "))";
    return vector::toWkb(ctx, vector::fromWkt(ctx, wkt).get());
}

// Deterministic pseudo-random numbers in [0, 1) (a small LCG: the test needs no statistics).
struct Lcg {
    std::uint64_t s;
    double next() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};

void checkAgainstBruteForce(size_t members, std::uint64_t seed) {
    Lcg r{seed};
    std::vector<std::vector<std::uint8_t>> wkbs;
    std::vector<vector::Envelope> envs;
    std::vector<size_t> src;
    for (size_t i = 0; i < members; ++i) {
        const double x = r.next() * 1000, y = r.next() * 1000;
        const double w = i % 10 == 0 ? 400 : 1 + r.next() * 30, h = 1 + r.next() * 30; // a few wide ones
        wkbs.push_back(boxWkb(x, y, x + w, y + h));
        src.push_back(i);
    }
    checks::ControlLayer layer("test", wkbs, src);
    for (size_t m = 0; m < members; ++m) envs.push_back(layer.env(m)); // GEOS envelopes of the boxes
    size_t hits = 0, empty = 0;
    for (int q = 0; q < 3000; ++q) {
        vector::Envelope e;
        if (q % 3 == 0) { // exactly a member's envelope: touches it and maybe its neighbours
            e = envs[static_cast<size_t>(q) % members];
        } else {
            e.minx = r.next() * 1600 - 300;
            e.miny = r.next() * 1600 - 300;
            e.maxx = e.minx + (q % 7 == 0 ? 0.0 : r.next() * 60); // some degenerate (point) queries
            e.maxy = e.miny + r.next() * 60;
        }
        std::vector<size_t> want;
        for (size_t m = 0; m < members; ++m)
            if (!(envs[m].minx > e.maxx || envs[m].maxx < e.minx || envs[m].miny > e.maxy || envs[m].maxy < e.miny))
                want.push_back(m);
        ASSERT_EQ(layer.candidates(e), want) << "query " << q;
        hits += want.size();
        empty += want.empty() ? 1 : 0;
    }
    // Every third query is a member's own envelope, so at least 1000 hits; some random queries
    // meet nothing (the filter does exclude).
    EXPECT_GE(hits, 1000u);
    EXPECT_GT(empty, 0u);
}

} // namespace

TEST(ChecksCandidates, SmallLayerLinearScan) { checkAgainstBruteForce(12, 7); }

TEST(ChecksCandidates, LargeLayerEnvelopeBins) { checkAgainstBruteForce(600, 11); }
