// models.landuse_ca: drivers -> suitability -> demand -> yearly CA under the control lines ->
// outputs, compliance and (optionally) a hindcast against a null model.
#include "simulate/landuse_model.hpp"

#include "checks/api.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/random.hpp"
#include "io/raster_io.hpp"
#include "io/vector_io.hpp"
#include "io/yaml_util.hpp"
#include "simulate/landuse_demand.hpp"
#include "simulate/landuse_suitability.hpp"
#include "simulate/landuse_validation.hpp"
#include "vector/geos.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>
#include <set>

namespace xiongguan::simulate {

using core::cat;
namespace fs = std::filesystem;

namespace {

constexpr const char* kStage = "landuse";

// --------------------------------------------------------------------------------- configure

const std::set<std::string> kKeys = {
    "seed", "demand", "targets", "suitability", "trees", "max_depth", "min_leaf", "samples_per_class",
    "holdout_share", "l2", "neighbourhood_radius", "neighbourhood_weights", "conversion", "conversion_overrides",
    "constraints", "demand_tolerance", "demand_tolerance_ha", "validate", "drivers", "exclude_drivers", "write_patches", "iterations",
    "growth_share", "seed_threshold", "seed_decay", "probability_floor", "randomness", "tile", "cell_size_m"};

std::string oneOf(const std::string& file, const YAML::Node& n, const std::string& key, const std::string& def,
                  const std::vector<std::string>& allowed) {
    const std::string v = io::getString(file, n, key, def);
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw ConfigError(cat(io::where(file, n[key]), ": models.landuse_ca: ", key, " '", v, "' is not known (expected ",
                              list, ")"));
    }
    return v;
}

int intIn(const std::string& file, const YAML::Node& n, const std::string& key, int def, int lo, int hi) {
    const int v = io::getInt(file, n, key, def);
    if (v < lo || v > hi)
        throw ConfigError(cat(io::where(file, n[key]), ": models.landuse_ca: ", key, " must be ", lo, "..", hi, ", got '",
                              v, "'"));
    return v;
}

std::string codeText(const YAML::Node& n) { return n.as<std::string>(); }

// ------------------------------------------------------------------------------ calibration

// The drivers of a model: layers of the driver store, read back by row bands.
struct Features {
    const DriverStore* store = nullptr;
    std::vector<int> layers;
    int p() const { return static_cast<int>(layers.size()); }
};

// One row band of every feature: layer j of band-local cell i at buf[j * n * cols + i]. About 16 MB
// whatever the grid size (memory bounded by the band, not the grid).
class FeatureBand {
  public:
    explicit FeatureBand(const Features& f)
        : m_f(f), m_cols(f.store->cols()),
          m_max_rows(std::clamp((1 << 22) / std::max(1, f.p() * f.store->cols()), 1, std::max(1, f.store->rows()))),
          m_buf(static_cast<size_t>(f.p()) * static_cast<size_t>(m_max_rows) * static_cast<size_t>(m_cols)) {}
    int maxRows() const { return m_max_rows; }
    void load(int row0, int n) {
        m_row0 = row0;
        m_n = n;
        const size_t stride = static_cast<size_t>(n) * m_cols;
        tbb::parallel_for(0, m_f.p(), [&](int j) { m_f.store->readRows(m_f.layers[j], row0, n, m_buf.data() + j * stride); });
    }
    // Features of grid cell `cell` (inside the loaded band).
    void row(size_t cell, float* out) const {
        const size_t stride = static_cast<size_t>(m_n) * m_cols;
        const size_t i = cell - static_cast<size_t>(m_row0) * m_cols;
        for (int j = 0; j < m_f.p(); ++j) out[j] = m_buf[j * stride + i];
    }

  private:
    const Features& m_f;
    int m_cols, m_max_rows;
    int m_row0 = 0, m_n = 0;
    std::vector<float> m_buf;
};

// Current and peak resident memory (from /proc/self/status; "n/a" elsewhere), for -l debug.
void logMemory(const std::string& where) {
    if (core::logLevel() < core::LogLevel::Debug) return;
    std::ifstream in("/proc/self/status");
    std::string line, rss = "n/a", hwm = "n/a";
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) rss = line.substr(6);
        if (line.rfind("VmHWM:", 0) == 0) hwm = line.substr(6);
    }
    auto trim = [](std::string v) {
        v.erase(0, v.find_first_not_of(" \t"));
        return v;
    };
    core::logDebug(kStage, cat("memory ", where, ": resident ", trim(rss), ", peak ", trim(hwm)));
}

struct ClassModel {
    bool trained = false;
    LogisticModel lr;
    RandomForest rf;
    bool use_rf = true;
    double predict(const float* x) const { return use_rf ? rf.predict(x) : lr.predict(x); }
};

struct Context {
    const io::StudyArea& study;
    const LanduseCaModel::Params& p;
    std::uint64_t seed;
    std::vector<std::uint16_t> classes;
    std::vector<std::string> codes;
    std::vector<int> index;  // value -> k
    double ha_per_cell;
};

