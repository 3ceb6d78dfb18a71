// Control lines as hard (forbid) or soft (weight) constraints of the land-use automaton.
#include "simulate/landuse_constraints.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/yaml_util.hpp"
#include "vector/geos.hpp"

#include <tbb/parallel_for.h>

namespace xiongguan::simulate {

using core::cat;

namespace {

constexpr int kRedline = 0, kFarmland = 1, kDevBoundary = 2, kWall = 3;

LineRule parseRule(const YAML::Node& n, const std::string& file, const std::string& key, bool dev) {
    LineRule r;
    auto setMode = [&](const std::string& m, const YAML::Node& at) {
        if (m == "off" || m == "none") r.mode = LineRule::Mode::Off;
        else if (m == "forbid") r.mode = LineRule::Mode::Forbid;
        else if (m == "weight") r.mode = LineRule::Mode::Weight;
        else if (dev && m == "forbid_outside_concentrated") r.mode = LineRule::Mode::Forbid;
        else if (dev && m == "forbid_outside") {
            r.mode = LineRule::Mode::Forbid;
            r.outside_any_zone = true;
        } else
            throw ConfigError(cat(io::where(file, at), ": constraints.", key, " mode '", m, "' is not known (expected ",
                                  dev ? "forbid, forbid_outside_concentrated, forbid_outside, weight, off"
                                      : "forbid, weight, off",
                                  ")"));
    };
    if (n.IsScalar()) {
        setMode(n.as<std::string>(), n);
        return r;
    }
    if (!n.IsMap()) throw ConfigError(cat(io::where(file, n), ": constraints.", key, " must be a word or a map"));
    io::requireKnownKeys(file, n, {"mode", "weight"}, "constraints." + key);
    if (n["weight"]) {
        r.mode = LineRule::Mode::Weight;
        r.weight = io::getDoubleIn(file, n, "weight", 1.0, 0.0, 1.0);
    }
    if (n["mode"]) {
        setMode(n["mode"].as<std::string>(), n["mode"]);
        if (r.mode == LineRule::Mode::Weight && !n["weight"])
            throw ConfigError(cat(io::where(file, n), ": constraints.", key, " mode 'weight' needs 'weight: 0..1'"));
    }
    return r;
}

nlohmann::ordered_json ruleJson(const LineRule& r, bool dev) {
    switch (r.mode) {
    case LineRule::Mode::Off: return "off";
    case LineRule::Mode::Forbid:
        return dev ? (r.outside_any_zone ? "forbid_outside" : "forbid_outside_concentrated") : "forbid";
    case LineRule::Mode::Weight: return nlohmann::ordered_json{{"weight", r.weight}};
    }
    return "off";
}

float ruleFactor(const LineRule& r) {
    return r.mode == LineRule::Mode::Forbid ? 0.0f
           : r.mode == LineRule::Mode::Weight ? static_cast<float>(r.weight)
                                              : 1.0f;
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

} // namespace

ConstraintOptions parseConstraints(const YAML::Node& node, const std::string& file) {
    ConstraintOptions o;
    if (!node) return o;
    if (!node.IsMap()) throw ConfigError(cat(io::where(file, node), ": constraints must be a map"));
    io::requireKnownKeys(file, node,
                         {"ecological_redline", "basic_farmland", "development_boundary", "great_wall_protection"},
                         "constraints");
    if (node["ecological_redline"]) o.ecological_redline = parseRule(node["ecological_redline"], file, "ecological_redline", false);
    if (node["basic_farmland"]) o.basic_farmland = parseRule(node["basic_farmland"], file, "basic_farmland", false);
    if (node["development_boundary"])
        o.development_boundary = parseRule(node["development_boundary"], file, "development_boundary", true);
    if (node["great_wall_protection"])
        o.great_wall_protection = parseRule(node["great_wall_protection"], file, "great_wall_protection", false);
    return o;
}

nlohmann::ordered_json constraintsJson(const ConstraintOptions& o) {
    return {{"ecological_redline", ruleJson(o.ecological_redline, false)},
            {"basic_farmland", ruleJson(o.basic_farmland, false)},
            {"development_boundary", ruleJson(o.development_boundary, true)},
            {"great_wall_protection", ruleJson(o.great_wall_protection, false)}};
}

std::vector<float> constraintFactors(const ConstraintOptions& o, const std::vector<char>& construction,
                                     const std::vector<char>& urban, const std::vector<char>& farmland) {
    const size_t K = construction.size();
    std::vector<float> f(256 * K * K, 1.0f);
    for (unsigned code = 0; code < 256; ++code)
        for (size_t j = 0; j < K; ++j)
            for (size_t k = 0; k < K; ++k) {
                if (j == k) continue;
                float v = 1.0f;
                if ((code >> kRedline & 1u) && construction[k] && !construction[j]) v *= ruleFactor(o.ecological_redline);
                if ((code >> kFarmland & 1u) && !farmland[k]) v *= ruleFactor(o.basic_farmland);
                if ((code >> kDevBoundary & 1u) && urban[k] && !urban[j]) v *= ruleFactor(o.development_boundary);
                if ((code >> kWall & 1u) && construction[k] && !construction[j]) v *= ruleFactor(o.great_wall_protection);
                f[(code * K + j) * K + k] = v;
            }
    return f;
}

ConstraintSet buildConstraints(const io::StudyArea& study, const std::vector<std::uint16_t>& classes,
                               const ConstraintOptions& o) {
    const auto& grid = study.grid;
    ConstraintSet cs;
    cs.zones = raster::Grid<std::uint8_t>(grid.cols, grid.rows, 0);
    const double ha = grid.cellArea_m2() / 1e4;
    auto orBits = [&](const raster::Grid<std::int32_t>& m, int bit, bool inside) {
        std::int64_t n = 0;
        for (size_t i = 0; i < m.size(); ++i)
            if ((m[i] != 0) == inside) {
                cs.zones[i] = static_cast<std::uint8_t>(cs.zones[i] | (1u << bit));
                ++n;
            }
        return static_cast<double>(n) * ha;
    };
    auto polys = [&](const vector::VectorLayer& l, const std::function<bool(size_t)>& keep) {
        std::vector<const std::vector<std::uint8_t>*> w;
        for (size_t i = 0; i < l.features.size(); ++i)
            if (!l.features[i].wkb.empty() && keep(i)) w.push_back(&l.features[i].wkb);
        return io::rasterizeGeometries(grid, w, std::vector<double>(w.size(), 1.0), false, 0);
    };
    auto skip = [&](const char* line, const char* role) { cs.summary[line] = cat("skipped: the study has no ", role, " layer"); };
    if (o.ecological_redline.mode != LineRule::Mode::Off) {
        if (study.has("ecological_redline")) {
            const auto l = io::loadVector(study, "ecological_redline");
            cs.summary["ecological_redline_ha"] = orBits(polys(l, [](size_t) { return true; }), kRedline, true);
        } else skip("ecological_redline", "ecological_redline");
    }
    if (o.basic_farmland.mode != LineRule::Mode::Off) {
        if (study.has("basic_farmland")) {
            const auto l = io::loadVector(study, "basic_farmland");
            cs.summary["basic_farmland_ha"] = orBits(polys(l, [](size_t) { return true; }), kFarmland, true);
        } else skip("basic_farmland", "basic_farmland");
    }
    if (o.development_boundary.mode != LineRule::Mode::Off) {
        if (study.has("development_boundary")) {
            const auto l = io::loadVector(study, "development_boundary");
            const int f = l.fieldIndex(study.layer("development_boundary").field("zone"));
            const bool any = o.development_boundary.outside_any_zone;
            const auto m = polys(l, [&](size_t i) {
                return any || (f >= 0 && lower(l.value(i, f).value_or("")) == "concentrated");
            });
            cs.summary[any ? "outside_development_boundary_ha" : "outside_concentrated_zone_ha"] =
                orBits(m, kDevBoundary, false);
        } else skip("development_boundary", "development_boundary");
    }
    if (o.great_wall_protection.mode != LineRule::Mode::Off) {
        if (study.has("heritage")) {
            const auto l = io::loadVector(study, "heritage");
            const int f = l.fieldIndex(study.layer("heritage").field("protection_m"));
            std::vector<std::vector<std::uint8_t>> bufs(l.features.size());
            tbb::parallel_for(size_t(0), l.features.size(), [&](size_t i) {
                if (l.features[i].wkb.empty() || f < 0) return;
                const auto w = l.number(i, f);
                if (!w || *w <= 0) return;
                auto& ctx = vector::threadContext();
                auto g = vector::fromWkb(ctx, l.features[i].wkb);
                bufs[i] = vector::toWkb(ctx, vector::buffer(ctx, g.get(), *w, 8).get());
            });
            std::vector<const std::vector<std::uint8_t>*> w;
            for (const auto& b : bufs)
                if (!b.empty()) w.push_back(&b);
            const auto m = io::rasterizeGeometries(grid, w, std::vector<double>(w.size(), 1.0), false, 0);
            cs.summary["great_wall_protection_ha"] = orBits(m, kWall, true);
        } else skip("great_wall_protection", "heritage");
    }
    const size_t K = classes.size();
    std::vector<char> construction(K, 0), urban(K, 0), farmland(K, 0);
    for (size_t k = 0; k < K; ++k) {
        const auto* c = study.classes.byValue(classes[k]);
        if (!c) continue;
        construction[k] = c->urban_construction || c->group == raster::ClassGroup::Built ||
                          c->group == raster::ClassGroup::Transport;
        urban[k] = c->urban_construction;
        farmland[k] = c->group == raster::ClassGroup::Farmland;
    }
    cs.factor = constraintFactors(o, construction, urban, farmland);
    return cs;
}

} // namespace xiongguan::simulate
