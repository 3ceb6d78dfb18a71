// Subcommand 'simulate': runs only the land-use model(s) of a scenario (models.landuse_ca).
#include "cli/commands.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/atomic_file.hpp"
#include "io/study.hpp"
#include "scenario/batch.hpp"
#include "scenario/scenario.hpp"
#include "simulate/landuse_model.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

namespace xiongguan::cli {

namespace {

struct SimulateOptions {
    std::string scenario;
    std::string out = "out/simulate";
    bool validate = false;
    std::optional<std::uint64_t> seed;
    double cell_size_m = 0.0;
};

int runSimulate(const SimulateOptions& opt) {
    const scenario::Scenario sc = scenario::loadScenario(opt.scenario);
    io::StudyArea study = io::loadStudy(sc.study);
    if (opt.cell_size_m > 0) simulate::regridStudy(study, opt.cell_size_m);

    simulate::RunState state;
    state.study = &study;
    state.year_from = sc.year_from;
    state.year_to = sc.year_to;
    state.seed = opt.seed ? *opt.seed : sc.seed ? *sc.seed : scenario::derivedSeed(sc.name);
    state.out_dir = (std::filesystem::path(opt.out) / sc.name).string();
    io::makeDirs(state.out_dir);

    std::vector<std::unique_ptr<simulate::LanduseCaModel>> models;
    for (const auto& e : sc.models) {
        if (e.type != simulate::LanduseCaModel::kName) continue;
        auto m = std::make_unique<simulate::LanduseCaModel>();
        m->configure(e.params, e.file);
        if (opt.validate) m->params().validate = true;
        if (opt.seed) m->params().seed = *opt.seed;
        models.push_back(std::move(m));
    }
    if (models.empty())
        throw ConfigError(sc.path + ": the scenario has no models.landuse_ca entry (nothing to simulate)");
    for (int y : study.landuseYears())
        if (y <= sc.year_from) state.landuse[y] = io::loadLanduse(study, y);

    core::Timer t;
    nlohmann::ordered_json params = nlohmann::ordered_json::array();
    std::optional<Error> failure;
    for (auto& m : models) {
        params.push_back(m->parameters());
        try {
            m->run(state);
        } catch (const Error& e) {
            if (e.code() != ErrorCode::DemandNotMet) throw;
            failure.emplace(e);
        }
    }
    nlohmann::ordered_json out;
    out["scenario"] = sc.name;
    out["study"] = study.name;
    out["grid"] = {{"cols", study.grid.cols}, {"rows", study.grid.rows}, {"cell_size_m", study.grid.cell_size_m}};
    out["period"] = {{"from", sc.year_from}, {"to", sc.year_to}};
    out["seed"] = state.seed;
    out["parameters"] = params;
    out["metrics"] = state.metrics;
    out["files"] = state.files;
    out["seconds"] = t.seconds();
    io::writeTextFile((std::filesystem::path(state.out_dir) / "metrics.json").string(), out.dump(2) + "\n");
    // stdout: the summary without the per-year detail
    nlohmann::ordered_json brief = out;
    for (auto& [k, v] : brief["metrics"].items()) {
        if (v.contains("years")) v.erase("years");
        if (v.contains("hindcast")) {
            v["hindcast"].erase("years");
            v["hindcast"]["model"].erase("classes");
            v["hindcast"]["null_model"].erase("classes");
        }
        if (v.contains("suitability")) v.erase("suitability");
    }
    std::printf("%s\n", brief.dump(2).c_str());
    if (failure) throw *failure;
    return 0;
}

} // namespace

void addSimulateCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto opt = std::make_shared<SimulateOptions>();
    auto* cmd = app.add_subcommand("simulate", "Run the land-use model(s) of a scenario (models.landuse_ca); "
                                               "--validate adds the hindcast against a null model");
    cmd->add_option("scenario", opt->scenario, "Scenario file (scenarios/*.yaml) with a models.landuse_ca entry")
        ->required();
    cmd->add_option("-o,--output", opt->out, "Output folder; the run writes <out>/<scenario name>/")
        ->default_val("out/simulate");
    cmd->add_flag("--validate", opt->validate, "Hindcast the calibration period and compare with a null model");
    cmd->add_option("--seed", opt->seed, "Seed (default: the scenario's, else derived from its name)");
    cmd->add_option("--cell-size", opt->cell_size_m,
                    "Run on a coarser grid of this cell size in m (same origin; land use resampled by mode)")
        ->check(CLI::PositiveNumber);
    cmd->callback([opt, &action]() { action = [opt]() { return runSimulate(*opt); }; });
}

} // namespace xiongguan::cli
