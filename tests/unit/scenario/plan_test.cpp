// Batch planning: run ids, seeds, cartesian products (counts by hand), folders, errors.
#include "scenario_fixture.hpp"

#include "core/random.hpp"
#include "scenario/batch.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace xiongguan;
namespace fs = std::filesystem;

namespace {

class Plan : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(dir.file("data"));
        fs::create_directories(dir.file("sc"));
        test::writeTinyStudy(dir.file("data"));
        write("base.yaml", "study: ../data/study.yaml\nperiod: {from: 2021, to: 2023}\n");
        write("green.yaml", "extends: base.yaml\nname: green\nmodels:\n  - {type: models.fake_green, conversion_share: 0.1}\n");
        write("plain.yaml", "extends: base.yaml\nname: plain\n");
        write("seeded.yaml", "extends: base.yaml\nname: seeded\nseed: 42\n");
    }
    std::string write(const std::string& name, const std::string& text) {
        test::writeFile(dir.file("sc/" + name), text);
        return dir.file("sc/" + name);
    }
    std::string planError(const std::string& batch_text) {
        const auto p = write("batch_err.yaml", batch_text);
        try {
            scenario::plan(scenario::loadBatch(p));
        } catch (const ConfigError& e) {
            return e.what();
        }
        ADD_FAILURE() << "no error for\n" << batch_text;
        return "";
    }
    test::TempDir dir;
};

TEST_F(Plan, CartesianProductIdsAndSeeds) {
    const auto p = write("batch.yaml", "name: sweep\n"
                                       "scenarios: [green.yaml, plain.yaml]\n"
                                       "sweep:\n"
                                       "  models.fake_green.conversion_share: [0.1, 0.25, 0.5]\n"
                                       "  period.to: [2022, 2026]\n"
                                       "seeds: [1, 2]\n");
    const auto b = scenario::loadBatch(p);
    EXPECT_EQ(b.name, "sweep");
    const auto runs = scenario::plan(b);
    // green: 3 shares x 2 years x 2 seeds = 12; plain has no fake_green: 2 years x 2 seeds = 4.
    ASSERT_EQ(runs.size(), 16u);
    EXPECT_EQ(runs[0].id, "green__conversion_share-0.1__to-2022__seed-1");
    EXPECT_EQ(runs[1].id, "green__conversion_share-0.1__to-2022__seed-2");
    EXPECT_EQ(runs[2].id, "green__conversion_share-0.1__to-2026__seed-1");
    EXPECT_EQ(runs[4].id, "green__conversion_share-0.25__to-2022__seed-1");
    EXPECT_EQ(runs[11].id, "green__conversion_share-0.5__to-2026__seed-2");
    EXPECT_EQ(runs[12].id, "plain__to-2022__seed-1");
    EXPECT_EQ(runs[15].id, "plain__to-2026__seed-2");
    // The sweep values reach the resolved scenario.
    EXPECT_DOUBLE_EQ(runs[4].scenario.models[0].params["conversion_share"].as<double>(), 0.25);
    EXPECT_EQ(runs[2].scenario.year_to, 2026);
    EXPECT_EQ(runs[0].seed, 1u);
    EXPECT_EQ(runs[1].seed, 2u);
    for (const auto& r : runs) EXPECT_EQ(r.batch, "sweep");
}

TEST_F(Plan, SeedsFromScenarioOrDerivedFromRunId) {
    const auto p = write("b.yaml", "scenarios: [plain.yaml, seeded.yaml]\n");
    const auto runs = scenario::plan(scenario::loadBatch(p));
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].id, "plain");
    EXPECT_EQ(runs[0].seed, core::mix64(core::hashString("xiongguan.run:plain")));
    EXPECT_EQ(runs[1].id, "seeded");
    EXPECT_EQ(runs[1].seed, 42u);
    // The batch name is the file name; the derived seed does not depend on it.
    const auto p2 = write("other_name.yaml", "scenarios: [plain.yaml]\n");
    const auto b2 = scenario::loadBatch(p2);
    EXPECT_EQ(b2.name, "other_name");
    EXPECT_EQ(scenario::plan(b2)[0].seed, runs[0].seed);
}