// Trains one model per class on the expansion cells between `from` and `to`; writes AUC and importance.
std::vector<ClassModel> trainModels(const Context& cx, const Features& f, const std::vector<std::string>& names,
                                    const raster::ClassGrid& from, const raster::ClassGrid& to,
                                    nlohmann::ordered_json& out) {
    const size_t K = cx.classes.size();
    const int p = f.p();
    std::vector<std::int64_t> n_pos(K, 0), n_from(K, 0), n_to(K, 0);
    std::int64_t n_valid = 0;
    for (size_t c = 0; c < from.size(); ++c) {
        const int a = cx.index[from[c]], b = cx.index[to[c]];
        if (a < 0 || b < 0) continue;
        ++n_valid;
        ++n_from[a];
        ++n_to[b];
        if (a != b) ++n_pos[b];
    }
    const double S = cx.p.samples_per_class;
    std::vector<double> rate_pos(K), rate_neg(K);
    for (size_t k = 0; k < K; ++k) {
        rate_pos[k] = n_pos[k] > 0 ? std::min(1.0, S / static_cast<double>(n_pos[k])) : 0.0;
        const std::int64_t neg = n_valid - n_from[k] - n_to[k] + (n_from[k] + n_to[k] > 0 ? 0 : 0);
        rate_neg[k] = neg > 0 ? std::min(1.0, S / static_cast<double>(std::max<std::int64_t>(1, neg))) : 0.0;
    }
    std::vector<SampleSet> train(K), test(K);
    for (size_t k = 0; k < K; ++k) train[k].p = test[k].p = p;
    std::vector<float> row(p);
    const std::uint64_t s_samp = core::hashString("landuse.sample"), s_hold = core::hashString("landuse.holdout");
    FeatureBand band(f);
    const int cols = from.cols(), rows = from.rows();
    for (int r0 = 0; r0 < rows; r0 += band.maxRows()) {
        const int n = std::min(band.maxRows(), rows - r0);
        band.load(r0, n);
        const size_t c_end = static_cast<size_t>(r0 + n) * cols;
        for (size_t c = static_cast<size_t>(r0) * cols; c < c_end; ++c) {
            const int a = cx.index[from[c]], b = cx.index[to[c]];
            if (a < 0 || b < 0) continue;
            const double u = core::uniform01(cx.seed, s_samp, c);
            bool any = false;
            if (a != b && u < rate_pos[b]) any = true;
            for (size_t k = 0; k < K && !any; ++k)
                if (static_cast<int>(k) != a && static_cast<int>(k) != b && u < rate_neg[k]) any = true;
            if (!any) continue;
            band.row(c, row.data());
            const bool hold = core::uniform01(cx.seed, s_hold, c) < cx.p.holdout_share;
            if (a != b && u < rate_pos[b]) (hold ? test[b] : train[b]).add(row.data(), 1);
            for (size_t k = 0; k < K; ++k)
                if (static_cast<int>(k) != a && static_cast<int>(k) != b && u < rate_neg[k])
                    (hold ? test[k] : train[k]).add(row.data(), 0);
        }
    }
    std::vector<ClassModel> models(K);
    for (size_t k = 0; k < K; ++k) {
        std::int64_t pos = 0;
        for (auto y : train[k].y) pos += y;
        if (pos < 10 || pos == static_cast<std::int64_t>(train[k].size())) continue; // too little expansion
        auto& m = models[k];
        m.trained = true;
        m.use_rf = cx.p.suitability == "random_forest";
        m.lr = fitLogistic(train[k], cx.p.l2);
        nlohmann::ordered_json j;
        j["expansion_cells"] = n_pos[k];
        j["train_samples"] = train[k].size();
        j["test_samples"] = test[k].size();
        std::vector<double> s_lr, s_rf;
        for (size_t i = 0; i < test[k].size(); ++i) s_lr.push_back(m.lr.predict(test[k].row(i)));
        const double auc_lr = rocAuc(s_lr, test[k].y);
        j["roc_auc_logistic"] = std::isnan(auc_lr) ? nlohmann::ordered_json() : nlohmann::ordered_json(auc_lr);
        if (m.use_rf) {
            ForestOptions fo;
            fo.trees = cx.p.trees;
            fo.max_depth = cx.p.max_depth;
            fo.min_leaf = cx.p.min_leaf;
            fo.seed = cx.seed;
            fo.stream = cx.classes[k];
            m.rf.fit(train[k], fo);
            for (size_t i = 0; i < test[k].size(); ++i) s_rf.push_back(m.rf.predict(test[k].row(i)));
            const double auc_rf = rocAuc(s_rf, test[k].y);
            j["roc_auc_random_forest"] = std::isnan(auc_rf) ? nlohmann::ordered_json() : nlohmann::ordered_json(auc_rf);
            nlohmann::ordered_json imp;
            for (int d = 0; d < p; ++d) imp[names[d]] = m.rf.importance()[d];
            j["driver_importance"] = imp;
        } else {
            // importance of a logistic model: |standardised coefficient| normalised to sum 1
            double sum = 0;
            for (int d = 0; d < p; ++d) sum += std::abs(m.lr.beta[d + 1]);
            nlohmann::ordered_json imp;
            for (int d = 0; d < p; ++d) imp[names[d]] = sum > 0 ? std::abs(m.lr.beta[d + 1]) / sum : 0.0;
            j["driver_importance"] = imp;
        }
        j["roc_auc"] = m.use_rf ? j["roc_auc_random_forest"] : j["roc_auc_logistic"];
        out[cx.codes[k]] = j;
    }
    return models;
}

// Suitability grids (probability × 65535) of the trained classes marked in `needed` (the others
// stay empty: they cannot gain cells in this run), predicted by row bands of the drivers and spilled
// to temporary files in `spill_dir` one row of 64×64 blocks at a time (memory: one row of blocks per
// grid, not the grid).
std::vector<SuitabilityGrid> predictSuitability(const Context& cx, const std::vector<ClassModel>& models,
                                                const Features& f, const raster::ClassGrid& map,
                                                const std::vector<char>& needed, const std::string& spill_dir) {
    const size_t K = cx.classes.size();
    const int cols = map.cols(), rows = map.rows();
    // Blocks holding a cell of a class in play; the others (outside the study) never change, so
    // their suitability is never read and not stored.
    constexpr int S = SuitabilityGrid::kShift;
    const int bcols = SuitabilityGrid::blockCols(cols), brows = SuitabilityGrid::blockCols(rows);
    std::vector<char> used(static_cast<size_t>(bcols) * brows, 0);
    tbb::parallel_for(0, brows, [&](int by) {
        for (int y = by << S; y < std::min(rows, (by + 1) << S); ++y)
            for (int x = 0; x < cols; ++x)
                if (cx.index[map.at(x, y)] >= 0) used[static_cast<size_t>(by) * bcols + (x >> S)] = 1;
    });
    std::vector<SuitabilityGrid> out(K);
    std::vector<int> active;
    for (size_t k = 0; k < K; ++k)
        if (models[k].trained && needed[k]) {
            out[k] = SuitabilityGrid(cols, rows, used, spill_dir);
            active.push_back(static_cast<int>(k));
        }
    if (active.empty()) return out;
    core::Progress progress("suitability", static_cast<std::uint64_t>(rows));
    FeatureBand band(f);
    for (int by = 0; by < brows; ++by) {
        for (int k : active) out[k].openBlockRow(by);
        const int y_end = std::min(rows, (by + 1) << S);
        for (int r0 = by << S; r0 < y_end; r0 += band.maxRows()) {
            const int n = std::min(band.maxRows(), y_end - r0);
            band.load(r0, n);
            tbb::parallel_for(r0, r0 + n, [&](int r) {
                std::vector<float> x(f.p());
                for (int c = 0; c < cols; ++c) {
                    const size_t cell = static_cast<size_t>(r) * cols + c;
                    const int j = map[cell] < cx.index.size() ? cx.index[map[cell]] : -1;
                    if (j < 0) continue;
                    band.row(cell, x.data());
                    for (int k : active) {
                        if (k == j) continue;
                        const double pr = std::clamp(models[k].predict(x.data()), 0.0, 1.0);
                        *out[k].cell(c, r) = static_cast<std::uint16_t>(std::lround(pr * 65535.0));
                    }
                }
                progress.advance();
            });
        }
        for (int k : active) out[k].closeBlockRow();
    }
    progress.finish();
    return out;
}

