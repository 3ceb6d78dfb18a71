#pragma once

#include "simulate/green_allocation.hpp"
#include "simulate/green_service.hpp"
#include "simulate/model.hpp"
#include "simulate/water_quota.hpp"

#include <optional>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// `models.green_cover`: the garden-city green indicators of the land-use map (green-space rate,
/// green-cover rate, park green per person, park service-radius coverage, tree-lined road share)
/// against their thresholds, and the allocation of new green toward a target within a water
/// budget. See docs/MODELS.md.
class GreenCoverModel : public Model {
  public:
    static constexpr const char* kName = "models.green_cover";
    static constexpr const char* kDescription =
        "green-space / green-cover rates, park green per person, park service coverage (road network), "
        "allocation of new green within a water budget";

    std::string name() const override { return kName; }
    void configure(const YAML::Node& params, const std::string& file) override;
    nlohmann::ordered_json parameters() const override;
    void run(RunState& state) override;

  private:
    std::string m_distance = "network";          ///< network | euclidean
    std::vector<std::string> m_park_classes{"1401"};
    ServiceParams m_service;
    double m_road_snap_m = 1.0;
    double m_road_densify_m = 25.0;
    std::optional<double> m_target_green_cover;
    std::optional<double> m_target_green_space;
    std::vector<std::string> m_candidates{"idle_land", "bare_in_boundary"};
    std::string m_new_green_class = "1401";
    std::optional<double> m_water_budget_m3;
    std::string m_irrigation_method = "district"; ///< district | a method name
    double m_green_quota_factor = 1.0;
    double m_corridor_m = 300.0;
    std::vector<std::string> m_river_classes{"1701"};
    std::vector<std::string> m_idle_classes{"2301"};
    std::string m_as_of;                         ///< idle-land reference date; "" = <year_from>-12-31
    double m_block_m = 100.0;
    /// Wetland (or other) restoration next to large patches of given classes (e.g. Caohu).
    struct Restore {
        bool enabled = false;
        std::string to_class;                           ///< class given to restored cells
        std::vector<std::string> from_groups{"bare", "grassland"};
        std::vector<std::string> near_classes{"1702", "0503", "0504"};
        double near_patch_min_ha = 100.0;               ///< only patches at least this large seed it
        double within_m = 1000.0;                       ///< candidates within this distance of them
        double area_ha = 0.0;                           ///< area to restore (closest cells first)
    } m_restore;
    bool m_write_rasters = true;
};

} // namespace xiongguan::simulate
