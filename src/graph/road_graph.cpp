#include "graph/road_graph.hpp"

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths_no_color_map.hpp>
#include <boost/property_map/function_property_map.hpp>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>

namespace xiongguan::graph {

namespace {

std::uint64_t snapKey(double x, double y, double snap_m) {
    const auto ix = static_cast<std::int64_t>(std::llround(x / snap_m));
    const auto iy = static_cast<std::int64_t>(std::llround(y / snap_m));
    return (static_cast<std::uint64_t>(ix) << 32) ^ static_cast<std::uint64_t>(iy & 0xffffffffLL);
}

struct ArcProp {
    double length_m = 0.0;
};
using CsrGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, ArcProp>;

// Thrown by the visitor to stop the search beyond the cutoff.
struct CutoffReached {};

struct CutoffVisitor : boost::default_dijkstra_visitor {
    const std::vector<double>* dist = nullptr;
    double cutoff = kUnreached;
    template <typename V, typename G> void examine_vertex(V v, const G&) const {
        if ((*dist)[v] > cutoff) throw CutoffReached{};
    }
};

} // namespace

RoadGraph RoadGraph::build(const std::vector<std::vector<Point>>& lines, double snap_m, double densify_m) {
    RoadGraph g;
    if (snap_m <= 0.0) snap_m = 1e-6;
    std::unordered_map<std::uint64_t, std::uint32_t> ids;
    auto nodeOf = [&](double x, double y) {
        auto [it, fresh] = ids.try_emplace(snapKey(x, y, snap_m), static_cast<std::uint32_t>(g.m_x.size()));
        if (fresh) {
            g.m_x.push_back(x);
            g.m_y.push_back(y);
        }
        return it->second;
    };
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges; // (min, max)
    for (const auto& line : lines) {
        for (size_t i = 1; i < line.size(); ++i) {
            const Point a = line[i - 1], b = line[i];
            const double len = std::hypot(b.x - a.x, b.y - a.y);
            if (len <= 0.0) continue;
            const int parts = densify_m > 0.0 ? std::max(1, static_cast<int>(std::ceil(len / densify_m))) : 1;
            std::uint32_t prev = nodeOf(a.x, a.y);
            for (int k = 1; k <= parts; ++k) {
                const double t = static_cast<double>(k) / parts;
                const std::uint32_t cur = k == parts ? nodeOf(b.x, b.y) : nodeOf(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
                if (cur != prev) edges.emplace_back(std::min(prev, cur), std::max(prev, cur));
                prev = cur;
            }
        }
    }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

    // CSR: both directions, arcs of a node sorted by target.
    std::vector<std::tuple<std::uint32_t, std::uint32_t>> arcs;
    arcs.reserve(edges.size() * 2);
    for (auto [u, v] : edges) {
        arcs.emplace_back(u, v);
        arcs.emplace_back(v, u);
    }
    std::sort(arcs.begin(), arcs.end());
    const std::uint32_t n = static_cast<std::uint32_t>(g.m_x.size());
    g.m_offset.assign(n + 1, 0);
    for (const auto& [u, v] : arcs) ++g.m_offset[u + 1];
    for (std::uint32_t i = 0; i < n; ++i) g.m_offset[i + 1] += g.m_offset[i];
    g.m_target.reserve(arcs.size());
    g.m_length.reserve(arcs.size());
    for (const auto& [u, v] : arcs) {
        g.m_target.push_back(v);
        g.m_length.push_back(std::hypot(g.m_x[v] - g.m_x[u], g.m_y[v] - g.m_y[u]));
    }
    return g;
}

std::vector<double> multiSourceDijkstra(const RoadGraph& g, const std::vector<Source>& sources, double cutoff_m) {
    const std::uint32_t n = g.nodeCount();
    const std::uint32_t super = n; // virtual super-source
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edge_list;
    std::vector<ArcProp> props;
    edge_list.reserve(g.arcCount() + sources.size());
    props.reserve(g.arcCount() + sources.size());
    for (std::uint32_t u = 0; u < n; ++u)
        for (std::uint32_t a = g.firstArc(u); a < g.firstArc(u + 1); ++a) {
            edge_list.emplace_back(u, g.target(a));
            props.push_back({g.length(a)});
        }
    for (const auto& s : sources) {
        edge_list.emplace_back(super, s.node);
        props.push_back({std::max(0.0, s.initial_m)});
    }
    // Sources come last and the super node is the largest id, so the list stays sorted by tail.
    CsrGraph csr(boost::edges_are_sorted, edge_list.begin(), edge_list.end(), props.begin(), n + 1);

    std::vector<double> dist(n + 1, kUnreached);
    std::vector<CsrGraph::vertex_descriptor> pred(n + 1);
    CutoffVisitor vis;
    vis.dist = &dist;
    vis.cutoff = cutoff_m;
    try {
        boost::dijkstra_shortest_paths_no_color_map(
            csr, super, boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, csr)),
            boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, csr)),
            boost::get(&ArcProp::length_m, csr), boost::get(boost::vertex_index, csr), std::less<double>(),
            boost::closed_plus<double>(kUnreached), kUnreached, 0.0, vis);
    } catch (const CutoffReached&) {
    }
    dist.pop_back();
    for (double& d : dist)
        if (d > cutoff_m) d = kUnreached;
    return dist;
}

} // namespace xiongguan::graph
