// Subcommands 'batch' (scenarios x sweeps x seeds, resumable) and 'list' (registered models and checks).
#include "cli/commands.hpp"

#include "checks/registry.hpp"
#include "core/errors.hpp"
#include "scenario/batch.hpp"
#include "scenario/runner.hpp"
#include "simulate/model.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace xiongguan::cli {

namespace {

struct BatchOptions {
    std::string file;
    std::string out = "out";
    bool force = false;
    int parallel_runs = 0;
};

int runBatchCommand(const BatchOptions& opt) {
    const scenario::Batch batch = scenario::loadBatchOrFolder(opt.file);
    const auto runs = scenario::plan(batch);
    scenario::RunnerOptions ro;
    ro.out_root = opt.out;
    ro.force = opt.force;
    ro.parallel_runs = opt.parallel_runs;
    const scenario::BatchResult res = scenario::runBatch(batch, runs, ro);
    std::printf("%s\n", scenario::indicatorTable(res).c_str());
    std::printf("%zu runs: %zu done, %d skipped, %d failed\n", res.runs.size(),
                res.runs.size() - static_cast<size_t>(res.failed() + res.skipped()), res.skipped(), res.failed());
    std::printf("outputs: %s/ (summary.csv, compare.html, one folder per run)\n", res.dir.c_str());
    if (res.failed() > 0) {
        std::fprintf(stderr, "error: %d of %zu runs failed (see %s/summary.csv)\n", res.failed(), res.runs.size(),
                     res.dir.c_str());
        return static_cast<int>(ErrorCode::RunsFailed);
    }
    return 0;
}

int runList(bool as_json) {
    nlohmann::ordered_json out;
    out["models"] = nlohmann::ordered_json::array();
    for (const auto& [name, desc] : simulate::listModels()) out["models"].push_back({{"id", name}, {"description", desc}});
    out["checks"] = checks::ruleIds();
    if (as_json) {
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("models\n");
    for (const auto& m : out["models"])
        std::printf("  %-24s %s\n", m["id"].get<std::string>().c_str(), m["description"].get<std::string>().c_str());
    std::printf("checks\n");
    for (const auto& c : out["checks"]) std::printf("  %s\n", c.get<std::string>().c_str());
    return 0;
}

} // namespace

void addBatchCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto opt = std::make_shared<BatchOptions>();
    auto* cmd = app.add_subcommand("batch", "Run a batch (file or folder of scenarios): <out>/<batch>/<run-id>/, "
                                            "summary.csv, compare.html; complete runs are skipped");
    cmd->add_option("batch", opt->file, "Batch file (.yaml) or a folder of scenarios")->required();
    cmd->add_option("-o,--output", opt->out, "Output root folder")->default_val("out");
    cmd->add_flag("--force", opt->force, "Run every run again, even complete ones");
    cmd->add_option("--parallel-runs", opt->parallel_runs, "Runs at once (default: the batch's parallel_runs, else 1)")
        ->check(CLI::Range(1, 64));
    cmd->callback([opt, &action]() { action = [opt]() { return runBatchCommand(*opt); }; });

    // 'list' lives here because it describes what scenarios and batches may name.
    auto as_json = std::make_shared<bool>(false);
    auto* list = app.add_subcommand("list", "List the registered models and checks");
    list->add_flag("--json", *as_json, "Print JSON");
    list->callback([as_json, &action]() { action = [as_json]() { return runList(*as_json); }; });
}

} // namespace xiongguan::cli
