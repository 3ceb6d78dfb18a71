#include "simulate/green_cover.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/raster_io.hpp"
#include "io/vector_io.hpp"
#include "io/yaml_util.hpp"
#include "vector/geos.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <limits>
#include <set>

namespace xiongguan::simulate {

namespace {

std::vector<std::string> getStringList(const std::string& file, const YAML::Node& map, const std::string& key,
                                       const std::vector<std::string>& def) {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) return def;
    std::vector<std::string> out;
    if (n.IsScalar()) return {n.as<std::string>()};
    if (!n.IsSequence())
        throw ConfigError(io::where(file, n) + ": '" + key + "' must be a list of strings");
    for (const auto& e : n) {
        if (!e.IsScalar()) throw ConfigError(io::where(file, e) + ": '" + key + "' must be a list of strings");
        out.push_back(e.as<std::string>());
    }
    return out;
}

std::optional<double> getOptShare(const std::string& file, const YAML::Node& map, const std::string& key) {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) return std::nullopt;
    return io::getDoubleIn(file, map, key, 0.0, 0.0, 1.0);
}

std::vector<std::uint16_t> classValues(const raster::ClassTable& ct, const std::vector<std::string>& codes,
                                       const std::string& key) {
    std::vector<std::uint16_t> v;
    for (const auto& c : codes) {
        const raster::ClassInfo* ci = ct.byCode(c);
        if (!ci) throw ConfigError(std::string(GreenCoverModel::kName) + ": " + key + " code '" + c +
                                   "' is not in the study's class table");
        v.push_back(ci->value);
    }
    return v;
}

raster::Grid<std::uint8_t> rasterizeMask(const io::StudyArea& study, const std::string& role) {
    vector::VectorLayer layer = io::loadVector(study, role);
    std::vector<const std::vector<std::uint8_t>*> wkbs;
    std::vector<double> values;
    for (const auto& f : layer.features) {
        wkbs.push_back(&f.wkb);
        values.push_back(1.0);
    }
    auto burned = io::rasterizeGeometries(study.grid, wkbs, values, false, 0);
    raster::Grid<std::uint8_t> m(study.grid.cols, study.grid.rows, 0);
    for (size_t i = 0; i < m.size(); ++i) m[i] = burned[i] ? 1 : 0;
    return m;
}

// Vertices of every line of a (multi)linestring WKB, in this thread's GEOS context.
void collectLines(vector::Context& ctx, const GEOSGeometry* g, std::vector<std::vector<graph::Point>>& out) {
    const int type = GEOSGeomTypeId_r(ctx.handle(), g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        const GEOSCoordSequence* cs = GEOSGeom_getCoordSeq_r(ctx.handle(), g);
        unsigned int n = 0;
        GEOSCoordSeq_getSize_r(ctx.handle(), cs, &n);
        std::vector<graph::Point> pts(n);
        for (unsigned int i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx.handle(), cs, i, &pts[i].x, &pts[i].y);
        out.push_back(std::move(pts));
    } else if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx.handle(), g);
        for (int i = 0; i < n; ++i) collectLines(ctx, GEOSGetGeometryN_r(ctx.handle(), g, i), out);
    }
}

