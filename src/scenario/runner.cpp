// The batch runner: one folder per run, written under a temporary name and renamed when complete;
// runs skipped when complete with the same spec hash; failures recorded, never fatal to the batch.
#include "scenario/runner.hpp"

#include "checks/api.hpp"
#include "checks/registry.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "core/version.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_env.hpp"
#include "io/raster_io.hpp"
#include "io/study.hpp"
#include "report/html.hpp"
#include "report/metrics.hpp"

#include <gdal.h>
#include <gdal_utils.h>
#include <cpl_string.h>
#include <openssl/evp.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

namespace xiongguan::scenario {

namespace fs = std::filesystem;
using core::cat;
using json = nlohmann::ordered_json;

namespace {

/// Studies, observed land-use maps and file checksums, loaded once per batch and shared by runs.
/// One mutex: loads are rare (once per study / year / file) and mostly I/O.
class InputCache {
  public:
    std::shared_ptr<const io::StudyArea> study(const std::string& path) {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_studies.find(path);
        if (it != m_studies.end()) return it->second;
        auto s = std::make_shared<const io::StudyArea>(io::loadStudy(path));
        m_studies.emplace(path, s);
        return s;
    }
    std::shared_ptr<const raster::ClassGrid> landuse(const io::StudyArea& study, int year) {
        std::lock_guard<std::mutex> lock(m_mutex);
        const auto key = std::make_pair(study.path, year);
        auto it = m_landuse.find(key);
        if (it != m_landuse.end()) return it->second;
        core::Timer t;
        auto g = std::make_shared<const raster::ClassGrid>(io::loadLanduse(study, year));
        core::logInfo("batch", cat("loaded land use ", year, " of ", study.name, " (", g->cols(), "x", g->rows(), ") in ",
                                   fmtSeconds(t.seconds())));
        m_landuse.emplace(key, g);
        return g;
    }
    std::string sha256(const std::string& file) {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_sha.find(file);
        if (it != m_sha.end()) return it->second;
        const std::string h = io::fileSha256(file);
        m_sha.emplace(file, h);
        return h;
    }
    static std::string fmtSeconds(double s) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f s", s);
        return buf;
    }

  private:
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<const io::StudyArea>> m_studies;
    std::map<std::pair<std::string, int>, std::shared_ptr<const raster::ClassGrid>> m_landuse;
    std::map<std::string, std::string> m_sha;
};

/// Every file a study reads: the study file and each layer's files (with shapefile side files).
std::vector<std::string> studyFiles(const io::StudyArea& study) {
    std::set<std::string> files = {study.path};
    auto add = [&](const std::string& f) {
        if (f.empty() || !fs::exists(f)) return;
        if (fs::is_directory(f)) {
            for (const auto& e : fs::recursive_directory_iterator(f))
                if (e.is_regular_file()) files.insert(e.path().string());
            return;
        }
        files.insert(f);
        fs::path p(f);
        std::string ext = p.extension().string();
        for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (ext == ".shp")
            for (const char* side : {".dbf", ".shx", ".prj", ".cpg"}) {
                fs::path s = p;
                s.replace_extension(side);
                if (fs::exists(s)) files.insert(s.string());
            }
    };
    for (const auto& [role, spec] : study.layers) {
        add(spec.file);
        add(spec.polygons);
    }
    for (const auto& [year, spec] : study.landuse) {
        add(spec.file);
        add(spec.polygons);
    }
    return {files.begin(), files.end()};
}

std::string displayPath(const std::string& p) {
    std::error_code ec;
    const fs::path rel = fs::relative(p, fs::current_path(ec), ec);
    if (ec || rel.empty() || rel.string().rfind("..", 0) == 0) return p;
    return rel.string();
}

/// Moves every "timings" / "timings_s" object out of `metrics` (so metrics.json is identical from
/// run to run) into `out` under its dotted path.
void extractTimings(json& metrics, const std::string& prefix, json& out) {
    if (!metrics.is_object()) return;
    std::vector<std::string> drop;
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it.key() == "timings" || it.key() == "timings_s") {
            out[path] = it.value();
            drop.push_back(it.key());
        } else {
            extractTimings(it.value(), path, out);
        }
    }
    for (const auto& k : drop) metrics.erase(k);
}