TEST_F(Plan, SweepOverSeedKeyAndLabelCollision) {
    const auto p = write("b.yaml", "scenarios: [green.yaml]\n"
                                   "sweep:\n"
                                   "  seed: [5, 6]\n"
                                   "  models.fake_green.x.share: [1]\n"
                                   "  models.fake_green.y.share: [2, 3]\n");
    const auto runs = scenario::plan(scenario::loadBatch(p));
    ASSERT_EQ(runs.size(), 4u); // 2 x 1 x 2
    EXPECT_EQ(runs[0].id, "green__seed-5__models_fake_green_x_share-1__models_fake_green_y_share-2");
    EXPECT_EQ(runs[0].seed, 5u);
    EXPECT_EQ(runs[3].seed, 6u);
}

TEST_F(Plan, ValuesAreSanitizedInIds) {
    const auto p = write("b.yaml", "scenarios: [green.yaml]\nsweep: {models.fake_green.mode: ['a/b c']}\n");
    const auto runs = scenario::plan(scenario::loadBatch(p));
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].id, "green__mode-a_b_c");
}

TEST_F(Plan, FolderBatchSkipsBasesAndBatches) {
    write("batch.yaml", "scenarios: [plain.yaml]\n");
    write("_draft.yaml", "extends: base.yaml\n");
    write("base_water.yaml", "extends: base.yaml\n");
    write("baseline.yaml", "extends: base.yaml\nname: baseline\n"); // a scenario, not a base
    const auto b = scenario::loadBatchOrFolder(dir.file("sc"));
    EXPECT_EQ(b.name, "sc");
    std::vector<std::string> names;
    for (const auto& s : b.scenarios) names.push_back(fs::path(s).filename().string());
    EXPECT_EQ(names, (std::vector<std::string>{"baseline.yaml", "green.yaml", "plain.yaml", "seeded.yaml"}));
    // A batch listing a folder gets the same files.
    fs::create_directories(dir.file("b2"));
    test::writeFile(dir.file("b2/all.yaml"), "scenarios: ../sc\n");
    EXPECT_EQ(scenario::loadBatch(dir.file("b2/all.yaml")).scenarios, b.scenarios);
}

TEST_F(Plan, SingleBatchWithSeed) {
    const auto b = scenario::singleBatch(dir.file("sc/green.yaml"), 9);
    EXPECT_EQ(b.name, "green");
    const auto runs = scenario::plan(b);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].id, "green__seed-9");
    EXPECT_EQ(runs[0].seed, 9u);
}

TEST_F(Plan, Errors) {
    EXPECT_NE(planError("scenarios: [plain.yaml]\nsweep: {models.fake_green.share: [1]}\n").find("applies to no scenario"),
              std::string::npos);
    EXPECT_NE(planError("scenarios: [plain.yaml, plain.yaml]\n").find("listed twice"), std::string::npos);
    write("dup.yaml", "extends: base.yaml\nname: plain\n");
    EXPECT_NE(planError("scenarios: [plain.yaml, dup.yaml]\n").find("two runs have the id 'plain'"), std::string::npos);
    const std::string m = planError("scenarios: [plain.yaml]\nsweep: {colour: [1]}\n");
    EXPECT_NE(m.find("batch_err.yaml:2"), std::string::npos) << m;
    EXPECT_NE(m.find("'colour'"), std::string::npos) << m;
    EXPECT_NE(planError("scenarios: [plain.yaml]\nsweep: {seed: []}\n").find("non-empty list"), std::string::npos);
    EXPECT_NE(planError("scenarios: [plain.yaml]\nsweep: {seed: [1]}\nseeds: [2]\n").find("not both"), std::string::npos);
    EXPECT_NE(planError("scenarios: [plain.yaml]\nseeds: [1, -1]\n").find("whole numbers >= 0"), std::string::npos);
    EXPECT_NE(planError("scenarios: [plain.yaml]\nparallel_runs: 0\n").find("between 1 and 64"), std::string::npos);
    EXPECT_NE(planError("name: ../up\nscenarios: [plain.yaml]\n").find("folder name"), std::string::npos);
    EXPECT_NE(planError("scenarios: [nothere.yaml]\n").find("not found"), std::string::npos);
    EXPECT_NE(planError("scenarios: [../data/study.yaml]\n").find("not a scenario file"), std::string::npos);
    EXPECT_NE(planError("scenarios: [plain.yaml]\nrepeat: 2\n").find("key 'repeat' is not known"), std::string::npos);
}

} // namespace