// "YYYY-MM-DD" minus one year, as a comparable string.
std::string minusOneYear(const std::string& d) {
    if (d.size() < 10) return d;
    return std::to_string(std::stoi(d.substr(0, 4)) - 1) + d.substr(4);
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

void GreenCoverModel::configure(const YAML::Node& p, const std::string& f) {
    io::requireKnownKeys(f, p,
                         {"distance", "park_classes", "park_access_m", "max_access_m", "road_snap_m", "road_densify_m",
                          "small_park_m2", "large_park_m2", "small_radius_m", "large_radius_m", "target_green_cover",
                          "target_green_space", "candidates", "new_green_class", "water_budget_m3",
                          "irrigation_method", "green_quota_factor", "corridor_m", "river_classes", "idle_classes",
                          "as_of", "block_m", "write_rasters", "restore"},
                         kName);
    m_distance = io::getString(f, p, "distance", m_distance);
    if (m_distance != "network" && m_distance != "euclidean")
        throw ConfigError(io::where(f, p["distance"]) + ": 'distance' must be network or euclidean, got '" +
                          m_distance + "'");
    m_park_classes = getStringList(f, p, "park_classes", m_park_classes);
    m_service.park_access_m = io::getDoubleIn(f, p, "park_access_m", m_service.park_access_m, 0.0, 1000.0);
    m_service.max_access_m = io::getDoubleIn(f, p, "max_access_m", m_service.max_access_m, 0.0, 2000.0);
    m_road_snap_m = io::getDoubleIn(f, p, "road_snap_m", m_road_snap_m, 0.001, 100.0);
    m_road_densify_m = io::getDoubleIn(f, p, "road_densify_m", m_road_densify_m, 0.0, 10000.0);
    m_service.small_park_m2 = io::getDoubleIn(f, p, "small_park_m2", m_service.small_park_m2, 0.0, 1e9);
    m_service.large_park_m2 = io::getDoubleIn(f, p, "large_park_m2", m_service.large_park_m2, 0.0, 1e9);
    m_service.small_radius_m = io::getDoubleIn(f, p, "small_radius_m", m_service.small_radius_m, 0.0, 10000.0);
    m_service.large_radius_m = io::getDoubleIn(f, p, "large_radius_m", m_service.large_radius_m, 0.0, 10000.0);
    if (m_service.large_park_m2 < m_service.small_park_m2)
        throw ConfigError(f + ": " + kName + ": large_park_m2 must be >= small_park_m2");
    m_target_green_cover = getOptShare(f, p, "target_green_cover");
    m_target_green_space = getOptShare(f, p, "target_green_space");
    m_candidates = getStringList(f, p, "candidates", m_candidates);
    for (const auto& c : m_candidates)
        if (c != "idle_land" && c != "bare_in_boundary" && c != "taolai_corridor")
            throw ConfigError(io::where(f, p["candidates"]) + ": candidate '" + c +
                              "' is not known (expected idle_land, bare_in_boundary, taolai_corridor)");
    m_new_green_class = io::getString(f, p, "new_green_class", m_new_green_class);
    if (p["water_budget_m3"] && !p["water_budget_m3"].IsNull())
        m_water_budget_m3 = io::getDoubleIn(f, p, "water_budget_m3", 0.0, 0.0, 1e12);
    m_irrigation_method = io::getString(f, p, "irrigation_method", m_irrigation_method);
    if (m_irrigation_method != "district" && !parseIrrigationMethod(m_irrigation_method))
        throw ConfigError(io::where(f, p["irrigation_method"]) + ": 'irrigation_method' must be district, flood, "
                          "furrow, pipe, sprinkler, micro or drip, got '" + m_irrigation_method + "'");
    m_green_quota_factor = io::getDoubleIn(f, p, "green_quota_factor", m_green_quota_factor, 0.0, 10.0);
    m_corridor_m = io::getDoubleIn(f, p, "corridor_m", m_corridor_m, 0.0, 10000.0);
    m_river_classes = getStringList(f, p, "river_classes", m_river_classes);
    m_idle_classes = getStringList(f, p, "idle_classes", m_idle_classes);
    m_as_of = io::getString(f, p, "as_of", m_as_of);
    if (!m_as_of.empty() && (m_as_of.size() != 10 || m_as_of[4] != '-' || m_as_of[7] != '-'))
        throw ConfigError(io::where(f, p["as_of"]) + ": 'as_of' must be a date YYYY-MM-DD, got '" + m_as_of + "'");
    m_block_m = io::getDoubleIn(f, p, "block_m", m_block_m, 1.0, 10000.0);
    m_write_rasters = io::getBool(f, p, "write_rasters", m_write_rasters);
    if (const YAML::Node r = p["restore"]; r && !r.IsNull()) {
        if (!r.IsMap()) throw ConfigError(io::where(f, r) + ": 'restore' must be a map (to_class, area_ha, ...)");
        io::requireKnownKeys(f, r, {"to_class", "from_groups", "near_classes", "near_patch_min_ha", "within_m", "area_ha"},
                             std::string(kName) + ".restore");
        m_restore.enabled = true;
        m_restore.to_class = io::getString(f, r, "to_class", "");
        if (m_restore.to_class.empty()) throw ConfigError(io::where(f, r) + ": 'restore' needs 'to_class'");
        m_restore.from_groups = getStringList(f, r, "from_groups", m_restore.from_groups);
        for (const auto& g : m_restore.from_groups)
            if (!raster::parseClassGroup(g))
                throw ConfigError(io::where(f, r["from_groups"]) + ": 'restore.from_groups' group '" + g + "' is not known");
        m_restore.near_classes = getStringList(f, r, "near_classes", m_restore.near_classes);
        m_restore.near_patch_min_ha = io::getDoubleIn(f, r, "near_patch_min_ha", m_restore.near_patch_min_ha, 0.0, 1e6);
        m_restore.within_m = io::getDoubleIn(f, r, "within_m", m_restore.within_m, 0.0, 1e5);
        m_restore.area_ha = io::getDoubleIn(f, r, "area_ha", 0.0, 0.0, 1e6);
        if (m_restore.area_ha <= 0) throw ConfigError(io::where(f, r) + ": 'restore.area_ha' must be > 0");
    }
}

nlohmann::ordered_json GreenCoverModel::parameters() const {
    nlohmann::ordered_json j;
    j["distance"] = m_distance;
    j["park_classes"] = m_park_classes;
    j["park_access_m"] = m_service.park_access_m;
    j["max_access_m"] = m_service.max_access_m;
    j["road_snap_m"] = m_road_snap_m;
    j["road_densify_m"] = m_road_densify_m;
    j["small_park_m2"] = m_service.small_park_m2;
    j["large_park_m2"] = m_service.large_park_m2;
    j["small_radius_m"] = m_service.small_radius_m;
    j["large_radius_m"] = m_service.large_radius_m;
    j["target_green_cover"] = m_target_green_cover ? nlohmann::ordered_json(*m_target_green_cover) : nullptr;
    j["target_green_space"] = m_target_green_space ? nlohmann::ordered_json(*m_target_green_space) : nullptr;
    j["candidates"] = m_candidates;
    j["new_green_class"] = m_new_green_class;
    j["water_budget_m3"] = m_water_budget_m3 ? nlohmann::ordered_json(*m_water_budget_m3) : nullptr;
    j["irrigation_method"] = m_irrigation_method;
    j["green_quota_factor"] = m_green_quota_factor;
    j["corridor_m"] = m_corridor_m;
    j["river_classes"] = m_river_classes;
    j["idle_classes"] = m_idle_classes;
    j["as_of"] = m_as_of;
    j["block_m"] = m_block_m;
    j["write_rasters"] = m_write_rasters;
    if (m_restore.enabled)
        j["restore"] = {{"to_class", m_restore.to_class}, {"from_groups", m_restore.from_groups},
                        {"near_classes", m_restore.near_classes}, {"near_patch_min_ha", m_restore.near_patch_min_ha},
                        {"within_m", m_restore.within_m}, {"area_ha", m_restore.area_ha}};
    else
        j["restore"] = nullptr;
    return j;
}

void GreenCoverModel::run(RunState& state) {
    const auto t0 = std::chrono::steady_clock::now();
    const io::StudyArea& study = *state.study;
    const raster::GridSpec& spec = study.grid;
    const raster::ClassTable& ct = study.classes;
    const auto park_values = classValues(ct, m_park_classes, "park_classes");
    const std::uint16_t new_value = classValues(ct, {m_new_green_class}, "new_green_class")[0];

    if (!study.has("built_up_area"))
        throw InputError(study.path + ": models.green_cover needs a 'built_up_area' layer (the denominator of the "
                                      "green indicators)");
    // Study inputs that do not depend on the scenario: made once per batch (RunState::cached).
    const auto built_up_ptr = state.cached<raster::Grid<std::uint8_t>>(
        "mask:built_up_area", [&] { return rasterizeMask(study, "built_up_area"); });
    const raster::Grid<std::uint8_t>& built_up = *built_up_ptr;
    core::logDebug(kName, core::cat("built-up mask at ", secondsSince(t0), " s"));
    std::shared_ptr<const raster::Grid<float>> population;
    if (study.has("population"))
        population = state.cached<raster::Grid<float>>("layer:population",
                                                       [&] { return io::loadFloatLayer(study, "population"); });
    core::logDebug(kName, core::cat("population at ", secondsSince(t0), " s"));

    // Roads: graph for the network distance, tree-lined share.
    std::string method = m_distance;
    std::string method_note;
    std::optional<graph::RoadGraph> roads;
    nlohmann::ordered_json tree_lined = nullptr;
    if (study.has("roads")) {
        vector::VectorLayer layer = io::loadVector(study, "roads");
        const int f_tree = layer.fieldIndex(study.layer("roads").field("tree_lined"));
        vector::Context& ctx = vector::threadContext();
        std::vector<std::vector<graph::Point>> lines;
        double len_all = 0.0, len_tree = 0.0;
        for (size_t i = 0; i < layer.features.size(); ++i) {
            if (layer.features[i].wkb.empty()) continue;
            auto g = vector::fromWkb(ctx, layer.features[i].wkb);
            const size_t first = lines.size();
            collectLines(ctx, g.get(), lines);
            bool tree = false;
            if (f_tree >= 0) {
                auto v = layer.value(i, f_tree);
                tree = v && (*v == "1" || *v == "true" || *v == "yes");
            }
            // Length inside the built-up area: segments whose midpoint cell is built-up.
            for (size_t k = first; k < lines.size(); ++k)
                for (size_t s = 1; s < lines[k].size(); ++s) {
                    const auto &a = lines[k][s - 1], &b = lines[k][s];
                    const int c = spec.colOf(0.5 * (a.x + b.x)), r = spec.rowOf(0.5 * (a.y + b.y));
                    if (!spec.contains(c, r) || !built_up.at(c, r)) continue;
                    const double len = std::hypot(b.x - a.x, b.y - a.y);
                    len_all += len;
                    if (tree) len_tree += len;
                }
        }
        if (method == "network") roads = graph::RoadGraph::build(lines, m_road_snap_m, m_road_densify_m);
        if (f_tree >= 0 && len_all > 0) {
            tree_lined = greenIndicator("tree_lined_road_share", len_tree / len_all, "share", 0.0);
            tree_lined["road_km_in_built_up"] = len_all / 1000.0;
        }
    } else if (method == "network") {
        method = "euclidean";
        method_note = "network distance requested but the study has no roads layer: Euclidean fallback";
    }

    core::logDebug(kName, core::cat("roads at ", secondsSince(t0), " s"));
    // Irrigation districts (water of new green).
    const auto districts_ptr = state.cached<DistrictMap>("irrigation_districts", [&] { return loadDistricts(study); });
    const DistrictMap& districts = *districts_ptr;
    WaterUseTable uses = WaterUseTable::defaults();
    MethodPolicy policy;
    policy.outside_default = {{"urban_green", IrrigationMethod::Flood}, {"farm", IrrigationMethod::Flood}}; // as models.water
    if (m_irrigation_method != "district")
        policy.overrides["urban_green"] = *parseIrrigationMethod(m_irrigation_method);

    auto indicatorsOf = [&](const raster::ClassGrid& lu, GreenTotals& totals, ServiceCoverage& cov) {
        GreenInputs in;
        in.spec = &spec;
        in.landuse = &lu;
        in.built_up = &built_up;
        in.population = population ? &*population : nullptr;
        in.classes = &ct;
        in.park_values = park_values;
        totals = computeGreenTotals(in);
        cov = computeServiceCoverage(spec, lu, built_up, ct, park_values, roads ? &*roads : nullptr, m_service);
        const double cpp = totals.constructionPerPerson();
        nlohmann::ordered_json j;
        j["built_up_area_km2"] = totals.built_up_m2 / 1e6;
        j["population_in_built_up"] = totals.population;
        j["green_space_rate"] = greenIndicator("green_space_rate", totals.greenSpaceRate(), "share", cpp);
        j["green_cover_rate"] = greenIndicator("green_cover_rate", totals.greenCoverRate(), "share", cpp);
        if (totals.population > 0)
            j["park_green_m2_per_person"] =
                greenIndicator("park_green_m2_per_person", totals.parkPerPerson(), "m2/person", cpp);
        else
            j["park_green_m2_per_person"] = nullptr;
        auto cj = greenIndicator("park_service_coverage", cov.share(), "share", cpp);
        cj["distance_method"] = cov.method;
        j["park_service_coverage"] = cj;
        j["construction_land_m2_per_person"] = cpp;
        j["park_green_km2"] = totals.park_m2 / 1e6;
        j["residential_km2"] = cov.residential_m2 / 1e6;
        j["parks_qualifying"] = cov.parks;
        j["parks_large"] = cov.parks_large;
        j["parks_small"] = cov.parks_small;
        if (cov.method == "network") {
            j["road_nodes"] = cov.road_nodes;
            j["park_access_nodes"] = cov.access_nodes;
        }
        return j;
    };

    auto writeGreen = [&](int year, const raster::ClassGrid& lu) {
        if (!m_write_rasters) return;
        const size_t nv = static_cast<size_t>(ct.maxValue()) + 1;
        std::vector<float> canopy(nv, 0.0f);
        for (const auto& c : ct.rows()) canopy[c.value] = static_cast<float>(c.canopy);
        raster::Grid<float> g(lu.cols(), lu.rows(), -1.0f);
        tbb::parallel_for(size_t(0), g.size(), size_t(1) << 16, [&](size_t i) {
            const auto v = lu[i];
            if (v != raster::kClassNodata && v < nv) g[i] = canopy[v];
        });
        io::RasterWriteOptions o;
        o.nodata = -1.0;
        o.description = "canopy share of the cell (class table 'canopy'), year " + std::to_string(year);
        o.units = "share";
        const std::string name = "green_" + std::to_string(year) + ".tif";
        io::writeGeoTiff(state.out_dir + "/" + name, g, spec, o);
        state.files.push_back(name);
    };

    nlohmann::ordered_json m;
    m["distance_method"] = method;
    if (!method_note.empty()) m["distance_note"] = method_note;
    m["thresholds_version"] = kGreenThresholdVersion;
    const int y_from = state.year_from, y_to = state.year_to;
    const raster::ClassGrid& map_from = state.landuseAt(y_from);

    nlohmann::ordered_json years = nlohmann::ordered_json::object();
    GreenTotals tot_from;
    ServiceCoverage cov_from;
    auto j_from = indicatorsOf(map_from, tot_from, cov_from);
    core::logDebug(kName, core::cat("indicators at ", secondsSince(t0), " s"));
    if (tree_lined.is_object()) j_from["tree_lined_road_share"] = tree_lined;
    const bool same_map = &map_from == &state.landuseAt(y_to);
    const bool allocate = m_target_green_cover || m_target_green_space;
    const bool restore = m_restore.enabled;

    raster::ClassGrid final_map;
    nlohmann::ordered_json j_final = j_from;
    nlohmann::ordered_json alloc = nullptr;
    // New-green patches for new_green.shp: a grid of unit ids and their attributes.
    struct OutUnit {
        double area_m2 = 0, water_m3 = 0, gain_m2 = 0;
        std::string cls, source;
    };
    raster::Grid<std::int32_t> unit_grid;
    std::map<std::int32_t, OutUnit> out_units;
    nlohmann::ordered_json restored = nullptr;
    if (!same_map || allocate || restore) {
        final_map = state.landuseAt(y_to);
        unit_grid = raster::Grid<std::int32_t>(spec.cols, spec.rows, 0);
        if (restore) {
            // Seeds: patches of the near classes of at least near_patch_min_ha; candidates: cells
            // of the from groups within within_m of a seed, closest first (then row-major).
            const auto near_values = classValues(ct, m_restore.near_classes, "restore.near_classes");
            const std::uint16_t to_value = classValues(ct, {m_restore.to_class}, "restore.to_class")[0];
            std::vector<std::uint8_t> from_ok(65536, 0);
            for (const auto& c : ct.rows())
                for (const auto& g : m_restore.from_groups)
                    if (raster::parseClassGroup(g) == c.group) from_ok[c.value] = 1;
            const auto patches = labelParks(final_map, near_values, spec.cellArea_m2());
            raster::Grid<std::uint8_t> seed(spec.cols, spec.rows, 0);
            int c0 = spec.cols, r0 = spec.rows, c1 = -1, r1 = -1, n_seed_patches = 0;
            for (const auto a_m2 : patches.area_m2)
                if (a_m2 >= m_restore.near_patch_min_ha * 1e4) ++n_seed_patches;
            for (int r = 0; r < spec.rows; ++r)
                for (int c = 0; c < spec.cols; ++c) {
                    const auto l = patches.label.at(c, r);
                    if (l && patches.area_m2[static_cast<size_t>(l - 1)] >= m_restore.near_patch_min_ha * 1e4) {
                        seed.at(c, r) = 1;
                        c0 = std::min(c0, c), c1 = std::max(c1, c), r0 = std::min(r0, r), r1 = std::max(r1, r);
                    }
                }
            std::vector<std::pair<float, std::int64_t>> cands;
            if (c1 >= 0) {
                const int pad = static_cast<int>(std::ceil(m_restore.within_m / spec.cell_size_m)) + 1;
                raster::Window w{std::max(0, c0 - pad), std::max(0, r0 - pad), 0, 0};
                w.cols = std::min(spec.cols - 1, c1 + pad) - w.col0 + 1;
                w.rows = std::min(spec.rows - 1, r1 + pad) - w.row0 + 1;
                const auto d = distanceToMask(seed, w, spec.cell_size_m);
                for (int r = w.row0; r < w.row0 + w.rows; ++r)
                    for (int c = w.col0; c < w.col0 + w.cols; ++c) {
                        const size_t i = static_cast<size_t>(r) * spec.cols + c;
                        if (from_ok[final_map[i]] && d[i] <= m_restore.within_m)
                            cands.emplace_back(d[i], static_cast<std::int64_t>(i));
                    }
            }
            std::sort(cands.begin(), cands.end());
            const WaterUse* to_use = uses.find(ct.byValue(to_value)->water_use);
            const double per_m2 = to_use ? (to_use->kind == UseKind::Ecological ? to_use->net_m : 0.0) : 0.0;
            const auto want = static_cast<size_t>(std::llround(m_restore.area_ha * 1e4 / spec.cellArea_m2()));
            const std::int32_t rid = std::numeric_limits<std::int32_t>::max();
            OutUnit ou;
            ou.cls = m_restore.to_class;
            ou.source = "restoration";
            for (size_t k = 0; k < cands.size() && k < want; ++k) {
                const size_t i = static_cast<size_t>(cands[k].second);
                final_map[i] = to_value;
                unit_grid[i] = rid;
                ou.area_m2 += spec.cellArea_m2();
            }
            ou.water_m3 = ou.area_m2 * per_m2;
            if (ou.area_m2 > 0) out_units[rid] = ou;
            restored = {{"to_class", m_restore.to_class}, {"seed_patches", n_seed_patches},
                        {"candidate_ha", static_cast<double>(cands.size()) * spec.cellArea_m2() / 1e4},
                        {"requested_ha", m_restore.area_ha}, {"restored_ha", ou.area_m2 / 1e4},
                        {"ecological_water_m3_per_year", ou.water_m3},
                        {"max_distance_m", cands.empty() || ou.area_m2 <= 0
                                               ? 0.0
                                               : static_cast<double>(cands[std::min(cands.size(), want) - 1].first)}};
        }
        GreenTotals tot_to;
        if (!same_map) { // totals only: the service coverage of this map is not reported
            GreenInputs in;
            in.spec = &spec;
            in.landuse = &final_map;
            in.built_up = &built_up;
            in.population = population ? &*population : nullptr;
            in.classes = &ct;
            in.park_values = park_values;
            tot_to = computeGreenTotals(in);
        }
        const GreenTotals& before = same_map ? tot_from : tot_to;
        if (allocate) {
            // Candidate cells.
            raster::Grid<std::uint8_t> cand(spec.cols, spec.rows, 0);
            std::set<std::string> kinds(m_candidates.begin(), m_candidates.end());
            std::vector<std::uint8_t> bare(65536, 0), corridor_ok(65536, 0), idle_cls(65536, 0), river(65536, 0);
            for (const auto& c : ct.rows()) {
                bare[c.value] = c.group == raster::ClassGroup::Bare;
                corridor_ok[c.value] = c.group == raster::ClassGroup::Bare || c.group == raster::ClassGroup::Grassland;
            }
            for (auto v : classValues(ct, m_idle_classes, "idle_classes")) idle_cls[v] = 1;
            for (auto v : classValues(ct, m_river_classes, "river_classes")) river[v] = 1;
            nlohmann::ordered_json cand_info;
            if (kinds.count("idle_land")) {
                std::int64_t parcels = 0;
                raster::Grid<std::uint8_t> idle_parcels;
                if (study.has("land_supply")) {
                    vector::VectorLayer ls = io::loadVector(study, "land_supply");
                    const auto& sp = study.layer("land_supply");
                    const int f_cs = ls.fieldIndex(sp.field("contract_start"));
                    const int f_as = ls.fieldIndex(sp.field("actual_start"));
                    const int f_dev = ls.fieldIndex(sp.field("developed_share"));
                    const int f_inv = ls.fieldIndex(sp.field("invested_share"));
                    const int f_sus = ls.fieldIndex(sp.field("suspended_since"));
                    const std::string as_of = m_as_of.empty() ? std::to_string(y_from) + "-12-31" : m_as_of;
                    const std::string year_before = minusOneYear(as_of);
                    std::vector<const std::vector<std::uint8_t>*> wkbs;
                    std::vector<double> vals;
                    for (size_t i = 0; i < ls.features.size(); ++i) {
                        auto get = [&](int fi) { return fi >= 0 ? ls.value(i, fi).value_or("") : std::string(); };
                        const std::string cs = get(f_cs), as = get(f_as), sus = get(f_sus);
                        const double dev = f_dev >= 0 ? ls.number(i, f_dev).value_or(1.0) : 1.0;
                        const double inv = f_inv >= 0 ? ls.number(i, f_inv).value_or(1.0) : 1.0;
                        // 2012 rules (DOMAIN §2): not started a year after the contract start; or
                        // started, under 1/3 developed or under 25 % invested, suspended a year.
                        const bool not_started = as.empty() && !cs.empty() && cs <= year_before;
                        const bool stalled = !as.empty() && (dev < 1.0 / 3.0 || inv < 0.25) && !sus.empty() &&
                                             sus <= year_before;
                        if (not_started || stalled) {
                            wkbs.push_back(&ls.features[i].wkb);
                            vals.push_back(1.0);
                            ++parcels;
                        }
                    }
                    auto burned = io::rasterizeGeometries(spec, wkbs, vals, false, 0);
                    idle_parcels = raster::Grid<std::uint8_t>(spec.cols, spec.rows, 0);
                    for (size_t i = 0; i < burned.size(); ++i) idle_parcels[i] = burned[i] ? 1 : 0;
                }
                std::int64_t n = 0;
                for (size_t i = 0; i < cand.size(); ++i) {
                    const auto v = final_map[i];
                    if (idle_cls[v] || (idle_parcels.size() && idle_parcels[i] && bare[v])) {
                        cand[i] |= kCandidateIdle;
                        ++n;
                    }
                }
                cand_info["idle_land_cells"] = n;
                cand_info["idle_parcels"] = parcels;
            }
            if (kinds.count("bare_in_boundary")) {
                std::int64_t n = 0;
                if (study.has("development_boundary")) {
                    const auto db_ptr = state.cached<raster::Grid<std::uint8_t>>(
                        "mask:development_boundary", [&] { return rasterizeMask(study, "development_boundary"); });
                    const auto& db = *db_ptr;
                    for (size_t i = 0; i < cand.size(); ++i)
                        if (db[i] && bare[final_map[i]]) {
                            cand[i] |= kCandidateBare;
                            ++n;
                        }
                }
                cand_info["bare_in_boundary_cells"] = n;
            }
            if (kinds.count("taolai_corridor")) {
                raster::Grid<std::uint8_t> rm(spec.cols, spec.rows, 0);
                int c0 = spec.cols, r0 = spec.rows, c1 = -1, r1 = -1;
                for (int r = 0; r < spec.rows; ++r)
                    for (int c = 0; c < spec.cols; ++c)
                        if (river[final_map.at(c, r)]) {
                            rm.at(c, r) = 1;
                            c0 = std::min(c0, c), c1 = std::max(c1, c), r0 = std::min(r0, r), r1 = std::max(r1, r);
                        }
                std::int64_t n = 0;
                if (c1 >= 0) {
                    const int pad = static_cast<int>(std::ceil(m_corridor_m / spec.cell_size_m)) + 1;
                    raster::Window w{std::max(0, c0 - pad), std::max(0, r0 - pad), 0, 0};
                    w.cols = std::min(spec.cols - 1, c1 + pad) - w.col0 + 1;
                    w.rows = std::min(spec.rows - 1, r1 + pad) - w.row0 + 1;
                    const auto d = distanceToMask(rm, w, spec.cell_size_m);
                    for (size_t i = 0; i < cand.size(); ++i)
                        if (d[i] <= m_corridor_m && corridor_ok[final_map[i]]) {
                            cand[i] |= kCandidateCorridor;
                            ++n;
                        }
                }
                cand_info["taolai_corridor_cells"] = n;
            }
            // Extra irrigation water of a converted cell: gross(new) - gross(old), m³/yr.
            const size_t nv = static_cast<size_t>(ct.maxValue()) + 1;
            std::vector<const WaterUse*> use_of(nv, nullptr);
            for (const auto& c : ct.rows()) use_of[c.value] = uses.find(c.water_use);
            const WaterUse* new_use = use_of[new_value];
            const double a = spec.cellArea_m2();
            auto grossAt = [&](const WaterUse* u, size_t i) -> double {
                if (!u) return 0.0;
                if (u->kind == UseKind::Ecological) return u->net_m * a;
                if (u->kind == UseKind::Industry) return u->industry_m3_per_m2 * a;
                if (u->kind != UseKind::UrbanGreen && u->kind != UseKind::Farm) return 0.0;
                const IrrigationDistrict* d = nullptr;
                if (districts.index.size()) {
                    const auto k = districts.index[i];
                    if (k > 0) d = &districts.districts[static_cast<size_t>(k - 1)];
                }
                const auto [meth, eff] = policy.resolve(irrigationKindOf(u->kind), d);
                (void)meth;
                const double factor = u->kind == UseKind::UrbanGreen ? m_green_quota_factor : 1.0;
                return u->net_m * factor / eff * a;
            };
            auto water = [&](size_t i) { return grossAt(new_use, i) - grossAt(use_of[final_map[i]], i); };
            AllocationParams ap;
            ap.target_green_cover = m_target_green_cover;
            ap.target_green_space = m_target_green_space;
            ap.water_budget_m3 = m_water_budget_m3;
            ap.new_class = new_value;
            ap.block_m = m_block_m;
            const auto res = allocateGreen(spec, final_map, built_up, ct, cand, before, water, ap);

            alloc = nlohmann::ordered_json::object();
            alloc["target_green_cover"] = m_target_green_cover ? nlohmann::ordered_json(*m_target_green_cover) : nullptr;
            alloc["target_green_space"] = m_target_green_space ? nlohmann::ordered_json(*m_target_green_space) : nullptr;
            alloc["candidates"] = cand_info;
            alloc["candidate_cells_with_gain"] = res.candidate_cells;
            alloc["new_green_class"] = m_new_green_class;
            alloc["allocated_m2"] = res.allocated_m2;
            alloc["allocated_ha"] = res.allocated_m2 / 1e4;
            alloc["units"] = res.units.size();
            alloc["gained_cover_m2"] = res.gained_cover_m2;
            alloc["gained_space_m2"] = res.gained_space_m2;
            alloc["new_green_water_m3_per_year"] = res.water_m3;
            alloc["water_budget_m3"] = m_water_budget_m3 ? nlohmann::ordered_json(*m_water_budget_m3) : nullptr;
            alloc["budget_binding"] = res.budget_binding;
            alloc["target_reached"] = res.target_reached;
            if (!res.target_reached && before.built_up_m2 > 0) {
                if (m_target_green_cover)
                    alloc["green_cover_deficit"] =
                        std::max(0.0, *m_target_green_cover - (before.canopy_m2 + res.gained_cover_m2) / before.built_up_m2);
                if (m_target_green_space)
                    alloc["green_space_deficit"] = std::max(
                        0.0, *m_target_green_space - (before.green_space_m2 + res.gained_space_m2) / before.built_up_m2);
            }
            for (const auto& u : res.units) {
                OutUnit ou;
                ou.area_m2 = u.allocated_m2;
                ou.water_m3 = u.allocated_water_m3;
                ou.gain_m2 = u.allocated_gain_m2;
                ou.cls = m_new_green_class;
                if (u.kinds & kCandidateIdle) ou.source += "idle_land ";
                if (u.kinds & kCandidateBare) ou.source += "bare_in_boundary ";
                if (u.kinds & kCandidateCorridor) ou.source += "taolai_corridor ";
                if (!ou.source.empty()) ou.source.pop_back();
                out_units[u.id] = ou;
            }
            for (size_t i = 0; i < unit_grid.size(); ++i)
                if (res.unit_of_cell[i]) unit_grid[i] = res.unit_of_cell[i];
        }
        if (allocate || restore) {
            // new_green.shp: allocated and restored patches, one polygon per connected part of a unit.
            int c0 = spec.cols, r0 = spec.rows, c1 = -1, r1 = -1;
            for (int r = 0; r < spec.rows; ++r)
                for (int c = 0; c < spec.cols; ++c)
                    if (unit_grid.at(c, r))
                        c0 = std::min(c0, c), c1 = std::max(c1, c), r0 = std::min(r0, r), r1 = std::max(r1, r);
            std::vector<io::OutFeature> feats;
            if (c1 >= 0) {
                raster::GridSpec sub = spec;
                sub.cols = c1 - c0 + 1;
                sub.rows = r1 - r0 + 1;
                sub.origin_x = spec.origin_x + c0 * spec.cell_size_m;
                sub.origin_y = spec.origin_y - r0 * spec.cell_size_m;
                raster::Grid<std::int32_t> g(sub.cols, sub.rows, 0);
                for (int r = 0; r < sub.rows; ++r)
                    for (int c = 0; c < sub.cols; ++c) g.at(c, r) = unit_grid.at(c0 + c, r0 + r);
                auto polys = io::polygonizeGrid(g, sub, false);
                vector::Context& ctx = vector::threadContext();
                for (auto& [wkb, uid] : polys) {
                    auto it = out_units.find(uid);
                    if (it == out_units.end()) continue;
                    const OutUnit& u = it->second;
                    const double area = vector::area(ctx, vector::fromWkb(ctx, wkb).get());
                    const double share = u.area_m2 > 0 ? area / u.area_m2 : 0.0;
                    feats.push_back({std::move(wkb),
                                     {static_cast<std::int64_t>(uid), area, u.cls, u.water_m3 * share, u.gain_m2 * share,
                                      u.source}});
                }
            }
            const std::vector<io::FieldDef> fields = {{"unit_id", io::FieldType::Integer, 10, 0},
                                                      {"area_m2", io::FieldType::Real, 16, 1},
                                                      {"class", io::FieldType::String, 8, 0},
                                                      {"water_m3", io::FieldType::Real, 16, 1},
                                                      {"cover_m2", io::FieldType::Real, 16, 1},
                                                      {"source", io::FieldType::String, 60, 0}};
            io::writeVectorLayer(state.out_dir + "/new_green.shp", "new_green", spec.crs_wkt, io::GeomKind::Polygon,
                                 fields, feats);
            state.files.push_back("new_green.shp");
            if (alloc.is_object()) alloc["new_green_polygons"] = feats.size();
        }
        GreenTotals tot_final;
        ServiceCoverage cov_final;
        j_final = indicatorsOf(final_map, tot_final, cov_final);
        if (tree_lined.is_object()) j_final["tree_lined_road_share"] = tree_lined;
    }

    if (y_from != y_to) years[std::to_string(y_from)] = j_from;
    years[std::to_string(y_to)] = j_final;
    m["year"] = y_to;
    for (auto it = j_final.begin(); it != j_final.end(); ++it) m[it.key()] = it.value();
    if (!alloc.is_null()) m["allocation"] = alloc;
    if (!restored.is_null()) m["restoration"] = restored;
    if (y_from != y_to) m["years"] = years;

    // Rasters: the start map and the final map.
    if (y_from != y_to) writeGreen(y_from, map_from);
    if (!same_map || allocate || restore) {
        writeGreen(y_to, final_map);
        state.landuse[y_to] = std::move(final_map);
    } else {
        writeGreen(y_to, map_from);
    }
    core::logDebug(kName, core::cat("done in ", secondsSince(t0), " s"));
    state.metrics[kName] = m;
}

} // namespace xiongguan::simulate
