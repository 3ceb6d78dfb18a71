// Subcommand 'check': compliance review of a study's parcels against the control lines.
#include "cli/commands.hpp"

#include "checks/api.hpp"
#include "core/log.hpp"
#include "io/study.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace xiongguan::cli {

namespace {

struct CheckOptions {
    std::string study;
    std::string layer = "proposals";
    std::string rules;
    std::string as_of;
    std::string out = "out/check";
    bool json = false;
};

int runCheck(const CheckOptions& opt) {
    const io::StudyArea study = io::loadStudy(opt.study);
    checks::CheckRequest req;
    std::stringstream ss(opt.rules);
    for (std::string r; std::getline(ss, r, ',');)
        if (!r.empty()) req.rules.push_back(r);
    req.review_layer = opt.layer;
    req.as_of = opt.as_of;
    req.out_dir = opt.out;
    checks::CheckSummary s = checks::runChecks(study, req);
    nlohmann::ordered_json out = s.metrics;
    if (!opt.json) {
        // The short form: counts per rule and total, without the findings' text.
        out.erase("findings");
        for (auto& r : out["rules"]) r.erase("description");
    }
    out["files"] = s.files;
    std::printf("%s\n", out.dump(2).c_str());
    keepUntilExit(std::move(s.review));
    return 0;
}

} // namespace

void addCheckCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto opt = std::make_shared<CheckOptions>();
    auto* cmd = app.add_subcommand("check", "Compliance review of parcels against the control lines (exact, parallel)");
    cmd->add_option("study", opt->study, "Study area file (study.yaml)")->required();
    cmd->add_option("--layer", opt->layer, "Study role of the parcels to review (proposals, land_supply)")
        ->default_val("proposals");
    cmd->add_option("--rules", opt->rules,
                    "Comma-separated rule ids (default: all): development_boundary, red_line, basic_farmland, "
                    "great_wall, line_conflicts, idle_land (with or without 'checks.')");
    cmd->add_option("--as-of", opt->as_of, "Reference date of the idle-land rule, YYYY-MM-DD (default 2021-12-31)");
    cmd->add_option("-o,--output", opt->out, "Output folder (created)")->default_val("out/check");
    cmd->add_flag("--json", opt->json, "Print the full JSON (with every finding) instead of the short summary");
    cmd->callback([opt, &action]() { action = [opt]() { return runCheck(*opt); }; });
}

} // namespace xiongguan::cli