// Conversion matrix: observed transitions (or all), with overrides.
std::vector<std::vector<double>> conversionMatrix(const Context& cx, const raster::ClassGrid& from,
                                                  const raster::ClassGrid& to, const std::string& file) {
    const size_t K = cx.classes.size();
    std::vector<std::vector<double>> m(K, std::vector<double>(K, cx.p.conversion == "all" ? 1.0 : 0.0));
    if (cx.p.conversion == "observed") {
        const auto P = transitionMatrix(from, to, cx.classes);
        for (size_t j = 0; j < K; ++j)
            for (size_t k = 0; k < K; ++k) m[j][k] = P[j][k] > 0 ? 1.0 : 0.0;
    }
    for (const auto& [fc, tc, w] : cx.p.conversion_overrides) {
        const auto* a = cx.study.classes.byCode(fc);
        const auto* b = cx.study.classes.byCode(tc);
        if (!a || !b)
            throw ConfigError(cat(file, ": models.landuse_ca: conversion_overrides names class '", !a ? fc : tc,
                                  "' which is not in the study's class table"));
        m[cx.index[a->value]][cx.index[b->value]] = w;
    }
    for (size_t k = 0; k < K; ++k) m[k][k] = 0.0;
    return m;
}

std::vector<double> neighbourhoodWeights(const Context& cx, const raster::ClassGrid& from, const raster::ClassGrid& to) {
    const size_t K = cx.classes.size();
    std::vector<double> gain(K, 0.0);
    for (size_t c = 0; c < from.size(); ++c) {
        const int a = cx.index[from[c]], b = cx.index[to[c]];
        if (a >= 0 && b >= 0 && a != b) gain[b] += 1;
    }
    const double mx = *std::max_element(gain.begin(), gain.end());
    std::vector<double> w(K, 1.0);
    for (size_t k = 0; k < K; ++k) w[k] = mx > 0 ? std::max(0.05, gain[k] / mx) : 1.0;
    for (const auto& [code, v] : cx.p.neighbourhood_weights) {
        const auto* c = cx.study.classes.byCode(code);
        if (c) w[cx.index[c->value]] = v;
    }
    return w;
}

nlohmann::ordered_json yearJson(const Context& cx, const CaYearReport& rep) {
    nlohmann::ordered_json j;
    nlohmann::ordered_json met = nlohmann::ordered_json::object();
    for (size_t k = 0; k < cx.classes.size(); ++k) {
        const std::int64_t asked = rep.demand[k] >= 0 ? std::max<std::int64_t>(0, rep.demand[k] - rep.before[k]) : 0;
        if (asked == 0) continue;
        const std::int64_t placed = std::max<std::int64_t>(0, rep.after[k] - rep.before[k]);
        met[cx.codes[k]] = {{"demanded_ha", static_cast<double>(asked) * cx.ha_per_cell},
                            {"placed_ha", static_cast<double>(std::min(placed, asked)) * cx.ha_per_cell},
                            {"not_placed_ha", static_cast<double>(std::max<std::int64_t>(0, asked - placed)) * cx.ha_per_cell}};
    }
    j["iterations"] = rep.iterations;
    j["demand"] = met;
    nlohmann::ordered_json unmet = nlohmann::ordered_json::array();
    for (const auto& u : rep.unmet)
        unmet.push_back({{"class", cx.codes[u.class_index]},
                         {"demanded_ha", static_cast<double>(u.demanded) * cx.ha_per_cell},
                         {"placed_ha", static_cast<double>(u.placed) * cx.ha_per_cell},
                         {"not_placed_ha", static_cast<double>(u.not_placed) * cx.ha_per_cell},
                         {"candidate_ha", static_cast<double>(u.candidate_cells) * cx.ha_per_cell},
                         {"forbidden_ha", static_cast<double>(u.forbidden_cells) * cx.ha_per_cell},
                         {"below_floor_ha", static_cast<double>(u.below_floor_cells) * cx.ha_per_cell},
                         {"reason", u.reason}});
    j["unmet"] = unmet;
    return j;
}

// Runs the yearly CA from `start` for each demand row and returns the last year's map. Calls `each`
// after every year (outputs, compliance, demand tolerance); only the current map is kept.
template <typename Each>
raster::ClassGrid simulateYears(const raster::ClassGrid& start, const CaInputs& in,
                                const std::vector<std::vector<std::int64_t>>& demand, int first_year, const CaOptions& opt,
                                Each&& each) {
    raster::ClassGrid map = start;
    for (size_t s = 0; s < demand.size(); ++s) {
        const int year = first_year + static_cast<int>(s);
        core::Timer t;
        CaYearReport rep = runCaYear(map, in, demand[s], year, opt);
        core::logInfo(kStage, cat("year ", year, ": ", rep.iterations, " iterations, ", t.seconds(), " s"));
        logMemory(cat("automaton of ", year));
        each(year, map, rep);
        logMemory(cat("after year ", year, " (map written, compliance)"));
    }
    return map;
}

std::vector<std::vector<std::int64_t>> linearDemand(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b,
                                                    int steps) {
    std::vector<std::vector<std::int64_t>> out;
    const std::int64_t total = std::accumulate(b.begin(), b.end(), std::int64_t(0));
    for (int s = 1; s <= steps; ++s) {
        std::vector<double> v(a.size());
        for (size_t k = 0; k < a.size(); ++k)
            v[k] = static_cast<double>(a[k]) + (static_cast<double>(b[k] - a[k])) * s / steps;
        out.push_back(roundToTotal(v, total));
    }
    return out;
}