bool hasControlLayers(const io::StudyArea& s) {
    return s.has("development_boundary") || s.has("ecological_redline") || s.has("basic_farmland") || s.has("heritage");
}

std::vector<std::string> filesUnder(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

/// A GeoPackage copy of a shapefile (GDALVectorTranslate), written atomically.
void shpToGpkg(const std::string& shp, const std::string& gpkg) {
    GDALDatasetH src = GDALOpenEx(shp.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!src) throw IoError(cat(shp, ": cannot open for the GeoPackage copy: ", io::lastGdalError()));
    const std::string tmp = io::tempPathFor(gpkg);
    io::removeIfExists(tmp);
    CPLStringList args;
    args.AddString("-f");
    args.AddString("GPKG");
    GDALVectorTranslateOptions* opt = GDALVectorTranslateOptionsNew(args.List(), nullptr);
    int usage_error = 0;
    GDALDatasetH out = GDALVectorTranslate(tmp.c_str(), nullptr, 1, &src, opt, &usage_error);
    GDALVectorTranslateOptionsFree(opt);
    GDALClose(src);
    if (!out) throw IoError(cat(gpkg, ": cannot write the GeoPackage copy: ", io::lastGdalError()));
    GDALClose(out);
    io::renameInto(tmp, gpkg);
}

struct RunContext {
    const Batch& batch;
    const RunnerOptions& options;
    std::string batch_dir;
    InputCache cache;
    simulate::StudyCache study_cache; ///< derived study inputs shared by the runs' models
    ModelFactory factory;
    std::atomic<int> started{0};
    int total = 0;
};

json readJsonFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return nullptr;
    try {
        return json::parse(in);
    } catch (const std::exception&) {
        return nullptr;
    }
}

