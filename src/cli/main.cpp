// xiongguan: one binary, one subcommand per file in src/cli/.
#include "cli/commands.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/threads.hpp"
#include "core/version.hpp"
#include "io/gdal_env.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <new>

using namespace xiongguan;

int main(int argc, char** argv) {
    CLI::App app{"Xiongguan: territorial spatial planning engine (checks, land-use change, green cover, water)",
                 "xiongguan"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("xiongguan ") + kVersion);
    cli::GlobalOptions global;
    app.add_option("-t,--threads", global.threads, "Worker threads (0 = all cores)")
        ->check(CLI::Range(0, 4096))
        ->default_val(0);
    app.add_option("-l,--verbosity", global.verbosity, "Log level: error, warning, info, debug")
        ->check(CLI::IsMember({"error", "warning", "info", "debug"}))
        ->default_val("info");
    cli::Action action;
    cli::addInfoCommand(app, global, action);
    cli::addValidateCommand(app, global, action);
    cli::addCheckCommand(app, global, action);
    cli::addRunCommand(app, global, action);
    cli::addBatchCommand(app, global, action);
    cli::addSimulateCommand(app, global, action);
    cli::addCompareCommand(app, global, action);
    // Global flags are accepted after the subcommand too.
    app.fallthrough();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : static_cast<int>(ErrorCode::Usage);
    }

    const std::string& v = global.verbosity;
    core::setLogLevel(v == "error" ? core::LogLevel::Error
                      : v == "warning" ? core::LogLevel::Warning
                      : v == "debug" ? core::LogLevel::Debug
                                     : core::LogLevel::Info);
    try {
        io::initGdal();
        core::ThreadLimit limit(global.threads);
        const int rc = action ? action() : 0;
        if (cli::keptUntilExit()) {
            std::fflush(nullptr);
            std::_Exit(rc);
        }
        return rc;
    } catch (const Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return static_cast<int>(e.code());
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "error: out of memory (try a coarser grid or fewer --threads)\n");
        return static_cast<int>(ErrorCode::OutOfMemory);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: internal: %s\n", e.what());
        return static_cast<int>(ErrorCode::Internal);
    }
}
