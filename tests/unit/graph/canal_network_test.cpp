#include "graph/canal_network.hpp"

#include <gtest/gtest.h>

using namespace xiongguan::graph;

// Five nodes: 0 headworks (Taolai intake, 1,000,000 m³), 1 junction, 2 district A, 3 district B,
// 4 district C. Canals (intake capacity, loss): 0→1 (800k, 10 %), 1→2 (300k, 20 %),
// 1→3 (500k, 0 %), 0→4 (100k, 50 %). Demands: A 200k, B 600k (higher priority), C 100k.
// By hand: 0→1 takes 800k (its capacity) and 720k reach the junction; B gets 500k (1→3 full,
// deficit 100k); the other 220k enter 1→2 and 176k reach A (deficit 24k); 0→4 takes 100k and
// C gets 50k. Used 900k, lost 80k + 44k + 50k = 174k; 900k − 174k = 726k = 500k + 176k + 50k.
TEST(CanalNetwork, FiveNodeNetworkWithLossesByHand) {
    std::vector<CanalArc> arcs = {{0, 1, 800e3, 0.10, 1}, {1, 2, 300e3, 0.20, 1}, {1, 3, 500e3, 0.0, 1},
                                  {0, 4, 100e3, 0.50, 1}};
    std::vector<WaterSupply> sup = {{0, 1000e3, 0}};
    std::vector<WaterDemand> dem = {{2, 200e3, 5}, {3, 600e3, 0}, {4, 100e3, 0}};
    auto r = solveDelivery(5, arcs, sup, dem);
    EXPECT_TRUE(r.mixed_nodes.empty());
    EXPECT_EQ(r.iterations, 1);
    EXPECT_NEAR(r.node_factor[2], 0.72, 1e-12);
    EXPECT_NEAR(r.delivered_m3[0], 176e3, 2.0);
    EXPECT_NEAR(r.delivered_m3[1], 500e3, 2.0);
    EXPECT_NEAR(r.delivered_m3[2], 50e3, 2.0);
    EXPECT_NEAR(r.supplied_m3[0], 900e3, 2.0);
    EXPECT_NEAR(r.arc_intake_m3[0], 800e3, 2.0);
    EXPECT_NEAR(r.arc_intake_m3[1], 220e3, 2.0);
    EXPECT_NEAR(r.arc_loss_m3[1], 44e3, 2.0);
    EXPECT_NEAR(r.total_loss_m3, 174e3, 3.0);
}

// Same network; priorities reversed (A first): A gets its full 200k (needs 250k at the
// junction = 277.8k at the headworks), B the rest of the 720k at the junction: 470k.
TEST(CanalNetwork, PriorityDecidesWhoIsShort) {
    std::vector<CanalArc> arcs = {{0, 1, 800e3, 0.10, 1}, {1, 2, 300e3, 0.20, 1}, {1, 3, 500e3, 0.0, 1},
                                  {0, 4, 100e3, 0.50, 1}};
    auto r = solveDelivery(5, arcs, {{0, 1000e3, 0}}, {{2, 200e3, 0}, {3, 600e3, 5}, {4, 100e3, 0}});
    EXPECT_NEAR(r.delivered_m3[0], 200e3, 2.0);
    EXPECT_NEAR(r.delivered_m3[1], 470e3, 2.0);
}

// A small source limits everything: 100k at the headworks, only B and C want water.
// C (priority) takes 0→4 intake 100k → 50k delivered; nothing is left for B.
TEST(CanalNetwork, SupplyBindsAndSecondSourceDownstream) {
    std::vector<CanalArc> arcs = {{0, 1, 800e3, 0.10, 1}, {1, 3, 500e3, 0.0, 1}, {0, 4, 100e3, 0.50, 1}};
    auto r = solveDelivery(5, arcs, {{0, 100e3, 0}}, {{3, 600e3, 5}, {4, 100e3, 0}});
    EXPECT_NEAR(r.delivered_m3[1], 50e3, 2.0);
    EXPECT_NEAR(r.delivered_m3[0], 0.0, 2.0);
    // A well field at B's node (no canal) adds 30k there.
    auto r2 = solveDelivery(5, arcs, {{0, 100e3, 0}, {3, 30e3, 0}}, {{3, 600e3, 5}, {4, 100e3, 0}});
    EXPECT_NEAR(r2.delivered_m3[0], 30e3, 2.0);
    EXPECT_NEAR(r2.supplied_m3[1], 30e3, 2.0);
}

// Two paths with different losses into node 1: 0→1 (loss 10 %, the cheaper path) and
// 0→2→1 (0 % then 20 %). Demand 500k at node 1, supply 1,000k at node 0.
TEST(CanalNetwork, MixedLossesBothPathsSaturated) {
    std::vector<CanalArc> arcs = {{0, 1, 100, 0.1, 1}, {0, 2, 100, 0.0, 1}, {2, 1, 100, 0.2, 1}};
    auto r = solveDelivery(3, arcs, {{0, 1000e3, 0}}, {{1, 500e3, 0}});
    ASSERT_EQ(r.mixed_nodes.size(), 1u);
    EXPECT_EQ(r.mixed_nodes[0], 1u);
    EXPECT_TRUE(r.converged);
    // Only capacity 100 m³ on each canal: by hand 0→1 takes 100 (90 arrive), 0→2 takes 100,
    // 2→1 takes 100 (80 arrive): 170 delivered, 200 supplied, 30 lost.
    EXPECT_NEAR(r.delivered_m3[0], 170.0, 1.0);
    EXPECT_NEAR(r.supplied_m3[0], 200.0, 1.0);
    EXPECT_NEAR(r.total_loss_m3, 30.0, 1.0);
}

// Same shape, larger numbers: the cheap path 0→1 has intake capacity 20k (18k arrive); the rest
// of the 50k demand comes via 0→2→1: 32k must arrive, so 40k enter 2→1 and 0→2.
// By hand: supplied 60k, delivered 50k, lost 2k + 8k = 10k; mean factor at node 1 = 50/60.
TEST(CanalNetwork, MixedLossesFixedPointByHand) {
    std::vector<CanalArc> arcs = {{0, 1, 20e3, 0.1, 1}, {0, 2, 100e3, 0.0, 1}, {2, 1, 100e3, 0.2, 1}};
    auto r = solveDelivery(3, arcs, {{0, 100e3, 0}}, {{1, 50e3, 0}});
    EXPECT_TRUE(r.converged);
    EXPECT_GT(r.iterations, 1);
    EXPECT_NEAR(r.delivered_m3[0], 50e3, 5.0);
    EXPECT_NEAR(r.supplied_m3[0], 60e3, 5.0);
    EXPECT_NEAR(r.arc_intake_m3[0], 20e3, 5.0);
    EXPECT_NEAR(r.arc_intake_m3[2], 40e3, 5.0);
    EXPECT_NEAR(r.total_loss_m3, 10e3, 5.0);
    EXPECT_NEAR(r.node_factor[1], 50.0 / 60.0, 1e-4);
}

TEST(CanalNetwork, RejectsBadInput) {
    EXPECT_THROW(solveDelivery(2, {{0, 5, 1, 0, 1}}, {}, {}), std::invalid_argument);
    EXPECT_THROW(solveDelivery(2, {{0, 1, 1, 1.0, 1}}, {}, {}), std::invalid_argument);
}