void writeClassTif(const io::StudyArea& study, const std::string& path, const raster::ClassGrid& g,
                   const std::string& desc) {
    io::RasterWriteOptions o;
    o.nodata = 0;
    o.classes = &study.classes;
    o.description = desc;
    io::writeGeoTiff(path, g, study.grid, o);
}

} // namespace

// Mode of each factor×factor block of `fine` (0 = nodata, ignored; a block of nodata only stays 0;
// ties go to the value met first in row-major order inside the block). Blocks at the right and
// bottom edges use the cells that exist. Output cols×rows.
raster::ClassGrid modeAggregate(const raster::ClassGrid& fine, int factor, int cols, int rows) {
    raster::ClassGrid out(cols, rows, 0);
    const int fc = fine.cols(), fr = fine.rows();
    tbb::parallel_for(0, rows, [&](int r) {
        std::vector<std::pair<std::uint16_t, int>> seen;
        seen.reserve(static_cast<size_t>(factor) * factor);
        for (int c = 0; c < cols; ++c) {
            seen.clear();
            for (int y = r * factor; y < std::min(fr, (r + 1) * factor); ++y)
                for (int x = c * factor; x < std::min(fc, (c + 1) * factor); ++x) {
                    const std::uint16_t v = fine[static_cast<size_t>(y) * fc + x];
                    if (v == 0) continue;
                    auto it = std::find_if(seen.begin(), seen.end(), [v](const auto& e) { return e.first == v; });
                    if (it == seen.end()) seen.emplace_back(v, 1);
                    else ++it->second;
                }
            std::uint16_t best = 0;
            int best_n = 0;
            for (const auto& [v, n] : seen)
                if (n > best_n) {
                    best = v;
                    best_n = n;
                }
            out[static_cast<size_t>(r) * cols + c] = best;
        }
    });
    return out;
}

raster::ClassGrid blockExpand(const raster::ClassGrid& coarse, int factor, const raster::ClassGrid& mask) {
    raster::ClassGrid out(mask.cols(), mask.rows(), 0);
    tbb::parallel_for(0, mask.rows(), [&](int y) {
        const int cy = std::min(coarse.rows() - 1, y / factor);
        for (int x = 0; x < mask.cols(); ++x) {
            if (mask.at(x, y) == 0) continue;
            out.at(x, y) = coarse.at(std::min(coarse.cols() - 1, x / factor), cy);
        }
    });
    return out;
}

void regridStudy(io::StudyArea& study, double cell_size_m) {
    if (!(cell_size_m > 0)) throw ConfigError(cat("regrid: cell size must be > 0 m, got '", cell_size_m, "'"));
    auto& g = study.grid;
    const double w = g.cols * g.cell_size_m, h = g.rows * g.cell_size_m;
    g.cols = static_cast<int>(std::ceil(w / cell_size_m - 1e-9));
    g.rows = static_cast<int>(std::ceil(h / cell_size_m - 1e-9));
    g.cell_size_m = cell_size_m;
    for (auto& [year, spec] : study.landuse)
        if (spec.resample == io::Resample::Refuse) spec.resample = io::Resample::Mode;
    for (auto& [role, spec] : study.layers)
        if (spec.resample == io::Resample::Refuse)
            spec.resample = role == "population" ? io::Resample::Average : io::Resample::Bilinear;
}

