#pragma once

#include "simulate/model.hpp"
#include "simulate/water_quota.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// One row of the versioned water-saving-city threshold table (DOMAIN.md §3).
struct WaterThreshold {
    std::string indicator; ///< metrics key
    std::string level;     ///< e.g. "water_saving_city", "target_2025"
    std::string standard;
    std::string edition;
    double value = 0.0;
    std::string direction; ///< "max" (value must be <=) or "min" (>=)
    std::string label;     ///< [S], [R], [E]
};
inline constexpr const char* kWaterThresholdVersion = "water-saving-city-2018 (xiongguan 2026.1)";
const std::vector<WaterThreshold>& waterThresholds();

/// `models.water`: water demand per cell (class × irrigation method, domestic by population,
/// industry by area), supply (Taolai allocation, groundwater cap, reclaimed water), delivery over
/// the canal network as a min-cost flow with losses, per-district balance, the water-saving-city
/// indicators, and farmland whose demand exceeds its delivered water. See docs/MODELS.md.
class WaterModel : public Model {
  public:
    static constexpr const char* kName = "models.water";
    static constexpr const char* kDescription =
        "water demand per cell, supply and canal delivery (min-cost flow with losses), balance, "
        "water-saving-city indicators, farmland sized by water";

    std::string name() const override { return kName; }
    void configure(const YAML::Node& params, const std::string& file) override;
    nlohmann::ordered_json parameters() const override;
    void run(RunState& state) override;

  private:
    double m_domestic_l_per_person_day = 125.0;   ///< [E] DOMAIN §4 110–140
    std::map<std::string, WaterUse> m_use_overrides;
    std::map<std::string, IrrigationMethod> m_methods;          ///< kind → method (scenario lever)
    std::map<std::string, IrrigationMethod> m_outside_methods{{"urban_green", IrrigationMethod::Flood},
                                                              {"farm", IrrigationMethod::Flood}};
    std::map<std::string, double> m_efficiencies;               ///< method → efficiency override
    double m_green_quota_factor = 1.0;
    double m_farm_quota_factor = 1.0;
    double m_leakage_share = 0.12;            ///< [E] municipal network leakage
    double m_sewage_return_domestic = 0.8;    ///< [E]
    double m_sewage_return_industry = 0.3;    ///< [E]
    double m_treatment_rate = 0.96;           ///< [S] city 2021 report
    double m_reclaimed_reuse_share = 1.0;     ///< [S] city 2021 report (reuse 100 %)
    std::optional<double> m_river_allocation_m3;
    std::optional<double> m_groundwater_cap_m3;
    std::string m_municipal_node;             ///< "" = automatic (see docs/MODELS.md)
    std::optional<double> m_reclaimed_capacity_m3; ///< plant capacity override (all reclaimed sources)
    struct CanalOverride {
        std::optional<double> capacity_m3;
        std::optional<double> loss_share;
    };
    std::map<std::string, CanalOverride> m_canal_overrides; ///< by canal_id (lining, enlargement)
    std::string m_ecological_node;            ///< "" = automatic (see docs/MODELS.md)
    double m_eco_quota_factor = 1.0;          ///< scales wetland / lake replenishment
    bool m_irrigate_outside_farms = false;    ///< farm-kind land outside districts draws water
    double m_efficient_green_target = 0.8;    ///< [E] local target, share of green under sprinkler/drip
    double m_deficit_tolerance = 0.005;       ///< a district is short when deficit > this share of demand
    bool m_write_rasters = true;
};

} // namespace xiongguan::simulate
