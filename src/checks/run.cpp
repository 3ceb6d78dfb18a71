// runChecks: resolves the rules, runs them on one ReviewContext, and writes the outputs.
#include "checks/api.hpp"
#include "checks/dates.hpp"
#include "checks/registry.hpp"
#include "checks/review.hpp"
#include "checks/thresholds.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/atomic_file.hpp"
#include "io/raster_io.hpp"
#include "io/vector_io.hpp"
#include "io/vector_layers.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace xiongguan::checks {

using core::cat;

namespace {

struct Counts {
    std::uint64_t items = 0, pass = 0, fail = 0, approval = 0, invalid = 0;
    double reviewed_m2 = 0.0, conflict_m2 = 0.0;
    std::map<std::string, std::uint64_t> statuses;
};

nlohmann::ordered_json countsJson(const std::string& rule, const char* description, const Counts& c) {
    nlohmann::ordered_json j;
    j["rule_id"] = rule;
    if (description) j["description"] = description;
    j["items"] = c.items;
    j["reviewed_area_m2"] = c.reviewed_m2;
    j["conflict_area_m2"] = c.conflict_m2;
    j["pass"] = c.pass;
    j["fail"] = c.fail;
    j["needs_approval"] = c.approval;
    j["invalid"] = c.invalid;
    nlohmann::ordered_json st = nlohmann::ordered_json::object();
    for (const auto& [k, v] : c.statuses) st[k] = v;
    j["statuses"] = st;
    return j;
}

std::string num(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.4f", v);
    return b;
}

std::string csvLine(const std::string& rule, const Counts& c) {
    std::string st;
    for (const auto& [k, v] : c.statuses) st += (st.empty() ? "" : ";") + k + "=" + std::to_string(v);
    return cat(rule, ",", c.items, ",", num(c.reviewed_m2), ",", num(c.conflict_m2), ",", c.pass, ",", c.fail, ",",
               c.approval, ",", c.invalid, ",", st, "\n");
}

int severity(const std::string& s) {
    if (s == kFail) return 3;
    if (s == kInvalid) return 2;
    if (s == kNeedsApproval) return 1;
    return 0;
}

io::FieldValue optNum(const std::optional<double>& v) {
    if (!v) return std::monostate{};
    return *v;
}
io::FieldValue optText(const std::string& v) {
    if (v.empty()) return std::monostate{};
    return v;
}

} // namespace