RunResult runOne(const RunSpec& spec, RunContext& ctx) {
    core::Timer total;
    RunResult r;
    r.id = spec.id;
    r.scenario = spec.scenario.name;
    r.seed = spec.seed;
    const std::string final_dir = (fs::path(ctx.batch_dir) / spec.id).string();
    const std::string tmp_dir = (fs::path(ctx.batch_dir) / ("." + spec.id + ".tmp")).string();
    const std::string stage = spec.id;
    json timings = json::object();
    auto phase = [&](const std::string& name, core::Timer& t) {
        timings[name] = t.seconds();
        t.reset();
    };
    try {
        core::Timer t;
        const int n = ++ctx.started;
        const Scenario& sc = spec.scenario;

        // Models first: a bad parameter fails before any input is read.
        auto models = configureModels(sc, ctx.factory);
        json params = json::array();
        for (const auto& m : models) params.push_back({{"type", m->name()}, {"parameters", m->parameters()}});
        phase("configure_s", t);

        auto study = ctx.cache.study(sc.study);
        json inputs = json::array();
        std::vector<std::string> input_shas;
        for (const auto& f : studyFiles(*study)) {
            const std::string h = ctx.cache.sha256(f);
            inputs.push_back({{"file", displayPath(f)}, {"role", "study"}, {"sha256", h}});
            input_shas.push_back(h);
        }
        for (const auto& f : sc.files)
            inputs.push_back({{"file", displayPath(f)}, {"role", "scenario"}, {"sha256", ctx.cache.sha256(f)}});
        std::sort(input_shas.begin(), input_shas.end());
        const json spec_doc = {{"xiongguan", kVersion}, {"run_id", spec.id},  {"seed", spec.seed},
                               {"scenario", sc.resolved}, {"models", params}, {"input_sha256", input_shas}};
        const std::string spec_hash = sha256Hex(spec_doc.dump());
        phase("inputs_s", t);

        // Complete with the same spec: skip.
        if (!ctx.options.force && fs::exists(final_dir + "/manifest.json")) {
            const json old = readJsonFile(final_dir + "/manifest.json");
            if (old.is_object() && old.value("status", std::string()) == "complete" &&
                old.value("spec_hash", std::string()) == spec_hash) {
                r.status = "skipped";
                r.dir = final_dir;
                const json m = readJsonFile(final_dir + "/metrics.json");
                if (m.is_object()) r.metrics = m;
                r.seconds = total.seconds();
                core::logInfo(stage, cat("[", n, "/", ctx.total, "] complete with the same inputs and parameters: skipped"));
                return r;
            }
            core::logInfo(stage, cat("[", n, "/", ctx.total, "] inputs or parameters changed", ctx.options.force ? " (--force)" : "",
                                     ": running again"));
        } else {
            core::logInfo(stage, cat("[", n, "/", ctx.total, "] running (seed ", spec.seed, ", ", sc.year_from, "->",
                                     sc.year_to, ", ", models.size(), " models)"));
        }

        std::error_code ec;
        fs::remove_all(tmp_dir, ec);
        io::makeDirs(tmp_dir);

        simulate::RunState st;
        st.study = study.get();
        st.out_dir = tmp_dir;
        st.seed = spec.seed;
        st.year_from = sc.year_from;
        st.year_to = sc.year_to;
        st.cache = &ctx.study_cache;
        for (int y : study->landuseYears())
            if (y <= sc.year_from) st.landuse[y] = *ctx.cache.landuse(*study, y);
        phase("load_landuse_s", t);

        json model_times = json::object();
        for (auto& m : models) {
            core::Timer mt;
            m->run(st);
            model_times[m->name()] = mt.seconds();
            core::logInfo(stage, cat(m->name(), " done in ", InputCache::fmtSeconds(mt.seconds())));
        }
        timings["models_s"] = model_times;
        t.reset();

        // Checks and compliance on the final map.
        const int final_year = [&] {
            int y = sc.year_from;
            for (const auto& [yy, g] : st.landuse)
                if (yy <= sc.year_to) y = yy;
            return y;
        }();
        const raster::ClassGrid& final_map = st.landuseAt(sc.year_to);
        if (!sc.checks.empty()) {
            checks::CheckRequest req;
            req.rules = sc.checks;
            req.review_layer = sc.review_layer;
            req.as_of = sc.as_of;
            req.out_dir = tmp_dir;
            req.landuse = &final_map;
            req.landuse_year = final_year;
            checks::CheckSummary cs = checks::runChecks(*study, req);
            st.metrics["checks"] = cs.metrics;
            core::logInfo(stage, cat("checks done in ", InputCache::fmtSeconds(t.seconds())));
            phase("checks_s", t);
        }
        if (hasControlLayers(*study)) {
            json c = checks::landuseCompliance(*study, final_map);
            c["year"] = final_year;
            st.metrics["compliance"] = c;
            phase("compliance_s", t);
        }

        // Outputs the runner owns: land-use maps no model wrote, GeoPackage copies.
        if (sc.landuse_maps != "none") {
            for (const auto& [y, g] : st.landuse) {
                if (y > sc.year_to) continue;
                if (sc.landuse_maps == "final" && y != final_year) continue;
                const std::string f = tmp_dir + "/landuse_" + std::to_string(y) + ".tif";
                if (fs::exists(f)) continue;
                io::RasterWriteOptions wo;
                wo.nodata = 0.0;
                wo.classes = &study->classes;
                wo.description = "land use " + std::to_string(y);
                io::writeGeoTiff(f, g, study->grid, wo);
            }
        }
        const bool want_shp = std::find(sc.formats.begin(), sc.formats.end(), "shp") != sc.formats.end();
        const bool want_gpkg = std::find(sc.formats.begin(), sc.formats.end(), "gpkg") != sc.formats.end();
        for (const auto& rel : filesUnder(tmp_dir)) {
            fs::path p = fs::path(tmp_dir) / rel;
            if (p.extension() != ".shp") continue;
            fs::path g = p;
            g.replace_extension(".gpkg");
            if (want_gpkg && !fs::exists(g)) shpToGpkg(p.string(), g.string());
            if (!want_shp && fs::exists(g))
                for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix"}) {
                    fs::path s = p;
                    s.replace_extension(ext);
                    io::removeIfExists(s.string());
                }
        }
        phase("outputs_s", t);

        // metrics, report, manifest. Timings reported inside metrics go to the manifest.
        json detail_timings = json::object();
        extractTimings(st.metrics, "", detail_timings);
        if (!detail_timings.empty()) timings["detail"] = detail_timings;
        report::writeMetricsFiles(tmp_dir, st.metrics);
        std::vector<report::Quicklook> looks;
        if (sc.quicklooks) {
            for (const auto& rel : filesUnder(tmp_dir)) {
                if (fs::path(rel).extension() != ".tif" || looks.size() >= 8) continue;
                std::string png = report::quicklookBase64((fs::path(tmp_dir) / rel).string());
                if (!png.empty()) looks.push_back({rel, std::move(png)});
            }
        }
        // The final land-use map, when no GeoTIFF of it was written.
        if (sc.quicklooks && !fs::exists(tmp_dir + "/landuse_" + std::to_string(final_year) + ".tif")) {
            std::string png = report::quicklookBase64(final_map, study->classes);
            if (!png.empty())
                looks.insert(looks.begin(), {"land use " + std::to_string(final_year) + " (final map)", std::move(png)});
        }
        std::vector<std::string> files = filesUnder(tmp_dir);
        files.push_back("report.html");
        files.push_back("manifest.json");
        std::sort(files.begin(), files.end());
        const json run_info = {{"id", spec.id},
                               {"batch", spec.batch},
                               {"scenario", sc.name},
                               {"description", sc.description},
                               {"seed", spec.seed},
                               {"period", cat(sc.year_from, " -> ", sc.year_to)},
                               {"study", study->title.empty() ? study->name : study->title}};
        report::writeRunReport(tmp_dir + "/report.html", run_info, st.metrics, files, looks);
        phase("report_s", t);

        json assignments = json::object();
        for (const auto& a : spec.assignments) assignments[a.key] = yamlToJson(a.value);
        json manifest;
        manifest["status"] = "complete";
        manifest["run_id"] = spec.id;
        manifest["batch"] = spec.batch;
        manifest["scenario"] = sc.name;
        manifest["scenario_file"] = displayPath(sc.path);
        manifest["seed"] = spec.seed;
        manifest["period"] = {{"from", sc.year_from}, {"to", sc.year_to}};
        manifest["sweep"] = assignments;
        manifest["resolved_scenario"] = sc.resolved;
        manifest["models"] = params;
        manifest["checks"] = sc.checks;
        manifest["inputs"] = inputs;
        manifest["outputs"] = files;
        manifest["versions"] = report::versions();
        manifest["threads"] = core::activeThreads();
        timings["total_s"] = total.seconds();
        manifest["timings"] = timings;
        manifest["spec_hash"] = spec_hash;
        io::writeTextFile(tmp_dir + "/manifest.json", manifest.dump(2) + "\n");

        // Into place: the old folder (other spec, or --force) goes only once the new one is whole.
        if (fs::exists(final_dir)) {
            const std::string old = (fs::path(ctx.batch_dir) / ("." + spec.id + ".old")).string();
            fs::remove_all(old, ec);
            io::renameInto(final_dir, old);
            io::renameInto(tmp_dir, final_dir);
            fs::remove_all(old, ec);
        } else {
            io::renameInto(tmp_dir, final_dir);
        }
        r.status = "done";
        r.dir = final_dir;
        r.metrics = st.metrics;
        r.seconds = total.seconds();
        core::logInfo(stage, cat("complete in ", InputCache::fmtSeconds(r.seconds), " -> ", displayPath(final_dir)));
    } catch (const Error& e) {
        r.status = "failed";
        r.error = e.what();
        r.error_code = errorCodeName(e.code());
        r.exit_code = static_cast<int>(e.code());
    } catch (const std::bad_alloc&) {
        r.status = "failed";
        r.error = "out of memory";
        r.error_code = errorCodeName(ErrorCode::OutOfMemory);
        r.exit_code = static_cast<int>(ErrorCode::OutOfMemory);
    } catch (const std::exception& e) {
        r.status = "failed";
        r.error = cat("internal: ", e.what());
        r.error_code = errorCodeName(ErrorCode::Internal);
        r.exit_code = static_cast<int>(ErrorCode::Internal);
    }
    if (r.status == "failed") {
        std::error_code ec;
        fs::remove_all(tmp_dir, ec);
        r.seconds = total.seconds();
        core::logError(stage, cat("failed: ", r.error));
    }
    return r;
}

