#include "core/errors.hpp"

namespace xiongguan {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::Ok: return "ok";
    case ErrorCode::Internal: return "internal";
    case ErrorCode::Usage: return "usage";
    case ErrorCode::Config: return "config";
    case ErrorCode::Input: return "input";
    case ErrorCode::Geometry: return "geometry";
    case ErrorCode::Io: return "io";
    case ErrorCode::RunsFailed: return "runs_failed";
    case ErrorCode::DemandNotMet: return "demand_not_met";
    case ErrorCode::OutOfMemory: return "out_of_memory";
    case ErrorCode::ComparisonFailed: return "comparison_failed";
    }
    return "unknown";
}

} // namespace xiongguan
