// Subcommand 'run': registered here; its implementation lands with its issue.
#include "cli/commands.hpp"

#include "core/errors.hpp"

namespace xiongguan::cli {

void addRunCommand(CLI::App& app, const GlobalOptions&, Action& action) {
    auto* cmd = app.add_subcommand("run", "(not available yet)");
    cmd->allow_extras();
    cmd->callback([&action]() {
        action = []() -> int { throw Error(ErrorCode::Usage, "'run' is not available in this build yet"); };
    });
}

} // namespace xiongguan::cli
