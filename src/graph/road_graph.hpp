#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace xiongguan::graph {

/// A planar point in the working CRS (m).
struct Point {
    double x = 0.0;
    double y = 0.0;
};

/// An undirected road graph stored as CSR (each undirected edge appears once per direction).
/// Nodes are road-line vertices (after densification) snapped together; edge weights are
/// straight-line segment lengths in metres. Algorithms see it only through the accessors below.
class RoadGraph {
  public:
    /// Number of nodes.
    std::uint32_t nodeCount() const { return static_cast<std::uint32_t>(m_x.size()); }
    /// Number of directed arcs (twice the undirected edges).
    std::uint32_t arcCount() const { return static_cast<std::uint32_t>(m_target.size()); }
    /// Position of node `n` (working CRS, m).
    Point node(std::uint32_t n) const { return {m_x[n], m_y[n]}; }
    /// Arcs leaving node `n` are [firstArc(n), firstArc(n + 1)).
    std::uint32_t firstArc(std::uint32_t n) const { return m_offset[n]; }
    /// Head node of arc `a`.
    std::uint32_t target(std::uint32_t a) const { return m_target[a]; }
    /// Length of arc `a`, m.
    double length(std::uint32_t a) const { return m_length[a]; }

    /// Builds the graph from polylines (each a list of vertices in the working CRS). Segments
    /// longer than `densify_m` are split into equal parts so that nodes are at most that far apart
    /// (0 = no densification). Vertices closer than about `snap_m` are merged (grid snapping at
    /// `snap_m`: two points less than `snap_m` apart but on either side of a snap-grid line stay
    /// separate). Zero-length segments are dropped; parallel duplicate segments are kept once.
    static RoadGraph build(const std::vector<std::vector<Point>>& lines, double snap_m = 1.0,
                           double densify_m = 0.0);

  private:
    std::vector<double> m_x, m_y;
    std::vector<std::uint32_t> m_offset; // nodeCount() + 1
    std::vector<std::uint32_t> m_target;
    std::vector<double> m_length;
};

/// A start of a multi-source search: a node and its initial distance (m, >= 0).
struct Source {
    std::uint32_t node = 0;
    double initial_m = 0.0;
};

inline constexpr double kUnreached = std::numeric_limits<double>::infinity();

/// Multi-source Dijkstra (Boost.Graph, a virtual super-source joined to every source by an arc
/// of its initial distance). Returns, for every node, min over sources of (initial + network
/// distance) in metres, or kUnreached. Nodes farther than `cutoff_m` are left kUnreached (the
/// search stops there). Deterministic: depends only on the graph and the sources.
std::vector<double> multiSourceDijkstra(const RoadGraph& g, const std::vector<Source>& sources,
                                        double cutoff_m = kUnreached);

} // namespace xiongguan::graph
