#pragma once

#include "io/study.hpp"
#include "raster/classes.hpp"
#include "raster/grid.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// Version of the default water tables below; written into the metrics so that a change of a
/// default is visible in every output.
inline constexpr const char* kWaterTableVersion = "xiongguan-water-defaults-2026.1";

/// Irrigation methods of docs/STUDY_FORMAT.md (`irrigation.method`).
enum class IrrigationMethod { Flood, Furrow, Pipe, Sprinkler, Micro, Drip };
std::optional<IrrigationMethod> parseIrrigationMethod(const std::string& s);
const char* irrigationMethodName(IrrigationMethod m);
/// Default whole-system efficiency (0..1) of a method, [E]: midpoints of DOMAIN.md §4 ranges
/// (GB/T 50363-2018 minimums [R]): flood 0.55, furrow 0.65, pipe 0.80, sprinkler 0.80,
/// micro 0.85, drip 0.90.
double defaultEfficiency(IrrigationMethod m);
/// Sprinkler, micro-sprinkler or drip (the water-saving-city "efficient irrigation" share).
bool isEfficientMethod(IrrigationMethod m);

/// What a water-use class draws water for.
enum class UseKind {
    UrbanGreen, ///< landscaping: net depth / method efficiency × green quota factor
    Farm,       ///< cropland, orchards, shelterbelts: net depth / method efficiency × farm factor
    Ecological, ///< wetland and lake replenishment: net depth, no method
    Industry,   ///< m³ per m² of class area per year
    None        ///< no area-based demand (domestic water comes from the population)
};
const char* useKindName(UseKind k);

/// One water-use class (`water_use` key of the class table).
struct WaterUse {
    std::string key;
    UseKind kind = UseKind::None;
    double net_m = 0.0;              ///< net depth, m/yr (= m³/m²/yr) for UrbanGreen/Farm/Ecological
    double industry_m3_per_m2 = 0.0; ///< Industry only, m³/(m²·yr)
    std::string label;               ///< [E], [R], [S]
    std::string derivation;          ///< where the number comes from
};

/// The water-use table: defaults [E] (DOMAIN.md §4) with per-scenario overrides.
/// Defaults (net depth m/yr): park 0.63 (ET₀ 1.05 m × Kc 0.65 − 0.05 m rain), protective green
/// 0.47 (Kc 0.5), square 0.16 (Kc 0.2, lawns in plazas), farm 0.40 (Hexi maize 485 m³/mu flood at
/// 0.55 efficiency), orchard 0.45, forest (shelterbelts) 0.30, wetland 0.95 and lake 1.00
/// (evaporation − rain, Kc ≈ 1), industry 2.0 m³/(m²·yr) (steelworks; industry 35–60 × 10⁶ m³/yr
/// [E] over ≈ 23 km² of industrial, storage and power land). Keys not in the table draw no area-based water and
/// are listed in the metrics.
struct WaterUseTable {
    std::map<std::string, WaterUse> uses;
    static WaterUseTable defaults();
    const WaterUse* find(const std::string& key) const;
};

/// One irrigation district of the `irrigation` layer.
struct IrrigationDistrict {
    std::string district_id;
    std::string name;
    std::string kind; ///< urban_green / farm
    IrrigationMethod method = IrrigationMethod::Flood;
    double efficiency = 0.55;
    std::string node; ///< canal-network node that serves it
    std::vector<std::uint8_t> wkb;
};

/// Districts and their raster (cell = 1 + index of the district covering the cell centre, 0 =
/// none; the last district wins where they overlap).
struct DistrictMap {
    std::vector<IrrigationDistrict> districts;
    raster::Grid<std::int32_t> index; ///< empty when the study has no irrigation layer
};

/// Loads the `irrigation` layer (fields per docs/STUDY_FORMAT.md) and rasterizes it once on the
/// study grid. Returns an empty map when the study has no such layer. \throws InputError naming
/// the file, feature and field on an unknown method or an efficiency outside (0, 1].
DistrictMap loadDistricts(const io::StudyArea& study);

/// Method choice: a district's own method, unless the scenario overrides it for the cell's use
/// kind ("urban_green" / "farm" → method); outside districts the default method of the kind.
struct MethodPolicy {
    std::map<std::string, IrrigationMethod> overrides;       ///< kind → method (scenario `methods:`)
    std::map<std::string, IrrigationMethod> outside_default;  ///< kind → method outside districts
    std::map<std::string, double> efficiency;                 ///< method name → efficiency override
    /// Method and efficiency for a cell of use kind `kind` in district `d` (nullptr = outside).
    std::pair<IrrigationMethod, double> resolve(const std::string& kind, const IrrigationDistrict* d) const;
    double efficiencyOf(IrrigationMethod m) const;
};

/// "urban_green" or "farm" for irrigated kinds, "" otherwise.
std::string irrigationKindOf(UseKind k);

} // namespace xiongguan::simulate
