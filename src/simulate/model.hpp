#pragma once

#include "io/study.hpp"
#include "raster/grid.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// Inputs derived from a study (rasterized layers, loaded grids) that do not depend on a run's
/// parameters, shared by the runs of a batch so each is made once. Owned by the runner; a model
/// whose RunState has no cache makes its inputs itself (same values). Thread-safe; the lock is
/// not held while an entry is made (two runs may make the same entry at once; one copy is kept).
class StudyCache {
  public:
    /// The entry `key` (it should name the study and what was derived), made by `make()` (which
    /// returns a T) on first use.
    template <typename T, typename F>
    std::shared_ptr<const T> get(const std::string& key, F&& make) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            auto it = m_entries.find(key);
            if (it != m_entries.end()) return std::static_pointer_cast<const T>(it->second);
        }
        auto made = std::make_shared<const T>(make());
        std::lock_guard<std::mutex> lock(m_mutex);
        return std::static_pointer_cast<const T>(m_entries.emplace(key, made).first->second);
    }
    /// Drops every entry (memory is freed once no run holds it).
    void clear() {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_entries.clear();
    }

  private:
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<const void>> m_entries;
};

/// Everything a run shares between its models. Models run in the order the scenario lists them.
struct RunState {
    const io::StudyArea* study = nullptr;
    std::string out_dir;          ///< the run's output folder (exists)
    std::uint64_t seed = 1;       ///< the run's seed (stable, from the batch plan)
    int year_from = 2021;         ///< period start (an observed land-use year)
    int year_to = 2021;           ///< period end
    /// Land-use maps by year: observed ones loaded by the runner, simulated ones added by
    /// models.landuse_ca. Models that need "the" map use the latest year <= year_to.
    std::map<int, raster::ClassGrid> landuse;
    /// Metrics of the run, one object per model under its name, written to metrics.json/.csv.
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    /// Files the run wrote (relative to out_dir), for the manifest.
    std::vector<std::string> files;
    /// Study inputs shared across the runs of a batch (owned by the runner); may be null.
    StudyCache* cache = nullptr;

    /// The cached entry `what` of this run's study, made by `make()` (a T) when missing; made
    /// afresh each call when the run has no cache.
    template <typename T, typename F>
    std::shared_ptr<const T> cached(const std::string& what, F&& make) const {
        if (!cache || !study) return std::make_shared<const T>(make());
        return cache->get<T>(study->path + "|" + what, std::forward<F>(make));
    }

    /// The latest land-use map at or before `year` (throws InputError when none).
    const raster::ClassGrid& landuseAt(int year) const;
    int latestYear() const;
};

/// A simulation model (`models.*`), configured from its scenario entry.
class Model {
  public:
    virtual ~Model() = default;
    /// Registry id, e.g. "models.green_cover".
    virtual std::string name() const = 0;
    /// Reads the model's parameters (the scenario entry without `type`). Unknown keys and
    /// out-of-range values throw ConfigError naming `file`, the line and the key.
    virtual void configure(const YAML::Node& params, const std::string& file) = 0;
    /// Parameters as JSON (defaults filled in), for the manifest.
    virtual nlohmann::ordered_json parameters() const = 0;
    /// Runs the model: reads and updates `state`, writes its outputs under state.out_dir.
    virtual void run(RunState& state) = 0;
};

/// Creates a model by registry id; nullptr when unknown. One line per model in registry.cpp.
std::unique_ptr<Model> createModel(const std::string& type);
/// Registry ids with one-line descriptions.
std::vector<std::pair<std::string, std::string>> listModels();

} // namespace xiongguan::simulate
