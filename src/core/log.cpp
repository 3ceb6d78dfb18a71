#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace xiongguan::core {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::Info)};
std::mutex g_mutex;
const char* levelName(LogLevel l) {
    switch (l) {
    case LogLevel::Error: return "error";
    case LogLevel::Warning: return "warning";
    case LogLevel::Info: return "info";
    case LogLevel::Debug: return "debug";
    }
    return "";
}
} // namespace

void setLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel logLevel() { return static_cast<LogLevel>(g_level.load()); }

void logLine(LogLevel level, const std::string& stage, const std::string& message) {
    if (static_cast<int>(level) > g_level.load()) return;
    std::string line = "[" + stage + "] " + levelName(level) + ": " + message + "\n";
    std::lock_guard<std::mutex> lock(g_mutex);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

} // namespace xiongguan::core
