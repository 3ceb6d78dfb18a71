#include "io/vector_fast.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/gdal_env.hpp"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <sqlite3.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>

#include "io/ogr_handles.hpp"

namespace xiongguan::io {

using core::cat;
namespace fs = std::filesystem;

namespace {

using detail::CtFree;
using detail::DsCloser;
using detail::DsPtr;
using detail::SrsFree;
using detail::FeatureFree;

// Layers smaller than this are read serially (opening extra handles is not worth it).
constexpr std::int64_t kMinParallelFeatures = 256;
// Feature-id ranges per layer (fixed, so the work split does not depend on the thread count).
constexpr std::int64_t kChunks = 6;

std::string quoteIdent(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

OGRLayerH openLayer(GDALDatasetH ds, const VectorSource& src) {
    return src.layer.empty() ? GDALDatasetGetLayer(ds, 0) : GDALDatasetGetLayerByName(ds, src.layer.c_str());
}

// The coordinate transformation from the layer's CRS to the target (null when the same CRS).
// Mirrors readVectorLayer's rules and messages.
std::unique_ptr<void, CtFree> makeTransform(OGRLayerH layer, const VectorSource& src, const std::string& target_wkt,
                                            const std::string& role) {
    std::unique_ptr<void, CtFree> ct;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    if (OGR_FD_GetGeomType(defn) == wkbNone || target_wkt.empty()) return ct;
    std::unique_ptr<void, SrsFree> src_srs;
    if (!src.crs.empty()) {
        OGRSpatialReferenceH s = OSRNewSpatialReference(nullptr);
        if (OSRSetFromUserInput(s, src.crs.c_str()) != OGRERR_NONE) {
            OSRDestroySpatialReference(s);
            throw ConfigError(src.path + ": crs '" + src.crs + "' is not known to PROJ");
        }
        src_srs.reset(s);
    } else if (OGRSpatialReferenceH s = OGR_L_GetSpatialRef(layer)) {
        src_srs.reset(OSRClone(s));
    }
    if (!src_srs)
        throw InputError(src.path + ": layer '" + role + "' has no CRS (.prj missing?); expected " +
                         crsShortName(target_wkt) + ", or set 'crs:' for this layer in the study file");
    OSRSetAxisMappingStrategy(static_cast<OGRSpatialReferenceH>(src_srs.get()), OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReferenceH dst = OSRNewSpatialReference(target_wkt.c_str());
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    if (!OSRIsSame(static_cast<OGRSpatialReferenceH>(src_srs.get()), dst)) {
        OGRCoordinateTransformationH t =
            OCTNewCoordinateTransformation(static_cast<OGRSpatialReferenceH>(src_srs.get()), dst);
        if (!t) {
            OSRDestroySpatialReference(dst);
            throw InputError(src.path + ": cannot transform layer '" + role + "' into " + crsShortName(target_wkt) +
                             ": " + lastGdalError());
        }
        ct.reset(t);
    }
    OSRDestroySpatialReference(dst);
    return ct;
}

// --- A conservative validity certificate for small simple polygons -----------------------------
// Most parcels are one ring of a few vertices. For those, GEOS's validity check costs more than
// reading the feature, so it is replaced by a certificate: one shell, no hole, finite coordinates,
// closed, at least 3 distinct vertices, no two adjacent edges collinear, and no two non-adjacent
// edges meeting at all, every orientation decided with a floating-point error bound. Such a ring is
// a simple closed curve, hence a valid polygon for GEOS. Whenever any test is uncertain (or the
// polygon is larger, has holes, is a multipolygon), the caller falls back to GEOS, which also gives
// the reason for invalid ones: the certificate can only say "valid", never "invalid".

constexpr std::uint32_t kMaxCertifiedVertices = 64;

// Sign of the orientation of (a, b, c): +1, -1, or 0 when the rounding error could flip it.
int orientation(const double* a, const double* b, const double* c) {
    const double l = (b[0] - a[0]) * (c[1] - a[1]);
    const double r = (b[1] - a[1]) * (c[0] - a[0]);
    const double det = l - r;
    const double bound = 1e-12 * (std::fabs(l) + std::fabs(r));
    if (det > bound) return 1;
    if (-det > bound) return -1;
    return 0;
}

// True when the WKB is a certainly valid single-ring polygon; `env` is then its envelope.
bool certifiedSimplePolygon(const std::vector<std::uint8_t>& w, vector::Envelope& env) {
    if constexpr (std::endian::native != std::endian::little) return false;
    if (w.size() < 13 || w[0] != 1) return false;
    std::uint32_t type = 0, nrings = 0, npts = 0;
    std::memcpy(&type, w.data() + 1, 4);
    std::memcpy(&nrings, w.data() + 5, 4);
    if (type != 3 || nrings != 1) return false;
    std::memcpy(&npts, w.data() + 9, 4);
    if (npts < 4 || npts > kMaxCertifiedVertices + 1 || w.size() != 13 + 16 * static_cast<size_t>(npts)) return false;
    double raw[2 * (kMaxCertifiedVertices + 1)];
    std::memcpy(raw, w.data() + 13, 16 * static_cast<size_t>(npts));
    for (std::uint32_t i = 0; i < 2 * npts; ++i)
        if (!std::isfinite(raw[i])) return false;
    if (raw[0] != raw[2 * (npts - 1)] || raw[1] != raw[2 * (npts - 1) + 1]) return false; // not closed
    // Distinct consecutive vertices, closing point dropped.
    double v[2 * kMaxCertifiedVertices];
    std::uint32_t n = 0;
    for (std::uint32_t i = 0; i + 1 < npts; ++i) {
        const double x = raw[2 * i], y = raw[2 * i + 1];
        if (n > 0 && v[2 * (n - 1)] == x && v[2 * (n - 1) + 1] == y) continue;
        v[2 * n] = x;
        v[2 * n + 1] = y;
        ++n;
    }
    while (n > 1 && v[2 * (n - 1)] == v[0] && v[2 * (n - 1) + 1] == v[1]) --n;
    if (n < 3) return false;
    auto P = [&](std::uint32_t i) { return v + 2 * (i % n); };
    // Adjacent edges (i-1, i) and (i, i+1) meet only at vertex i when not collinear.
    for (std::uint32_t i = 0; i < n; ++i)
        if (orientation(P(i + n - 1), P(i), P(i + 1)) == 0) return false;
    // Non-adjacent edges (i, i+1) and (j, j+1) must not meet at all.
    for (std::uint32_t i = 0; i < n; ++i) {
        const double* a = P(i);
        const double* b = P(i + 1);
        const double ax0 = std::min(a[0], b[0]), ax1 = std::max(a[0], b[0]);
        const double ay0 = std::min(a[1], b[1]), ay1 = std::max(a[1], b[1]);
        for (std::uint32_t j = i + 2; j < n; ++j) {
            if (i == 0 && j == n - 1) continue; // adjacent through the closing vertex
            const double* c = P(j);
            const double* d = P(j + 1);
            if (std::max(c[0], d[0]) < ax0 || std::min(c[0], d[0]) > ax1 || std::max(c[1], d[1]) < ay0 ||
                std::min(c[1], d[1]) > ay1)
                continue; // envelopes apart
            const int o1 = orientation(a, b, c), o2 = orientation(a, b, d);
            if (o1 == 0 || o2 == 0) return false;
            if (o1 == o2) continue; // c and d on the same side of ab
            const int o3 = orientation(c, d, a), o4 = orientation(c, d, b);
            if (o3 == 0 || o4 == 0) return false;
            if (o3 == o4) continue;
            return false; // the edges cross
        }
    }
    env.minx = env.maxx = v[0];
    env.miny = env.maxy = v[1];
    for (std::uint32_t i = 1; i < n; ++i) {
        env.minx = std::min(env.minx, v[2 * i]);
        env.maxx = std::max(env.maxx, v[2 * i]);
        env.miny = std::min(env.miny, v[2 * i + 1]);
        env.maxy = std::max(env.maxy, v[2 * i + 1]);
    }
    return true;
}

// One feature-id range, read by one task.
struct Chunk {
    std::vector<vector::Feature> features;
    std::vector<std::string> repairs;
    std::exception_ptr error; // the first error of the range (reading stops there)
};

void readChunk(const VectorSource& src, const std::string& target_wkt, InvalidPolicy invalid,
               const std::string& role, const std::string& fid_col, std::int64_t lo, std::int64_t hi, int nfields,
               Chunk& out) {
    const std::string& path = src.path;
    GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!ds) throw IoError(path + ": cannot open as a vector layer (layer '" + role + "'): " + lastGdalError());
    DsPtr owner(ds);
    OGRLayerH layer = openLayer(ds, src);
    if (!layer) throw IoError(path + ": layer '" + role + "' disappeared while reading");
    std::unique_ptr<void, CtFree> ct = makeTransform(layer, src, target_wkt, role);
    const std::string filter = cat(quoteIdent(fid_col), " >= ", lo, " AND ", quoteIdent(fid_col), " < ", hi);
    if (OGR_L_SetAttributeFilter(layer, filter.c_str()) != OGRERR_NONE)
        throw IoError(path + ": cannot select feature ids " + std::to_string(lo) + ".." + std::to_string(hi) +
                      " of layer '" + role + "': " + lastGdalError());
    // Real fields: round-trip text, printf("%.17g") as readVectorLayer writes it; std::to_chars
    // with the same precision is specified to give exactly that text and is much cheaper.
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    std::vector<char> is_real(static_cast<size_t>(nfields), 0);
    for (int i = 0; i < nfields; ++i)
        is_real[static_cast<size_t>(i)] = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)) == OFTReal;
    vector::Context& ctx = vector::threadContext();
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != nullptr) {
        std::unique_ptr<void, FeatureFree> fowner(f);
        vector::Feature feat;
        feat.fid = OGR_F_GetFID(f);
        feat.values.resize(static_cast<size_t>(nfields));
        for (int i = 0; i < nfields; ++i) {
            if (!OGR_F_IsFieldSetAndNotNull(f, i)) continue;
            if (is_real[static_cast<size_t>(i)]) {
                const double d = OGR_F_GetFieldAsDouble(f, i);
                char buf[64];
                const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general, 17);
                if (std::isfinite(d) && r.ec == std::errc()) {
                    feat.values[static_cast<size_t>(i)] = std::string(buf, r.ptr);
                } else {
                    std::snprintf(buf, sizeof buf, "%.17g", d);
                    feat.values[static_cast<size_t>(i)] = std::string(buf);
                }
                continue;
            }
            feat.values[static_cast<size_t>(i)] = std::string(OGR_F_GetFieldAsString(f, i));
        }
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && !OGR_G_IsEmpty(g)) {
            if (ct && OGR_G_Transform(g, static_cast<OGRCoordinateTransformationH>(ct.get())) != OGRERR_NONE)
                throw InputError(cat(path, ": feature ", feat.fid, " of layer '", role,
                                     "' cannot be transformed into ", crsShortName(target_wkt)));
            OGR_G_FlattenTo2D(g);
            std::vector<std::uint8_t> wkb(static_cast<size_t>(OGR_G_WkbSize(g)));
            OGR_G_ExportToIsoWkb(g, wkbNDR, wkb.data());
            if (certifiedSimplePolygon(wkb, feat.env)) {
                feat.wkb = std::move(wkb);
                out.features.push_back(std::move(feat));
                continue;
            }
            vector::GeomPtr geom = detail::decodeFeatureWkb(ctx, wkb, path, feat.fid, role);
            detail::checkPolygonValidity(ctx, geom, wkb, path, feat.fid, role, invalid, out.repairs);
            feat.env = vector::envelope(ctx, geom.get());
            feat.wkb = std::move(wkb);
        }
        out.features.push_back(std::move(feat));
    }
}

