// Subcommand 'info': what a study area holds.
#include "cli/commands.hpp"

#include "core/log.hpp"
#include "io/describe.hpp"
#include "io/gdal_env.hpp"
#include "io/study.hpp"
#include "vector/geos.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

namespace xiongguan::cli {

namespace {

// `path` relative to `dir` when it lies inside it (for the table), else as is.
std::string relativeTo(const std::string& path, const std::string& dir) {
    std::error_code ec;
    const auto rel = std::filesystem::relative(path, dir, ec);
    if (ec || rel.empty() || *rel.begin() == "..") return path;
    return rel.string();
}

struct InfoOptions {
    std::string study;
    bool json = false;
};

int runInfo(const InfoOptions& opt) {
    const io::StudyArea study = io::loadStudy(opt.study);
    nlohmann::ordered_json out;
    out["study"] = study.name;
    out["title"] = study.title;
    out["synthetic"] = study.synthetic;
    out["crs"] = study.crs;
    out["grid"] = {{"cols", study.grid.cols}, {"rows", study.grid.rows}, {"cell_size_m", study.grid.cell_size_m},
                   {"origin_x", study.grid.origin_x}, {"origin_y", study.grid.origin_y}};
    auto describe = [](const std::string& role, const io::LayerSpec& spec) {
        const std::string& file = spec.file.empty() ? spec.polygons : spec.file;
        io::DatasetSummary d = io::describeDataset(file, spec.layer);
        nlohmann::ordered_json j;
        j["role"] = role;
        j["file"] = file;
        j["kind"] = d.kind;
        j["type"] = d.geometry_type;
        j[d.kind == "raster" ? "cells" : "features"] = d.count;
        j["crs"] = d.crs;
        j["extent"] = {d.minx, d.miny, d.maxx, d.maxy};
        // A land-use year given both as a raster and as polygons: the raster is used; list the
        // polygons too so that every file of the study shows up.
        if (!spec.file.empty() && !spec.polygons.empty()) {
            io::DatasetSummary p = io::describeDataset(spec.polygons, spec.layer);
            j["polygons"] = {{"file", spec.polygons}, {"features", p.count}, {"crs", p.crs}};
        }
        return j;
    };
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const auto& [year, spec] : study.landuse) layers.push_back(describe(spec.role, spec));
    for (const auto& [role, spec] : study.layers) layers.push_back(describe(role, spec));

    // Land area of the boundary (exact, GEOS) and the class histogram of each land-use year.
    vector::VectorLayer boundary = io::loadVector(study, "boundary");
    double land_m2 = 0.0;
    auto& ctx = vector::threadContext();
    for (const auto& f : boundary.features)
        if (!f.wkb.empty()) land_m2 += vector::area(ctx, vector::fromWkb(ctx, f.wkb).get());
    out["boundary_area_km2"] = land_m2 / 1e6;
    out["layers"] = layers;
    nlohmann::ordered_json hist;
    const double cell_ha = study.grid.cellArea_m2() / 1e4;
    for (int year : study.landuseYears()) {
        raster::ClassGrid lu = io::loadLanduse(study, year);
        std::map<std::uint16_t, long long> counts;
        for (auto v : lu.values())
            if (v) ++counts[v];
        nlohmann::ordered_json rows = nlohmann::ordered_json::array();
        for (const auto& c : study.classes.rows()) {
            auto it = counts.find(c.value);
            const long long n = it == counts.end() ? 0 : it->second;
            rows.push_back({{"code", c.code}, {"name", c.name}, {"cells", n}, {"hectares", static_cast<double>(n) * cell_ha}});
        }
        hist[std::to_string(year)] = rows;
    }
    out["classes_ha"] = hist;

    if (opt.json) {
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("study      %s (%s)%s\n", study.name.c_str(), study.title.c_str(),
                study.synthetic ? " [synthetic layers]" : "");
    std::printf("crs        %s\n", study.crs.c_str());
    std::printf("grid       %d x %d cells of %g m, origin (%.1f, %.1f)\n", study.grid.cols, study.grid.rows,
                study.grid.cell_size_m, study.grid.origin_x, study.grid.origin_y);
    std::printf("land area  %.2f km2 (boundary)\n\n", land_m2 / 1e6);
    std::printf("%-22s %-7s %-16s %12s %-10s %-45s %s\n", "role", "kind", "type", "count", "crs", "extent", "file");
    for (const auto& l : layers) {
        const long long n = l.contains("cells") ? l["cells"].get<long long>() : l["features"].get<long long>();
        const auto& e = l["extent"];
        char extent[128];
        const bool degrees = std::abs(e[2].get<double>()) <= 360.0;
        std::snprintf(extent, sizeof extent, degrees ? "(%.5f, %.5f) - (%.5f, %.5f)" : "(%.0f, %.0f) - (%.0f, %.0f)",
                      e[0].get<double>(), e[1].get<double>(), e[2].get<double>(), e[3].get<double>());
        std::printf("%-22s %-7s %-16s %12lld %-10s %-45s %s\n", l["role"].get<std::string>().c_str(),
                    l["kind"].get<std::string>().c_str(), l["type"].get<std::string>().c_str(), n,
                    l["crs"].get<std::string>().c_str(), extent,
                    relativeTo(l["file"].get<std::string>(), study.dir).c_str());
    }
    for (const auto& [year, rows] : hist.items()) {
        double total_ha = 0.0;
        for (const auto& r : rows) total_ha += r["hectares"].get<double>();
        std::printf("\nland use %s (ha)\n", year.c_str());
        // Name last: its width on screen is not its byte count (Chinese characters).
        for (const auto& r : rows)
            if (r["cells"].get<long long>() > 0)
                std::printf("  %-6s %12.2f %6.2f %%  %s\n", r["code"].get<std::string>().c_str(),
                            r["hectares"].get<double>(), total_ha > 0 ? 100.0 * r["hectares"].get<double>() / total_ha : 0.0,
                            r["name"].get<std::string>().c_str());
        std::printf("  %-6s %12.2f\n", "total", total_ha);
    }
    return 0;
}

} // namespace

void addInfoCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto opt = std::make_shared<InfoOptions>();
    auto* cmd = app.add_subcommand("info", "Print what a study area holds: layers, counts, CRS, extents, class areas");
    cmd->add_option("study", opt->study, "Study file (study.yaml)")->required();
    cmd->add_flag("--json", opt->json, "Print JSON instead of a table");
    cmd->callback([opt, &action]() { action = [opt]() { return runInfo(*opt); }; });
}

} // namespace xiongguan::cli
