#pragma once

#include "scenario/batch.hpp"
#include "simulate/model.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace xiongguan::scenario {

/// Creates a model by registry id (nullptr when unknown). Default: simulate::createModel.
/// Tests may pass their own to add fake models.
using ModelFactory = std::function<std::unique_ptr<simulate::Model>(const std::string&)>;

/// Creates and configures every model of a run, in order.
/// \throws ConfigError naming the entry's file:line for an unknown model type, and whatever the
/// model's `configure` throws.
std::vector<std::unique_ptr<simulate::Model>> configureModels(const Scenario& scenario, const ModelFactory& factory = {});

/// Checks the check ids of a scenario against the checks registry.
/// \throws ConfigError naming the scenario file and the unknown id.
void validateChecks(const Scenario& scenario);

/// Options of a batch run (the CLI fills them).
struct RunnerOptions {
    std::string out_root = "out"; ///< runs go to <out_root>/<batch>/<run-id>/
    bool force = false;           ///< rerun runs that are already complete
    int parallel_runs = 0;        ///< concurrent runs; 0 = the batch's `parallel_runs`
    ModelFactory factory;         ///< empty = simulate::createModel
};

/// Outcome of one run.
struct RunResult {
    std::string id;
    std::string scenario;    ///< scenario name
    std::uint64_t seed = 0;
    std::string status;      ///< "done", "skipped" (complete with the same spec), "failed"
    std::string error;       ///< one-line error of a failed run
    std::string error_code;  ///< its exit-code name (errorCodeName)
    int exit_code = 0;       ///< its exit code (ErrorCode value)
    double seconds = 0.0;
    std::string dir;         ///< the run folder (exists unless failed)
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
};

/// Outcome of a batch.
struct BatchResult {
    std::string name;
    std::string dir;         ///< <out_root>/<batch>
    std::vector<RunResult> runs;
    double seconds = 0.0;
    int failed() const;
    int skipped() const;
};

/// Runs the planned runs of a batch: each in `<dir>/.<id>.tmp/` renamed to `<dir>/<id>/` when
/// complete; complete runs with the same spec hash are skipped; a failed run is recorded and the
/// others go on. Runs in parallel with oneTBB, at most `parallel_runs` at once. Writes
/// `summary.csv`, `summary.json` and `compare.html` into the batch folder.
/// \throws IoError when the batch folder cannot be created or the summaries written.
BatchResult runBatch(const Batch& batch, const std::vector<RunSpec>& runs, const RunnerOptions& options);

/// The table of key indicators per run printed at the end of a batch (plain text, one row per
/// run, columns for the indicators any run has: see report::keyIndicators).
std::string indicatorTable(const BatchResult& result);

/// SHA-256 (hex) of a string.
std::string sha256Hex(const std::string& data);

} // namespace xiongguan::scenario
