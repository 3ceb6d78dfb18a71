// The runner: run folders, manifest, resumability, failed runs, determinism at 1 and 2 threads.
#include "scenario_fixture.hpp"

#include "report/compare.hpp"
#include "scenario/batch.hpp"
#include "scenario/runner.hpp"

#include <gdal.h>
#include <oneapi/tbb/global_control.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace xiongguan;
namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

json readJson(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
}

// SHA-256 by the coreutils tool, an independent reference.
std::string sha256sum(const std::string& path) {
    FILE* p = popen(("sha256sum '" + path + "'").c_str(), "r");
    char buf[65] = {0};
    if (!p || fread(buf, 1, 64, p) != 64) ADD_FAILURE() << "sha256sum failed";
    if (p) pclose(p);
    return std::string(buf, 64);
}

class Runner : public ::testing::Test {
  protected:
    void SetUp() override {
        io::initGdal();
        fs::create_directories(dir.file("data"));
        fs::create_directories(dir.file("sc"));
        test::writeTinyStudy(dir.file("data"));
        write("base.yaml", "study: ../data/study.yaml\nperiod: {from: 2021, to: 2023}\noutputs: {quicklooks: true}\n");
        write("green.yaml", "extends: base.yaml\nname: green\nmodels:\n  - {type: models.fake_green, conversion_share: 0.1}\n");
        write("broken.yaml", "extends: base.yaml\nname: broken\nmodels:\n  - {type: models.fake_green, fail: true}\n");
        write("plain.yaml", "extends: base.yaml\nname: plain\noutputs: {landuse_maps: final}\n");
    }
    std::string write(const std::string& name, const std::string& text) {
        test::writeFile(dir.file("sc/" + name), text);
        return dir.file("sc/" + name);
    }
    scenario::BatchResult run(const std::string& batch_file, const std::string& out, bool force = false) {
        const auto b = scenario::loadBatch(batch_file);
        scenario::RunnerOptions o;
        o.out_root = out;
        o.force = force;
        o.factory = test::fakeFactory();
        return scenario::runBatch(b, scenario::plan(b), o);
    }
    const scenario::RunResult& byId(const scenario::BatchResult& r, const std::string& id) {
        for (const auto& x : r.runs)
            if (x.id == id) return x;
        throw std::runtime_error("no run " + id);
    }
    test::TempDir dir;
};

TEST_F(Runner, WritesRunFoldersManifestAndSummaries) {
    const auto b = write("b.yaml", "name: demo\nscenarios: [green.yaml, plain.yaml]\nsweep: {models.fake_green.conversion_share: [0.1, 0.4]}\n");
    const auto res = run(b, dir.file("out"));
    ASSERT_EQ(res.runs.size(), 3u);
    EXPECT_EQ(res.failed(), 0);
    EXPECT_EQ(res.dir, dir.file("out/demo"));
    const std::string run_dir = dir.file("out/demo/green__conversion_share-0.4");
    for (const char* f : {"landuse_2023.tif", "green_2023.tif", "new_green.shp", "new_green.dbf", "metrics.json",
                          "metrics.csv", "manifest.json", "report.html"})
        EXPECT_TRUE(fs::exists(run_dir + "/" + f)) << f;
    EXPECT_TRUE(fs::exists(dir.file("out/demo/plain/landuse_2021.tif"))); // landuse_maps: final, no model
    EXPECT_FALSE(fs::exists(dir.file("out/demo/plain/new_green.shp")));
    // No temporary folder left behind.
    for (const auto& e : fs::directory_iterator(dir.file("out/demo")))
        EXPECT_NE(e.path().filename().string()[0], '.') << e.path();

    const json m = readJson(run_dir + "/manifest.json");
    EXPECT_EQ(m["status"], "complete");
    EXPECT_EQ(m["run_id"], "green__conversion_share-0.4");
    EXPECT_EQ(m["seed"].get<std::uint64_t>(), scenario::derivedSeed("green__conversion_share-0.4"));
    EXPECT_EQ(m["models"][0]["parameters"]["conversion_share"].get<double>(), 0.4);
    EXPECT_EQ(m["spec_hash"].get<std::string>().size(), 64u);
    EXPECT_TRUE(m["versions"].contains("gdal"));
    EXPECT_TRUE(m["timings"].contains("total_s"));
    // The model's own timings moved from the metrics into the manifest.
    EXPECT_TRUE(m["timings"]["detail"].contains("models.fake_green.timings_s"));
    const json metrics = readJson(run_dir + "/metrics.json");
    EXPECT_FALSE(metrics["models.fake_green"].contains("timings_s"));
    // Inputs: the study file, its two rasters and the boundary, plus the scenario files, each with
    // the SHA-256 of the file (64 hex digits).
    int study_inputs = 0;
    for (const auto& in : m["inputs"]) {
        EXPECT_EQ(in["sha256"].get<std::string>().size(), 64u);
        if (in["role"] == "study") ++study_inputs;
    }
    EXPECT_EQ(study_inputs, 4);
    EXPECT_EQ(m["inputs"].back()["sha256"], sha256sum(dir.file("sc/base.yaml")));

    // The model's files open in GDAL; the indicator appears in the report with a pass/fail mark.
    GDALDatasetH ds = GDALOpen((run_dir + "/green_2023.tif").c_str(), GA_ReadOnly);
    ASSERT_NE(ds, nullptr);
    GDALClose(ds);
    const std::string html = test::readFile(run_dir + "/report.html");
    EXPECT_NE(html.find("models.fake_green.green_cover_rate"), std::string::npos);
    EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);

    // summary.csv: header with the fixed columns then the metric keys; one row per run.
    const std::string csv = test::readFile(dir.file("out/demo/summary.csv"));
    EXPECT_EQ(csv.rfind("run_id,scenario,seed,status,error,models.fake_green.park_cells", 0), 0u) << csv;
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
    EXPECT_TRUE(fs::exists(dir.file("out/demo/compare.html")));
    const json s = readJson(dir.file("out/demo/summary.json"));
    EXPECT_EQ(s["runs"].size(), 3u);

    // More conversion -> more parks: 0.4 converts more than 0.1 (same seed stream per run id,
    // different ids, so only a loose check: both above the 25 parks of 2021).
    const auto p1 = byId(res, "green__conversion_share-0.1").metrics["models.fake_green"]["park_cells"].get<int>();
    const auto p4 = byId(res, "green__conversion_share-0.4").metrics["models.fake_green"]["park_cells"].get<int>();
    EXPECT_GT(p1, 25);
    EXPECT_GT(p4, p1);
}

