#include "checks/thresholds.hpp"

#include <stdexcept>

namespace xiongguan::checks {

const std::vector<Threshold>& thresholds() {
    // DOMAIN.md §2. Every number a rule uses is here and nowhere else.
    static const std::vector<Threshold> table = {
        {"boundary.max_ratio_to_urban_land", 1.3, "ratio",
         "Urban development boundary delineation guidance (MNR, territorial spatial master plans)", "2019", "[R]",
         "development boundary area <= this x current urban construction land (about 1.2 for shrinking cities)"},
        {"boundary.max_flexible_share", 0.15, "ratio",
         "Urban development boundary delineation guidance (MNR, territorial spatial master plans)", "2019", "[R]",
         "flexible zone area <= this x concentrated construction zone area"},
        {"idle.not_started_years", 1.0, "years", "Idle land disposal measures, MLR order 53", "2012-07-01", "[S]",
         "idle when development has not started this long after the contract start date"},
        {"idle.suspended_years", 1.0, "years", "Idle land disposal measures, MLR order 53", "2012-07-01", "[S]",
         "idle when started, under-developed and suspended this long"},
        {"idle.reclaim_years", 2.0, "years", "Idle land disposal measures, MLR order 53", "2012-07-01", "[S]",
         "idle this long: taken back without compensation"},
        {"idle.min_developed_share", 1.0 / 3.0, "ratio", "Idle land disposal measures, MLR order 53", "2012-07-01",
         "[S]", "started land is under-developed when the developed share is below this"},
        {"idle.min_invested_share", 0.25, "ratio", "Idle land disposal measures, MLR order 53", "2012-07-01", "[S]",
         "started land is under-developed when the investment share (land price excluded) is below this"},
        {"idle.share_tolerance", 1e-9, "ratio", "Xiongguan numerical tolerance", "2026.1", "[E]",
         "shares within this of a limit count as on the limit (attributes arrive as text with 15 significant digits: "
         "1/3 reads 0.333333333333333)"},
        {"idle.fee_share", 0.20, "ratio", "Idle land disposal measures, MLR order 53", "2012-07-01", "[S]",
         "idle-land fee as a share of the land price (idle >= 1 year)"},
        {"idle.suspected_min_bare_share", 0.5, "ratio", "Xiongguan map evidence rule", "2026.1", "[E]",
         "a supplied parcel is suspected idle when at least this share of its cells is bare on the latest map"},
        {"great_wall.default_protection_m", 50.0, "m", "Great Wall protection regulation (State Council order 476); "
         "Gansu Great Wall regulation", "2006 / 2019-07-01", "[E]",
         "protection range each side of the feature when the heritage layer gives none"},
        {"great_wall.default_control_m", 500.0, "m", "Great Wall protection regulation (State Council order 476); "
         "Gansu Great Wall regulation", "2006 / 2019-07-01", "[E]",
         "construction-control zone beyond the protection range when the heritage layer gives none"},
        {"great_wall.default_height_limit_m", 12.0, "m", "Great Wall protection regulation (State Council order 476); "
         "Gansu Great Wall regulation", "2006 / 2019-07-01", "[E]",
         "building height limit in the control zone when the heritage layer gives none (height == limit passes)"},
        {"overlay.area_epsilon_m2", 1e-4, "m2", "Xiongguan numerical tolerance", "2026.1", "[E]",
         "overlaps at or below this area are overlay noise: they do not change a status (areas are reported as computed)"},
    };
    return table;
}

double threshold(std::string_view key) {
    for (const auto& t : thresholds())
        if (key == t.key) return t.value;
    throw std::logic_error("unknown threshold '" + std::string(key) + "'");
}

nlohmann::ordered_json thresholdsJson() {
    nlohmann::ordered_json j;
    j["version"] = kThresholdTableVersion;
    auto rows = nlohmann::ordered_json::array();
    for (const auto& t : thresholds())
        rows.push_back({{"key", t.key}, {"value", t.value}, {"unit", t.unit}, {"standard", t.standard},
                        {"edition", t.edition}, {"label", t.label}, {"meaning", t.meaning}});
    j["values"] = rows;
    return j;
}

} // namespace xiongguan::checks