// --- GeoPackage tables read straight through SQLite ---------------------------------------------
// A GeoPackage is an SQLite file whose geometry column holds "GP" blobs: a small header (magic,
// version, flags, srs id, optional envelope) followed by standard WKB. When no reprojection is
// needed and every field is text, integer or real, a range of rows is read with one prepared
// statement and the WKB is taken from the blob as it is, which gives the same features as OGR
// (field text as OGR_F_GetFieldAsString gives it, ISO WKB) without building an OGR feature and an
// OGR geometry per row. Anything else (another header variant, Z/M or curve geometry, big-endian
// WKB) goes through OGR's own geometry parser for that row.

struct SqliteClose {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};

enum class FieldKind : std::uint8_t { Text, Integer, Real };

// The plan of a direct read: table, columns and how to turn each field into text.
struct SqlitePlan {
    std::string table, fid_col, geom_col;
    std::vector<std::string> fields;
    std::vector<FieldKind> kinds;
};

// The WKB inside a GeoPackage geometry blob; `empty` for the empty-geometry flag. False when the
// blob is not a standard GeoPackage binary the reader knows (the caller then uses OGR).
bool gpkgWkb(const unsigned char* b, int n, const unsigned char*& wkb, size_t& wkb_size, bool& empty) {
    if (n < 8 || b[0] != 'G' || b[1] != 'P' || b[2] != 0) return false;
    const unsigned flags = b[3];
    if (flags & 0x20) return false; // extended (non-standard) geometry type
    static constexpr int kEnvelopeBytes[8] = {0, 32, 48, 48, 64, -1, -1, -1};
    const int env = kEnvelopeBytes[(flags >> 1) & 7];
    if (env < 0 || n < 8 + env) return false;
    empty = (flags & 0x10) != 0;
    wkb = b + 8 + env;
    wkb_size = static_cast<size_t>(n - 8 - env);
    return true;
}

