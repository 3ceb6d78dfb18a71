// GEOS wrappers: validity reasons with location, repair, areas, the envelope index, threads.
#include "support/support.hpp"

#include "core/errors.hpp"
#include "vector/feature.hpp"
#include "vector/geos.hpp"

#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

#include <atomic>

using namespace xiongguan;

TEST(Geos, InvalidReasonGivesTheLocation) {
    auto& ctx = vector::threadContext();
    auto ok = vector::fromWkt(ctx, "POLYGON((0 0,10 0,10 10,0 10,0 0))");
    EXPECT_EQ(vector::invalidReason(ctx, ok.get()), "");
    auto bowtie = vector::fromWkt(ctx, "POLYGON((0 0,10 10,10 0,0 10,0 0))");
    EXPECT_EQ(vector::invalidReason(ctx, bowtie.get()), "Self-intersection[5 5]");
    auto fixed = vector::polygonalPart(ctx, vector::makeValid(ctx, bowtie.get()).get());
    EXPECT_EQ(vector::invalidReason(ctx, fixed.get()), "");
    EXPECT_DOUBLE_EQ(vector::area(ctx, fixed.get()), 50.0); // two triangles of 10 x 5 / 2
}

TEST(Geos, AreaLengthEnvelopeByHand) {
    auto& ctx = vector::threadContext();
    auto l = vector::fromWkt(ctx, "LINESTRING(0 0,3 4,3 10)");
    EXPECT_DOUBLE_EQ(vector::length(ctx, l.get()), 11.0); // 5 + 6
    EXPECT_DOUBLE_EQ(vector::area(ctx, l.get()), 0.0);
    auto p = vector::fromWkt(ctx, "POLYGON((0 0,20 0,20 10,0 10,0 0),(5 2,7 2,7 4,5 4,5 2))");
    EXPECT_DOUBLE_EQ(vector::area(ctx, p.get()), 196.0);
    const auto e = vector::envelope(ctx, p.get());
    EXPECT_DOUBLE_EQ(e.maxx, 20.0);
    EXPECT_DOUBLE_EQ(e.maxy, 10.0);
    // WKB round trip keeps the geometry exactly.
    auto back = vector::fromWkb(ctx, vector::toWkb(ctx, p.get()));
    EXPECT_EQ(GEOSEqualsExact_r(ctx.handle(), p.get(), back.get(), 0.0), 1);
}

TEST(Geos, PolygonalPartDropsLinesAndPoints) {
    auto& ctx = vector::threadContext();
    auto g = vector::fromWkt(ctx, "GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1),POLYGON((0 0,2 0,2 2,0 0)))");
    auto p = vector::polygonalPart(ctx, g.get());
    EXPECT_EQ(GEOSGeomTypeId_r(ctx.handle(), p.get()), GEOS_MULTIPOLYGON);
    EXPECT_DOUBLE_EQ(vector::area(ctx, p.get()), 2.0);
    auto none = vector::polygonalPart(ctx, vector::fromWkt(ctx, "LINESTRING(0 0,1 1)").get());
    EXPECT_TRUE(vector::isEmpty(ctx, none.get()));
}

TEST(Geos, BadWktIsAGeometryErrorWithGeosMessage) {
    auto& ctx = vector::threadContext();
    try {
        vector::fromWkt(ctx, "POLYGON((0 0, 1 1)");
        FAIL() << "no exception";
    } catch (const GeometryError& e) {
        EXPECT_NE(std::string(e.what()).find("WKT read failed"), std::string::npos) << e.what();
    }
}

TEST(EnvelopeIndex, QueriesAreExactSortedAndThreadSafe) {
    // A 30 x 30 lattice of 1 x 1 boxes with 2-unit pitch.
    std::vector<vector::Envelope> envs;
    for (int r = 0; r < 30; ++r)
        for (int c = 0; c < 30; ++c)
            envs.push_back({c * 2.0, r * 2.0, c * 2.0 + 1, r * 2.0 + 1});
    vector::EnvelopeIndex idx(envs);
    // [2.5, 6.5] in x touches columns 1 (2..3), 2 (4..5) and 3 (6..7); [0, 0.5] in y only row 0.
    EXPECT_EQ(idx.query({2.5, 0.0, 6.5, 0.5}), (std::vector<size_t>{1, 2, 3}));
    // [3.5, 3.9] lies between columns 1 and 2; the tree's envelopes must not leak through.
    EXPECT_TRUE(idx.query({3.5, 0.0, 3.9, 0.5}).empty());
    EXPECT_TRUE(idx.query({1.2, 1.2, 1.8, 1.8}).empty()); // in a gap
    // Many threads, each with its own context, get what one thread gets.
    std::vector<std::vector<size_t>> got(200);
    tbb::parallel_for(0, 200, [&](int i) {
        const double x = (i % 20) * 3.0, y = (i / 20) * 5.0;
        got[static_cast<size_t>(i)] = idx.query({x, y, x + 4.0, y + 4.0});
    });
    for (int i = 0; i < 200; ++i) {
        const double x = (i % 20) * 3.0, y = (i / 20) * 5.0;
        std::vector<size_t> expect;
        for (size_t k = 0; k < envs.size(); ++k)
            if (envs[k].intersects({x, y, x + 4.0, y + 4.0})) expect.push_back(k);
        EXPECT_EQ(got[static_cast<size_t>(i)], expect) << i;
    }
}

TEST(VectorLayer, FieldsAndNumbersWithClearErrors) {
    auto l = test::layerFromWkt("land_supply", {"POINT(0 0)", "POINT(1 1)"}, {"parcel_id", "Price"},
                                {{"A1", "12.5"}, {"A2", "abc"}});
    EXPECT_EQ(l.fieldIndex("price"), 1);
    EXPECT_EQ(l.fieldIndex("nothing"), -1);
    EXPECT_DOUBLE_EQ(*l.number(0, 1), 12.5);
    try {
        l.number(1, 1);
        FAIL() << "no exception";
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("feature 1"), std::string::npos) << m;
        EXPECT_NE(m.find("'abc'"), std::string::npos) << m;
    }
    try {
        l.requireField("zone");
        FAIL() << "no exception";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("parcel_id, Price"), std::string::npos) << e.what();
    }
}
