#include "simulate/water_model.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "graph/canal_network.hpp"
#include "io/atomic_file.hpp"
#include "io/raster_io.hpp"
#include "io/vector_io.hpp"
#include "io/yaml_util.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

namespace xiongguan::simulate {

const std::vector<WaterThreshold>& waterThresholds() {
    static const std::vector<WaterThreshold> t = {
        {"leakage_share", "water_saving_city", "National water-saving city scheme", "2018", 0.10, "max", "[R]"},
        {"leakage_share", "target_2025", "National water-saving city scheme, 2025 target", "2021", 0.09, "max", "[S]"},
        {"reclaimed_use_rate", "water_saving_city", "National water-saving city scheme (water-scarce cities)", "2018",
         0.20, "min", "[R]"},
        {"reclaimed_use_rate", "target_2025", "National water-saving city scheme, 2025 target", "2021", 0.25, "min",
         "[S]"},
        {"sewage_treatment_rate", "water_saving_city", "National water-saving city scheme", "2018", 0.95, "min", "[R]"},
    };
    return t;
}

namespace {

nlohmann::ordered_json waterIndicator(const std::string& key, double value, const std::string& unit,
                                      bool estimate) {
    nlohmann::ordered_json j;
    j["value"] = value;
    j["unit"] = unit;
    nlohmann::ordered_json th = nlohmann::ordered_json::object(), pass = nlohmann::ordered_json::object(),
                           labels = nlohmann::ordered_json::object();
    std::string dir = "min";
    for (const auto& t : waterThresholds()) {
        if (t.indicator != key) continue;
        th[t.level] = t.value;
        pass[t.level] = t.direction == "max" ? value <= t.value + 1e-12 : value >= t.value - 1e-12;
        labels[t.level] = t.label + " " + t.standard + " (" + t.edition + ")";
        dir = t.direction;
    }
    j["thresholds"] = th;
    j["pass"] = pass;
    j["direction"] = dir;
    j["labels"] = labels;
    j["estimate"] = estimate;
    return j;
}

std::map<std::string, IrrigationMethod> getMethodMap(const std::string& f, const YAML::Node& p, const std::string& key,
                                                     std::map<std::string, IrrigationMethod> def) {
    const YAML::Node n = p[key];
    if (!n || n.IsNull()) return def;
    if (!n.IsMap()) throw ConfigError(io::where(f, n) + ": '" + key + "' must map urban_green / farm to a method");
    std::map<std::string, IrrigationMethod> out = def;
    for (const auto& kv : n) {
        const std::string k = kv.first.as<std::string>();
        if (k != "urban_green" && k != "farm")
            throw ConfigError(io::where(f, kv.first) + ": '" + key + "' key '" + k + "' is not known (expected urban_green or farm)");
        const std::string v = kv.second.IsScalar() ? kv.second.as<std::string>() : "";
        auto m = parseIrrigationMethod(v);
        if (!m)
            throw ConfigError(io::where(f, kv.second) + ": '" + key + "." + k + "' must be flood, furrow, pipe, sprinkler, "
                              "micro or drip, got '" + v + "'");
        out[k] = *m;
    }
    return out;
}

std::string fmt(double v, int prec = 1) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(prec) << v;
    return os.str();
}

std::string csvQuote(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

} // namespace

void WaterModel::configure(const YAML::Node& p, const std::string& f) {
    io::requireKnownKeys(f, p,
                         {"domestic_l_per_person_day", "uses", "methods", "outside_methods", "efficiencies",
                          "green_quota_factor", "farm_quota_factor", "leakage_share", "sewage_return_domestic",
                          "sewage_return_industry", "treatment_rate", "reclaimed_reuse_share", "river_allocation_m3",
                          "groundwater_cap_m3", "reclaimed_capacity_m3", "canals", "municipal_node", "ecological_node", "eco_quota_factor", "irrigate_outside_farms",
                          "efficient_green_target", "deficit_tolerance",
                          "write_rasters"},
                         kName);
    m_domestic_l_per_person_day = io::getDoubleIn(f, p, "domestic_l_per_person_day", m_domestic_l_per_person_day, 0, 2000);
    if (const YAML::Node u = p["uses"]; u && !u.IsNull()) {
        if (!u.IsMap()) throw ConfigError(io::where(f, u) + ": 'uses' must map water-use keys to {kind, net_m, industry_m3_per_m2}");
        for (const auto& kv : u) {
            const std::string key = kv.first.as<std::string>();
            io::requireKnownKeys(f, kv.second, {"kind", "net_m", "industry_m3_per_m2"}, "uses." + key);
            WaterUse w;
            w.key = key;
            w.label = "[scenario]";
            const std::string kind = io::getString(f, kv.second, "kind", "urban_green");
            if (kind == "urban_green") w.kind = UseKind::UrbanGreen;
            else if (kind == "farm") w.kind = UseKind::Farm;
            else if (kind == "ecological") w.kind = UseKind::Ecological;
            else if (kind == "industry") w.kind = UseKind::Industry;
            else if (kind == "none") w.kind = UseKind::None;
            else
                throw ConfigError(io::where(f, kv.second["kind"]) + ": 'uses." + key + ".kind' must be urban_green, farm, "
                                  "ecological, industry or none, got '" + kind + "'");
            w.net_m = io::getDoubleIn(f, kv.second, "net_m", 0.0, 0.0, 10.0);
            w.industry_m3_per_m2 = io::getDoubleIn(f, kv.second, "industry_m3_per_m2", 0.0, 0.0, 1000.0);
            m_use_overrides[key] = w;
        }
    }
    m_methods = getMethodMap(f, p, "methods", {});
    m_outside_methods = getMethodMap(f, p, "outside_methods", m_outside_methods);
    if (const YAML::Node e = p["efficiencies"]; e && !e.IsNull()) {
        if (!e.IsMap()) throw ConfigError(io::where(f, e) + ": 'efficiencies' must map methods to shares");
        for (const auto& kv : e) {
            const std::string k = kv.first.as<std::string>();
            if (!parseIrrigationMethod(k))
                throw ConfigError(io::where(f, kv.first) + ": 'efficiencies' key '" + k + "' is not a method");
            m_efficiencies[k] = io::getDoubleIn(f, e, k, 0.5, 0.01, 1.0);
        }
    }
    m_green_quota_factor = io::getDoubleIn(f, p, "green_quota_factor", m_green_quota_factor, 0.0, 10.0);
    m_farm_quota_factor = io::getDoubleIn(f, p, "farm_quota_factor", m_farm_quota_factor, 0.0, 10.0);
    m_leakage_share = io::getDoubleIn(f, p, "leakage_share", m_leakage_share, 0.0, 0.9);
    m_sewage_return_domestic = io::getDoubleIn(f, p, "sewage_return_domestic", m_sewage_return_domestic, 0.0, 1.0);
    m_sewage_return_industry = io::getDoubleIn(f, p, "sewage_return_industry", m_sewage_return_industry, 0.0, 1.0);
    m_treatment_rate = io::getDoubleIn(f, p, "treatment_rate", m_treatment_rate, 0.0, 1.0);
    m_reclaimed_reuse_share = io::getDoubleIn(f, p, "reclaimed_reuse_share", m_reclaimed_reuse_share, 0.0, 1.0);
    if (p["river_allocation_m3"] && !p["river_allocation_m3"].IsNull())
        m_river_allocation_m3 = io::getDoubleIn(f, p, "river_allocation_m3", 0.0, 0.0, 1e12);
    if (p["groundwater_cap_m3"] && !p["groundwater_cap_m3"].IsNull())
        m_groundwater_cap_m3 = io::getDoubleIn(f, p, "groundwater_cap_m3", 0.0, 0.0, 1e12);
    if (p["reclaimed_capacity_m3"] && !p["reclaimed_capacity_m3"].IsNull())
        m_reclaimed_capacity_m3 = io::getDoubleIn(f, p, "reclaimed_capacity_m3", 0.0, 0.0, 1e12);
    if (const YAML::Node c = p["canals"]; c && !c.IsNull()) {
        if (!c.IsMap())
            throw ConfigError(io::where(f, c) + ": 'canals' must map canal ids to {capacity_m3_per_year, loss_share}");
        for (const auto& kv : c) {
            const std::string cid = kv.first.as<std::string>();
            io::requireKnownKeys(f, kv.second, {"capacity_m3_per_year", "loss_share"}, "canals." + cid);
            CanalOverride o;
            if (kv.second["capacity_m3_per_year"])
                o.capacity_m3 = io::getDoubleIn(f, kv.second, "capacity_m3_per_year", 0.0, 0.0, 1e12);
            if (kv.second["loss_share"]) o.loss_share = io::getDoubleIn(f, kv.second, "loss_share", 0.0, 0.0, 0.99);
            m_canal_overrides[cid] = o;
        }
    }
    m_municipal_node = io::getString(f, p, "municipal_node", m_municipal_node);
    m_ecological_node = io::getString(f, p, "ecological_node", m_ecological_node);
    m_eco_quota_factor = io::getDoubleIn(f, p, "eco_quota_factor", m_eco_quota_factor, 0.0, 10.0);
    m_irrigate_outside_farms = io::getBool(f, p, "irrigate_outside_farms", m_irrigate_outside_farms);
    m_efficient_green_target = io::getDoubleIn(f, p, "efficient_green_target", m_efficient_green_target, 0.0, 1.0);
    m_deficit_tolerance = io::getDoubleIn(f, p, "deficit_tolerance", m_deficit_tolerance, 0.0, 1.0);
    m_write_rasters = io::getBool(f, p, "write_rasters", m_write_rasters);
}

nlohmann::ordered_json WaterModel::parameters() const {
    nlohmann::ordered_json j;
    j["domestic_l_per_person_day"] = m_domestic_l_per_person_day;
    nlohmann::ordered_json u = nlohmann::ordered_json::object();
    WaterUseTable t = WaterUseTable::defaults();
    for (const auto& [k, w] : m_use_overrides) t.uses[k] = w;
    for (const auto& [k, w] : t.uses)
        u[k] = {{"kind", useKindName(w.kind)}, {"net_m", w.net_m}, {"industry_m3_per_m2", w.industry_m3_per_m2},
                {"label", w.label}};
    j["uses"] = u;
    nlohmann::ordered_json m = nlohmann::ordered_json::object(), om = nlohmann::ordered_json::object(),
                           e = nlohmann::ordered_json::object();
    for (const auto& [k, v] : m_methods) m[k] = irrigationMethodName(v);
    for (const auto& [k, v] : m_outside_methods) om[k] = irrigationMethodName(v);
    for (auto meth : {IrrigationMethod::Flood, IrrigationMethod::Furrow, IrrigationMethod::Pipe,
                      IrrigationMethod::Sprinkler, IrrigationMethod::Micro, IrrigationMethod::Drip}) {
        auto it = m_efficiencies.find(irrigationMethodName(meth));
        e[irrigationMethodName(meth)] = it != m_efficiencies.end() ? it->second : defaultEfficiency(meth);
    }
    j["methods"] = m;
    j["outside_methods"] = om;
    j["efficiencies"] = e;
    j["green_quota_factor"] = m_green_quota_factor;
    j["farm_quota_factor"] = m_farm_quota_factor;
    j["leakage_share"] = m_leakage_share;
    j["sewage_return_domestic"] = m_sewage_return_domestic;
    j["sewage_return_industry"] = m_sewage_return_industry;
    j["treatment_rate"] = m_treatment_rate;
    j["reclaimed_reuse_share"] = m_reclaimed_reuse_share;
    j["river_allocation_m3"] = m_river_allocation_m3 ? nlohmann::ordered_json(*m_river_allocation_m3) : nullptr;
    j["groundwater_cap_m3"] = m_groundwater_cap_m3 ? nlohmann::ordered_json(*m_groundwater_cap_m3) : nullptr;
    j["reclaimed_capacity_m3"] = m_reclaimed_capacity_m3 ? nlohmann::ordered_json(*m_reclaimed_capacity_m3) : nullptr;
    nlohmann::ordered_json co = nlohmann::ordered_json::object();
    for (const auto& [k, o] : m_canal_overrides) {
        nlohmann::ordered_json x = nlohmann::ordered_json::object();
        if (o.capacity_m3) x["capacity_m3_per_year"] = *o.capacity_m3;
        if (o.loss_share) x["loss_share"] = *o.loss_share;
        co[k] = x;
    }
    j["canals"] = co;
    j["municipal_node"] = m_municipal_node;
    j["ecological_node"] = m_ecological_node;
    j["eco_quota_factor"] = m_eco_quota_factor;
    j["irrigate_outside_farms"] = m_irrigate_outside_farms;
    j["efficient_green_target"] = m_efficient_green_target;
    j["deficit_tolerance"] = m_deficit_tolerance;
    j["write_rasters"] = m_write_rasters;
    return j;
}

void WaterModel::run(RunState& state) {
    const auto t0 = std::chrono::steady_clock::now();
    const io::StudyArea& study = *state.study;
    const raster::GridSpec& spec = study.grid;
    const raster::ClassTable& ct = study.classes;
    const int year = state.year_to;
    const raster::ClassGrid& lu = state.landuseAt(year);
    const double a = spec.cellArea_m2();
    auto secs = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

    WaterUseTable uses = WaterUseTable::defaults();
    for (const auto& [k, w] : m_use_overrides) uses.uses[k] = w;
    const size_t nv = static_cast<size_t>(ct.maxValue()) + 1;
    std::vector<const WaterUse*> use_of(nv, nullptr);
    std::vector<std::uint8_t> is_farmland(nv, 0);
    nlohmann::ordered_json unknown_uses = nlohmann::ordered_json::array();
    for (const auto& c : ct.rows()) {
        use_of[c.value] = uses.find(c.water_use);
        if (!use_of[c.value] && !c.water_use.empty()) unknown_uses.push_back(c.code + ":" + c.water_use);
        is_farmland[c.value] = c.group == raster::ClassGroup::Farmland;
    }
    MethodPolicy policy;
    policy.overrides = m_methods;
    policy.outside_default = m_outside_methods;
    policy.efficiency = m_efficiencies;

    // Study inputs that do not depend on the scenario: made once per batch (RunState::cached).
    const auto dm_ptr = state.cached<DistrictMap>("irrigation_districts", [&] { return loadDistricts(study); });
    const DistrictMap& dm = *dm_ptr;
    const size_t D = dm.districts.size();
    std::shared_ptr<const raster::Grid<float>> population;
    if (study.has("population"))
        population = state.cached<raster::Grid<float>>("layer:population",
                                                       [&] { return io::loadFloatLayer(study, "population"); });
    auto basicMask = [&] {
        raster::Grid<std::uint8_t> basic;
        vector::VectorLayer bf = io::loadVector(study, "basic_farmland");
        std::vector<const std::vector<std::uint8_t>*> wkbs;
        std::vector<double> vals;
        for (const auto& ft : bf.features) {
            wkbs.push_back(&ft.wkb);
            vals.push_back(1.0);
        }
        auto b = io::rasterizeGeometries(spec, wkbs, vals, false, 0);
        basic = raster::Grid<std::uint8_t>(spec.cols, spec.rows, 0);
        for (size_t i = 0; i < b.size(); ++i) basic[i] = b[i] ? 1 : 0;
        return basic;
    };
    std::shared_ptr<const raster::Grid<std::uint8_t>> basic_ptr =
        study.has("basic_farmland") ? state.cached<raster::Grid<std::uint8_t>>("mask:basic_farmland", basicMask)
                                    : std::make_shared<const raster::Grid<std::uint8_t>>();
    const raster::Grid<std::uint8_t>& basic = *basic_ptr;

    core::logDebug(kName, core::cat("inputs at ", secs(), " s"));
    // --- Demand per cell, parallel over tiles; per-tile sums merged in tile order. ---
    // Slots per district (index 0 = outside any district).
    enum Slot { Green = 0, Farm, Eco, Industry, Domestic, FarmArea, BasicArea, GreenArea, GreenEffArea, NSlots };
    struct Part {
        std::vector<double> s;
        double population = 0;
    };
    raster::Grid<float> demand(spec.cols, spec.rows, -1.0f);
    const auto windows = raster::makeWindows(spec.cols, spec.rows, 512);
    std::vector<Part> parts(windows.size());
    const double dom_m3_per_person = m_domestic_l_per_person_day * 365.0 / 1000.0;
    tbb::parallel_for(size_t(0), windows.size(), [&](size_t wi) {
        const auto& w = windows[wi];
        Part p;
        p.s.assign((D + 1) * NSlots, 0.0);
        for (int r = w.row0; r < w.row0 + w.rows; ++r)
            for (int c = w.col0; c < w.col0 + w.cols; ++c) {
                const size_t i = static_cast<size_t>(r) * spec.cols + c;
                const auto v = lu[i];
                if (v == raster::kClassNodata) continue;
                double cell = 0.0;
                const int k = dm.index.size() ? dm.index[i] : 0;
                const IrrigationDistrict* d = k > 0 ? &dm.districts[static_cast<size_t>(k - 1)] : nullptr;
                double* s = p.s.data() + static_cast<size_t>(k) * NSlots;
                const WaterUse* u = v < nv ? use_of[v] : nullptr;
                if (u) {
                    const bool green = u->kind == UseKind::UrbanGreen;
                    // Farm-kind land outside every irrigation district has no irrigation works:
                    // it draws nothing (natural shrubs, rain-fed plots) unless asked for.
                    const bool irrigated = green || (u->kind == UseKind::Farm && (d || m_irrigate_outside_farms));
                    if (irrigated) {
                        const auto [meth, eff] = policy.resolve(green ? "urban_green" : "farm", d);
                        const double g = u->net_m * (green ? m_green_quota_factor : m_farm_quota_factor) / eff * a;
                        cell += g;
                        s[green ? Green : Farm] += g;
                        if (green) {
                            s[GreenArea] += a;
                            if (isEfficientMethod(meth)) s[GreenEffArea] += a;
                        }
                    } else if (u->kind == UseKind::Ecological) {
                        cell += u->net_m * m_eco_quota_factor * a;
                        s[Eco] += u->net_m * m_eco_quota_factor * a;
                    } else if (u->kind == UseKind::Industry) {
                        cell += u->industry_m3_per_m2 * a;
                        s[Industry] += u->industry_m3_per_m2 * a;
                    }
                }
                if (is_farmland[v]) {
                    s[FarmArea] += a;
                    if (basic.size() && basic[i]) s[BasicArea] += a;
                }
                if (population) {
                    const float pop = (*population)[i];
                    if (pop > 0.0f) {
                        cell += pop * dom_m3_per_person;
                        s[Domestic] += pop * dom_m3_per_person;
                        p.population += pop;
                    }
                }
                demand[i] = static_cast<float>(cell);
            }
        parts[wi] = std::move(p);
    });
    std::vector<double> S((D + 1) * NSlots, 0.0);
    double pop_total = 0;
    for (const auto& p : parts) { // tile order
        for (size_t k = 0; k < S.size(); ++k) S[k] += p.s[k];
        pop_total += p.population;
    }
    auto slot = [&](size_t k, int sl) { return S[k * NSlots + static_cast<size_t>(sl)]; };
    double domestic = 0, industry = 0;
    for (size_t k = 0; k <= D; ++k) {
        domestic += slot(k, Domestic);
        industry += slot(k, Industry);
    }

    core::logDebug(kName, core::cat("demand at ", secs(), " s"));
    if (m_write_rasters) {
        io::RasterWriteOptions o;
        o.nodata = -1.0;
        o.description = "water demand per cell (irrigation gross, ecological, industry, domestic), year " +
                        std::to_string(year);
        o.units = "m3/yr";
        const std::string name = "water_demand_" + std::to_string(year) + ".tif";
        io::writeGeoTiff(state.out_dir + "/" + name, demand, spec, o);
        state.files.push_back(name);
    }
    demand = raster::Grid<float>();
    core::logDebug(kName, core::cat("raster written at ", secs(), " s"));

    // --- Supply. ---
    struct Src {
        std::string id, kind, node;
        double layer_m3 = 0, supply_m3 = 0;
    };
    std::vector<Src> srcs;
    if (study.has("water_sources")) {
        vector::VectorLayer ws = io::loadVector(study, "water_sources");
        const auto& sp = study.layer("water_sources");
        const int f_id = ws.fieldIndex(sp.field("source_id"));
        const int f_kind = ws.requireField(sp.field("kind"));
        const int f_sup = ws.requireField(sp.field("supply_m3_per_year"));
        const int f_node = ws.requireField(sp.field("node"));
        for (size_t i = 0; i < ws.features.size(); ++i) {
            Src s;
            s.id = f_id >= 0 ? ws.value(i, f_id).value_or("") : "";
            if (s.id.empty()) s.id = "source_" + std::to_string(ws.features[i].fid);
            s.kind = ws.value(i, f_kind).value_or("");
            if (s.kind != "river" && s.kind != "groundwater" && s.kind != "reclaimed")
                throw InputError(ws.path + ": water_sources feature " + std::to_string(ws.features[i].fid) +
                                 " field 'kind': '" + s.kind + "'; expected river, groundwater or reclaimed");
            s.layer_m3 = ws.number(i, f_sup).value_or(0.0);
            s.node = ws.value(i, f_node).value_or("");
            srcs.push_back(s);
        }
    }
    const double sewage = domestic * m_sewage_return_domestic + industry * m_sewage_return_industry;
    const double treated = sewage * m_treatment_rate;
    const double reclaimed_available = treated * m_reclaimed_reuse_share;
    auto scaleKind = [&](const std::string& kind, std::optional<double> total, bool cap_only) {
        double sum = 0;
        for (const auto& s : srcs)
            if (s.kind == kind) sum += s.layer_m3;
        for (auto& s : srcs) {
            if (s.kind != kind) continue;
            s.supply_m3 = s.layer_m3;
            if (!total) continue;
            if (cap_only && sum <= *total) continue;
            s.supply_m3 = sum > 0 ? s.layer_m3 / sum * *total : 0.0;
        }
    };
    scaleKind("river", m_river_allocation_m3, false);
    scaleKind("groundwater", m_groundwater_cap_m3, true);
    {
        // Reclaimed: what sewage gives, but never above the plants' capacity.
        double cap = 0;
        for (const auto& s : srcs)
            if (s.kind == "reclaimed") cap += s.layer_m3;
        if (m_reclaimed_capacity_m3 && cap > 0) {
            for (auto& s : srcs)
                if (s.kind == "reclaimed") s.layer_m3 = s.layer_m3 / cap * *m_reclaimed_capacity_m3;
            cap = *m_reclaimed_capacity_m3;
        }
        const double avail = std::min(cap, reclaimed_available);
        for (auto& s : srcs)
            if (s.kind == "reclaimed") s.supply_m3 = cap > 0 ? s.layer_m3 / cap * avail : 0.0;
    }

    // --- Network: nodes by name (sorted, deterministic). ---
    std::set<std::string> names;
    struct CanalRow {
        std::string id, from, to;
        double cap = 0, loss = 0;
    };
    std::vector<CanalRow> canals;
    if (study.has("canals")) {
        vector::VectorLayer cl = io::loadVector(study, "canals");
        const auto& sp = study.layer("canals");
        const int f_id = cl.fieldIndex(sp.field("canal_id"));
        const int f_from = cl.requireField(sp.field("from_node"));
        const int f_to = cl.requireField(sp.field("to_node"));
        const int f_cap = cl.requireField(sp.field("capacity_m3_per_year"));
        const int f_loss = cl.requireField(sp.field("loss_share"));
        for (size_t i = 0; i < cl.features.size(); ++i) {
            CanalRow c;
            const std::string fid = std::to_string(cl.features[i].fid);
            c.id = f_id >= 0 ? cl.value(i, f_id).value_or("canal_" + fid) : "canal_" + fid;
            c.from = cl.value(i, f_from).value_or("");
            c.to = cl.value(i, f_to).value_or("");
            c.cap = cl.number(i, f_cap).value_or(0.0);
            c.loss = cl.number(i, f_loss).value_or(0.0);
            if (c.from.empty() || c.to.empty())
                throw InputError(cl.path + ": canals feature " + fid + " has an empty from_node / to_node");
            if (!(c.loss >= 0.0 && c.loss < 1.0))
                throw InputError(cl.path + ": canals feature " + fid + " field 'loss_share': '" + std::to_string(c.loss) +
                                 "'; expected a share in [0, 1)");
            if (c.cap < 0.0)
                throw InputError(cl.path + ": canals feature " + fid + " field 'capacity_m3_per_year': '" +
                                 std::to_string(c.cap) + "'; expected >= 0");
            if (auto it = m_canal_overrides.find(c.id); it != m_canal_overrides.end()) {
                if (it->second.capacity_m3) c.cap = *it->second.capacity_m3;
                if (it->second.loss_share) c.loss = *it->second.loss_share;
            }
            canals.push_back(c);
        }
        for (const auto& [cid, o] : m_canal_overrides) {
            bool found = false;
            for (const auto& c : canals) found = found || c.id == cid;
            if (!found)
                throw ConfigError(std::string(kName) + ": canals override '" + cid + "' names no canal of " + cl.path);
        }
    }
    for (const auto& c : canals) names.insert(c.from), names.insert(c.to);
    for (const auto& s : srcs) names.insert(s.node);
    for (const auto& d : dm.districts) names.insert(d.node);
    // Municipal node: the parameter, else the node of the first urban_green district, else of
    // the first groundwater source, else of the first source.
    std::string muni = m_municipal_node;
    std::string muni_rule = "parameter";
    if (muni.empty()) {
        for (const auto& d : dm.districts)
            if (d.kind == "urban_green" && !d.node.empty()) {
                muni = d.node;
                muni_rule = "first urban_green district";
                break;
            }
    }
    if (muni.empty())
        for (const auto& s : srcs)
            if (s.kind == "groundwater") {
                muni = s.node;
                muni_rule = "first groundwater source";
                break;
            }
    if (muni.empty() && !srcs.empty()) {
        muni = srcs.front().node;
        muni_rule = "first source";
    }
    if (!muni.empty()) names.insert(muni);
    names.erase("");
    std::map<std::string, std::uint32_t> id;
    for (const auto& n : names) id.emplace(n, static_cast<std::uint32_t>(id.size()));

    std::vector<graph::CanalArc> arcs;
    for (const auto& c : canals) arcs.push_back({id[c.from], id[c.to], c.cap, c.loss, 1});
    std::vector<graph::WaterSupply> sup;
    std::vector<size_t> sup_src;
    for (size_t i = 0; i < srcs.size(); ++i) {
        if (srcs[i].node.empty()) continue;
        const std::int64_t cost = srcs[i].kind == "reclaimed" ? 0 : srcs[i].kind == "river" ? 1 : 3;
        sup.push_back({id[srcs[i].node], srcs[i].supply_m3, cost});
        sup_src.push_back(i);
    }
    // Ecological node for wetlands outside districts: the parameter, else the only leaf of the
    // canal network (no outgoing canal) that serves no district and holds no source.
    std::string eco = m_ecological_node, eco_rule = "parameter";
    if (eco.empty()) {
        std::set<std::string> leaves;
        for (const auto& c : canals) leaves.insert(c.to);
        for (const auto& c : canals) leaves.erase(c.from);
        for (const auto& d : dm.districts) leaves.erase(d.node);
        for (const auto& sr : srcs) leaves.erase(sr.node);
        if (leaves.size() == 1) {
            eco = *leaves.begin();
            eco_rule = "only free leaf of the canal network";
        } else {
            eco = muni;
            eco_rule = "municipal node";
        }
    }
    if (!eco.empty() && !id.count(eco)) id.emplace(eco, static_cast<std::uint32_t>(id.size()));

    // Demands, one per (district or outside) × use, at the district's node (outside: municipal
    // node; wetlands outside: ecological node). Domestic and industry are grossed up for the
    // supply-network leakage. Priority cost (lower = served first when short): domestic 0,
    // industry 10, urban green 20, ecological 30, farm 40.
    struct Dem {
        std::string entity, id, name, use, node;
        double demand = 0;   // at the node
        double consumer = 0; // what users need (before leakage)
        std::int64_t cost = 0;
        size_t slot_k = 0;   // 0 = outside, else 1 + district
        double delivered = 0;
    };
    std::vector<Dem> dems;
    const double leak_gross = 1.0 / (1.0 - m_leakage_share);
    const char* use_names[] = {"urban_green", "farm", "ecological", "industry", "domestic"};
    const std::int64_t use_cost[] = {20, 40, 30, 10, 0};
    for (size_t k = 0; k <= D; ++k) {
        const std::string did = k ? dm.districts[k - 1].district_id : "outside";
        const std::string dname = k ? dm.districts[k - 1].name : "outside irrigation districts";
        for (int u = Green; u <= Domestic; ++u) {
            const double need = slot(k, u);
            if (need <= 0) continue;
            std::string node = k ? dm.districts[k - 1].node : (u == Eco ? eco : muni);
            const bool piped = u == Industry || u == Domestic;
            dems.push_back({k ? "district" : "outside", did, dname, use_names[u], node, piped ? need * leak_gross : need,
                            need, use_cost[u], k});
        }
    }
    std::vector<graph::WaterDemand> wd;
    std::vector<size_t> wd_of;
    for (size_t i = 0; i < dems.size(); ++i) {
        if (dems[i].node.empty() || dems[i].demand <= 0) continue;
        wd.push_back({id.at(dems[i].node), dems[i].demand, dems[i].cost});
        wd_of.push_back(i);
    }
    const auto res = graph::solveDelivery(static_cast<std::uint32_t>(id.size()), arcs, sup, wd);
    for (size_t j = 0; j < wd.size(); ++j) dems[wd_of[j]].delivered = res.delivered_m3[j];
    double reclaimed_used = 0, supplied_total = 0;
    for (size_t j = 0; j < sup.size(); ++j) {
        supplied_total += res.supplied_m3[j];
        if (srcs[sup_src[j]].kind == "reclaimed") reclaimed_used += res.supplied_m3[j];
    }

    // --- Balance table. ---
    double demand_total = 0, delivered_total = 0, deficit_total = 0, leak_loss = 0;
    std::ostringstream csv;
    csv << "entity,id,name,use,node,demand_m3,delivered_m3,deficit_m3,deficit_share,farmland_ha,basic_farmland_ha,"
           "sustainable_farmland_ha,flag\n";
    nlohmann::ordered_json flags = nlohmann::ordered_json::array();
    nlohmann::ordered_json districts_j = nlohmann::ordered_json::array();
    double farmland_total = 0, farmland_sustainable = 0, basic_short = 0, farmland_short = 0;
    std::vector<io::OutFeature> short_feats;
    std::vector<double> dist_dem(D + 1, 0.0), dist_del(D + 1, 0.0);
    for (auto& x : dems) {
        const bool piped = x.use == "industry" || x.use == "domestic";
        // Users' side: piped deliveries lose the leakage share in the supply network.
        const double to_users = piped ? x.delivered / leak_gross : x.delivered;
        if (piped) leak_loss += x.delivered - to_users;
        const double deficit = std::max(0.0, x.consumer - to_users);
        const double share = x.consumer > 0 ? deficit / x.consumer : 0.0;
        demand_total += x.consumer;
        delivered_total += to_users;
        deficit_total += deficit;
        dist_dem[x.slot_k] += x.consumer;
        dist_del[x.slot_k] += to_users;
        double farm_ha = 0, basic_ha = 0, sust_ha = 0;
        std::string flag = share > m_deficit_tolerance ? "short" : "";
        if (x.use == "farm") {
            farm_ha = slot(x.slot_k, FarmArea) / 1e4;
            basic_ha = slot(x.slot_k, BasicArea) / 1e4;
            sust_ha = farm_ha * std::min(1.0, x.consumer > 0 ? to_users / x.consumer : 1.0);
            farmland_total += farm_ha;
            farmland_sustainable += sust_ha;
            if (farm_ha > 0 && share > m_deficit_tolerance) {
                flag = basic_ha > 0 ? "basic_farmland_short_of_water" : "farmland_short_of_water";
                farmland_short += farm_ha;
                basic_short += basic_ha;
                flags.push_back({{"id", x.id}, {"name", x.name}, {"farmland_ha", farm_ha}, {"basic_farmland_ha", basic_ha},
                                 {"demand_m3", x.consumer}, {"delivered_m3", to_users}, {"deficit_m3", deficit},
                                 {"sustainable_farmland_ha", sust_ha}, {"flag", flag}});
                if (x.slot_k)
                    short_feats.push_back({dm.districts[x.slot_k - 1].wkb,
                                           {x.id, x.name, dm.districts[x.slot_k - 1].kind, x.consumer, to_users, deficit,
                                            share, farm_ha, basic_ha, sust_ha, flag}});
            }
        }
        csv << x.entity << ',' << csvQuote(x.id) << ',' << csvQuote(x.name) << ',' << x.use << ',' << csvQuote(x.node)
            << ',' << fmt(x.consumer) << ',' << fmt(to_users) << ',' << fmt(deficit) << ',' << fmt(share, 4) << ','
            << fmt(farm_ha, 2) << ',' << fmt(basic_ha, 2) << ',' << fmt(sust_ha, 2) << ',' << flag << '\n';
    }
    // Farmland outside every district: no irrigation works, reported (never dropped).
    const double farm_outside_ha = slot(0, FarmArea) / 1e4;
    for (size_t k = 1; k <= D; ++k) {
        const auto& d = dm.districts[k - 1];
        const double def = std::max(0.0, dist_dem[k] - dist_del[k]);
        districts_j.push_back({{"id", d.district_id}, {"kind", d.kind}, {"node", d.node}, {"demand_m3", dist_dem[k]},
                               {"delivered_m3", dist_del[k]}, {"deficit_m3", def}});
        csv << "district_total," << csvQuote(d.district_id) << ',' << csvQuote(d.name) << ",all," << csvQuote(d.node)
            << ',' << fmt(dist_dem[k]) << ',' << fmt(dist_del[k]) << ',' << fmt(def) << ','
            << fmt(dist_dem[k] > 0 ? def / dist_dem[k] : 0.0, 4) << ',' << fmt(slot(k, FarmArea) / 1e4, 2) << ','
            << fmt(slot(k, BasicArea) / 1e4, 2) << ",,\n";
    }
    for (size_t j = 0; j < sup.size(); ++j) {
        const auto& sr = srcs[sup_src[j]];
        csv << "source," << csvQuote(sr.id) << ",," << sr.kind << ',' << csvQuote(sr.node) << ',' << fmt(sr.supply_m3)
            << ',' << fmt(res.supplied_m3[j]) << ",,,,,,available/used\n";
    }
    csv << "losses,canals,canal losses,,,," << fmt(res.total_loss_m3) << ",,,,,,\n";
    csv << "losses,leakage,supply-network leakage,,,," << fmt(leak_loss) << ",,,,,,\n";
    csv << "total,all,all demands,,," << fmt(demand_total) << ',' << fmt(delivered_total) << ',' << fmt(deficit_total)
        << ',' << fmt(demand_total > 0 ? deficit_total / demand_total : 0.0, 4) << ','
        << fmt(farmland_total + farm_outside_ha, 2) << ",," << fmt(farmland_sustainable, 2) << ",\n";
    io::writeTextFile(state.out_dir + "/water_balance.csv", csv.str());
    state.files.push_back("water_balance.csv");

    {
        const std::vector<io::FieldDef> fields = {
            {"district", io::FieldType::String, 40, 0}, {"name", io::FieldType::String, 80, 0},
            {"kind", io::FieldType::String, 20, 0},     {"demand_m3", io::FieldType::Real, 16, 1},
            {"deliv_m3", io::FieldType::Real, 16, 1},   {"deficit_m3", io::FieldType::Real, 16, 1},
            {"def_share", io::FieldType::Real, 10, 4},  {"farm_ha", io::FieldType::Real, 14, 2},
            {"basic_ha", io::FieldType::Real, 14, 2},   {"sustain_ha", io::FieldType::Real, 14, 2},
            {"flag", io::FieldType::String, 40, 0}};
        io::writeVectorLayer(state.out_dir + "/farmland_deficit.shp", "farmland_deficit", spec.crs_wkt,
                             io::GeomKind::MultiPolygon, fields, short_feats);
        state.files.push_back("farmland_deficit.shp");
    }

    // --- Metrics. ---
    double green_area = 0, green_eff = 0, green_dem = 0, farm_dem = 0, eco_dem = 0;
    for (size_t k = 0; k <= D; ++k) {
        green_area += slot(k, GreenArea);
        green_eff += slot(k, GreenEffArea);
        green_dem += slot(k, Green);
        farm_dem += slot(k, Farm);
        eco_dem += slot(k, Eco);
    }
    nlohmann::ordered_json m;
    m["year"] = year;
    m["tables_version"] = kWaterTableVersion;
    m["thresholds_version"] = kWaterThresholdVersion;
    m["water_demand_m3_per_year"] = demand_total;
    m["demand_by_use_m3"] = {{"urban_green", green_dem}, {"farm", farm_dem}, {"ecological", eco_dem},
                             {"industry", industry}, {"domestic", domestic}};
    m["delivered_m3_per_year"] = delivered_total;
    m["deficit_m3_per_year"] = deficit_total;
    m["deficit_share"] = demand_total > 0 ? deficit_total / demand_total : 0.0;
    m["supplied_m3_per_year"] = supplied_total;
    m["canal_loss_m3_per_year"] = res.total_loss_m3;
    m["leakage_loss_m3_per_year"] = leak_loss;
    m["loss_model"] = res.mixed_nodes.empty() ? "source units (exact: one loss product per node)"
                                              : "source units with flow-weighted factors at mixed nodes";
    m["flow_iterations"] = res.iterations;
    m["flow_converged"] = res.converged;
    if (!res.mixed_nodes.empty()) {
        nlohmann::ordered_json in = nlohmann::ordered_json::array();
        for (auto n : res.mixed_nodes)
            for (const auto& [nm, i] : id)
                if (i == n) in.push_back(nm);
        m["mixed_nodes"] = in;
    }
    m["municipal_node"] = muni;
    m["municipal_node_rule"] = muni_rule;
    m["ecological_node"] = eco;
    m["ecological_node_rule"] = eco_rule;
    m["farmland_outside_districts_ha"] = farm_outside_ha;
    m["population"] = pop_total;
    m["sewage_m3_per_year"] = sewage;
    m["sewage_treated_m3_per_year"] = treated;
    m["reclaimed_available_m3_per_year"] = reclaimed_available;
    m["reclaimed_used_m3_per_year"] = reclaimed_used;
    m["leakage_share"] = waterIndicator("leakage_share", m_leakage_share, "share", true);
    m["reclaimed_use_rate"] = waterIndicator("reclaimed_use_rate", treated > 0 ? reclaimed_used / treated : 0.0, "share", true);
    m["sewage_treatment_rate"] = waterIndicator("sewage_treatment_rate", m_treatment_rate, "share", false);
    {
        auto j = waterIndicator("efficient_irrigation_green_share", green_area > 0 ? green_eff / green_area : 0.0, "share", true);
        j["thresholds"]["local_target"] = m_efficient_green_target;
        j["pass"]["local_target"] = (green_area > 0 ? green_eff / green_area : 0.0) >= m_efficient_green_target;
        j["labels"]["local_target"] = "[E] local target (scenario parameter efficient_green_target)";
        m["efficient_irrigation_green_share"] = j;
    }
    m["urban_green_irrigated_km2"] = green_area / 1e6;
    m["farmland_ha"] = farmland_total;
    m["farmland_sustainable_ha"] = farmland_sustainable;
    m["farmland_short_of_water_ha"] = farmland_short;
    m["basic_farmland_short_of_water_ha"] = basic_short;
    m["farmland_flags"] = flags;
    m["districts"] = districts_j;
    if (!unknown_uses.empty()) m["unknown_water_uses"] = unknown_uses;
    core::logDebug(kName, core::cat("done in ", secs(), " s"));
    state.metrics[kName] = m;
}

} // namespace xiongguan::simulate
