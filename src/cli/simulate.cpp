// Subcommand 'simulate': registered here; its implementation lands with its issue.
#include "cli/commands.hpp"

#include "core/errors.hpp"

namespace xiongguan::cli {

void addSimulateCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto* cmd = app.add_subcommand("simulate", "(not available yet)");
    cmd->allow_extras();
    cmd->callback([&action]() {
        action = []() -> int { throw Error(ErrorCode::Usage, "'simulate' is not available in this build yet"); };
    });
}

} // namespace xiongguan::cli
