// Reprojection on load: the same polygon stored in EPSG:4326, EPSG:4490 and EPSG:4542 must land in
// the same place in the working CRS (EPSG:4542), in traditional GIS axis order.
#include "fixtures.hpp"
#include "support/support.hpp"

#include "io/vector_io.hpp"
#include "vector/geos.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace xiongguan;

namespace {

// Transverse Mercator forward (Snyder, "Map Projections: A Working Manual", eq. 8-9 and 8-10) on
// GRS80 / CGCS2000, k0 = 1, central meridian 99E, false easting 500 km: the definition of EPSG:4542.
// An independent reference for where a lon/lat point must land (Snyder's series is good to mm
// within 3 degrees of the central meridian).
std::pair<double, double> gk99(double lon_deg, double lat_deg) {
    const double a = 6378137.0, f = 1 / 298.257222101;
    const double e2 = f * (2 - f), e4 = e2 * e2, e6 = e4 * e2, ep2 = e2 / (1 - e2);
    const double d2r = M_PI / 180.0;
    const double phi = lat_deg * d2r;
    const double N = a / std::sqrt(1 - e2 * std::sin(phi) * std::sin(phi));
    const double T = std::tan(phi) * std::tan(phi);
    const double C = ep2 * std::cos(phi) * std::cos(phi);
    const double A = (lon_deg - 99.0) * d2r * std::cos(phi);
    const double M = a * ((1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi -
                          (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * std::sin(2 * phi) +
                          (15 * e4 / 256 + 45 * e6 / 1024) * std::sin(4 * phi) - (35 * e6 / 3072) * std::sin(6 * phi));
    const double x = N * (A + (1 - T + C) * std::pow(A, 3) / 6 +
                          (5 - 18 * T + T * T + 72 * C - 58 * ep2) * std::pow(A, 5) / 120);
    const double y = M + N * std::tan(phi) *
                             (A * A / 2 + (5 - T + 9 * C + 4 * C * C) * std::pow(A, 4) / 24 +
                              (61 - 58 * T + T * T + 600 * C - 330 * ep2) * std::pow(A, 6) / 720);
    return {500000.0 + x, y};
}

// A quadrilateral near the municipal government (98.2882E 39.7732N), lon/lat.
const std::vector<std::pair<double, double>> kLonLat = {
    {98.285, 39.765}, {98.297, 39.766}, {98.295, 39.776}, {98.284, 39.774}, {98.285, 39.765}};

std::string lonLatWkt() {
    std::string w = "POLYGON((";
    for (size_t i = 0; i < kLonLat.size(); ++i) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%.6f %.6f", i ? "," : "", kLonLat[i].first, kLonLat[i].second);
        w += buf;
    }
    return w + "))";
}

// The same ring in EPSG:4542 from the Snyder series (not from PROJ), 3 decimals (mm).
std::string gkWkt() {
    std::string w = "POLYGON((";
    for (size_t i = 0; i < kLonLat.size(); ++i) {
        auto [x, y] = gk99(kLonLat[i].first, kLonLat[i].second);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%.3f %.3f", i ? "," : "", x, y);
        w += buf;
    }
    return w + "))";
}

vector::VectorLayer load(const std::string& path) {
    io::VectorSource src;
    src.path = path;
    src.role = "boundary";
    return io::readVectorLayer(src, io::crsToWkt("EPSG:4542", "test"));
}

double hausdorff(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    auto& ctx = vector::threadContext();
    auto ga = vector::fromWkb(ctx, a), gb = vector::fromWkb(ctx, b);
    double d = -1;
    EXPECT_EQ(GEOSHausdorffDistance_r(ctx.handle(), ga.get(), gb.get(), &d), 1);
    return d;
}

} // namespace

TEST(Reproject, SnyderReferenceMatchesAKnownPoint) {
    // Sanity of the reference itself: the central meridian maps to x = 500 km exactly and the
    // equator to y = 0; 1 degree of latitude near 40N is about 111 km.
    EXPECT_NEAR(gk99(99.0, 0.0).first, 500000.0, 1e-6);
    EXPECT_NEAR(gk99(99.0, 0.0).second, 0.0, 1e-6);
    EXPECT_NEAR(gk99(99.0, 40.0).second - gk99(99.0, 39.0).second, 111030.0, 30.0);
}

TEST(Reproject, SamePolygonFrom4326And4490And4542LandsInTheSamePlace) {
    test::TempDir dir;
    const std::string wkt_ll = lonLatWkt();
    test::writeOgr(dir.file("p4326.shp"), "ESRI Shapefile", 4326, wkbPolygon, {{"name", OFTString}},
                   {{wkt_ll, {"a"}}});
    test::writeOgr(dir.file("p4490.shp"), "ESRI Shapefile", 4490, wkbPolygon, {{"name", OFTString}},
                   {{wkt_ll, {"a"}}});
    test::writeOgr(dir.file("p4542.shp"), "ESRI Shapefile", 4542, wkbPolygon, {{"name", OFTString}},
                   {{gkWkt(), {"a"}}});
    test::writeOgr(dir.file("p4490.gpkg"), "GPKG", 4490, wkbPolygon, {{"name", OFTString}}, {{wkt_ll, {"a"}}});
    test::writeOgr(dir.file("p4326.geojson"), "GeoJSON", 4326, wkbPolygon, {{"name", OFTString}},
                   {{wkt_ll, {"a"}}});

    const auto l4542 = load(dir.file("p4542.shp"));
    ASSERT_EQ(l4542.features.size(), 1u);
    for (const char* name : {"p4326.shp", "p4490.shp", "p4490.gpkg", "p4326.geojson"}) {
        const auto l = load(dir.file(name));
        ASSERT_EQ(l.features.size(), 1u) << name;
        EXPECT_LT(hausdorff(l.features[0].wkb, l4542.features[0].wkb), 0.5) << name;
        // Vertex by vertex against the Snyder series. Shapefile writers may reverse the ring (they
        // store outer rings clockwise), so match each expected vertex to its nearest loaded one.
        auto& ctx = vector::threadContext();
        auto g = vector::fromWkb(ctx, l.features[0].wkb);
        const GEOSGeometry* ring = GEOSGetExteriorRing_r(ctx.handle(), g.get());
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), ring);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n);
        ASSERT_EQ(n, kLonLat.size()) << name;
        for (size_t k = 0; k + 1 < kLonLat.size(); ++k) {
            auto [ex, ey] = gk99(kLonLat[k].first, kLonLat[k].second);
            double best = 1e300;
            for (unsigned i = 0; i < n; ++i) {
                double x = 0, y = 0;
                GEOSCoordSeq_getXY_r(ctx.handle(), seq, i, &x, &y);
                best = std::min(best, std::hypot(x - ex, y - ey));
            }
            EXPECT_LT(best, 0.5) << name << " vertex " << k << " expected at (" << ex << ", " << ey << ")";
        }
    }
    // Traditional axis order: easting first (about 439 km), northing second (about 4404 km).
    EXPECT_NEAR(l4542.features[0].env.minx, 439000, 1000);
    EXPECT_NEAR(l4542.features[0].env.miny, 4403300, 1000);
}

TEST(Reproject, CrsOverrideForAFileWithoutPrj) {
    test::TempDir dir;
    test::writeOgr(dir.file("noprj.shp"), "ESRI Shapefile", 0, wkbPolygon, {}, {{lonLatWkt(), {}}});
    io::VectorSource src;
    src.path = dir.file("noprj.shp");
    src.role = "boundary";
    src.crs = "EPSG:4326";
    const auto l = io::readVectorLayer(src, io::crsToWkt("EPSG:4542", "test"));
    ASSERT_EQ(l.features.size(), 1u);
    auto [ex, ey] = gk99(kLonLat[0].first, kLonLat[0].second);
    auto& ctx = vector::threadContext();
    auto g = vector::fromWkb(ctx, l.features[0].wkb);
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), GEOSGetExteriorRing_r(ctx.handle(), g.get()));
    double x = 0, y = 0;
    GEOSCoordSeq_getXY_r(ctx.handle(), seq, 0, &x, &y);
    EXPECT_NEAR(x, ex, 0.5);
    EXPECT_NEAR(y, ey, 0.5);
}