// Walks one little-endian 2D WKB geometry of type 1..6 at w[pos..n): advances `pos` past it and
// tells whether it is empty as OGR_G_IsEmpty says (a point of NaNs; no vertex, ring or part; a
// polygon whose outer ring has no vertex; a collection of empty parts). False when the bytes are
// anything else (the caller lets OGR parse them).
bool walkPlainWkb(const unsigned char* w, size_t n, size_t& pos, bool& empty, int depth) {
    if (pos + 5 > n || w[pos] != 1) return false;
    std::uint32_t type = 0, count = 0;
    std::memcpy(&type, w + pos + 1, 4);
    pos += 5;
    if (type == 1) {
        if (pos + 16 > n) return false;
        double xy[2];
        std::memcpy(xy, w + pos, 16);
        pos += 16;
        empty = std::isnan(xy[0]) && std::isnan(xy[1]);
        return true;
    }
    if (type < 2 || type > 6 || pos + 4 > n) return false;
    std::memcpy(&count, w + pos, 4);
    pos += 4;
    if (type == 2) {
        if (count > (n - pos) / 16) return false;
        pos += 16 * static_cast<size_t>(count);
        empty = count == 0;
        return true;
    }
    if (type == 3) {
        empty = true;
        for (std::uint32_t r = 0; r < count; ++r) {
            std::uint32_t pts = 0;
            if (pos + 4 > n) return false;
            std::memcpy(&pts, w + pos, 4);
            pos += 4;
            if (pts > (n - pos) / 16) return false;
            pos += 16 * static_cast<size_t>(pts);
            if (r == 0) empty = pts == 0;
        }
        return true;
    }
    if (depth > 0) return false; // no nested collections
    const std::uint32_t member = type - 3; // 4 -> points, 5 -> lines, 6 -> polygons
    empty = true;
    for (std::uint32_t k = 0; k < count; ++k) {
        if (pos + 5 > n) return false;
        std::uint32_t t = 0;
        std::memcpy(&t, w + pos + 1, 4);
        if (t != member) return false;
        bool e = false;
        if (!walkPlainWkb(w, n, pos, e, depth + 1)) return false;
        empty = empty && e;
    }
    return true;
}

