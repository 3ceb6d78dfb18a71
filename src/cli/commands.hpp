#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

namespace xiongguan::cli {

/// Flags shared by every subcommand.
struct GlobalOptions {
    int threads = 0;          ///< 0 = hardware concurrency
    std::string verbosity = "info";
};

/// What main runs after parsing: returns the exit code.
using Action = std::function<int()>;

// One function per subcommand file: registers the subcommand and sets `action` when chosen.
/// Keeps `resources` alive until the process ends: main() then leaves with std::_Exit after
/// flushing its streams, and the operating system reclaims the memory (files are all closed and
/// renamed by then). Used by commands whose last act is to free a large in-memory review.
void keepUntilExit(std::shared_ptr<void> resources);
/// True when some command kept resources until exit.
bool keptUntilExit();

void addInfoCommand(CLI::App& app, const GlobalOptions& global, Action& action);
void addValidateCommand(CLI::App& app, const GlobalOptions& global, Action& action);
void addCheckCommand(CLI::App& app, const GlobalOptions& global, Action& action);
void addRunCommand(CLI::App& app, const GlobalOptions& global, Action& action);
void addBatchCommand(CLI::App& app, const GlobalOptions& global, Action& action);
void addSimulateCommand(CLI::App& app, const GlobalOptions& global, Action& action);
void addCompareCommand(CLI::App& app, const GlobalOptions& global, Action& action);

} // namespace xiongguan::cli
