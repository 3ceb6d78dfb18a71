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
    std::vector<double> node_factor;    ///< per node: share of source water that reaches it
    std::vector<std::uint32_t> inconsistent_nodes; ///< nodes reached by paths with different losses
    double total_loss_m3 = 0.0;
    /// True when every node is reached by paths with one loss product (trees, and DAGs whose
    /// parallel paths lose the same share): then the result is an exact optimum.
    bool exact = true;
};

/// Delivers supplies to demands through a lossy canal network as a min-cost maximum flow
/// (Boost.Graph successive_shortest_path_nonnegative_weights).
///
/// Losses are made linear by measuring flow in "source units": each node v gets the factor
/// f(v) = Π(1 − loss_share) along the paths from the network's roots (nodes without incoming
/// canals, f = 1). One source unit at v is f(v) m³ there, so conservation holds in source units;
/// an arc u→v of intake capacity c carries at most c / f(u) units; a supply S at v adds S / f(v)
/// units; a demand D at v takes at most D / f(v) units. Exact when f is unique per node; when
/// a node is reached by paths with different loss products f takes the least lossy one, the
/// node is listed in `inconsistent_nodes` and `exact` is false. Volumes are rounded to 1 m³ in
/// source units. Deterministic. \throws std::invalid_argument on a node id ≥ node_count or a
/// loss share outside [0, 1).
DeliveryResult solveDelivery(std::uint32_t node_count, const std::vector<CanalArc>& arcs,
                             const std::vector<WaterSupply>& supplies, const std::vector<WaterDemand>& demands);

} // namespace xiongguan::graph
