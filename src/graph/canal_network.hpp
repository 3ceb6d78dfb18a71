#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xiongguan::graph {

/// A canal (or pipe) from node `from` to node `to`. `capacity_m3` limits the water taken in at
/// its head (m³/yr); a share `loss_share` (0..1) of what enters is lost on the way (seepage,
/// evaporation, leakage), so the tail receives intake × (1 − loss_share).
struct CanalArc {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    double capacity_m3 = 0.0;
    double loss_share = 0.0;
    std::int64_t cost = 1; ///< per m³ (source units), ≥ 0: prefers fewer canals at equal priority
};

/// Water available at a node (m³/yr), e.g. the Taolai intake, a well field, a reclaimed-water
/// plant. Lower `cost` is used first.
struct WaterSupply {
    std::uint32_t node = 0;
    double supply_m3 = 0.0;
    std::int64_t cost = 0;
};

/// Water wanted at a node (m³/yr), e.g. an irrigation district. Lower `cost` = higher priority:
/// when water is short, demands with lower cost are served first.
struct WaterDemand {
    std::uint32_t node = 0;
    double demand_m3 = 0.0;
    std::int64_t cost = 0;
};

/// Result of `solveDelivery`. All volumes are actual m³/yr at the place named.
struct DeliveryResult {
    std::vector<double> arc_intake_m3;  ///< per arc: water entering at its head
    std::vector<double> arc_loss_m3;    ///< per arc: water lost along it
    std::vector<double> supplied_m3;    ///< per supply: water taken from it
    std::vector<double> delivered_m3;   ///< per demand: water received
    std::vector<double> node_factor;    ///< per node: m³ arriving there per source unit
    std::vector<std::uint32_t> mixed_nodes; ///< nodes reachable by paths with different loss products
    double total_loss_m3 = 0.0;
    int iterations = 1;                 ///< min-cost-flow solves (1 when no node is mixed)
    bool converged = true;              ///< the node factors reached a fixed point
};

/// Delivers supplies to demands through a lossy canal network as a min-cost maximum flow
/// (Boost.Graph successive_shortest_path_nonnegative_weights).
///
/// Losses are modelled as capacity reductions by measuring flow in "source units": node v has a
/// factor f(v) (m³ at v per unit), roots (nodes without incoming canals) have f = 1 and a canal
/// u→v of loss l gives f(v) = f(u)(1 − l). Conservation then holds in units: a canal of intake
/// capacity c carries at most c / f(u) units, a supply S at v adds at most S / f(v) units, a
/// demand D at v takes at most D / f(v) units. On a tree (or any network where every path into a
/// node loses the same share) one solve is exact. Where paths with different losses meet (e.g. a
/// reclaimed-water pipe joining a river canal) f(v) is the flow-weighted mean of what arrives,
/// found by fixed-point iteration (re-solve with the new factors, at most 200 times); the
/// result is then self-consistent (capacities, demands and actual-volume balance hold) but,
/// as the mixing ratio is fixed per iteration, not guaranteed to be the generalized-flow optimum.
/// Volumes are rounded to 1 m³ (in source units). Deterministic.
/// \throws std::invalid_argument on a node id >= node_count or a loss share outside [0, 1).
DeliveryResult solveDelivery(std::uint32_t node_count, const std::vector<CanalArc>& arcs,
                             const std::vector<WaterSupply>& supplies, const std::vector<WaterDemand>& demands);

} // namespace xiongguan::graph
