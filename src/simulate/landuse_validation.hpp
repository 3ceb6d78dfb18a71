#pragma once

#include "raster/grid.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace xiongguan::simulate {

/// Change agreement of a simulation (Pontius et al. 2008), in cells. Over cells valid in all three maps:
/// hits = observed and simulated change to the same class; misses = observed change simulated as
/// persistence; wrong_hits = observed change simulated as change to another class; false_alarms =
/// observed persistence simulated as change.
struct ChangeCounts {
    std::int64_t hits = 0, misses = 0, wrong_hits = 0, false_alarms = 0;
    /// Figure of Merit = hits / (hits + misses + wrong hits + false alarms); 0 when nothing changed.
    double figureOfMerit() const;
};

/// Agreement of one class.
struct ClassAgreement {
    std::uint16_t value = 0;
    std::int64_t reference_cells = 0, simulated_cells = 0, agreeing_cells = 0;
    double quantity_disagreement = 0.0;   ///< |sim share − ref share|, share of all cells
    double allocation_disagreement = 0.0; ///< 2·min(commission, omission), share of all cells
    ChangeCounts change;                  ///< on the gains of this class (see compareMaps)
};

/// Agreement between a simulated and a reference map, from a common initial map.
struct AgreementReport {
    std::int64_t cells = 0;                ///< cells valid in all maps
    double overall_accuracy = 0.0;         ///< share of cells with sim == ref
    double kappa = 0.0;                    ///< Cohen's kappa
    double quantity_disagreement = 0.0;    ///< Pontius & Millones (2011), Σ q / 2
    double allocation_disagreement = 0.0;  ///< Σ a / 2; quantity + allocation = 1 − OA
    ChangeCounts change;                   ///< overall change agreement
    std::vector<ClassAgreement> classes;   ///< per class, in the order given
    nlohmann::ordered_json toJson(const std::vector<std::string>& codes) const;
};

/// Agreement from a confusion matrix `m[sim][ref]` of cell counts over classes 0..K-1 (overall
/// accuracy, kappa, quantity and allocation disagreement, per class and overall; change counts
/// are left at zero).
AgreementReport agreementFromConfusion(const std::vector<std::vector<std::int64_t>>& m);

/// Compares `simulated` with `reference`, both grown from `initial`, over the listed classes (by raster
/// value; cells whose value is 0 or unlisted in any map are skipped). Per class k the change counts
/// are over the cells that gained k in the reference or in the simulation: hits (both gained k),
/// misses (ref gained k, sim kept the initial class), wrong hits (ref gained k, sim changed to another
/// class), false alarms (ref kept the initial class, sim gained k); the sums over classes equal the
/// overall counts.
AgreementReport compareMaps(const raster::ClassGrid& initial, const raster::ClassGrid& reference,
                            const raster::ClassGrid& simulated, const std::vector<std::uint16_t>& classes);

/// Null model (Pontius): persistence plus random allocation of the same net quantities per class.
/// Classes listed in `target_cells` (same order as `classes`) that gain take cells at random from the
/// classes that lose, in an order drawn from core::uniform01(seed, stream, cell index).
raster::ClassGrid nullModel(const raster::ClassGrid& initial, const std::vector<std::uint16_t>& classes,
                            const std::vector<std::int64_t>& target_cells, std::uint64_t seed);

} // namespace xiongguan::simulate