// True when the WKB can be kept byte for byte (little-endian, 2D, point to multipolygon, exactly
// `n` bytes); `empty` then says whether OGR would call it empty.
bool plainIsoWkb(const unsigned char* w, size_t n, bool& empty) {
    if constexpr (std::endian::native != std::endian::little) return false;
    size_t pos = 0;
    return walkPlainWkb(w, n, pos, empty, 0) && pos == n;
}

// One feature-id range through SQLite. Returns false (with `out` cleared) when a row needs what
// this path does not handle; the caller then reads the range through OGR.
bool readChunkSqlite(const VectorSource& src, InvalidPolicy invalid, const std::string& role, const SqlitePlan& plan,
                     std::int64_t lo, std::int64_t hi, Chunk& out) {
    const std::string& path = src.path;
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        sqlite3_close(raw);
        return false;
    }
    std::unique_ptr<sqlite3, SqliteClose> db(raw);
    // Pages straight from the mapped file instead of copied by read() (read-only: nothing is written).
    sqlite3_exec(db.get(), "PRAGMA mmap_size=1073741824", nullptr, nullptr, nullptr);
    std::string sql = cat("SELECT ", quoteIdent(plan.fid_col), ", ", quoteIdent(plan.geom_col));
    for (const auto& f : plan.fields) sql += ", " + quoteIdent(f);
    sql += cat(" FROM ", quoteIdent(plan.table), " WHERE ", quoteIdent(plan.fid_col), " >= ?1 AND ",
               quoteIdent(plan.fid_col), " < ?2 ORDER BY ", quoteIdent(plan.fid_col));
    sqlite3_stmt* st_raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st_raw, nullptr) != SQLITE_OK) return false;
    std::unique_ptr<sqlite3_stmt, StmtFinalize> st(st_raw);
    sqlite3_bind_int64(st.get(), 1, lo);
    sqlite3_bind_int64(st.get(), 2, hi);
    vector::Context& ctx = vector::threadContext();
    const int nfields = static_cast<int>(plan.fields.size());
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        vector::Feature feat;
        feat.fid = sqlite3_column_int64(st.get(), 0);
        feat.values.resize(static_cast<size_t>(nfields));
        for (int i = 0; i < nfields; ++i) {
            const int col = i + 2;
            if (sqlite3_column_type(st.get(), col) == SQLITE_NULL) continue;
            auto& v = feat.values[static_cast<size_t>(i)];
            char buf[64];
            switch (plan.kinds[static_cast<size_t>(i)]) {
            case FieldKind::Text: {
                const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), col));
                v = std::string(t ? t : "", static_cast<size_t>(sqlite3_column_bytes(st.get(), col)));
                break;
            }
            case FieldKind::Integer: {
                const auto r = std::to_chars(buf, buf + sizeof buf, sqlite3_column_int64(st.get(), col));
                v = std::string(buf, r.ptr);
                break;
            }
            case FieldKind::Real: {
                const double d = sqlite3_column_double(st.get(), col);
                const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general, 17);
                if (std::isfinite(d) && r.ec == std::errc()) {
                    v = std::string(buf, r.ptr);
                } else {
                    std::snprintf(buf, sizeof buf, "%.17g", d);
                    v = std::string(buf);
                }
                break;
            }
            }
        }
        const int geom_type = sqlite3_column_type(st.get(), 1);
        if (geom_type != SQLITE_BLOB && geom_type != SQLITE_NULL) { // not a GeoPackage geometry: let OGR judge
            out = Chunk{};
            return false;
        }
        if (geom_type == SQLITE_BLOB) {
            const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(st.get(), 1));
            const int n = sqlite3_column_bytes(st.get(), 1);
            const unsigned char* w = nullptr;
            size_t wn = 0;
            bool empty = false;
            if (!gpkgWkb(blob, n, w, wn, empty)) {
                out = Chunk{};
                return false;
            }
            if (!empty) {
                std::vector<std::uint8_t> wkb;
                if (plainIsoWkb(w, wn, empty)) {
                    if (!empty) wkb.assign(w, w + wn);
                } else {
                    // Z/M, curves, big-endian: OGR parses it and writes 2D ISO WKB, as its reader would.
                    OGRGeometryH g = nullptr;
                    if (OGR_G_CreateFromWkbEx(w, nullptr, &g, wn) != OGRERR_NONE || !g)
                        throw InputError(cat(path, ": feature ", feat.fid, " of layer '", role,
                                             "' has a geometry that cannot be read"));
                    std::unique_ptr<void, detail::GeomFree> gown(g);
                    if (OGR_G_IsEmpty(g)) empty = true;
                    else {
                        OGR_G_FlattenTo2D(g);
                        wkb.resize(static_cast<size_t>(OGR_G_WkbSize(g)));
                        OGR_G_ExportToIsoWkb(g, wkbNDR, wkb.data());
                    }
                }
                if (!empty) {
                    if (certifiedSimplePolygon(wkb, feat.env)) {
                        feat.wkb = std::move(wkb);
                    } else {
                        vector::GeomPtr geom = detail::decodeFeatureWkb(ctx, wkb, path, feat.fid, role);
                        detail::checkPolygonValidity(ctx, geom, wkb, path, feat.fid, role, invalid, out.repairs);
                        feat.env = vector::envelope(ctx, geom.get());
                        feat.wkb = std::move(wkb);
                    }
                }
            }
        }
        out.features.push_back(std::move(feat));
    }
    if (rc != SQLITE_DONE) { // e.g. a WAL file that a read-only connection cannot open: OGR reads it, or words the error
        core::logDebug("load", cat(path, ": direct read of feature ids ", lo, "..", hi - 1, " stopped (",
                                   sqlite3_errmsg(db.get()), "); reading them through OGR"));
        out = Chunk{};
        return false;
    }
    return true;
}

