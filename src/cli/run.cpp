// Subcommand 'run': one scenario, as a batch of one (out/<scenario>/<run-id>/).
#include "cli/commands.hpp"

#include "core/errors.hpp"
#include "scenario/batch.hpp"
#include "scenario/runner.hpp"

#include <cstdio>
#include <optional>

namespace xiongguan::cli {

namespace {

struct RunOptions {
    std::string scenario;
    std::string out = "out";
    long long seed = -1; ///< -1 = not given
    bool force = false;
};

int runRun(const RunOptions& opt) {
    const scenario::Batch batch = scenario::singleBatch(
        opt.scenario, opt.seed >= 0 ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(opt.seed)) : std::nullopt);
    const auto runs = scenario::plan(batch);
    scenario::RunnerOptions ro;
    ro.out_root = opt.out;
    ro.force = opt.force;
    const scenario::BatchResult res = scenario::runBatch(batch, runs, ro);
    const bool ok = !res.runs.empty() && res.runs[0].status != "failed";
    std::printf("%s\noutputs: %s/\n", scenario::indicatorTable(res).c_str(), ok ? res.runs[0].dir.c_str() : res.dir.c_str());
    for (const auto& r : res.runs)
        if (r.status == "failed") {
            std::fprintf(stderr, "error: %s\n", r.error.c_str());
            return r.exit_code ? r.exit_code : static_cast<int>(ErrorCode::RunsFailed);
        }
    return 0;
}

} // namespace

void addRunCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto opt = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Run one scenario: outputs in <out>/<scenario>/<run-id>/ (docs/SCENARIO_FORMAT.md)");
    cmd->add_option("scenario", opt->scenario, "Scenario file (.yaml)")->required();
    cmd->add_option("-o,--output", opt->out, "Output root folder")->default_val("out");
    cmd->add_option("--seed", opt->seed, "Seed of the run (adds __seed-<n> to the run id)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--force", opt->force, "Run again even when a complete run with the same inputs exists");
    cmd->callback([opt, &action]() { action = [opt]() { return runRun(*opt); }; });
}

} // namespace xiongguan::cli
