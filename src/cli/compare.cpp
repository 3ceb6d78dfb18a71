// Subcommand 'compare': every difference between two run (or batch) folders.
#include "cli/commands.hpp"

#include "core/errors.hpp"
#include "report/compare.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace xiongguan::cli {

namespace {

struct CompareCliOptions {
    std::string a, b;
    report::CompareOptions tol;
    bool json = false;
};

int runCompare(const CompareCliOptions& opt) {
    const auto diffs = report::compareOutputs(opt.a, opt.b, opt.tol);
    if (opt.json) {
        nlohmann::ordered_json out;
        out["a"] = opt.a;
        out["b"] = opt.b;
        out["same"] = diffs.empty();
        out["tolerances"] = {{"tolerance", opt.tol.tolerance},
                             {"raster_tolerance", opt.tol.raster_tolerance},
                             {"area_tolerance", opt.tol.area_tolerance},
                             {"hausdorff_m", opt.tol.hausdorff_m}};
        out["differences"] = nlohmann::ordered_json::array();
        for (const auto& d : diffs) out["differences"].push_back({{"file", d.file}, {"message", d.message}});
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        for (const auto& d : diffs) std::printf("%s: %s\n", d.file.c_str(), d.message.c_str());
        if (diffs.empty())
            std::printf("no differences\n");
        else
            std::printf("%zu differences\n", diffs.size());
    }
    return diffs.empty() ? 0 : static_cast<int>(ErrorCode::ComparisonFailed);
}

} // namespace

void addCompareCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto opt = std::make_shared<CompareCliOptions>();
    auto* cmd = app.add_subcommand("compare", "List every difference between two output folders (exit 10 when they differ)");
    cmd->add_option("a", opt->a, "First folder (a run or a batch)")->required()->check(CLI::ExistingDirectory);
    cmd->add_option("b", opt->b, "Second folder")->required()->check(CLI::ExistingDirectory);
    cmd->add_option("--tolerance", opt->tol.tolerance, "Relative tolerance of numbers in JSON and CSV files")
        ->default_val(1e-9)
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--raster-tolerance", opt->tol.raster_tolerance,
                    "Largest absolute difference in continuous raster bands (class bands: exact)")
        ->default_val(0.0)
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--area-tolerance", opt->tol.area_tolerance,
                    "Largest relative symmetric-difference area of two polygons")
        ->default_val(1e-3)
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--hausdorff", opt->tol.hausdorff_m, "Largest Hausdorff distance of lines and points, m")
        ->default_val(0.01)
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", opt->json, "Print JSON");
    cmd->callback([opt, &action]() { action = [opt]() { return runCompare(*opt); }; });
}

} // namespace xiongguan::cli
