#include "graph/road_graph.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace xiongguan;
using graph::Point;
using graph::RoadGraph;

namespace {
// Index of the node nearest to (x, y).
std::uint32_t nodeAt(const RoadGraph& g, double x, double y) {
    std::uint32_t best = 0;
    double bd = 1e300;
    for (std::uint32_t n = 0; n < g.nodeCount(); ++n) {
        const double d = std::hypot(g.node(n).x - x, g.node(n).y - y);
        if (d < bd) {
            bd = d;
            best = n;
        }
    }
    EXPECT_LT(bd, 1.0) << "no node near " << x << "," << y;
    return best;
}
} // namespace

// A 100 m square A(0,0) B(100,0) C(100,100) D(0,100) with a 200 m spur B-E(300,0), drawn as
// separate lines whose shared ends differ by up to 0.3 m (they must snap together).
TEST(RoadGraph, SnapsEndpointsAndRunsMultiSourceDijkstra) {
    std::vector<std::vector<Point>> lines = {
        {{0, 0}, {100, 0}},          // A-B
        {{100.3, 0.2}, {100, 100}},  // B-C (B off by 0.36 m: inside the 1 m snap cell)
        {{100, 100}, {0, 100}, {0, 0}}, // C-D-A
        {{100, 0}, {300, 0}},        // B-E
    };
    RoadGraph g = RoadGraph::build(lines, 1.0, 0.0);
    ASSERT_EQ(g.nodeCount(), 5u);
    EXPECT_EQ(g.arcCount(), 10u); // 5 undirected edges
    const auto A = nodeAt(g, 0, 0), B = nodeAt(g, 100, 0), C = nodeAt(g, 100, 100), D = nodeAt(g, 0, 100),
               E = nodeAt(g, 300, 0);
    // Sources: A with a 10 m access leg, E with none. By hand: A 10, E 0, B min(10+100, 0+200) = 110,
    // D 10+100 = 110, C min(B+100, D+100) = 210 (B-C is ~100.0 m after snapping).
    auto d = graph::multiSourceDijkstra(g, {{A, 10.0}, {E, 0.0}});
    EXPECT_DOUBLE_EQ(d[A], 10.0);
    EXPECT_DOUBLE_EQ(d[E], 0.0);
    EXPECT_NEAR(d[B], 110.0, 1e-9);
    EXPECT_NEAR(d[D], 110.0, 1e-9);
    EXPECT_NEAR(d[C], 210.0, 0.5);
    // With a 150 m cutoff C is not reached.
    auto dc = graph::multiSourceDijkstra(g, {{A, 10.0}, {E, 0.0}}, 150.0);
    EXPECT_EQ(dc[C], graph::kUnreached);
    EXPECT_NEAR(dc[B], 110.0, 1e-9);
    // No sources: nothing reached.
    auto dn = graph::multiSourceDijkstra(g, {});
    for (double x : dn) EXPECT_EQ(x, graph::kUnreached);
}

TEST(RoadGraph, DensifiesLongSegments) {
    RoadGraph g = RoadGraph::build({{{0, 0}, {100, 0}}}, 1.0, 25.0);
    ASSERT_EQ(g.nodeCount(), 5u); // 0, 25, 50, 75, 100
    const auto far = nodeAt(g, 100, 0), mid = nodeAt(g, 50, 0);
    auto d = graph::multiSourceDijkstra(g, {{nodeAt(g, 0, 0), 0.0}});
    EXPECT_NEAR(d[far], 100.0, 1e-9);
    EXPECT_NEAR(d[mid], 50.0, 1e-9);
}

TEST(RoadGraph, DisconnectedComponentStaysUnreached) {
    RoadGraph g = RoadGraph::build({{{0, 0}, {10, 0}}, {{50, 0}, {60, 0}}}, 1.0, 0.0);
    auto d = graph::multiSourceDijkstra(g, {{nodeAt(g, 0, 0), 0.0}});
    EXPECT_NEAR(d[nodeAt(g, 10, 0)], 10.0, 1e-9);
    EXPECT_EQ(d[nodeAt(g, 60, 0)], graph::kUnreached);
}