CheckSummary runChecks(const io::StudyArea& study, const CheckRequest& request) {
    core::Timer total_timer;
    // Rules, in registry order.
    std::set<std::string> wanted;
    const bool explicit_rules = !request.rules.empty();
    for (const auto& r : request.rules) {
        if (r.empty()) continue;
        (void)makeCheck(r); // throws ConfigError for an unknown id
        wanted.insert(canonicalRuleId(r));
    }
    if (!request.as_of.empty() && !parseDate(request.as_of))
        throw ConfigError("checks: as-of date '" + request.as_of + "' is not a date (expected YYYY-MM-DD)");
    if (request.review_layer.empty()) throw ConfigError("checks: the review layer is empty (expected e.g. 'proposals')");

    auto review = std::make_shared<ReviewContext>(study, request);
    ReviewContext& ctx = *review;
    std::vector<std::unique_ptr<Check>> checks;
    for (const auto& id : ruleIds()) {
        if (explicit_rules && !wanted.count(id)) continue;
        auto c = makeCheck(id);
        std::vector<std::string> need = c->roles();
        if (c->reviewsParcels()) need.push_back(request.review_layer);
        std::string missing;
        for (const auto& role : need)
            if (!study.has(role)) missing = role;
        if (!missing.empty()) {
            if (explicit_rules)
                throw ConfigError(cat(study.path, ": rule ", id, " needs a '", missing, "' layer, which the study lacks"));
            ctx.findings.push_back({"rule.skipped", id, cat(study.path, ": no '", missing, "' layer; ", id, " skipped")});
            continue;
        }
        checks.push_back(std::move(c));
    }

    // Read every input the rules need at once, side by side.
    {
        std::vector<std::string> roles;
        bool landuse = false, landuse_counts = false;
        for (const auto& c : checks) {
            if (c->reviewsParcels()) {
                roles.push_back(request.review_layer);
                roles.push_back("boundary");
            }
            for (const auto& r : c->roles()) roles.push_back(r);
            const std::string nm = c->name();
            if (nm == "checks.line_conflicts")
                for (const char* r : {"development_boundary", "basic_farmland", "ecological_redline"})
                    if (study.has(r)) roles.emplace_back(r);
            if (nm == "checks.development_boundary") landuse_counts = true;
            if (nm == "checks.idle_land") landuse = true;
        }
        ctx.prefetch(roles, landuse, landuse_counts);
    }

    std::vector<RuleResult> results(checks.size());
    nlohmann::ordered_json timings = nlohmann::ordered_json::object();
    // Parcel rules: each prepared on this thread, then one parallel pass over the parcels for all
    // of them (each parcel decoded once). The parcels are made right after the first rule is
    // prepared, as a pass of that rule alone would, so findings keep their order.
    {
        std::vector<size_t> index;
        std::vector<std::string> names;
        std::vector<ParcelReview> reviews;
        for (size_t k = 0; k < checks.size(); ++k) {
            if (!checks[k]->reviewsParcels()) continue;
            core::Timer t;
            reviews.push_back(checks[k]->prepareParcels(ctx));
            if (index.empty()) ctx.beginParcels(); // parcel findings go here, as before
            index.push_back(k);
            names.emplace_back(checks[k]->name());
            timings[checks[k]->name()] = t.seconds();
        }
        if (!reviews.empty()) {
            core::Timer t;
            core::logInfo("checks", cat("reviewing ", ctx.reviewLayer().features.size(), " parcels: ", [&] {
                std::string l;
                for (const auto& n : names) l += (l.empty() ? "" : ", ") + n;
                return l;
            }()));
            std::vector<RuleResult> rr = reviewParcels(ctx, names, reviews);
            for (size_t j = 0; j < index.size(); ++j) results[index[j]] = std::move(rr[j]);
            timings["parcel_rules"] = t.seconds();
            core::logInfo("checks", cat("parcel rules done in ", t.seconds(), " s"));
        }
    }
    for (size_t k = 0; k < checks.size(); ++k) {
        if (checks[k]->reviewsParcels()) continue;
        core::Timer t;
        core::logInfo("checks", cat("running ", checks[k]->name()));
        results[k] = checks[k]->run(ctx);
        timings[checks[k]->name()] = t.seconds();
        core::logInfo("checks", cat(checks[k]->name(), " done in ", t.seconds(), " s"));
    }

    // ---- Metrics (sums in parcel order: identical at any thread count).
    const bool any_parcel_rule =
        std::any_of(checks.begin(), checks.end(), [](const auto& c) { return c->reviewsParcels(); });
    const std::vector<Parcel>* parcels = any_parcel_rule ? &ctx.parcels() : nullptr;
    nlohmann::ordered_json rules_json = nlohmann::ordered_json::array();
    std::string csv = "rule_id,items,reviewed_area_m2,conflict_area_m2,pass,fail,needs_approval,invalid,statuses\n";
    std::vector<int> worst(parcels ? parcels->size() : 0, 0);
    for (size_t k = 0; k < results.size(); ++k) {
        const RuleResult& r = results[k];
        Counts c;
        if (checks[k]->reviewsParcels()) {
            std::uint64_t named[4] = {0, 0, 0, 0}; // rows by severity, for the four known statuses
            for (const auto& row : r.rows) {
                const Parcel& p = (*parcels)[row.parcel];
                ++c.items;
                const int sev = severity(row.status);
                if (row.status == (sev == 3 ? kFail : sev == 2 ? kInvalid : sev == 1 ? kNeedsApproval : kPass)) ++named[sev];
                else ++c.statuses[row.status];
                if (sev == 2) {
                    ++c.invalid;
                } else {
                    c.reviewed_m2 += p.area_m2;
                    if (row.status == kPass) ++c.pass;
                    else {
                        (sev == 3 ? c.fail : c.approval)++;
                        c.conflict_m2 += row.area_m2;
                    }
                }
                worst[row.parcel] = std::max(worst[row.parcel], sev);
            }
            const char* names[4] = {kPass, kNeedsApproval, kInvalid, kFail};
            for (int v = 0; v < 4; ++v)
                if (named[v]) c.statuses[names[v]] += named[v];
        } else if (!r.conflicts.empty() || checks[k]->name() == std::string("checks.line_conflicts")) {
            for (const auto& cr : r.conflicts) {
                ++c.items;
                ++c.fail;
                ++c.statuses[cr.pair];
                c.conflict_m2 += cr.area_m2;
            }
        }
        if (!r.idle.empty() || checks[k]->name() == std::string("checks.idle_land")) {
            for (const auto& ir : r.idle) {
                ++c.items;
                ++c.statuses[ir.status];
                if (ir.status == kInvalid) {
                    ++c.invalid;
                    continue;
                }
                c.reviewed_m2 += ir.area_m2;
                if (ir.status == "not_idle") {
                    ++c.pass;
                } else {
                    c.conflict_m2 += ir.area_m2;
                    if (ir.status == "idle_1y_fee20" || ir.status == "idle_2y_reclaim") ++c.fail;
                    else ++c.approval;
                }
            }
        }
        auto j = countsJson(r.rule, checks[k]->description(), c);
        for (const auto& [key, v] : r.extra.items()) j[key] = v;
        rules_json.push_back(j);
        csv += csvLine(r.rule, c);
    }
    Counts tot;
    if (parcels) {
        for (size_t i = 0; i < parcels->size(); ++i) {
            ++tot.items;
            const int w = worst[i];
            const char* s = w == 3 ? kFail : w == 2 ? kInvalid : w == 1 ? kNeedsApproval : kPass;
            ++tot.statuses[s];
            if (w != 2) tot.reviewed_m2 += (*parcels)[i].area_m2;
            if (w == 3) ++tot.fail;
            else if (w == 2) ++tot.invalid;
            else if (w == 1) ++tot.approval;
            else ++tot.pass;
            if (w == 3 || w == 1) tot.conflict_m2 += (*parcels)[i].area_m2;
        }
    }
    csv += csvLine("total", tot);

    nlohmann::ordered_json report;
    report["study"] = study.name;
    report["review_layer"] = request.review_layer;
    report["as_of"] = request.as_of.empty() ? "2021-12-31" : request.as_of;
    report["threshold_table"] = kThresholdTableVersion;
    report["rules"] = rules_json;
    auto total_json = countsJson("total", "parcels of the review layer by their worst status over the parcel rules", tot);
    report["total"] = total_json;
    nlohmann::ordered_json fj = nlohmann::ordered_json::array();
    for (const auto& f : ctx.findings) fj.push_back({{"code", f.code}, {"item", f.item}, {"message", f.message}});
    report["findings_count"] = ctx.findings.size();

    CheckSummary summary;
    // ---- Outputs.
    if (!request.out_dir.empty()) {
        core::Timer wt;
        io::makeDirs(request.out_dir);
        const std::string dir = request.out_dir + "/";
        const std::string& crs = study.grid.crs_wkt;
        std::vector<io::OutFeature> violations, conflicts, idle;
        const std::vector<io::FieldDef> vfields = {
            {"parcel_id", io::FieldType::String, 64, 0},      {"name", io::FieldType::String, 128, 0},
            {"use_code", io::FieldType::String, 8, 0},        {"activity", io::FieldType::String, 32, 0},
            {"height_m", io::FieldType::Real, 12, 2},         {"rule_id", io::FieldType::String, 40, 0},
            {"status", io::FieldType::String, 16, 0},         {"area_m2", io::FieldType::Real, 18, 4},
            {"share_of_parcel", io::FieldType::Real, 12, 6},  {"parcel_area_m2", io::FieldType::Real, 18, 4},
            {"reason", io::FieldType::String, 254, 0}};
        for (size_t k = 0; k < results.size(); ++k) {
            if (!checks[k]->reviewsParcels()) continue;
            for (const auto& row : results[k].rows) {
                const Parcel& p = (*parcels)[row.parcel];
                io::OutFeature f;
                f.wkb = row.wkb;
                f.values = {p.id,     optText(p.name),           optText(p.use_code), optText(p.activity),
                            optNum(p.height_m), results[k].rule, row.status,          row.area_m2,
                            row.share, p.area_m2,                row.reason};
                violations.push_back(std::move(f));
            }
        }
        const std::vector<io::FieldDef> cfields = {
            {"pair", io::FieldType::String, 64, 0},    {"overlap_a", io::FieldType::String, 96, 0},
            {"overlap_b", io::FieldType::String, 96, 0}, {"a_attr", io::FieldType::String, 32, 0},
            {"b_attr", io::FieldType::String, 32, 0},  {"area_m2", io::FieldType::Real, 18, 4}};
        const std::vector<io::FieldDef> ifields = {
            {"parcel_id", io::FieldType::String, 64, 0},      {"use_code", io::FieldType::String, 8, 0},
            {"contract_start", io::FieldType::String, 10, 0}, {"actual_start", io::FieldType::String, 10, 0},
            {"developed_share", io::FieldType::Real, 8, 4},   {"invested_share", io::FieldType::Real, 8, 4},
            {"suspended_since", io::FieldType::String, 10, 0}, {"cause", io::FieldType::String, 16, 0},
            {"land_price_yuan", io::FieldType::Real, 18, 2},  {"status", io::FieldType::String, 20, 0},
            {"years_idle", io::FieldType::Integer, 4, 0},     {"idle_fee_yuan", io::FieldType::Real, 18, 2},
            {"disposal", io::FieldType::String, 12, 0},       {"bare_share", io::FieldType::Real, 8, 4},
            {"area_m2", io::FieldType::Real, 18, 4},          {"reason", io::FieldType::String, 254, 0}};
        bool have_conflicts = false, have_idle = false;
        for (size_t k = 0; k < results.size(); ++k) {
            const std::string nm = checks[k]->name();
            if (nm == "checks.line_conflicts") have_conflicts = true;
            if (nm == "checks.idle_land") have_idle = true;
            for (const auto& c : results[k].conflicts)
                conflicts.push_back({c.wkb, {c.pair, c.a_id, c.b_id, optText(c.a_attr), optText(c.b_attr), c.area_m2}});
            for (const auto& r : results[k].idle) {
                io::FieldValue years = r.years_idle ? io::FieldValue(static_cast<std::int64_t>(*r.years_idle))
                                                    : io::FieldValue(std::monostate{});
                idle.push_back({r.wkb,
                                {r.parcel_id, optText(r.use_code), optText(r.contract_start), optText(r.actual_start),
                                 optNum(r.developed_share), optNum(r.invested_share), optText(r.suspended_since),
                                 optText(r.cause), optNum(r.land_price_yuan), r.status, years, optNum(r.fee_yuan),
                                 optText(r.disposal), optNum(r.bare_share), r.area_m2, r.reason}});
            }
        }
        std::vector<io::OutLayer> gpkg_layers;
        if (parcels) {
            io::writeVectorLayer(dir + "violations.shp", "violations", crs, io::GeomKind::MultiPolygon, vfields, violations);
            summary.files.push_back(dir + "violations.shp");
            gpkg_layers.push_back({"violations", io::GeomKind::MultiPolygon, vfields, &violations});
        }
        if (have_conflicts) {
            io::writeVectorLayer(dir + "conflicts.shp", "line_conflicts", crs, io::GeomKind::MultiPolygon, cfields, conflicts);
            summary.files.push_back(dir + "conflicts.shp");
            gpkg_layers.push_back({"line_conflicts", io::GeomKind::MultiPolygon, cfields, &conflicts});
        }
        if (have_idle) {
            io::writeVectorLayer(dir + "idle_land.shp", "idle_land", crs, io::GeomKind::MultiPolygon, ifields, idle);
            summary.files.push_back(dir + "idle_land.shp");
            gpkg_layers.push_back({"idle_land", io::GeomKind::MultiPolygon, ifields, &idle});
        }
        if (!gpkg_layers.empty()) {
            io::writeVectorLayers(dir + "violations.gpkg", crs, gpkg_layers);
            summary.files.push_back(dir + "violations.gpkg");
        }

        // Rule flags: bit i = ruleIds()[i], set on cells (by centre) of non-pass conflict geometry.
        const raster::GridSpec& grid = study.grid;
        raster::Grid<std::uint8_t> flags(grid.cols, grid.rows, 0);
        std::string desc = "rule flags (bit set = fail / needs approval / idle there):";
        for (size_t b = 0; b < ruleIds().size(); ++b) desc += cat(" bit", b, "=", ruleIds()[b]);
        for (size_t k = 0; k < results.size(); ++k) {
            const auto& ids = ruleIds();
            const size_t bit = static_cast<size_t>(std::find(ids.begin(), ids.end(), results[k].rule) - ids.begin());
            std::vector<const std::vector<std::uint8_t>*> wkbs;
            for (const auto& row : results[k].rows)
                if (!row.wkb.empty() && row.status != kPass && row.status != kInvalid) wkbs.push_back(&row.wkb);
            for (const auto& c : results[k].conflicts) wkbs.push_back(&c.wkb);
            for (const auto& r : results[k].idle)
                if (r.status != "not_idle" && r.status != kInvalid && !r.wkb.empty()) wkbs.push_back(&r.wkb);
            if (wkbs.empty()) continue;
            const auto burned = io::rasterizeGeometries(grid, wkbs, std::vector<double>(wkbs.size(), 1.0), false, 0);
            const auto mask = static_cast<std::uint8_t>(1u << bit);
            for (size_t c = 0; c < burned.size(); ++c)
                if (burned[c]) flags[c] = static_cast<std::uint8_t>(flags[c] | mask);
        }
        io::RasterWriteOptions ro;
        ro.description = desc;
        io::writeGeoTiff(dir + "rule_flags.tif", flags, grid, ro);
        summary.files.push_back(dir + "rule_flags.tif");

        io::writeTextFile(dir + "checks.csv", csv);
        summary.files.push_back(dir + "checks.csv");
        summary.files.push_back(dir + "checks.json");
        nlohmann::ordered_json full = report;
        full["findings"] = fj;
        full["thresholds"] = thresholdsJson();
        nlohmann::ordered_json files = nlohmann::ordered_json::array();
        for (const auto& f : summary.files) files.push_back(f.substr(dir.size()));
        full["files"] = files;
        io::writeTextFile(dir + "checks.json", full.dump(2) + "\n");
        timings["write_outputs"] = wt.seconds();
    }
    report["findings"] = fj;
    summary.review = review;
    timings["total"] = total_timer.seconds();
    report["timings_s"] = timings;
    summary.metrics = report;
    return summary;
}

} // namespace xiongguan::checks
