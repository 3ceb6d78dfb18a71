// Subcommand 'validate': check inputs without running anything.
#include "cli/commands.hpp"

#include "core/errors.hpp"
#include "io/study.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace xiongguan::cli {

namespace {

struct ValidateOptions {
    std::string file;
};

int runValidate(const ValidateOptions& opt) {
    nlohmann::ordered_json out;
    out["file"] = opt.file;
    try {
        const io::StudyArea study = io::loadStudy(opt.file);
        out["kind"] = "study";
        out["warnings"] = io::validateStudyLayers(study);
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
    auto* cmd = app.add_subcommand("validate", "Check a study file and all its layers without running anything");
    cmd->add_option("file", opt->file, "Study file (study.yaml)")->required();
    cmd->callback([opt, &action]() { action = [opt]() { return runValidate(*opt); }; });
}

} // namespace xiongguan::cli