TEST_F(Runner, ResumesSkippingCompleteRuns) {
    const auto b = write("b.yaml", "name: resume\nscenarios: [green.yaml, plain.yaml]\nsweep: {models.fake_green.conversion_share: [0.1, 0.2, 0.3]}\n");
    const auto first = run(b, dir.file("out"));
    ASSERT_EQ(first.runs.size(), 4u);
    EXPECT_EQ(first.failed(), 0);
    const auto hash_before = readJson(dir.file("out/resume/plain/manifest.json"))["spec_hash"];
    const std::string csv_first = test::readFile(dir.file("out/resume/summary.csv"));

    // A second run does nothing.
    test::fakeRuns() = 0;
    const auto second = run(b, dir.file("out"));
    EXPECT_EQ(second.skipped(), 4);
    EXPECT_EQ(test::fakeRuns().load(), 0);
    // Skipped runs still report their metrics; summary.csv is the same as after the fresh run.
    EXPECT_EQ(test::readFile(dir.file("out/resume/summary.csv")), csv_first);
    EXPECT_TRUE(byId(second, "green__conversion_share-0.2").metrics.contains("models.fake_green"));

    // Simulate a killed batch: one run folder gone, one run left as a temporary folder, one
    // manifest marked incomplete.
    fs::remove_all(dir.file("out/resume/green__conversion_share-0.1"));
    fs::rename(dir.file("out/resume/green__conversion_share-0.2"), dir.file("out/resume/.green__conversion_share-0.2.tmp"));
    {
        json m = readJson(dir.file("out/resume/green__conversion_share-0.3/manifest.json"));
        m["status"] = "running";
        std::ofstream(dir.file("out/resume/green__conversion_share-0.3/manifest.json")) << m.dump(2);
    }
    test::fakeRuns() = 0;
    const auto third = run(b, dir.file("out"));
    EXPECT_EQ(test::fakeRuns().load(), 3);
    EXPECT_EQ(byId(third, "green__conversion_share-0.1").status, "done");
    EXPECT_EQ(byId(third, "green__conversion_share-0.2").status, "done");
    EXPECT_EQ(byId(third, "green__conversion_share-0.3").status, "done");
    EXPECT_EQ(byId(third, "plain").status, "skipped");
    EXPECT_FALSE(fs::exists(dir.file("out/resume/.green__conversion_share-0.2.tmp")));
    EXPECT_EQ(readJson(dir.file("out/resume/plain/manifest.json"))["spec_hash"], hash_before);

    // A changed parameter (same run id) reruns; --force reruns everything.
    write("green.yaml", "extends: base.yaml\nname: green\nmodels:\n  - {type: models.fake_green, threshold: 0.5}\n");
    test::fakeRuns() = 0;
    const auto fourth = run(b, dir.file("out"));
    EXPECT_EQ(test::fakeRuns().load(), 3);
    EXPECT_EQ(fourth.skipped(), 1);
    const auto forced = run(b, dir.file("out"), true);
    EXPECT_EQ(forced.skipped(), 0);
}

TEST_F(Runner, ChangedInputFileReruns) {
    const auto b = write("b.yaml", "scenarios: [plain.yaml]\n");
    run(b, dir.file("out"));
    EXPECT_EQ(run(b, dir.file("out")).skipped(), 1);
    // Same grid, one cell changed: the checksum changes, so the run is not complete any more.
    auto lu = test::tinyLanduse(2021);
    lu[0] = 2307;
    test::writeClassTiff(dir.file("data/landuse_2021.tif"), lu, test::kCols, test::kRows);
    EXPECT_EQ(run(b, dir.file("out")).skipped(), 0);
}

