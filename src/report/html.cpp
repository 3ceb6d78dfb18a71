#include "report/html.hpp"

#include "core/version.hpp"
#include "io/atomic_file.hpp"
#include "report/metrics.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <geos_c.h>
#include <oneapi/tbb/version.h>
#include <proj.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

namespace xiongguan::report {

namespace fs = std::filesystem;

namespace {

std::string base64(const unsigned char* data, size_t n) {
    static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    for (size_t i = 0; i < n; i += 3) {
        const unsigned v = (unsigned(data[i]) << 16) | (i + 1 < n ? unsigned(data[i + 1]) << 8 : 0u) |
                           (i + 2 < n ? unsigned(data[i + 2]) : 0u);
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
        out += i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out += i + 2 < n ? tbl[v & 63] : '=';
    }
    return out;
}

const char* kStyle = R"(<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{background:#d9f2d9}.fail{background:#f7d4d4}.skip{color:#777}
h1{font-size:20px}h2{font-size:16px;margin-top:1.5em}
img{border:1px solid #ccc;margin:4px;image-rendering:pixelated}
figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-size:12px}
</style>)";

std::string fmt(double v) {
    char buf[64];
    if (std::fabs(v) >= 1e6 || (std::fabs(v) < 1e-3 && v != 0.0))
        std::snprintf(buf, sizeof buf, "%.4g", v);
    else
        std::snprintf(buf, sizeof buf, "%.4f", v);
    std::string s = buf;
    if (s.find('.') != std::string::npos && s.find('e') == std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}

std::string humanSize(std::uintmax_t b) {
    char buf[32];
    if (b >= (1u << 20))
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1 << 20));
    else if (b >= 1024)
        std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(b) / 1024);
    else
        std::snprintf(buf, sizeof buf, "%ju B", b);
    return buf;
}

std::string marksHtml(const Indicator& ind) {
    std::string s;
    for (const auto& m : ind.marks) {
        const std::string cls = !m.pass ? "" : (*m.pass ? "pass" : "fail");
        s += "<td class=\"" + cls + "\">" + htmlEscape(m.name.empty() ? std::string("threshold") : m.name);
        if (m.threshold) {
            s += ' ';
            s += fmt(*m.threshold);
        }
        if (m.pass) s += *m.pass ? " &#10003; pass" : " &#10007; fail";
        s += "</td>";
    }
    return s;
}

} // namespace

nlohmann::ordered_json versions() {
    nlohmann::ordered_json v;
    v["xiongguan"] = kVersion;
    v["gdal"] = GDALVersionInfo("RELEASE_NAME");
    v["geos"] = GEOSversion();
    v["proj"] = proj_info().version;
    v["tbb"] = TBB_runtime_version();
    return v;
}

std::string htmlEscape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

namespace {
std::string quicklookOf(GDALDatasetH src, int max_px);
} // namespace

std::string quicklookBase64(const std::string& tif_path, int max_px) {
    GDALDatasetH src = GDALOpen(tif_path.c_str(), GA_ReadOnly);
    if (!src) return "";
    std::string r = quicklookOf(src, max_px);
    GDALClose(src);
    return r;
}

std::string quicklookBase64(const raster::ClassGrid& grid, const raster::ClassTable& classes, int max_px) {
    GDALDriverH mem = GDALGetDriverByName("MEM");
    if (!mem || grid.size() == 0) return "";
    GDALDatasetH ds = GDALCreate(mem, "", grid.cols(), grid.rows(), 1, GDT_UInt16, nullptr);
    if (!ds) return "";
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    std::string r;
    if (GDALRasterIO(b, GF_Write, 0, 0, grid.cols(), grid.rows(), const_cast<std::uint16_t*>(grid.data()), grid.cols(),
                     grid.rows(), GDT_UInt16, 0, 0) == CE_None) {
        GDALColorTableH ct = GDALCreateColorTable(GPI_RGB);
        GDALColorEntry none{255, 255, 255, 0};
        for (int v = 0; v <= classes.maxValue(); ++v) GDALSetColorEntry(ct, v, &none);
        for (const auto& c : classes.rows()) {
            GDALColorEntry e{c.rgb[0], c.rgb[1], c.rgb[2], 255};
            GDALSetColorEntry(ct, c.value, &e);
        }
        GDALSetRasterColorTable(b, ct);
        GDALDestroyColorTable(ct);
        r = quicklookOf(ds, max_px);
    }
    GDALClose(ds);
    return r;
}

