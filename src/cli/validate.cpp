// Subcommand 'validate': check a study, scenario or batch without running anything.
#include "cli/commands.hpp"

#include "core/errors.hpp"
#include "io/study.hpp"
#include "scenario/batch.hpp"
#include "scenario/runner.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace xiongguan::cli {

namespace {

struct ValidateOptions {
    std::string file;
};

// Scenario / batch: load, plan, configure every model of every run, check the check ids.
void validatePlan(const scenario::Batch& batch, nlohmann::ordered_json& out) {
    const auto runs = scenario::plan(batch);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& r : runs) {
        scenario::validateChecks(r.scenario);
        const auto models = scenario::configureModels(r.scenario);
        nlohmann::ordered_json m = nlohmann::ordered_json::array();
        for (const auto& model : models) m.push_back(model->name());
        list.push_back({{"id", r.id}, {"scenario", r.scenario.name}, {"seed", r.seed}, {"models", m}});
    }
    out["batch"] = batch.name;
    out["runs_planned"] = runs.size();
    out["runs"] = list;
}

int runValidate(const ValidateOptions& opt) {
    nlohmann::ordered_json out;
    out["file"] = opt.file;
    try {
        const std::string kind = scenario::detectKind(opt.file);
        if (kind.empty())
            throw ConfigError(opt.file +
                              ": not a study (grid, layers), scenario (study, period, models) or batch (scenarios) file");
        out["kind"] = kind == "folder" ? "batch" : kind;
        if (kind == "study") {
            const io::StudyArea study = io::loadStudy(opt.file);
            out["warnings"] = io::validateStudyLayers(study);
        } else if (kind == "scenario") {
            validatePlan(scenario::singleBatch(opt.file), out);
        } else {
            validatePlan(scenario::loadBatchOrFolder(opt.file), out);
        }
        out["valid"] = true;
        out["error_detail"] = nullptr;
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    } catch (const Error& e) {
        out["valid"] = false;
        out["error_code"] = errorCodeName(e.code());
        out["error_detail"] = e.what();
        std::printf("%s\n", out.dump(2).c_str());
        std::fprintf(stderr, "error: %s\n", e.what());
        return static_cast<int>(e.code());
    }
}

} // namespace

void addValidateCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto opt = std::make_shared<ValidateOptions>();
    auto* cmd = app.add_subcommand("validate", "Check a study, scenario or batch file (or a folder of scenarios) "
                                               "without running anything");
    cmd->add_option("file", opt->file, "study.yaml, a scenario, a batch file or a folder of scenarios")->required();
    cmd->callback([opt, &action]() { action = [opt]() { return runValidate(*opt); }; });
}

} // namespace xiongguan::cli
