#include "vector/geos.hpp"

#include "core/errors.hpp"

#include <cstdarg>
#include <cstdio>

namespace xiongguan::vector {

Context::Context() : m_handle(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(m_handle, &Context::onMessage, this);
}

Context::~Context() {
    if (m_wkb_reader) GEOSWKBReader_destroy_r(m_handle, m_wkb_reader);
    if (m_wkb_writer) GEOSWKBWriter_destroy_r(m_handle, m_wkb_writer);
    GEOS_finish_r(m_handle);
}

GEOSWKBReader* Context::wkbReader() {
    if (!m_wkb_reader) m_wkb_reader = GEOSWKBReader_create_r(m_handle);
    return m_wkb_reader;
}

GEOSWKBWriter* Context::wkbWriter() {
    if (!m_wkb_writer) {
        m_wkb_writer = GEOSWKBWriter_create_r(m_handle);
        GEOSWKBWriter_setByteOrder_r(m_handle, m_wkb_writer, GEOS_WKB_NDR);
    }
    return m_wkb_writer;
}

void Context::onMessage(const char* message, void* userdata) {
    static_cast<Context*>(userdata)->m_last_error = message ? message : "";
}

Context& threadContext() {
    thread_local Context ctx;
    return ctx;
}

GeomPtr own(Context& ctx, GEOSGeometry* g, const char* what) {
    if (!g) {
        std::string msg = std::string("GEOS ") + what + " failed";
        if (!ctx.lastError().empty()) msg += ": " + ctx.lastError();
        throw GeometryError(msg);
    }
    return GeomPtr(g, GeomDeleter{ctx.handle()});
}

GeomPtr fromWkb(Context& ctx, const std::vector<std::uint8_t>& wkb) {
    GEOSGeometry* g = GEOSWKBReader_read_r(ctx.handle(), ctx.wkbReader(), wkb.data(), wkb.size());
    return own(ctx, g, "WKB read");
}

GeomPtr fromWkt(Context& ctx, const std::string& wkt) {
    GEOSWKTReader* r = GEOSWKTReader_create_r(ctx.handle());
    GEOSGeometry* g = GEOSWKTReader_read_r(ctx.handle(), r, wkt.c_str());
    GEOSWKTReader_destroy_r(ctx.handle(), r);
    return own(ctx, g, "WKT read");
}

std::vector<std::uint8_t> toWkb(Context& ctx, const GEOSGeometry* g) {
    size_t n = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(ctx.handle(), ctx.wkbWriter(), g, &n);
    if (!buf) throw GeometryError("GEOS WKB write failed: " + ctx.lastError());
    std::vector<std::uint8_t> out(buf, buf + n);
    GEOSFree_r(ctx.handle(), buf);
    return out;
}

std::string toWkt(Context& ctx, const GEOSGeometry* g, int decimals) {
    GEOSWKTWriter* w = GEOSWKTWriter_create_r(ctx.handle());
    GEOSWKTWriter_setRoundingPrecision_r(ctx.handle(), w, decimals);
    GEOSWKTWriter_setTrim_r(ctx.handle(), w, 1);
    char* s = GEOSWKTWriter_write_r(ctx.handle(), w, g);
    GEOSWKTWriter_destroy_r(ctx.handle(), w);
    if (!s) throw GeometryError("GEOS WKT write failed: " + ctx.lastError());
    std::string out(s);
    GEOSFree_r(ctx.handle(), s);
    return out;
}

double area(Context& ctx, const GEOSGeometry* g) {
    double a = 0.0;
    if (!GEOSArea_r(ctx.handle(), g, &a)) throw GeometryError("GEOS area failed: " + ctx.lastError());
    return a;
}

double length(Context& ctx, const GEOSGeometry* g) {
    double l = 0.0;
    if (!GEOSLength_r(ctx.handle(), g, &l)) throw GeometryError("GEOS length failed: " + ctx.lastError());
    return l;
}

bool isEmpty(Context& ctx, const GEOSGeometry* g) {
    char r = GEOSisEmpty_r(ctx.handle(), g);
    if (r == 2) throw GeometryError("GEOS isEmpty failed: " + ctx.lastError());
    return r == 1;
}

std::string invalidReason(Context& ctx, const GEOSGeometry* g) {
    char valid = GEOSisValid_r(ctx.handle(), g);
    if (valid == 1) return {};
    char* reason = GEOSisValidReason_r(ctx.handle(), g);
    std::string out = reason ? reason : "invalid geometry";
    if (reason) GEOSFree_r(ctx.handle(), reason);
    return out;
}

GeomPtr makeValid(Context& ctx, const GEOSGeometry* g) {
    return own(ctx, GEOSMakeValid_r(ctx.handle(), g), "MakeValid");
}
GeomPtr intersection(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b) {
    return own(ctx, GEOSIntersection_r(ctx.handle(), a, b), "intersection");
}
GeomPtr difference(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b) {
    return own(ctx, GEOSDifference_r(ctx.handle(), a, b), "difference");
}
GeomPtr unionOf(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b) {
    return own(ctx, GEOSUnion_r(ctx.handle(), a, b), "union");
}
GeomPtr clone(Context& ctx, const GEOSGeometry* g) {
    return own(ctx, GEOSGeom_clone_r(ctx.handle(), g), "clone");
}

GeomPtr unaryUnion(Context& ctx, const std::vector<const GEOSGeometry*>& parts) {
    std::vector<GEOSGeometry*> clones;
    clones.reserve(parts.size());
    for (const auto* p : parts) clones.push_back(GEOSGeom_clone_r(ctx.handle(), p));
    GEOSGeometry* coll = GEOSGeom_createCollection_r(ctx.handle(), GEOS_GEOMETRYCOLLECTION,
                                                     clones.data(), static_cast<unsigned>(clones.size()));
    GeomPtr owned = own(ctx, coll, "collection");
    return own(ctx, GEOSUnaryUnion_r(ctx.handle(), owned.get()), "unary union");
}

GeomPtr buffer(Context& ctx, const GEOSGeometry* g, double distance, int quadsegs) {
    return own(ctx, GEOSBuffer_r(ctx.handle(), g, distance, quadsegs), "buffer");
}

GeomPtr polygonalPart(Context& ctx, const GEOSGeometry* g) {
    const int type = GEOSGeomTypeId_r(ctx.handle(), g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) return clone(ctx, g);
    std::vector<GEOSGeometry*> polys;
    if (type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx.handle(), g);
        for (int i = 0; i < n; ++i) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(ctx.handle(), g, i);
            const int pt = GEOSGeomTypeId_r(ctx.handle(), part);
            if (pt == GEOS_POLYGON) {
                polys.push_back(GEOSGeom_clone_r(ctx.handle(), part));
            } else if (pt == GEOS_MULTIPOLYGON) {
                const int m = GEOSGetNumGeometries_r(ctx.handle(), part);
                for (int j = 0; j < m; ++j)
                    polys.push_back(GEOSGeom_clone_r(ctx.handle(), GEOSGetGeometryN_r(ctx.handle(), part, j)));
            }
        }
    }
    return own(ctx,
               GEOSGeom_createCollection_r(ctx.handle(), GEOS_MULTIPOLYGON, polys.data(),
                                           static_cast<unsigned>(polys.size())),
               "multipolygon");
}

Envelope envelope(Context& ctx, const GEOSGeometry* g) {
    Envelope e;
    if (isEmpty(ctx, g)) return e;
    GEOSGeom_getXMin_r(ctx.handle(), g, &e.minx);
    GEOSGeom_getYMin_r(ctx.handle(), g, &e.miny);
    GEOSGeom_getXMax_r(ctx.handle(), g, &e.maxx);
    GEOSGeom_getYMax_r(ctx.handle(), g, &e.maxy);
    return e;
}

PreparedPtr prepare(Context& ctx, const GEOSGeometry* g) {
    const GEOSPreparedGeometry* p = GEOSPrepare_r(ctx.handle(), g);
    if (!p) throw GeometryError("GEOS prepare failed: " + ctx.lastError());
    return PreparedPtr(p, PreparedDeleter{ctx.handle()});
}

} // namespace xiongguan::vector
