#pragma once

#include <geos_c.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace xiongguan::vector {

/// A reentrant GEOS context that keeps the last error / notice message.
/// One per thread: use `threadContext()`. Never share a context or a geometry between threads.
class Context {
  public:
    Context();
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    GEOSContextHandle_t handle() const { return m_handle; }
    /// Last message GEOS reported on this context (empty if none).
    const std::string& lastError() const { return m_last_error; }
    void clearError() { m_last_error.clear(); }
    /// The context's WKB reader and (little-endian) writer, made on first use and kept.
    GEOSWKBReader* wkbReader();
    GEOSWKBWriter* wkbWriter();

  private:
    static void onMessage(const char* message, void* userdata);
    GEOSContextHandle_t m_handle;
    std::string m_last_error;
    GEOSWKBReader* m_wkb_reader = nullptr;
    GEOSWKBWriter* m_wkb_writer = nullptr;
};

/// The calling thread's context, created on first use.
Context& threadContext();

/// Owned GEOS geometry, destroyed with the context that made it.
struct GeomDeleter {
    GEOSContextHandle_t handle = nullptr;
    void operator()(GEOSGeometry* g) const {
        if (g) GEOSGeom_destroy_r(handle, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

/// Wraps a raw result; throws GeometryError with the context's message when `g` is null.
GeomPtr own(Context& ctx, GEOSGeometry* g, const char* what);

GeomPtr fromWkb(Context& ctx, const std::vector<std::uint8_t>& wkb);
GeomPtr fromWkt(Context& ctx, const std::string& wkt);
std::vector<std::uint8_t> toWkb(Context& ctx, const GEOSGeometry* g);
std::string toWkt(Context& ctx, const GEOSGeometry* g, int decimals = 3);

/// Area in CRS units squared (0 for points and lines).
double area(Context& ctx, const GEOSGeometry* g);
double length(Context& ctx, const GEOSGeometry* g);
bool isEmpty(Context& ctx, const GEOSGeometry* g);
/// Empty string when valid; otherwise GEOS's reason with the location, e.g.
/// "Self-intersection[401300.5 4392000.25]".
std::string invalidReason(Context& ctx, const GEOSGeometry* g);
GeomPtr makeValid(Context& ctx, const GEOSGeometry* g);
GeomPtr intersection(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b);
GeomPtr difference(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b);
GeomPtr unionOf(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b);
/// Union of many geometries (cascaded). The inputs are cloned.
GeomPtr unaryUnion(Context& ctx, const std::vector<const GEOSGeometry*>& parts);
GeomPtr buffer(Context& ctx, const GEOSGeometry* g, double distance, int quadsegs = 8);
GeomPtr clone(Context& ctx, const GEOSGeometry* g);
/// Keeps only the polygonal parts of a geometry (drops points and lines from a collection);
/// returns an empty MultiPolygon when nothing polygonal is left.
GeomPtr polygonalPart(Context& ctx, const GEOSGeometry* g);

/// Axis-aligned envelope.
struct Envelope {
    double minx = 0, miny = 0, maxx = 0, maxy = 0;
    bool intersects(const Envelope& o) const {
        return !(o.minx > maxx || o.maxx < minx || o.miny > maxy || o.maxy < miny);
    }
};
Envelope envelope(Context& ctx, const GEOSGeometry* g);

/// Owned prepared geometry (built lazily by GEOS; never share between threads).
struct PreparedDeleter {
    GEOSContextHandle_t handle = nullptr;
    void operator()(const GEOSPreparedGeometry* p) const {
        if (p) GEOSPreparedGeom_destroy_r(handle, p);
    }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;
PreparedPtr prepare(Context& ctx, const GEOSGeometry* g);

} // namespace xiongguan::vector
