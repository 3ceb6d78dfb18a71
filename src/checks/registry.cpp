#include "checks/registry.hpp"

#include "checks/basic_farmland.hpp"
#include "checks/development_boundary.hpp"
#include "checks/great_wall.hpp"
#include "checks/idle_land.hpp"
#include "checks/line_conflicts.hpp"
#include "checks/red_line.hpp"
#include "core/errors.hpp"

#include <functional>

namespace xiongguan::checks {

namespace {
struct Entry {
    const char* id;
    std::function<std::unique_ptr<Check>()> make;
};
template <typename T> Entry entry() {
    return {T::kName, [] { return std::make_unique<T>(); }};
}
// One line per check (STYLE.md §3). Append only: the order is the bit order of rule_flags.tif.
const std::vector<Entry>& entries() {
    static const std::vector<Entry> e = {
        entry<DevelopmentBoundaryCheck>(),
        entry<RedLineCheck>(),
        entry<BasicFarmlandCheck>(),
        entry<GreatWallCheck>(),
        entry<LineConflictsCheck>(),
        entry<IdleLandCheck>(),
    };
    return e;
}
} // namespace

const std::vector<std::string>& ruleIds() {
    static const std::vector<std::string> ids = [] {
        std::vector<std::string> v;
        for (const auto& e : entries()) v.emplace_back(e.id);
        return v;
    }();
    return ids;
}

std::string canonicalRuleId(const std::string& id) {
    for (const auto& e : entries()) {
        const std::string full = e.id;
        if (id == full || "checks." + id == full) return full;
    }
    return {};
}

std::unique_ptr<Check> makeCheck(const std::string& id) {
    const std::string full = canonicalRuleId(id);
    for (const auto& e : entries())
        if (full == e.id) return e.make();
    std::string known;
    for (const auto& r : ruleIds()) known += (known.empty() ? "" : ", ") + r;
    throw ConfigError("checks: unknown rule '" + id + "'; expected one of " + known);
}

} // namespace xiongguan::checks
