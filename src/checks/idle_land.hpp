#pragma once

#include "checks/review.hpp"

namespace xiongguan::checks {

/// Idle land (MLR order 53, 2012) from the `land_supply` records as of a date: not started one
/// year after the contract start date, or started but under 1/3 developed or under 25 % invested
/// and suspended for one year, is idle: `idle_1y_fee20` (fee 20 % of the land price) from one
/// year, `idle_2y_reclaim` from two years (anniversary days count), `gov_cause_negotiate` when a
/// government cause is recorded. A parcel the records call not idle, whose contract is at least a
/// year old and that is still mostly bare on the land-use map, is `suspected_idle`.
class IdleLandCheck : public Check {
  public:
    static constexpr const char* kName = "checks.idle_land";
    static constexpr const char* kDescription =
        "idle land from land-supply records (1 year: 20 % fee, 2 years: reclaim) plus map evidence of bare parcels";
    const char* name() const override { return kName; }
    const char* description() const override { return kDescription; }
    std::vector<std::string> roles() const override { return {"land_supply"}; }
    bool reviewsParcels() const override { return false; }
    RuleResult run(ReviewContext& ctx) const override;
};

/// The record-based decision for one parcel (no map evidence), exposed for tests.
struct IdleDecision {
    std::string status;   ///< not_idle, idle_1y_fee20, idle_2y_reclaim, gov_cause_negotiate, invalid
    int years_idle = 0;
    std::string reason;
};
/// `as_of` and the dates as text (YYYY-MM-DD, "" = empty); shares 0..1 (nullopt = empty).
IdleDecision decideIdle(const std::string& as_of, const std::string& contract_start, const std::string& actual_start,
                        std::optional<double> developed_share, std::optional<double> invested_share,
                        const std::string& suspended_since, const std::string& cause);

} // namespace xiongguan::checks
