#include "report/compare.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/gdal_env.hpp"
#include "vector/geos.hpp"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>

namespace xiongguan::report {

namespace fs = std::filesystem;
using core::cat;

namespace {

constexpr int kMaxPerFile = 20; // differences listed per file before "... and N more"

bool numbersEqual(double a, double b, double tol) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (a == b) return true;
    return std::fabs(a - b) <= tol * std::max({std::fabs(a), std::fabs(b), 1.0});
}

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open");
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

/// Collects differences of one file with a cap.
struct Sink {
    std::vector<Difference>& out;
    std::string file;
    int count = 0;
    void add(const std::string& m) {
        if (count++ < kMaxPerFile) out.push_back({file, m});
    }
    void close() {
        if (count > kMaxPerFile) out.push_back({file, cat("... and ", count - kMaxPerFile, " more differences")});
    }
};

std::vector<std::string> listTree(const std::string& dir) {
    std::vector<std::string> out;
    if (!fs::is_directory(dir)) throw IoError(dir + ": is not a folder");
    auto it = fs::recursive_directory_iterator(dir);
    for (; it != fs::recursive_directory_iterator(); ++it) {
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file()) out.push_back(fs::relative(it->path(), dir).string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isSideFile(const std::string& rel) {
    const std::string p = lower(rel);
    for (const char* ext : {".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".aux.xml", ".ovr", ".qmd"})
        if (p.size() > std::strlen(ext) && p.compare(p.size() - std::strlen(ext), std::strlen(ext), ext) == 0) {
            // A .dbf without a .shp (a table alone) is not a side file; handled by the caller.
            return true;
        }
    return false;
}

// ---- JSON ----
void compareJson(const nlohmann::json& a, const nlohmann::json& b, const std::string& path, double tol, Sink& sink) {
    const std::string where = path.empty() ? "(root)" : path;
    if (a.is_number() && b.is_number()) {
        const double x = a.get<double>(), y = b.get<double>();
        if (!numbersEqual(x, y, tol)) sink.add(cat(where, ": ", num(x), " vs ", num(y), " (difference ", num(y - x), ")"));
        return;
    }
    if (a.type() != b.type()) {
        sink.add(cat(where, ": ", a.dump(), " vs ", b.dump()));
        return;
    }
    if (a.is_object()) {
        for (const auto& [k, v] : a.items()) {
            const std::string p = path.empty() ? k : path + "." + k;
            if (!b.contains(k))
                sink.add(cat(p, ": only in A"));
            else
                compareJson(v, b[k], p, tol, sink);
        }
        for (const auto& [k, v] : b.items())
            if (!a.contains(k)) sink.add(cat(path.empty() ? k : path + "." + k, ": only in B"));
        return;
    }
    if (a.is_array()) {
        if (a.size() != b.size()) sink.add(cat(where, ": ", a.size(), " items vs ", b.size()));
        for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
            compareJson(a[i], b[i], path + "[" + std::to_string(i) + "]", tol, sink);
        return;
    }
    if (a != b) sink.add(cat(where, ": ", a.dump(), " vs ", b.dump()));
}

// ---- CSV ----
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                row.push_back(field);
                rows.push_back(row);
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (any || !field.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

bool parseNumber(const std::string& s, double& v) {
    if (s.empty()) return false;
    char* end = nullptr;
    v = std::strtod(s.c_str(), &end);
    return end && *end == '\0';
}

void compareCsv(const std::string& pa, const std::string& pb, double tol, Sink& sink) {
    const auto a = parseCsv(readAll(pa)), b = parseCsv(readAll(pb));
    if (a.size() != b.size()) sink.add(cat(a.size(), " rows vs ", b.size()));
    for (size_t r = 0; r < std::min(a.size(), b.size()); ++r) {
        if (a[r].size() != b[r].size()) {
            sink.add(cat("row ", r + 1, ": ", a[r].size(), " fields vs ", b[r].size()));
            continue;
        }
        for (size_t c = 0; c < a[r].size(); ++c) {
            double x = 0, y = 0;
            const bool nx = parseNumber(a[r][c], x), ny = parseNumber(b[r][c], y);
            const bool same = (nx && ny) ? numbersEqual(x, y, tol) : a[r][c] == b[r][c];
            if (!same) {
                const std::string col = (!a.empty() && c < a[0].size()) ? a[0][c] : std::to_string(c + 1);
                const std::string key = a[r].empty() ? "" : a[r][0];
                sink.add(cat("row ", r + 1, " (", key, ") column '", col, "': '", a[r][c], "' vs '", b[r][c], "'"));
            }
        }
    }
}

// ---- rasters ----
std::string srsWkt(GDALDatasetH ds) {
    const char* w = GDALGetProjectionRef(ds);
    return w ? w : "";
}

void compareRaster(const std::string& pa, const std::string& pb, const CompareOptions& opt, Sink& sink) {
    GDALDatasetH a = GDALOpen(pa.c_str(), GA_ReadOnly);
    GDALDatasetH b = GDALOpen(pb.c_str(), GA_ReadOnly);
    std::unique_ptr<void, void (*)(void*)> ga(a, [](void* p) { if (p) GDALClose(p); });
    std::unique_ptr<void, void (*)(void*)> gb(b, [](void* p) { if (p) GDALClose(p); });
    if (!a || !b) {
        sink.add(cat("cannot open as a raster in ", !a ? "A" : "B"));
        return;
    }
    const int w = GDALGetRasterXSize(a), h = GDALGetRasterYSize(a);
    if (w != GDALGetRasterXSize(b) || h != GDALGetRasterYSize(b)) {
        sink.add(cat("size ", w, "x", h, " vs ", GDALGetRasterXSize(b), "x", GDALGetRasterYSize(b)));
        return;
    }
    const std::string wa = srsWkt(a), wb = srsWkt(b);
    if (wa.empty() != wb.empty() || (!wa.empty() && !io::sameCrs(wa, wb)))
        sink.add(cat("CRS ", wa.empty() ? "(none)" : io::crsShortName(wa), " vs ", wb.empty() ? "(none)" : io::crsShortName(wb)));
    double gta[6] = {0, 1, 0, 0, 0, 1}, gtb[6] = {0, 1, 0, 0, 0, 1};
    GDALGetGeoTransform(a, gta);
    GDALGetGeoTransform(b, gtb);
    const double scale = std::max({std::fabs(gta[1]), std::fabs(gta[5]), 1e-300});
    for (int i = 0; i < 6; ++i) {
        const double tol = 1e-10 * std::max({std::fabs(gta[i]), std::fabs(gtb[i]), scale});
        if (std::fabs(gta[i] - gtb[i]) > tol) {
            sink.add(cat("geotransform[", i, "] ", num(gta[i]), " vs ", num(gtb[i])));
        }
    }
    const int nb = GDALGetRasterCount(a);
    if (nb != GDALGetRasterCount(b)) {
        sink.add(cat(nb, " bands vs ", GDALGetRasterCount(b)));
        return;
    }
    for (int bi = 1; bi <= nb; ++bi) {
        GDALRasterBandH ba = GDALGetRasterBand(a, bi), bb = GDALGetRasterBand(b, bi);
        const GDALDataType ta = GDALGetRasterDataType(ba), tb = GDALGetRasterDataType(bb);
        if (ta != tb) {
            sink.add(cat("band ", bi, ": type ", GDALGetDataTypeName(ta), " vs ", GDALGetDataTypeName(tb)));
            continue;
        }
        int hna = 0, hnb = 0;
        const double nda = GDALGetRasterNoDataValue(ba, &hna), ndb = GDALGetRasterNoDataValue(bb, &hnb);
        if (hna != hnb || (hna && !numbersEqual(nda, ndb, 0.0)))
            sink.add(cat("band ", bi, ": nodata ", hna ? num(nda) : "(none)", " vs ", hnb ? num(ndb) : "(none)"));
        const bool is_float = GDALDataTypeIsFloating(ta) != 0;
        std::int64_t differing = 0;
        double max_diff = 0.0;
        int first_col = -1, first_row = -1;
        double first_a = 0, first_b = 0;
        const int strip = 256;
        std::vector<double> bufa, bufb;
        for (int r0 = 0; r0 < h; r0 += strip) {
            const int rows = std::min(strip, h - r0);
            bufa.resize(static_cast<size_t>(w) * rows);
            bufb.resize(bufa.size());
            if (GDALRasterIO(ba, GF_Read, 0, r0, w, rows, bufa.data(), w, rows, GDT_Float64, 0, 0) != CE_None ||
                GDALRasterIO(bb, GF_Read, 0, r0, w, rows, bufb.data(), w, rows, GDT_Float64, 0, 0) != CE_None) {
                sink.add(cat("band ", bi, ": read error at row ", r0, ": ", io::lastGdalError()));
                break;
            }
            for (size_t i = 0; i < bufa.size(); ++i) {
                const double x = bufa[i], y = bufb[i];
                bool same;
                if (is_float) {
                    const bool na = std::isnan(x) || (hna && x == nda), nbv = std::isnan(y) || (hnb && y == ndb);
                    if (na || nbv) {
                        same = na && nbv;
                        if (!same) max_diff = INFINITY;
                    } else {
                        const double d = std::fabs(x - y);
                        max_diff = std::max(max_diff, d);
                        same = d <= opt.raster_tolerance;
                    }
                } else {
                    same = x == y;
                }
                if (!same) {
                    if (differing == 0) {
                        first_col = static_cast<int>(i % static_cast<size_t>(w));
                        first_row = r0 + static_cast<int>(i / static_cast<size_t>(w));
                        first_a = x;
                        first_b = y;
                    }
                    ++differing;
                }
            }
        }
        if (differing > 0) {
            std::string m = cat("band ", bi, ": ", differing, " of ", static_cast<std::int64_t>(w) * h, " pixels differ",
                                is_float ? cat(" (max difference ", num(max_diff), ", tolerance ", num(opt.raster_tolerance), ")")
                                         : std::string(" (class band, exact)"),
                                "; first at col ", first_col, " row ", first_row, ": ", num(first_a), " vs ", num(first_b));
            sink.add(m);
        } else if (is_float && max_diff > 0.0) {
            // Within tolerance: say so only in the debug log.
            core::logDebug("compare", cat(sink.file, ": band ", bi, " max difference ", num(max_diff), " within tolerance"));
        }
    }
}

// ---- vectors ----
struct OgrDs {
    GDALDatasetH h = nullptr;
    ~OgrDs() {
        if (h) GDALClose(h);
    }
};

vector::GeomPtr geosOf(vector::Context& ctx, OGRGeometryH g) {
    if (!g || OGR_G_IsEmpty(g)) return vector::GeomPtr(nullptr, vector::GeomDeleter{ctx.handle()});
    std::vector<std::uint8_t> wkb(static_cast<size_t>(OGR_G_WkbSize(g)));
    OGR_G_ExportToWkb(g, wkbNDR, wkb.data());
    return vector::fromWkb(ctx, wkb);
}

void compareVector(const std::string& pa, const std::string& pb, const CompareOptions& opt, Sink& sink) {
    OgrDs a, b;
    a.h = GDALOpenEx(pa.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    b.h = GDALOpenEx(pb.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!a.h || !b.h) {
        sink.add(cat("cannot open as a vector dataset in ", !a.h ? "A" : "B"));
        return;
    }
    const int nla = GDALDatasetGetLayerCount(a.h), nlb = GDALDatasetGetLayerCount(b.h);
    if (nla != nlb) sink.add(cat(nla, " layers vs ", nlb));
    auto& ctx = vector::threadContext();
    for (int li = 0; li < std::min(nla, nlb); ++li) {
        OGRLayerH la = GDALDatasetGetLayer(a.h, li), lb = GDALDatasetGetLayer(b.h, li);
        const std::string lname = OGR_L_GetName(la);
        const std::string pre = nla > 1 ? cat("layer '", lname, "': ") : std::string();
        const GIntBig ca = OGR_L_GetFeatureCount(la, TRUE), cb = OGR_L_GetFeatureCount(lb, TRUE);
        if (ca != cb) sink.add(cat(pre, ca, " features vs ", cb));
        OGRSpatialReferenceH sa = OGR_L_GetSpatialRef(la), sb = OGR_L_GetSpatialRef(lb);
        if ((sa == nullptr) != (sb == nullptr) || (sa && sb && !OSRIsSame(sa, sb)))
            sink.add(cat(pre, "CRS differs"));
        OGRFeatureDefnH da = OGR_L_GetLayerDefn(la), db = OGR_L_GetLayerDefn(lb);
        const int nfa = OGR_FD_GetFieldCount(da), nfb = OGR_FD_GetFieldCount(db);
        bool fields_same = nfa == nfb;
        for (int f = 0; fields_same && f < nfa; ++f) {
            OGRFieldDefnH fa = OGR_FD_GetFieldDefn(da, f), fb = OGR_FD_GetFieldDefn(db, f);
            if (std::string(OGR_Fld_GetNameRef(fa)) != OGR_Fld_GetNameRef(fb) || OGR_Fld_GetType(fa) != OGR_Fld_GetType(fb))
                fields_same = false;
        }
        if (!fields_same) {
            auto names = [](OGRFeatureDefnH d) {
                std::string s;
                for (int f = 0; f < OGR_FD_GetFieldCount(d); ++f)
                {
                    if (f) s += ',';
                    s += OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, f));
                }
                return s;
            };
            sink.add(cat(pre, "fields (", names(da), ") vs (", names(db), ")"));
            continue;
        }
        OGR_L_ResetReading(la);
        OGR_L_ResetReading(lb);
        for (GIntBig i = 0;; ++i) {
            OGRFeatureH fa = OGR_L_GetNextFeature(la);
            OGRFeatureH fb = OGR_L_GetNextFeature(lb);
            std::unique_ptr<void, void (*)(void*)> ka(fa, [](void* p) { if (p) OGR_F_Destroy(p); });
            std::unique_ptr<void, void (*)(void*)> kb(fb, [](void* p) { if (p) OGR_F_Destroy(p); });
            if (!fa || !fb) break;
            for (int f = 0; f < nfa; ++f) {
                const bool seta = OGR_F_IsFieldSetAndNotNull(fa, f) != 0, setb = OGR_F_IsFieldSetAndNotNull(fb, f) != 0;
                const std::string fname = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(da, f));
                if (seta != setb) {
                    sink.add(cat(pre, "feature ", i, " field '", fname, "': ", seta ? "set" : "null", " vs ", setb ? "set" : "null"));
                    continue;
                }
                if (!seta) continue;
                const OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(da, f));
                if (t == OFTReal || t == OFTInteger || t == OFTInteger64) {
                    const double x = OGR_F_GetFieldAsDouble(fa, f), y = OGR_F_GetFieldAsDouble(fb, f);
                    if (!numbersEqual(x, y, opt.tolerance))
                        sink.add(cat(pre, "feature ", i, " field '", fname, "': ", num(x), " vs ", num(y)));
                } else {
                    const std::string x = OGR_F_GetFieldAsString(fa, f), y = OGR_F_GetFieldAsString(fb, f);
                    if (x != y) sink.add(cat(pre, "feature ", i, " field '", fname, "': '", x, "' vs '", y, "'"));
                }
            }
            vector::GeomPtr gA = geosOf(ctx, OGR_F_GetGeometryRef(fa));
            vector::GeomPtr gB = geosOf(ctx, OGR_F_GetGeometryRef(fb));
            if (!gA || !gB) {
                if (static_cast<bool>(gA) != static_cast<bool>(gB))
                    sink.add(cat(pre, "feature ", i, ": geometry ", gA ? "set" : "empty", " vs ", gB ? "set" : "empty"));
                continue;
            }
            const double areaA = vector::area(ctx, gA.get()), areaB = vector::area(ctx, gB.get());
            if (areaA > 0 || areaB > 0) {
                vector::GeomPtr sd = vector::own(ctx, GEOSSymDifference_r(ctx.handle(), gA.get(), gB.get()), "symmetric difference");
                const double rel = vector::area(ctx, sd.get()) / std::max(areaA, areaB);
                if (rel > opt.area_tolerance)
                    sink.add(cat(pre, "feature ", i, ": geometries differ, symmetric difference ", num(rel),
                                 " of the area (tolerance ", num(opt.area_tolerance), ")"));
            } else {
                double d = 0.0;
                if (GEOSHausdorffDistance_r(ctx.handle(), gA.get(), gB.get(), &d) != 1) d = INFINITY;
                if (d > opt.hausdorff_m)
                    sink.add(cat(pre, "feature ", i, ": geometries differ, Hausdorff distance ", num(d), " (tolerance ",
                                 num(opt.hausdorff_m), ")"));
            }
        }
    }
}

} // namespace

std::vector<Difference> compareOutputs(const std::string& dir_a, const std::string& dir_b, const CompareOptions& opt) {
    const auto fa = listTree(dir_a), fb = listTree(dir_b);
    const std::set<std::string> sa(fa.begin(), fa.end()), sb(fb.begin(), fb.end());
    const std::set<std::string> ignore(opt.ignore.begin(), opt.ignore.end());
    std::vector<Difference> out;
    auto ignored = [&](const std::string& rel) { return ignore.count(fs::path(rel).filename().string()) > 0; };
    auto hasShp = [](const std::set<std::string>& s, const std::string& rel) {
        const std::string stem = (fs::path(rel).parent_path() / fs::path(rel).stem()).string();
        return s.count(stem + ".shp") || s.count(stem + ".SHP");
    };
    for (const auto& rel : fa) {
        if (ignored(rel)) continue;
        if (isSideFile(rel) && (hasShp(sa, rel) || lower(rel).find(".dbf") == std::string::npos)) {
            if (!sb.count(rel)) out.push_back({rel, "only in A"});
            continue;
        }
        if (!sb.count(rel)) {
            out.push_back({rel, "only in A"});
            continue;
        }
        const std::string pa = (fs::path(dir_a) / rel).string(), pb = (fs::path(dir_b) / rel).string();
        const std::string ext = lower(fs::path(rel).extension().string());
        Sink sink{out, rel};
        try {
            if (ext == ".tif" || ext == ".tiff") {
                compareRaster(pa, pb, opt, sink);
            } else if (ext == ".shp" || ext == ".gpkg" || ext == ".geojson" || ext == ".dbf") {
                compareVector(pa, pb, opt, sink);
            } else if (ext == ".json") {
                nlohmann::json ja, jb;
                try {
                    ja = nlohmann::json::parse(readAll(pa));
                    jb = nlohmann::json::parse(readAll(pb));
                    compareJson(ja, jb, "", opt.tolerance, sink);
                } catch (const nlohmann::json::exception&) {
                    if (readAll(pa) != readAll(pb)) sink.add("contents differ (not valid JSON)");
                }
            } else if (ext == ".csv") {
                compareCsv(pa, pb, opt.tolerance, sink);
            } else if (readAll(pa) != readAll(pb)) {
                sink.add("contents differ (byte comparison)");
            }
        } catch (const Error& e) {
            sink.add(cat("cannot compare: ", e.what()));
        }
        sink.close();
    }
    for (const auto& rel : fb)
        if (!sa.count(rel) && !ignored(rel)) out.push_back({rel, "only in B"});
    std::stable_sort(out.begin(), out.end(), [](const Difference& x, const Difference& y) { return x.file < y.file; });
    return out;
}

} // namespace xiongguan::report