namespace {
std::string quicklookOf(GDALDatasetH src, int max_px) {
    const int w = GDALGetRasterXSize(src), h = GDALGetRasterYSize(src);
    GDALRasterBandH band = GDALGetRasterBand(src, 1);
    const bool palette = band && GDALGetRasterColorTable(band) != nullptr;
    int out_w = w, out_h = h;
    if (w >= h && w > max_px) {
        out_w = max_px;
        out_h = std::max(1, static_cast<int>(std::lround(static_cast<double>(h) * max_px / w)));
    } else if (h > w && h > max_px) {
        out_h = max_px;
        out_w = std::max(1, static_cast<int>(std::lround(static_cast<double>(w) * max_px / h)));
    }
    CPLStringList args;
    args.AddString("-of");
    args.AddString("PNG");
    args.AddString("-outsize");
    args.AddString(std::to_string(out_w).c_str());
    args.AddString(std::to_string(out_h).c_str());
    args.AddString("-r");
    args.AddString("nearest");
    if (palette) {
        args.AddString("-expand");
        args.AddString("rgb");
    } else {
        double mm[2] = {0, 0};
        int ok_min = 0, ok_max = 0;
        mm[0] = GDALGetRasterMinimum(band, &ok_min);
        mm[1] = GDALGetRasterMaximum(band, &ok_max);
        if (!ok_min || !ok_max) {
            if (GDALComputeRasterMinMax(band, TRUE, mm) != CE_None) return "";
        }
        args.AddString("-ot");
        args.AddString("Byte");
        args.AddString("-scale");
        args.AddString(fmt(mm[0]).c_str());
        args.AddString(fmt(mm[1] > mm[0] ? mm[1] : mm[0] + 1).c_str());
        args.AddString("1");
        args.AddString("255");
        args.AddString("-a_nodata");
        args.AddString("0");
    }
    GDALTranslateOptions* opt = GDALTranslateOptionsNew(args.List(), nullptr);
    static std::atomic<unsigned> counter{0};
    const std::string mem = "/vsimem/xg_quicklook_" + std::to_string(counter.fetch_add(1)) + ".png";
    int usage_error = 0;
    GDALDatasetH out = opt ? GDALTranslate(mem.c_str(), src, opt, &usage_error) : nullptr;
    if (opt) GDALTranslateOptionsFree(opt);
    std::string result;
    if (out) {
        GDALClose(out);
        vsi_l_offset len = 0;
        GByte* bytes = VSIGetMemFileBuffer(mem.c_str(), &len, FALSE);
        if (bytes && len > 0) result = base64(bytes, static_cast<size_t>(len));
    }
    VSIUnlink(mem.c_str());
    VSIUnlink((mem + ".aux.xml").c_str());
    return result;
}
} // namespace