TEST_F(Runner, FailedRunDoesNotStopOthers) {
    const auto b = write("b.yaml", "name: mixed\nscenarios: [broken.yaml, green.yaml, plain.yaml]\n");
    const auto res = run(b, dir.file("out"));
    ASSERT_EQ(res.runs.size(), 3u);
    EXPECT_EQ(res.failed(), 1);
    const auto& broken = byId(res, "broken");
    EXPECT_EQ(broken.status, "failed");
    EXPECT_NE(broken.error.find("asked to fail"), std::string::npos);
    EXPECT_EQ(broken.error_code, "input");
    EXPECT_EQ(broken.exit_code, 4);
    EXPECT_FALSE(fs::exists(dir.file("out/mixed/broken")));
    EXPECT_FALSE(fs::exists(dir.file("out/mixed/.broken.tmp")));
    EXPECT_EQ(byId(res, "green").status, "done");
    EXPECT_EQ(byId(res, "plain").status, "done");
    const std::string csv = test::readFile(dir.file("out/mixed/summary.csv"));
    EXPECT_NE(csv.find("broken,broken,"), std::string::npos);
    EXPECT_NE(csv.find(",failed,models.fake_green: asked to fail"), std::string::npos) << csv;
    EXPECT_NE(csv.find("green,green,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",complete,"), std::string::npos) << csv;
    const auto table = scenario::indicatorTable(res);
    EXPECT_NE(table.find("error: models.fake_green: asked to fail"), std::string::npos) << table;
    // An unknown model type fails its run with the entry's file:line.
    write("unknown.yaml", "extends: base.yaml\nname: unknown\nmodels:\n  - {type: models.nothing}\n");
    const auto b2 = write("b2.yaml", "scenarios: [unknown.yaml]\n");
    const auto r2 = run(b2, dir.file("out"));
    EXPECT_NE(r2.runs[0].error.find("unknown.yaml:4: model type 'models.nothing' is not registered"), std::string::npos)
        << r2.runs[0].error;
    // A bad model parameter: the model's configure names the file and key.
    write("badparam.yaml", "extends: base.yaml\nname: badparam\nmodels:\n  - {type: models.fake_green, conversion_share: 1.5}\n");
    const auto b3 = write("b3.yaml", "scenarios: [badparam.yaml]\n");
    const auto r3 = run(b3, dir.file("out"));
    EXPECT_NE(r3.runs[0].error.find("badparam.yaml:4"), std::string::npos) << r3.runs[0].error;
    EXPECT_NE(r3.runs[0].error.find("conversion_share"), std::string::npos) << r3.runs[0].error;
}

TEST_F(Runner, IdenticalAtOneAndTwoThreads) {
    const auto b = write("b.yaml", "name: det\nscenarios: [green.yaml, plain.yaml]\nseeds: [1, 2]\n"
                                   "sweep: {models.fake_green.conversion_share: [0.2, 0.6]}\n");
    {
        tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
        run(b, dir.file("out1"));
    }
    {
        tbb::global_control two(tbb::global_control::max_allowed_parallelism, 2);
        const auto b2 = scenario::loadBatch(b);
        scenario::RunnerOptions o;
        o.out_root = dir.file("out2");
        o.factory = test::fakeFactory();
        o.parallel_runs = 2; // also runs in parallel
        const auto res = scenario::runBatch(b2, scenario::plan(b2), o);
        EXPECT_EQ(res.runs.size(), 6u);
    }
    const auto diffs = report::compareOutputs(dir.file("out1/det"), dir.file("out2/det"));
    for (const auto& d : diffs) ADD_FAILURE() << d.file << ": " << d.message;
    // Byte for byte too, except files that hold timings or thread counts.
    const auto files = test::listFiles(dir.file("out1/det"));
    EXPECT_EQ(files, test::listFiles(dir.file("out2/det")));
    int compared = 0;
    for (const auto& f : files) {
        const std::string name = fs::path(f).filename().string();
        if (name == "manifest.json" || name == "summary.json") continue;
        EXPECT_EQ(test::readFile(dir.file("out1/det/" + f)), test::readFile(dir.file("out2/det/" + f))) << f;
        ++compared;
    }
    EXPECT_GT(compared, 30);
}

TEST_F(Runner, GeoPackageOnlyOutputs) {
    write("gpkg.yaml", "extends: green.yaml\nname: gpkg\noutputs: {formats: [gpkg]}\n");
    const auto b = write("b.yaml", "scenarios: [gpkg.yaml]\n");
    const auto res = run(b, dir.file("out"));
    ASSERT_EQ(res.failed(), 0) << res.runs[0].error;
    EXPECT_TRUE(fs::exists(dir.file("out/b/gpkg/new_green.gpkg")));
    EXPECT_FALSE(fs::exists(dir.file("out/b/gpkg/new_green.shp")));
    EXPECT_FALSE(fs::exists(dir.file("out/b/gpkg/new_green.dbf")));
}

} // namespace
