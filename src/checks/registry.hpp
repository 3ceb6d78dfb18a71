#pragma once

#include "checks/review.hpp"

#include <memory>
#include <string>
#include <vector>

namespace xiongguan::checks {

/// The rule ids in their fixed order (this order is also the bit order of rule_flags.tif:
/// bit 0 = the first rule).
const std::vector<std::string>& ruleIds();

/// A new instance of a rule; accepts "checks.red_line" or "red_line".
/// \throws ConfigError naming the id and listing the known ones.
std::unique_ptr<Check> makeCheck(const std::string& id);

/// The canonical id ("checks.<name>") of an id given with or without the prefix; "" when unknown.
std::string canonicalRuleId(const std::string& id);

} // namespace xiongguan::checks