void LanduseCaModel::configure(const YAML::Node& n, const std::string& file) {
    Params p;
    if (n && !n.IsNull()) {
        if (!n.IsMap()) throw ConfigError(cat(io::where(file, n), ": models.landuse_ca: parameters must be a map"));
        io::requireKnownKeys(file, n, kKeys, "models.landuse_ca");
        if (n["seed"]) {
            const int s = io::getInt(file, n, "seed", 1);
            if (s < 0) throw ConfigError(cat(io::where(file, n["seed"]), ": models.landuse_ca: seed must be >= 0, got '", s, "'"));
            p.seed = static_cast<std::uint64_t>(s);
        }
        p.demand = oneOf(file, n, "demand", p.demand, {"markov", "trend", "plan_targets"});
        if (n["targets"]) {
            const auto& t = n["targets"];
            if (!t.IsMap()) throw ConfigError(cat(io::where(file, t), ": models.landuse_ca: targets must map year -> {code: hectares}"));
            for (const auto& y : t) {
                int year = 0;
                try {
                    year = y.first.as<int>();
                } catch (const YAML::Exception&) {
                    throw ConfigError(cat(io::where(file, y.first), ": models.landuse_ca: targets key '",
                                          y.first.as<std::string>(), "' is not a year"));
                }
                if (!y.second.IsMap())
                    throw ConfigError(cat(io::where(file, y.second), ": models.landuse_ca: targets.", year, " must map class code -> hectares"));
                for (const auto& c : y.second) {
                    double ha = 0;
                    try {
                        ha = c.second.as<double>();
                    } catch (const YAML::Exception&) {
                        throw ConfigError(cat(io::where(file, c.second), ": models.landuse_ca: targets.", year, ".",
                                              codeText(c.first), " must be hectares, got '", c.second.as<std::string>(), "'"));
                    }
                    if (ha < 0)
                        throw ConfigError(cat(io::where(file, c.second), ": models.landuse_ca: targets.", year, ".",
                                              codeText(c.first), " must be >= 0 ha, got '", ha, "'"));
                    p.targets_ha[year][codeText(c.first)] = ha;
                }
            }
        }
        if (p.demand == "plan_targets" && p.targets_ha.empty())
            throw ConfigError(cat(io::where(file, n), ": models.landuse_ca: demand 'plan_targets' needs 'targets: {year: {code: hectares}}'"));
        p.suitability = oneOf(file, n, "suitability", p.suitability, {"random_forest", "logistic"});
        p.trees = intIn(file, n, "trees", p.trees, 1, 1000);
        p.max_depth = intIn(file, n, "max_depth", p.max_depth, 1, 40);
        p.min_leaf = intIn(file, n, "min_leaf", p.min_leaf, 1, 10000);
        p.samples_per_class = intIn(file, n, "samples_per_class", p.samples_per_class, 50, 1000000);
        p.holdout_share = io::getDoubleIn(file, n, "holdout_share", p.holdout_share, 0.05, 0.9);
        p.l2 = io::getDoubleIn(file, n, "l2", p.l2, 0.0, 100.0);
        p.ca.radius = intIn(file, n, "neighbourhood_radius", p.ca.radius, 1, 7);
        if (n["neighbourhood_weights"]) {
            const auto& w = n["neighbourhood_weights"];
            if (!w.IsMap()) throw ConfigError(cat(io::where(file, w), ": models.landuse_ca: neighbourhood_weights must map class code -> 0..1"));
            for (const auto& e : w) p.neighbourhood_weights[codeText(e.first)] = io::getDoubleIn(file, w, codeText(e.first), 1.0, 0.0, 1.0);
        }
        p.conversion = oneOf(file, n, "conversion", p.conversion, {"observed", "all"});
        if (n["conversion_overrides"]) {
            const auto& l = n["conversion_overrides"];
            if (!l.IsSequence()) throw ConfigError(cat(io::where(file, l), ": models.landuse_ca: conversion_overrides must be a list of {from, to, weight}"));
            for (const auto& e : l) {
                io::requireKnownKeys(file, e, {"from", "to", "weight"}, "conversion_overrides");
                if (!e["from"] || !e["to"])
                    throw ConfigError(cat(io::where(file, e), ": models.landuse_ca: conversion_overrides entry needs 'from' and 'to'"));
                p.conversion_overrides.emplace_back(codeText(e["from"]), codeText(e["to"]), io::getDoubleIn(file, e, "weight", 0.0, 0.0, 1.0));
            }
        }
        p.constraints = parseConstraints(n["constraints"], file);
        p.demand_tolerance = io::getDoubleIn(file, n, "demand_tolerance", p.demand_tolerance, 0.0, 1.0);
        p.demand_tolerance_ha = io::getDoubleIn(file, n, "demand_tolerance_ha", p.demand_tolerance_ha, 0.0, 1e9);
        p.validate = io::getBool(file, n, "validate", p.validate);
        if (n["drivers"]) {
            const auto& l = n["drivers"];
            if (!l.IsSequence()) throw ConfigError(cat(io::where(file, l), ": models.landuse_ca: drivers must be a list of {file, name}"));
            const fs::path base = fs::path(file).parent_path();
            for (const auto& e : l) {
                io::requireKnownKeys(file, e, {"file", "name", "resample"}, "drivers");
                UserDriver d;
                d.name = io::getString(file, e, "name");
                const std::string f = io::getString(file, e, "file");
                if (d.name.empty() || f.empty())
                    throw ConfigError(cat(io::where(file, e), ": models.landuse_ca: a driver needs 'file' and 'name'"));
                d.file = fs::path(f).is_absolute() ? f : (base / f).lexically_normal().string();
                if (!fs::exists(d.file))
                    throw ConfigError(cat(io::where(file, e["file"]), ": models.landuse_ca: driver file '", f, "' does not exist"));
                d.resample = io::parseResample(io::getString(file, e, "resample"), cat(file, ": drivers.", d.name));
                p.drivers.push_back(d);
            }
        }
        if (n["exclude_drivers"]) {
            for (const auto& e : n["exclude_drivers"]) p.exclude_drivers.push_back(e.as<std::string>());
        }
        p.write_patches = io::getBool(file, n, "write_patches", p.write_patches);
        p.ca.max_iterations = intIn(file, n, "iterations", p.ca.max_iterations, 1, 200);
        p.ca.growth_share = io::getDoubleIn(file, n, "growth_share", p.ca.growth_share, 0.01, 1.0);
        p.ca.seed_threshold = io::getDoubleIn(file, n, "seed_threshold", p.ca.seed_threshold, 0.0, 1.0);
        p.ca.seed_decay = io::getDoubleIn(file, n, "seed_decay", p.ca.seed_decay, 0.0, 1.0);
        p.ca.probability_floor = io::getDoubleIn(file, n, "probability_floor", p.ca.probability_floor, 0.0, 1.0);
        p.ca.randomness = io::getDoubleIn(file, n, "randomness", p.ca.randomness, 0.0, 5.0);
        p.ca.tile = intIn(file, n, "tile", p.ca.tile, 16, 4096);
        if (n["cell_size_m"] && !n["cell_size_m"].IsNull())
            p.cell_size_m = io::getDoubleIn(file, n, "cell_size_m", 0.0, 0.0, 100000.0);
    }
    m_p = p;
}

nlohmann::ordered_json LanduseCaModel::parameters() const {
    const auto& p = m_p;
    nlohmann::ordered_json j;
    j["seed"] = p.seed ? nlohmann::ordered_json(*p.seed) : nlohmann::ordered_json("run");
    j["demand"] = p.demand;
    nlohmann::ordered_json t = nlohmann::ordered_json::object();
    for (const auto& [y, m] : p.targets_ha)
        for (const auto& [c, ha] : m) t[std::to_string(y)][c] = ha;
    j["targets"] = t;
    j["suitability"] = p.suitability;
    j["trees"] = p.trees;
    j["max_depth"] = p.max_depth;
    j["min_leaf"] = p.min_leaf;
    j["samples_per_class"] = p.samples_per_class;
    j["holdout_share"] = p.holdout_share;
    j["l2"] = p.l2;
    j["neighbourhood_radius"] = p.ca.radius;
    j["neighbourhood_weights"] = p.neighbourhood_weights.empty() ? nlohmann::ordered_json("from expansion")
                                                                 : nlohmann::ordered_json(p.neighbourhood_weights);
    j["conversion"] = p.conversion;
    nlohmann::ordered_json ov = nlohmann::ordered_json::array();
    for (const auto& [a, b, w] : p.conversion_overrides) ov.push_back({{"from", a}, {"to", b}, {"weight", w}});
    j["conversion_overrides"] = ov;
    j["constraints"] = constraintsJson(p.constraints);
    j["demand_tolerance"] = p.demand_tolerance;
    j["demand_tolerance_ha"] = p.demand_tolerance_ha;
    j["validate"] = p.validate;
    nlohmann::ordered_json d = nlohmann::ordered_json::array();
    for (const auto& u : p.drivers) d.push_back({{"name", u.name}, {"file", u.file}});
    j["drivers"] = d;
    j["exclude_drivers"] = p.exclude_drivers;
    j["write_patches"] = p.write_patches;
    j["iterations"] = p.ca.max_iterations;
    j["growth_share"] = p.ca.growth_share;
    j["seed_threshold"] = p.ca.seed_threshold;
    j["seed_decay"] = p.ca.seed_decay;
    j["probability_floor"] = p.ca.probability_floor;
    j["randomness"] = p.ca.randomness;
    j["tile"] = p.ca.tile;
    j["cell_size_m"] = p.cell_size_m > 0 ? nlohmann::ordered_json(p.cell_size_m) : nlohmann::ordered_json("study grid");
    return j;
}