void writeSummaries(const BatchResult& res) {
    // Columns: fixed ones, then every flattened metric key (union, first-seen order over runs).
    // The CSV says complete / failed (a skipped run is complete): it describes results, so a
    // resumed batch and a fresh one give the same file; summary.json says done / skipped.
    std::vector<std::string> keys;
    std::set<std::string> seen;
    std::vector<std::map<std::string, std::string>> values(res.runs.size());
    for (size_t i = 0; i < res.runs.size(); ++i)
        for (const auto& [k, v] : report::flatten(res.runs[i].metrics)) {
            values[i][k] = report::scalarText(v);
            if (seen.insert(k).second) keys.push_back(k);
        }
    std::string csv = "run_id,scenario,seed,status,error";
    for (const auto& k : keys) csv += "," + report::csvField(k);
    csv += "\n";
    json runs = json::array();
    for (size_t i = 0; i < res.runs.size(); ++i) {
        const auto& r = res.runs[i];
        csv += report::csvField(r.id) + "," + report::csvField(r.scenario) + "," + std::to_string(r.seed) + "," +
               (r.status == "failed" ? "failed" : "complete") + "," +
               report::csvField(r.error);
        for (const auto& k : keys) {
            auto it = values[i].find(k);
            csv += ",";
            if (it != values[i].end()) csv += report::csvField(it->second);
        }
        csv += "\n";
        runs.push_back({{"id", r.id},
                        {"scenario", r.scenario},
                        {"seed", r.seed},
                        {"status", r.status},
                        {"error", r.error.empty() ? json(nullptr) : json(r.error)},
                        {"error_code", r.error_code.empty() ? json(nullptr) : json(r.error_code)},
                        {"seconds", r.seconds},
                        {"dir", r.dir.empty() ? json(nullptr) : json(displayPath(r.dir))},
                        {"metrics", r.metrics}});
    }
    io::writeTextFile(res.dir + "/summary.csv", csv);
    json s = {{"batch", res.name}, {"runs_total", res.runs.size()}, {"runs_failed", res.failed()},
              {"runs_skipped", res.skipped()}, {"seconds", res.seconds}, {"runs", runs}};
    io::writeTextFile(res.dir + "/summary.json", s.dump(2) + "\n");
    std::vector<report::RunColumn> cols;
    for (const auto& r : res.runs) cols.push_back({r.id, r.status, r.error, r.metrics});
    report::writeCompareHtml(res.dir + "/compare.html", res.name, cols);
}

} // namespace

