#pragma once

#include <stdexcept>
#include <string>

namespace xiongguan {

/// Exit codes of the `xiongguan` binary. Append-only: a value, once released, never changes
/// meaning. 0 = success, 1 = internal error (a bug), the rest are the documented failures.
enum class ErrorCode : int {
    Ok = 0,
    Internal = 1,        ///< unexpected failure: a bug, please report it
    Usage = 2,           ///< bad command line (unknown flag, missing argument)
    Config = 3,          ///< study/scenario/batch file wrong: key, type, range
    Input = 4,           ///< an input dataset is wrong: CRS, grid, field, code, value
    Geometry = 5,        ///< invalid or unusable geometry (with `invalid_geometry: stop`)
    Io = 6,              ///< a file could not be read or written
    RunsFailed = 7,      ///< a batch finished but one or more runs failed
    DemandNotMet = 8,    ///< land-use demand could not be met within the tolerance
    OutOfMemory = 9,     ///< std::bad_alloc
    ComparisonFailed = 10 ///< `compare` found differences beyond the tolerances
};

/// Short stable name of an exit code (for JSON output and the README table).
const char* errorCodeName(ErrorCode code);

/// Base of every failure to run. The message is one line: component, value, expectation,
/// and the file / feature / cell it concerns.
class Error : public std::runtime_error {
  public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    ErrorCode code() const noexcept { return m_code; }

  private:
    ErrorCode m_code;
};

/// A study, scenario or batch file is wrong (unknown key, wrong type, out-of-range value).
class ConfigError : public Error {
  public:
    explicit ConfigError(const std::string& m) : Error(ErrorCode::Config, m) {}
};
/// An input dataset is wrong (CRS, grid, missing field, unknown class code, bad date).
class InputError : public Error {
  public:
    explicit InputError(const std::string& m) : Error(ErrorCode::Input, m) {}
};
/// A geometry is invalid or unusable.
class GeometryError : public Error {
  public:
    explicit GeometryError(const std::string& m) : Error(ErrorCode::Geometry, m) {}
};
/// A file cannot be opened, read or written.
class IoError : public Error {
  public:
    explicit IoError(const std::string& m) : Error(ErrorCode::Io, m) {}
};

} // namespace xiongguan