void LanduseCaModel::run(RunState& state) {
    if (!state.study) throw InputError("models.landuse_ca: the run has no study area");
    core::Timer total_t;
    // The model's own grid: the study grid, or a coarser one with the same origin (cell_size_m).
    std::optional<io::StudyArea> regridded;
    // A cell_size_m not coarser than the study grid (e.g. the study already resampled with
    // `simulate --cell-size`) runs on the study grid: the model never refines a grid.
    if (m_p.cell_size_m > state.study->grid.cell_size_m + 1e-9) {
        regridded = *state.study;
        regridStudy(*regridded, m_p.cell_size_m);
    }
    const bool on_study_grid = !regridded;
    const io::StudyArea& study = regridded ? *regridded : *state.study;
    const int from_year = state.year_from, to_year = state.year_to;
    // The two observed maps: the one at period.from and the latest observed one before it.
    const auto observed = study.landuseYears();
    int earlier_year = -1;
    for (int y : observed)
        if (y < from_year && state.landuse.count(y)) earlier_year = y;
    if (!state.landuse.count(from_year))
        throw InputError(cat("models.landuse_ca: no land-use map for period.from ", from_year));
    if (earlier_year < 0)
        throw InputError(cat("models.landuse_ca: needs an observed land-use map before ", from_year,
                             " to learn the change from (the study has ", observed.size(), " land-use year(s))"));
    // On another grid the maps are read again from the study's files, resampled by mode.
    auto mapOf = [&](int year) {
        if (on_study_grid) return state.landuse.at(year);
        // a whole multiple of the study cell size: block mode of the run's study-grid map (fast;
        // same rule as GDAL's mode resampling on aligned blocks), else GDAL mode from the file
        const auto& sg = state.study->grid;
        const double ratio = study.grid.cell_size_m / sg.cell_size_m;
        const int factor = static_cast<int>(std::lround(ratio));
        const auto it = state.landuse.find(year);
        if (std::abs(ratio - factor) < 1e-9 && it != state.landuse.end() && it->second.cols() == sg.cols &&
            it->second.rows() == sg.rows && study.landuse.count(year))
            return modeAggregate(it->second, factor, study.grid.cols, study.grid.rows);
        if (!study.landuse.count(year))
            throw InputError(cat("models.landuse_ca: cell_size_m ", m_p.cell_size_m, " needs the observed land-use map of ",
                                 year, " in the study file (the run's map of that year is not an observed one)"));
        return io::loadLanduse(study, year);
    };
    core::Timer t_load;
    // On the study grid the run's maps are used as they are (no copies).
    std::optional<raster::ClassGrid> base_own, earlier_own;
    if (!on_study_grid) {
        base_own = mapOf(from_year);
        earlier_own = mapOf(earlier_year);
    }
    const raster::ClassGrid& base = on_study_grid ? state.landuse.at(from_year) : *base_own;
    const raster::ClassGrid& earlier = on_study_grid ? state.landuse.at(earlier_year) : *earlier_own;
    const double regrid_s = t_load.seconds();
    logMemory("maps loaded");
    const int interval = from_year - earlier_year;
    // Whole-multiple coarse grids with the same origin can hand their final map back to the study grid.
    int expand_factor = 0;
    if (!on_study_grid) {
        const double ratio = study.grid.cell_size_m / state.study->grid.cell_size_m;
        const int f = static_cast<int>(std::lround(ratio));
        if (std::abs(ratio - f) < 1e-9 && state.landuse.at(from_year).cols() == state.study->grid.cols)
            expand_factor = f;
    }

    Context cx{study, m_p, m_p.seed ? *m_p.seed : state.seed, {}, {}, std::vector<int>(65536, -1),
               study.grid.cellArea_m2() / 1e4};
    for (const auto& r : study.classes.rows()) {
        cx.index[r.value] = static_cast<int>(cx.classes.size());
        cx.classes.push_back(r.value);
        cx.codes.push_back(r.code);
    }
    const size_t K = cx.classes.size();
    CaOptions ca = m_p.ca;
    ca.seed = cx.seed;

    nlohmann::ordered_json M;
    M["seed"] = cx.seed;
    M["grid"] = {{"cols", study.grid.cols},
                 {"rows", study.grid.rows},
                 {"cell_size_m", study.grid.cell_size_m},
                 {"on_study_grid", on_study_grid},
                 {"note", on_study_grid ? "simulated maps are the run's land use for later models and checks"
                                        : cat("simulated maps are on the model's ", study.grid.cell_size_m,
                                              " m grid: written as files, per-year compliance computed on that grid; "
                                              "the final year is expanded back onto the study grid (each coarse cell "
                                              "to its block of study cells) for later models and the runner's checks, "
                                              "when the cell size is a whole multiple of the study's")}};
    M["calibration"] = {{"from", earlier_year}, {"to", from_year}};

    // ---- drivers: each made on its own and spilled to a temporary file of the run's folder, read
    // back by row bands (full-size float grids are never all in memory at once)
    core::Timer t;
    DriverStore store(state.out_dir.empty() ? std::string(".") : state.out_dir, study.grid.cols, study.grid.rows);
    std::vector<int> stat_layers, train_layers, pred_layers;
    auto into = [&](std::vector<int>& layers) {
        return [&store, &layers](const std::string& name, raster::Grid<float>&& g) {
            layers.push_back(store.add(name, g));
            g = raster::Grid<float>();
            logMemory(cat("driver ", name));
        };
    };
    const std::vector<std::string> stat_skipped = staticDrivers(study, m_p.drivers, into(stat_layers));
    mapDrivers(study, earlier, into(train_layers));
    std::vector<std::string> names;
    for (int l : stat_layers) names.push_back(store.names()[l]);
    for (int l : train_layers) names.push_back(store.names()[l]);
    names.erase(std::remove_if(names.begin(), names.end(),
                               [&](const std::string& n) {
                                   return std::find(m_p.exclude_drivers.begin(), m_p.exclude_drivers.end(), n) !=
                                          m_p.exclude_drivers.end();
                               }),
                names.end());
    if (names.empty()) throw InputError("models.landuse_ca: no driver available (all layers missing or excluded)");
    // the static drivers in `names` order, then the map drivers of `dyn`
    auto features = [&](const std::vector<int>& dyn) {
        Features f;
        f.store = &store;
        for (const std::vector<int>* set : {static_cast<const std::vector<int>*>(&stat_layers), &dyn})
            for (const auto& n : names)
                for (int l : *set)
                    if (store.names()[l] == n) f.layers.push_back(l);
        return f;
    };
    M["drivers"] = names;
    M["drivers_skipped"] = stat_skipped;
    const double drivers_s = t.seconds();
    core::logInfo(kStage, cat(names.size(), " drivers in ", drivers_s, " s"));

    // ---- suitability, learned from earlier -> base
    t.reset();
    nlohmann::ordered_json suit_j = nlohmann::ordered_json::object();
    const Features f_train = features(train_layers);
    const auto models = trainModels(cx, f_train, names, earlier, base, suit_j);
    M["suitability"] = {{"method", m_p.suitability}, {"classes", suit_j}};
    const double train_s = t.seconds();
    core::logInfo(kStage, cat("suitability models trained in ", train_s, " s"));

    const auto conversion = conversionMatrix(cx, earlier, base, "models.landuse_ca");
    const auto weights = neighbourhoodWeights(cx, earlier, base);
    // gross change: each class may release its observed yearly loss share (1 - P_jj) / interval
    std::vector<double> release(K, 0.0);
    {
        const auto P = transitionMatrix(earlier, base, cx.classes);
        for (size_t j = 0; j < K; ++j) {
            // only classes that also gained cells can give some away and grow them back elsewhere
            bool inflow = false;
            for (size_t i = 0; i < K; ++i) inflow |= i != j && P[i][j] > 0;
            release[j] = inflow ? (1.0 - P[j][j]) / std::max(1, interval) : 0.0;
        }
    }
    ConstraintSet cons = buildConstraints(study, cx.classes, m_p.constraints);
    M["constraints"] = {{"rules", constraintsJson(m_p.constraints)}, {"areas", cons.summary}};

    // Suitability only for the classes that may gain cells under `demand` (one 16-bit grid each).
    auto makeInputs = [&](const raster::ClassGrid& start_map, const Features& f,
                          const std::vector<std::vector<std::int64_t>>& demand) {
        CaInputs in;
        in.classes = cx.classes;
        in.neighbourhood_weight = weights;
        in.release_share = release;
        const auto needed = classesThatMayGain(classCounts(start_map, cx.classes), demand, release);
        in.suitability = predictSuitability(cx, models, f, start_map, needed,
                                            state.out_dir.empty() ? std::string(".") : state.out_dir);
        int grids = 0;
        size_t stored = 0;
        for (const auto& g : in.suitability) {
            grids += !g.empty();
            stored += g.storedCells();
        }
        core::logInfo(kStage, cat("suitability grids: ", grids, " (classes that may gain cells), ",
                                  grids ? static_cast<double>(stored) / grids / static_cast<double>(start_map.size()) : 0.0,
                                  " of the grid stored (64x64 blocks with cells in play)"));
        logMemory("suitability predicted");
        in.conversion = conversion;
        in.zones = cons.zones;
        in.zone_factor = cons.factor;
        return in;
    };
    nlohmann::ordered_json timings;
    if (!on_study_grid) timings["regrid_s"] = regrid_s;
    timings["drivers_s"] = drivers_s;
    timings["training_s"] = train_s;

    // ---- hindcast: earlier -> base with the observed quantities, against the null model
    if (m_p.validate) {
        t.reset();
        const auto target = classCounts(base, cx.classes);
        const auto demand = linearDemand(classCounts(earlier, cx.classes), target, interval);
        nlohmann::ordered_json years;
        raster::ClassGrid sim = [&] {
            const CaInputs in = makeInputs(earlier, f_train, demand);
            return simulateYears(earlier, in, demand, earlier_year + 1, ca,
                                 [&](int year, const raster::ClassGrid&, const CaYearReport& rep) {
                                     years[std::to_string(year)] = yearJson(cx, rep);
                                 });
        }();
        const auto nullmap = nullModel(earlier, cx.classes, target, core::mix64(cx.seed ^ 0x4e554c4cULL));
        const AgreementReport a = compareMaps(earlier, base, sim, cx.classes);
        const AgreementReport b = compareMaps(earlier, base, nullmap, cx.classes);
        const std::string hf = cat("landuse_hindcast_", from_year, ".tif");
        writeClassTif(study, (fs::path(state.out_dir) / hf).string(), sim,
                      cat("hindcast of ", from_year, " from ", earlier_year));
        state.files.push_back(hf);
        nlohmann::ordered_json h;
        h["from"] = earlier_year;
        h["to"] = from_year;
        h["model"] = a.toJson(cx.codes);
        h["null_model"] = b.toJson(cx.codes);
        const double fom = a.change.figureOfMerit(), fom0 = b.change.figureOfMerit();
        h["figure_of_merit"] = {{"value", fom}, {"unit", "share"}, {"threshold", 0.20}, {"pass", fom > 0.20 && fom > fom0},
                                {"direction", "min"}, {"null_model", fom0}};
        h["years"] = years;
        h["note"] = "suitability is learned from the same period (in-sample hindcast); quantities are the observed ones";
        M["hindcast"] = h;
        timings["hindcast_s"] = t.seconds();
        core::logInfo(kStage, cat("hindcast ", earlier_year, "->", from_year, ": FoM ", fom, " (null model ", fom0,
                                  "), kappa ", a.kappa, ", OA ", a.overall_accuracy));
    }

    // ---- forward run: from_year -> to_year
    const int steps = to_year - from_year;
    if (steps > 0) {
        t.reset();
        const auto base_counts = classCounts(base, cx.classes);
        std::vector<std::vector<std::int64_t>> demand;
        if (m_p.demand == "markov") {
            demand = markovDemand(base_counts, transitionMatrix(earlier, base, cx.classes), interval, steps);
        } else if (m_p.demand == "trend") {
            demand = trendDemand(classCounts(earlier, cx.classes), base_counts, interval, steps);
        } else {
            std::map<int, std::map<int, double>> targets;
            for (const auto& [y, m] : m_p.targets_ha)
                for (const auto& [code, ha] : m) {
                    const auto* c = study.classes.byCode(code);
                    if (!c)
                        throw ConfigError(cat("models.landuse_ca: targets.", y, " names class '", code,
                                              "' which is not in the study's class table"));
                    targets[y][cx.index[c->value]] = ha / cx.ha_per_cell;
                }
            demand = planDemand(base_counts, from_year, targets, steps);
        }
        mapDrivers(study, base, into(pred_layers));
        // Year of the first change per cell (0 = unchanged so far): a cell not changed yet still has
        // its class of `base`, so no copy of the previous year's map is needed.
        raster::Grid<std::uint8_t> change_year(base.cols(), base.rows(), 0);
        nlohmann::ordered_json years;
        std::string failure;
        auto each = [&](int year, const raster::ClassGrid& map, const CaYearReport& rep) {
            if (!failure.empty()) return;
            tbb::parallel_for(tbb::blocked_range<size_t>(0, map.size(), size_t(1) << 16), [&](const auto& range) {
                for (size_t c = range.begin(); c < range.end(); ++c)
                    if (change_year[c] == 0 && map[c] != base[c])
                        change_year[c] = static_cast<std::uint8_t>(std::min(255, year - from_year));
            });
            // Only the final year stays in memory as the run's land use (every year is written as a
            // file below; later models and the runner's checks use the final map).
            if (on_study_grid) {
                if (year == to_year) state.landuse[year] = map;
            } else if (year == to_year && expand_factor > 0) {
                // The final map goes back onto the study grid (each coarse cell -> its block of
                // study cells) so that the runner's checks and compliance see the simulated year.
                state.landuse[year] = blockExpand(map, expand_factor, state.landuse.at(from_year));
            }
            const std::string fn = cat("landuse_", year, ".tif");
            writeClassTif(study, (fs::path(state.out_dir) / fn).string(), map, cat("simulated land use ", year));
            state.files.push_back(fn);
            nlohmann::ordered_json yj = yearJson(cx, rep);
            try {
                yj["compliance"] = checks::landuseCompliance(study, map);
            } catch (const Error& e) {
                yj["compliance"] = {{"error", e.what()}};
            }
            years[std::to_string(year)] = yj;
            for (const auto& u : rep.unmet) {
                const double share = static_cast<double>(u.not_placed) / static_cast<double>(std::max<std::int64_t>(1, u.demanded));
                core::logWarn(kStage, cat(year, ": class ", cx.codes[u.class_index], " placed ",
                                          static_cast<double>(u.placed) * cx.ha_per_cell, " ha of ",
                                          static_cast<double>(u.demanded) * cx.ha_per_cell, " ha (", u.reason, ")"));
                const double miss_ha = static_cast<double>(u.not_placed) * cx.ha_per_cell;
                if (share > m_p.demand_tolerance && miss_ha > m_p.demand_tolerance_ha && failure.empty()) {
                    if (on_study_grid) state.landuse[year] = map; // the failing year, as before
                    failure = cat("models.landuse_ca: demand not met in ", year, " for class ", cx.codes[u.class_index],
                                  ": placed ", static_cast<double>(u.placed) * cx.ha_per_cell, " ha of ",
                                  static_cast<double>(u.demanded) * cx.ha_per_cell, " ha (",
                                  static_cast<double>(u.not_placed) * cx.ha_per_cell, " ha not placed: ", u.reason,
                                  "; demand_tolerance ", m_p.demand_tolerance, " and ", m_p.demand_tolerance_ha, " ha)");
                }
            }
        };
        // The suitability grids live only while the automaton runs.
        const raster::ClassGrid last = [&] {
            const CaInputs in = makeInputs(base, features(pred_layers), demand);
            return simulateYears(base, in, demand, from_year + 1, ca, each);
        }();
        M["years"] = years;
        if (!failure.empty()) {
            M["error"] = failure;
            state.metrics[kName] = M;
            throw DemandNotMetError(failure);
        }
        // change raster and new patches
        raster::ClassGrid change(base.cols(), base.rows(), 0);
        std::int64_t changed = 0;
        for (size_t c = 0; c < base.size(); ++c)
            if (last[c] != base[c]) {
                change[c] = last[c];
                ++changed;
            }
        const std::string cf = cat("change_", from_year, "_", to_year, ".tif");
        writeClassTif(study, (fs::path(state.out_dir) / cf).string(), change,
                      cat("new class where the cell changed ", from_year, "-", to_year, " (0 = unchanged)"));
        state.files.push_back(cf);
        M["changed_ha"] = static_cast<double>(changed) * cx.ha_per_cell;
        if (m_p.write_patches) {
            raster::Grid<std::int32_t> pg(base.cols(), base.rows(), 0);
            for (size_t c = 0; c < base.size(); ++c)
                if (change[c]) pg[c] = static_cast<std::int32_t>(change_year[c]) * 65536 + change[c];
            const auto polys = io::polygonizeGrid(pg, study.grid, false);
            std::vector<io::OutFeature> feats(polys.size());
            tbb::parallel_for(size_t(0), polys.size(), [&](size_t i) {
                auto& ctx = vector::threadContext();
                const double area = vector::area(ctx, vector::fromWkb(ctx, polys[i].first).get());
                const std::uint16_t v = static_cast<std::uint16_t>(polys[i].second & 0xFFFF);
                const auto* info = study.classes.byValue(v);
                feats[i].wkb = polys[i].first;
                feats[i].values = {info ? info->code : std::to_string(v), info ? info->name : std::string(),
                                   static_cast<std::int64_t>(from_year + (polys[i].second >> 16)), area / 1e4};
            });
            io::writeVectorLayer((fs::path(state.out_dir) / "new_patches.shp").string(), "new_patches",
                                 study.grid.crs_wkt, io::GeomKind::Polygon,
                                 {{"class", io::FieldType::String, 8, 0},
                                  {"name", io::FieldType::String, 80, 0},
                                  {"year", io::FieldType::Integer, 6, 0},
                                  {"area_ha", io::FieldType::Real, 16, 4}},
                                 feats);
            for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
                if (fs::exists(fs::path(state.out_dir) / (std::string("new_patches") + ext)))
                    state.files.push_back(std::string("new_patches") + ext);
            M["new_patches"] = polys.size();
        }
        logMemory("change map and new patches written");
        timings["forward_s"] = t.seconds();
    }
    timings["total_s"] = total_t.seconds();
    M["timings"] = timings;
    state.metrics[kName] = M;
}

} // namespace xiongguan::simulate