std::string sha256Hex(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorCode::Internal, "SHA-256 failed");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::vector<std::unique_ptr<simulate::Model>> configureModels(const Scenario& scenario, const ModelFactory& factory) {
    std::vector<std::unique_ptr<simulate::Model>> out;
    for (const auto& e : scenario.models) {
        std::unique_ptr<simulate::Model> m = factory ? factory(e.type) : simulate::createModel(e.type);
        if (!m) {
            std::string known;
            for (const auto& [name, desc] : simulate::listModels()) known += (known.empty() ? "" : ", ") + name;
            throw ConfigError(cat(e.location, ": model type '", e.type, "' is not registered (known: ",
                                  known.empty() ? std::string("none") : known, ")"));
        }
        m->configure(e.params, e.file);
        out.push_back(std::move(m));
    }
    return out;
}

void validateChecks(const Scenario& scenario) {
    for (const auto& id : scenario.checks)
        if (checks::canonicalRuleId(id).empty()) {
            std::string known;
            for (const auto& k : checks::ruleIds()) known += (known.empty() ? "" : ", ") + k;
            throw ConfigError(cat(scenario.path, ": check '", id, "' is not known (known: ", known, ")"));
        }
}

int BatchResult::failed() const {
    return static_cast<int>(std::count_if(runs.begin(), runs.end(), [](const RunResult& r) { return r.status == "failed"; }));
}
int BatchResult::skipped() const {
    return static_cast<int>(std::count_if(runs.begin(), runs.end(), [](const RunResult& r) { return r.status == "skipped"; }));
}

