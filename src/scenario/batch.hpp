#pragma once

#include "scenario/scenario.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::scenario {

/// One swept key: a dotted key and its values, in the order written.
struct SweepKey {
    std::string key;                 ///< "seed", "period.to", "models.<type>.<param>"
    std::vector<YAML::Node> values;  ///< scalars
    std::string label;               ///< name used in run ids (last part of the key, or the whole key with '_')
};

/// A batch: scenarios × sweep values × seeds.
struct Batch {
    std::string path;                     ///< batch file ("" for a folder or a single scenario)
    std::string name;                     ///< folder name under the output root
    std::string description;
    std::vector<std::string> scenarios;   ///< scenario files, in run order
    std::vector<SweepKey> sweep;
    std::vector<std::uint64_t> seeds;     ///< empty = none given
    int parallel_runs = 1;
};

/// Loads a batch file. \throws ConfigError naming file:line and key.
Batch loadBatch(const std::string& path);
/// Every scenario of a folder (sorted by file name; not base.yaml / base_*.yaml, not _*.yaml, not
/// batch files),
/// as a batch named after the folder. \throws ConfigError when there is none.
Batch folderBatch(const std::string& dir);
/// A batch of one scenario, named after the scenario (`xiongguan run`). `seed` overrides the seed
/// and adds "__seed-<n>" to the run id.
Batch singleBatch(const std::string& scenario_path, std::optional<std::uint64_t> seed = std::nullopt);
/// Loads a batch file or folder, by what `path` is.
Batch loadBatchOrFolder(const std::string& path);

/// One planned run.
struct RunSpec {
    std::string id;                      ///< stable run id (folder name)
    std::string batch;                   ///< batch name
    std::vector<Assignment> assignments; ///< sweep values applied to the scenario
    std::uint64_t seed = 1;              ///< the run's seed
    Scenario scenario;                   ///< the resolved scenario (assignments applied)
};

/// Derived seed of a run without an explicit one: mix64(hashString("xiongguan.run:" + run_id)).
std::uint64_t derivedSeed(const std::string& run_id);

/// Expands a batch into runs with stable ids and seeds (see docs/SCENARIO_FORMAT.md).
/// \throws ConfigError for invalid scenarios, a sweep key that applies to no scenario, or two runs
/// with the same id.
std::vector<RunSpec> plan(const Batch& batch);

/// Replaces characters other than [A-Za-z0-9._-] by '_' (for run ids).
std::string sanitizeForId(const std::string& s);

} // namespace xiongguan::scenario