void writeRunReport(const std::string& path, const nlohmann::ordered_json& run, const nlohmann::ordered_json& metrics,
                    const std::vector<std::string>& files, const std::vector<Quicklook>& quicklooks) {
    std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
    const std::string id = run.value("id", std::string("run"));
    h += htmlEscape(id) + "</title>\n" + kStyle + "</head><body>\n";
    h += "<h1>Run " + htmlEscape(id) + "</h1>\n<table>\n";
    for (const auto& [k, v] : run.items())
        h += "<tr><th>" + htmlEscape(k) + "</th><td>" + htmlEscape(v.is_string() ? v.get<std::string>() : v.dump()) +
             "</td></tr>\n";
    h += "</table>\n";

    const auto indicators = findIndicators(metrics);
    std::set<std::string> ind_prefixes;
    if (!indicators.empty()) {
        h += "<h2>Indicators</h2>\n<table><tr><th>indicator</th><th>value</th><th>unit</th><th colspan=\"3\">thresholds</th></tr>\n";
        for (const auto& ind : indicators) {
            ind_prefixes.insert(ind.key + ".");
            h += "<tr><td>" + htmlEscape(ind.key) + (ind.estimate ? " [E]" : "") + "</td><td class=\"n\">" + fmt(ind.value) +
                 "</td><td>" + htmlEscape(ind.unit) + "</td>" + marksHtml(ind) + "</tr>\n";
        }
        h += "</table>\n";
    }
    h += "<h2>Metrics</h2>\n<table><tr><th>key</th><th>value</th></tr>\n";
    for (const auto& [k, v] : flatten(metrics)) {
        bool in_ind = false;
        for (const auto& p : ind_prefixes)
            if (k.compare(0, p.size(), p) == 0) in_ind = true;
        if (in_ind) continue;
        h += "<tr><td>" + htmlEscape(k) + "</td><td class=\"n\">" +
             htmlEscape(v.is_number_float() ? fmt(v.get<double>()) : scalarText(v)) + "</td></tr>\n";
    }
    h += "</table>\n";

    h += "<h2>Outputs</h2>\n<table><tr><th>file</th><th>size</th></tr>\n";
    const std::string dir = fs::path(path).parent_path().string();
    for (const auto& f : files) {
        std::error_code ec;
        const auto size = fs::file_size(fs::path(dir) / f, ec);
        h += "<tr><td><a href=\"" + htmlEscape(f) + "\">" + htmlEscape(f) + "</a></td><td class=\"n\">" +
             (ec ? std::string("") : humanSize(size)) + "</td></tr>\n";
    }
    h += "</table>\n";
    if (!quicklooks.empty()) {
        h += "<h2>Maps</h2>\n";
        for (const auto& q : quicklooks)
            h += "<figure><img alt=\"" + htmlEscape(q.title) + "\" src=\"data:image/png;base64," + q.png_base64 +
                 "\"><figcaption>" + htmlEscape(q.title) + "</figcaption></figure>\n";
    }
    h += "</body></html>\n";
    io::writeTextFile(path, h);
}

void writeCompareHtml(const std::string& path, const std::string& batch_name, const std::vector<RunColumn>& runs) {
    // Union of numeric keys in first-seen order; indicators by their value key.
    std::vector<std::string> keys;
    std::set<std::string> seen;
    std::vector<std::map<std::string, double>> values(runs.size());
    std::vector<std::map<std::string, int>> passes(runs.size()); // 1 all pass, 0 some fail
    for (size_t i = 0; i < runs.size(); ++i) {
        for (const auto& [k, v] : flatten(runs[i].metrics)) {
            if (!v.is_number()) continue;
            values[i][k] = v.get<double>();
            if (seen.insert(k).second) keys.push_back(k);
        }
        for (const auto& ind : findIndicators(runs[i].metrics)) {
            int state = -1;
            for (const auto& m : ind.marks)
                if (m.pass) state = (state == -1 ? 1 : state) & (*m.pass ? 1 : 0);
            if (state >= 0) passes[i][ind.key + ".value"] = state;
        }
    }
    std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + htmlEscape(batch_name) +
                    "</title>\n" + kStyle + "</head><body>\n<h1>Batch " + htmlEscape(batch_name) + "</h1>\n";
    h += "<table><tr><th>metric</th>";
    for (const auto& r : runs) h += "<th>" + htmlEscape(r.id) + "</th>";
    h += "</tr>\n<tr><td>status</td>";
    for (const auto& r : runs)
        h += "<td class=\"" + std::string(r.status == "failed" ? "fail" : "") + "\" title=\"" + htmlEscape(r.error) +
             "\">" + htmlEscape(r.status) + "</td>";
    h += "</tr>\n";
    for (const auto& k : keys) {
        h += "<tr><td>" + htmlEscape(k) + "</td>";
        for (size_t i = 0; i < runs.size(); ++i) {
            auto it = values[i].find(k);
            std::string cls = "n";
            auto p = passes[i].find(k);
            if (p != passes[i].end()) cls += p->second ? " pass" : " fail";
            h += "<td class=\"" + cls + "\">" + (it == values[i].end() ? std::string("") : fmt(it->second)) + "</td>";
        }
        h += "</tr>\n";
    }
    h += "</table>\n";
    bool any_error = false;
    for (const auto& r : runs) any_error |= !r.error.empty();
    if (any_error) {
        h += "<h2>Errors</h2>\n<table><tr><th>run</th><th>error</th></tr>\n";
        for (const auto& r : runs)
            if (!r.error.empty()) h += "<tr><td>" + htmlEscape(r.id) + "</td><td>" + htmlEscape(r.error) + "</td></tr>\n";
        h += "</table>\n";
    }
    h += "</body></html>\n";
    io::writeTextFile(path, h);
}

} // namespace xiongguan::report
