#include "graph/canal_network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace xiongguan::graph {

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, long,
                    boost::property<boost::edge_residual_capacity_t, long,
                                    boost::property<boost::edge_reverse_t, Traits::edge_descriptor,
                                                    boost::property<boost::edge_weight_t, long>>>>>;
using Edge = Traits::edge_descriptor;

struct Builder {
    FlowGraph& g;
    Edge add(std::uint32_t u, std::uint32_t v, long cap, long cost) {
        auto cap_map = boost::get(boost::edge_capacity, g);
        auto rev_map = boost::get(boost::edge_reverse, g);
        auto w_map = boost::get(boost::edge_weight, g);
        Edge e = boost::add_edge(u, v, g).first;
        Edge r = boost::add_edge(v, u, g).first;
        cap_map[e] = cap;
        cap_map[r] = 0;
        w_map[e] = cost;
        w_map[r] = -cost;
        rev_map[e] = r;
        rev_map[r] = e;
        return e;
    }
};

long units(double m3) { return m3 > 0.0 ? static_cast<long>(std::llround(m3)) : 0L; }

} // namespace

DeliveryResult solveDelivery(std::uint32_t node_count, const std::vector<CanalArc>& arcs,
                             const std::vector<WaterSupply>& supplies, const std::vector<WaterDemand>& demands) {
    for (const auto& a : arcs) {
        if (a.from >= node_count || a.to >= node_count) throw std::invalid_argument("canal arc node out of range");
        if (!(a.loss_share >= 0.0 && a.loss_share < 1.0)) throw std::invalid_argument("canal loss share outside [0, 1)");
    }
    for (const auto& s : supplies)
        if (s.node >= node_count) throw std::invalid_argument("supply node out of range");
    for (const auto& d : demands)
        if (d.node >= node_count) throw std::invalid_argument("demand node out of range");

    DeliveryResult res;
    // Initial factors: the largest product of (1 - loss) over paths from a root (Bellman-Ford on
    // a small graph; terminates on cycles because factors only grow and are bounded by 1).
    std::vector<int> indeg(node_count, 0);
    for (const auto& a : arcs) ++indeg[a.to];
    std::vector<double> f(node_count, 0.0);
    for (std::uint32_t v = 0; v < node_count; ++v)
        if (indeg[v] == 0) f[v] = 1.0;
    for (std::uint32_t round = 0; round <= node_count; ++round) {
        bool changed = false;
        for (const auto& a : arcs) {
            const double cand = f[a.from] * (1.0 - a.loss_share);
            if (cand > f[a.to] + 1e-15) {
                f[a.to] = cand;
                changed = true;
            }
        }
        if (!changed) break;
    }
    for (double& x : f)
        if (x <= 0.0) x = 1.0; // on a cycle with no root: measure from the node itself
    for (const auto& a : arcs)
        if (std::abs(f[a.from] * (1.0 - a.loss_share) - f[a.to]) > 1e-9 * f[a.to]) res.mixed_nodes.push_back(a.to);
    std::sort(res.mixed_nodes.begin(), res.mixed_nodes.end());
    res.mixed_nodes.erase(std::unique(res.mixed_nodes.begin(), res.mixed_nodes.end()), res.mixed_nodes.end());

    std::vector<long> arc_flow(arcs.size()), sup_flow(supplies.size()), dem_flow(demands.size());
    auto solve = [&]() {
        const std::uint32_t s = node_count, t = node_count + 1;
        FlowGraph g(node_count + 2);
        Builder b{g};
        std::vector<Edge> arc_edges, supply_edges, demand_edges;
        for (const auto& a : arcs) arc_edges.push_back(b.add(a.from, a.to, units(a.capacity_m3 / f[a.from]), a.cost));
        for (const auto& sp : supplies)
            supply_edges.push_back(b.add(s, sp.node, units(sp.supply_m3 / f[sp.node]), sp.cost));
        for (const auto& d : demands) demand_edges.push_back(b.add(d.node, t, units(d.demand_m3 / f[d.node]), d.cost));
        boost::successive_shortest_path_nonnegative_weights(g, s, t);
        auto cap_map = boost::get(boost::edge_capacity, g);
        auto res_map = boost::get(boost::edge_residual_capacity, g);
        for (size_t i = 0; i < arcs.size(); ++i) arc_flow[i] = cap_map[arc_edges[i]] - res_map[arc_edges[i]];
        for (size_t i = 0; i < supplies.size(); ++i) sup_flow[i] = cap_map[supply_edges[i]] - res_map[supply_edges[i]];
        for (size_t i = 0; i < demands.size(); ++i) dem_flow[i] = cap_map[demand_edges[i]] - res_map[demand_edges[i]];
    };
    solve();
    res.iterations = 1;
    if (!res.mixed_nodes.empty()) {
        res.converged = false;
        for (int it = 0; it < 200; ++it) {
            // Flow-weighted factor of what arrives at each node that receives water.
            std::vector<double> actual(node_count, 0.0), units_in(node_count, 0.0);
            for (size_t i = 0; i < arcs.size(); ++i) {
                actual[arcs[i].to] += static_cast<double>(arc_flow[i]) * f[arcs[i].from] * (1.0 - arcs[i].loss_share);
                units_in[arcs[i].to] += static_cast<double>(arc_flow[i]);
            }
            for (size_t i = 0; i < supplies.size(); ++i) {
                actual[supplies[i].node] += static_cast<double>(sup_flow[i]) * f[supplies[i].node];
                units_in[supplies[i].node] += static_cast<double>(sup_flow[i]);
            }
            double change = 0.0;
            std::vector<double> nf = f;
            for (auto v : res.mixed_nodes)
                if (units_in[v] > 0.0) {
                    nf[v] = actual[v] / units_in[v];
                    change = std::max(change, std::abs(nf[v] - f[v]) / f[v]);
                }
            // Nodes downstream of a mixed node inherit its factor along the canals.
            for (std::uint32_t round = 0; round <= node_count; ++round) {
                bool changed = false;
                for (const auto& a : arcs) {
                    if (std::binary_search(res.mixed_nodes.begin(), res.mixed_nodes.end(), a.to)) continue;
                    const double want = nf[a.from] * (1.0 - a.loss_share);
                    if (std::abs(want - nf[a.to]) > 1e-15 * nf[a.to]) {
                        change = std::max(change, std::abs(want - nf[a.to]) / nf[a.to]);
                        nf[a.to] = want;
                        changed = true;
                    }
                }
                if (!changed) break;
            }
            if (change < 1e-9) {
                res.converged = true;
                break;
            }
            f = nf;
            solve();
            ++res.iterations;
        }
    }
    res.node_factor = f;
    for (size_t i = 0; i < arcs.size(); ++i) {
        const double intake = static_cast<double>(arc_flow[i]) * f[arcs[i].from];
        res.arc_intake_m3.push_back(intake);
        res.arc_loss_m3.push_back(intake * arcs[i].loss_share);
        res.total_loss_m3 += intake * arcs[i].loss_share;
    }
    for (size_t i = 0; i < supplies.size(); ++i)
        res.supplied_m3.push_back(static_cast<double>(sup_flow[i]) * f[supplies[i].node]);
    for (size_t i = 0; i < demands.size(); ++i)
        res.delivered_m3.push_back(static_cast<double>(dem_flow[i]) * f[demands[i].node]);
    return res;
}

} // namespace xiongguan::graph
