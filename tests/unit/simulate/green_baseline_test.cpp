// The 2021 baseline on the shipped Jiayuguan study: the city's own figures (DESIGN.md, DOMAIN.md
// §1 [S]): green-space rate 39.5 %, green-cover rate 40.7 %, park green 29.2 m²/person, ±0.5.
#include "simulate/green_cover.hpp"
#include "simulate/water_model.hpp"
#include "support/support.hpp"

#include "io/study.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

using namespace xiongguan;

namespace {
const std::string kStudy = test::sourceDir() + "/data/jiayuguan/study.yaml";
}

TEST(GreenBaseline, ShippedStudyReproducesThe2021Figures) {
    ASSERT_TRUE(std::filesystem::exists(kStudy)) << "shipped study missing: " << kStudy;
    const io::StudyArea study = io::loadStudy(kStudy);
    test::TempDir tmp;
    simulate::RunState st;
    st.study = &study;
    st.out_dir = tmp.path();
    st.year_from = st.year_to = 2021;
    st.landuse[2021] = io::loadLanduse(study, 2021);

    simulate::GreenCoverModel green;
    green.configure(YAML::Load("{}"), "test");
    auto t0 = std::chrono::steady_clock::now();
    green.run(st);
    auto t1 = std::chrono::steady_clock::now();
    const auto& m = st.metrics["models.green_cover"];
    std::cerr << "green_cover: " << std::chrono::duration<double>(t1 - t0).count() << " s\n";
    EXPECT_NEAR(m["green_space_rate"]["value"].get<double>() * 100.0, 39.5, 0.5);
    EXPECT_NEAR(m["green_cover_rate"]["value"].get<double>() * 100.0, 40.7, 0.5);
    EXPECT_NEAR(m["park_green_m2_per_person"]["value"].get<double>(), 29.2, 0.5);
    EXPECT_EQ(m["distance_method"], "network");
    EXPECT_TRUE(std::filesystem::exists(tmp.file("green_2021.tif")));

    simulate::WaterModel water;
    water.configure(YAML::Load("{}"), "test");
    t0 = std::chrono::steady_clock::now();
    water.run(st);
    t1 = std::chrono::steady_clock::now();
    const auto& w = st.metrics["models.water"];
    std::cerr << "water: " << std::chrono::duration<double>(t1 - t0).count() << " s\n";
    EXPECT_GT(w["water_demand_m3_per_year"].get<double>(), 0.0);
    EXPECT_TRUE(w["flow_converged"].get<bool>());
    EXPECT_TRUE(std::filesystem::exists(tmp.file("water_demand_2021.tif")));
}