BatchResult runBatch(const Batch& batch, const std::vector<RunSpec>& runs, const RunnerOptions& options) {
    core::Timer total;
    BatchResult res;
    res.name = batch.name;
    res.dir = (fs::path(options.out_root) / batch.name).lexically_normal().string();
    io::makeDirs(res.dir);
    RunContext ctx{batch, options, res.dir, {}, {}, options.factory, {}, static_cast<int>(runs.size())};
    res.runs.resize(runs.size());
    const int parallel = std::max(1, options.parallel_runs > 0 ? options.parallel_runs : batch.parallel_runs);
    core::logInfo("batch", cat(batch.name, ": ", runs.size(), " runs, ", parallel, " at a time, ", core::activeThreads(),
                               " threads -> ", displayPath(res.dir)));
    core::Progress progress("batch " + batch.name, runs.size());
    if (!runs.empty()) {
        // A pipeline with `parallel` tokens bounds the runs in flight; each run's own parallel
        // loops use the whole TBB pool.
        size_t next = 0;
        tbb::parallel_pipeline(
            static_cast<size_t>(parallel),
            tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                           [&](tbb::flow_control& fc) -> size_t {
                                               if (next >= runs.size()) {
                                                   fc.stop();
                                                   return 0;
                                               }
                                               return next++;
                                           }) &
                tbb::make_filter<size_t, void>(tbb::filter_mode::parallel, [&](size_t i) {
                    res.runs[i] = runOne(runs[i], ctx);
                    progress.advance();
                }));
    }
    progress.finish();
    res.seconds = total.seconds();
    writeSummaries(res);
    core::logInfo("batch", cat(batch.name, ": ", runs.size() - static_cast<size_t>(res.failed() + res.skipped()), " done, ",
                               res.skipped(), " skipped, ", res.failed(), " failed in ", InputCache::fmtSeconds(res.seconds)));
    return res;
}

std::string indicatorTable(const BatchResult& result) {
    std::vector<std::string> cols;
    std::vector<std::map<std::string, double>> rows(result.runs.size());
    for (size_t i = 0; i < result.runs.size(); ++i)
        for (const auto& [label, v] : report::keyIndicators(report::flatten(result.runs[i].metrics))) {
            rows[i][label] = v;
            if (std::find(cols.begin(), cols.end(), label) == cols.end()) cols.push_back(label);
        }
    // Keep the fixed order of keyIndicators.
    const std::vector<std::string> order = {"green_space_rate", "green_cover_rate", "park_m2_per_person",
                                            "water_demand_m3", "deficit_m3", "violations", "breach_ha"};
    std::vector<std::string> sorted;
    for (const auto& o : order)
        if (std::find(cols.begin(), cols.end(), o) != cols.end()) sorted.push_back(o);
    auto header = [](const std::string& c) -> std::string {
        if (c == "green_space_rate") return "green space %";
        if (c == "green_cover_rate") return "green cover %";
        if (c == "park_m2_per_person") return "park m2/person";
        if (c == "water_demand_m3") return "demand Mm3/yr";
        if (c == "deficit_m3") return "deficit Mm3/yr";
        if (c == "violations") return "failing parcels";
        if (c == "breach_ha") return "breach ha";
        return c;
    };
    size_t idw = 6;
    for (const auto& r : result.runs) idw = std::max(idw, r.id.size());
    std::string out;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%-*s  %-7s", static_cast<int>(idw), "run", "status");
    out += buf;
    for (const auto& c : sorted) {
        std::snprintf(buf, sizeof buf, "  %15s", header(c).c_str());
        out += buf;
    }
    out += "\n";
    for (size_t i = 0; i < result.runs.size(); ++i) {
        const auto& r = result.runs[i];
        std::snprintf(buf, sizeof buf, "%-*s  %-7s", static_cast<int>(idw), r.id.c_str(), r.status.c_str());
        out += buf;
        for (const auto& c : sorted) {
            auto it = rows[i].find(c);
            if (it == rows[i].end()) {
                std::snprintf(buf, sizeof buf, "  %15s", "-");
            } else {
                double v = it->second;
                if (c == "green_space_rate" || c == "green_cover_rate") v *= (v <= 1.0 ? 100.0 : 1.0);
                if (c == "water_demand_m3" || c == "deficit_m3") v /= 1e6;
                std::snprintf(buf, sizeof buf, "  %15.*f", c == "violations" ? 0 : (c == "breach_ha" ? 1 : 2), v);
            }
            out += buf;
        }
        out += "\n";
        if (!r.error.empty()) out += "    error: " + r.error + "\n";
    }
    return out;
}

} // namespace xiongguan::scenario
