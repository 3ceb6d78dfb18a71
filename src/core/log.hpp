#pragma once

#include <chrono>
#include <sstream>
#include <string>

namespace xiongguan::core {

enum class LogLevel : int { Error = 0, Warning = 1, Info = 2, Debug = 3 };

/// Sets the global verbosity (default Info). Thread-safe.
void setLogLevel(LogLevel level);
LogLevel logLevel();

/// Writes one whole line to stderr under a mutex: `[stage] LEVEL message`.
void logLine(LogLevel level, const std::string& stage, const std::string& message);

inline void logInfo(const std::string& stage, const std::string& m) { logLine(LogLevel::Info, stage, m); }
inline void logWarn(const std::string& stage, const std::string& m) { logLine(LogLevel::Warning, stage, m); }
inline void logDebug(const std::string& stage, const std::string& m) { logLine(LogLevel::Debug, stage, m); }
inline void logError(const std::string& stage, const std::string& m) { logLine(LogLevel::Error, stage, m); }

/// Builds a string from stream insertions: `cat("got '", v, "'")`.
template <typename... Args> std::string cat(const Args&... args) {
    std::ostringstream os;
    (os << ... << args);
    return os.str();
}

/// Wall-clock timer for phases (seconds as double).
class Timer {
  public:
    Timer() : m_start(std::chrono::steady_clock::now()) {}
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }
    void reset() { m_start = std::chrono::steady_clock::now(); }

  private:
    std::chrono::steady_clock::time_point m_start;
};

} // namespace xiongguan::core