// The direct plan for a layer, or nullopt when OGR must read it (reprojection, field types other
// than text / integer / real, no geometry column).
std::optional<SqlitePlan> sqlitePlan(OGRLayerH layer, bool reprojects) {
    if (reprojects) return std::nullopt;
    SqlitePlan plan;
    plan.table = OGR_L_GetName(layer);
    plan.fid_col = OGR_L_GetFIDColumn(layer);
    const char* geom = OGR_L_GetGeometryColumn(layer);
    plan.geom_col = geom ? geom : "";
    if (plan.fid_col.empty() || plan.geom_col.empty()) return std::nullopt;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    if (OGR_FD_GetGeomFieldCount(defn) != 1) return std::nullopt;
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        FieldKind k;
        switch (OGR_Fld_GetType(fd)) {
        case OFTString: k = FieldKind::Text; break;
        case OFTInteger:
        case OFTInteger64: k = FieldKind::Integer; break;
        case OFTReal: k = FieldKind::Real; break;
        default: return std::nullopt;
        }
        plan.fields.emplace_back(OGR_Fld_GetNameRef(fd));
        plan.kinds.push_back(k);
    }
    return plan;
}

} // namespace

vector::VectorLayer readVectorLayerParallel(const VectorSource& src, const std::string& target_wkt,
                                            InvalidPolicy invalid) {
    initGdal();
    const std::string& path = src.path;
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::error_code ec;
    if (ext != ".gpkg" || !src.encoding.empty() || !fs::exists(path, ec)) return readVectorLayer(src, target_wkt, invalid);
    const std::string role = src.role.empty() ? "layer" : src.role;

    GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!ds) return readVectorLayer(src, target_wkt, invalid); // the serial reader words the error
    DsPtr owner(ds);
    OGRLayerH layer = openLayer(ds, src);
    if (!layer) return readVectorLayer(src, target_wkt, invalid);
    const std::string fid_col = OGR_L_GetFIDColumn(layer);
    const std::int64_t count = OGR_L_GetFeatureCount(layer, FALSE);
    if (fid_col.empty() || count < kMinParallelFeatures) return readVectorLayer(src, target_wkt, invalid);

    // Feature-id range of the table.
    std::int64_t lo = 0, hi = -1;
    {
        const std::string sql = cat("SELECT MIN(", quoteIdent(fid_col), "), MAX(", quoteIdent(fid_col), ") FROM ",
                                    quoteIdent(OGR_L_GetName(layer)));
        OGRLayerH r = GDALDatasetExecuteSQL(ds, sql.c_str(), nullptr, nullptr);
        if (!r) return readVectorLayer(src, target_wkt, invalid);
        if (OGRFeatureH f = OGR_L_GetNextFeature(r)) {
            if (OGR_F_IsFieldSetAndNotNull(f, 0) && OGR_F_IsFieldSetAndNotNull(f, 1)) {
                lo = OGR_F_GetFieldAsInteger64(f, 0);
                hi = OGR_F_GetFieldAsInteger64(f, 1);
            }
            OGR_F_Destroy(f);
        }
        GDALDatasetReleaseResultSet(ds, r);
    }
    if (hi < lo) return readVectorLayer(src, target_wkt, invalid);

    vector::VectorLayer out;
    out.role = role;
    out.path = path;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    out.geometry_type = OGRGeometryTypeToName(OGR_FD_GetGeomType(defn));
    const int nfields = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < nfields; ++i) out.fields.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    const bool reprojects = makeTransform(layer, src, target_wkt, role) != nullptr; // CRS errors come first
    const std::optional<SqlitePlan> plan = sqlitePlan(layer, reprojects);
    owner.reset();

    // Contiguous id ranges [lo + k*step, lo + (k+1)*step), the last one up to hi inclusive.
    const std::int64_t span = hi - lo + 1;
    const std::int64_t step = (span + kChunks - 1) / kChunks;
    std::vector<Chunk> chunks(static_cast<size_t>(kChunks));
    tbb::parallel_for(std::int64_t(0), kChunks, [&](std::int64_t k) {
        Chunk& c = chunks[static_cast<size_t>(k)];
        const std::int64_t a = lo + k * step;
        const std::int64_t b = std::min(hi + 1, a + step);
        if (a >= b) return;
        try {
            if (!plan || !readChunkSqlite(src, invalid, role, *plan, a, b, c))
                readChunk(src, target_wkt, invalid, role, fid_col, a, b, nfields, c);
        } catch (...) {
            c.error = std::current_exception();
        }
    });
    size_t total = 0;
    for (const Chunk& c : chunks) total += c.features.size();
    out.features.reserve(total);
    for (Chunk& c : chunks) {
        // Features in id order, as the serial reader returns a GeoPackage table; the first error
        // in that order is the one reported.
        auto by_fid = [](const vector::Feature& x, const vector::Feature& y) { return x.fid < y.fid; };
        if (!std::is_sorted(c.features.begin(), c.features.end(), by_fid))
            std::stable_sort(c.features.begin(), c.features.end(), by_fid);
        if (c.error) std::rethrow_exception(c.error);
        for (auto& f : c.features) out.features.push_back(std::move(f));
        for (auto& r : c.repairs) out.repairs.push_back(std::move(r));
    }
    for (const auto& r : out.repairs) core::logWarn("load", r);
    return out;
}

} // namespace xiongguan::io
