#include "checks/idle_land.hpp"

#include "checks/dates.hpp"
#include "checks/thresholds.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"

#include <cstdio>

namespace xiongguan::checks {

using core::cat;

namespace {
std::string pct(double share) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f %%", share * 100.0);
    return b;
}
} // namespace

IdleDecision decideIdle(const std::string& as_of_text, const std::string& contract_text, const std::string& actual_text,
                        std::optional<double> developed, std::optional<double> invested,
                        const std::string& suspended_text, const std::string& cause) {
    IdleDecision d;
    d.status = kInvalid;
    const auto as_of = parseDate(as_of_text);
    if (!as_of) {
        d.reason = "as-of date '" + as_of_text + "' is not a date (expected YYYY-MM-DD)";
        return d;
    }
    if (contract_text.empty()) {
        d.reason = "contract_start is empty";
        return d;
    }
    const auto contract = parseDate(contract_text);
    if (!contract) {
        d.reason = "contract_start '" + contract_text + "' is not a date (expected YYYY-MM-DD)";
        return d;
    }
    std::optional<Date> actual, suspended;
    if (!actual_text.empty() && !(actual = parseDate(actual_text))) {
        d.reason = "actual_start '" + actual_text + "' is not a date (expected YYYY-MM-DD or empty)";
        return d;
    }
    if (!suspended_text.empty() && !(suspended = parseDate(suspended_text))) {
        d.reason = "suspended_since '" + suspended_text + "' is not a date (expected YYYY-MM-DD or empty)";
        return d;
    }
    if (!cause.empty() && cause != "government" && cause != "plan_change" && cause != "heritage" && cause != "force_majeure") {
        d.reason = "cause '" + cause + "' is not one of government, plan_change, heritage, force_majeure (or empty)";
        return d;
    }
    for (auto [v, n] : {std::pair{developed, "developed_share"}, std::pair{invested, "invested_share"}})
        if (v && (*v < 0.0 || *v > 1.0)) {
            d.reason = cat(n, " '", *v, "' is outside 0..1");
            return d;
        }

    const int not_started_years = static_cast<int>(threshold("idle.not_started_years"));
    const int suspended_years = static_cast<int>(threshold("idle.suspended_years"));
    const int reclaim_years = static_cast<int>(threshold("idle.reclaim_years"));
    d.status = "not_idle";
    if (*as_of < *contract) {
        d.reason = "the contract start date " + contract->str() + " is after " + as_of->str();
        return d;
    }
    const bool started = actual && *actual <= *as_of;
    int years = 0;
    if (!started) {
        years = fullYears(*contract, *as_of);
        if (years < not_started_years) {
            d.reason = cat("not started, but less than ", not_started_years, " year(s) after the contract start ",
                           contract->str());
            return d;
        }
        d.reason = cat("not started ", years, " full year(s) after the contract start ", contract->str());
    } else {
        if (!developed && !invested && suspended && *suspended <= *as_of) {
            d.status = kInvalid;
            d.reason = "developed_share and invested_share are both empty for a started, suspended parcel";
            return d;
        }
        const double min_dev = threshold("idle.min_developed_share");
        const double min_inv = threshold("idle.min_invested_share");
        const double tol = threshold("idle.share_tolerance");
        const bool under = (developed && *developed < min_dev - tol) || (invested && *invested < min_inv - tol);
        if (!under) {
            d.reason = cat("started ", actual->str(), "; developed ", developed ? pct(*developed) : "(empty)",
                           ", invested ", invested ? pct(*invested) : "(empty)");
            return d;
        }
        if (!suspended || *as_of < *suspended) {
            d.reason = cat("started ", actual->str(), ", under-developed but not suspended");
            return d;
        }
        years = fullYears(*suspended, *as_of);
        if (years < suspended_years) {
            d.reason = cat("started, under-developed, suspended since ", suspended->str(), " (under ", suspended_years,
                           " year)");
            return d;
        }
        d.reason = cat("started ", actual->str(), " but developed ", developed ? pct(*developed) : "(empty)",
                       ", invested ", invested ? pct(*invested) : "(empty)", ", suspended ", years,
                       " full year(s) since ", suspended->str());
    }
    d.years_idle = years;
    if (!cause.empty()) {
        d.status = "gov_cause_negotiate";
        d.reason += "; cause '" + cause + "': negotiated disposal";
    } else if (years >= reclaim_years) {
        d.status = "idle_2y_reclaim";
        d.reason += "; taken back without compensation";
    } else {
        d.status = "idle_1y_fee20";
        d.reason += "; idle-land fee due";
    }
    return d;
}

RuleResult IdleLandCheck::run(ReviewContext& ctx) const {
    RuleResult res;
    res.rule = kName;
    const vector::VectorLayer& l = ctx.layer("land_supply");
    const io::LayerSpec& spec = ctx.study().layer("land_supply");
    auto req = [&](const char* f) { return l.requireField(spec.field(f)); };
    const int f_id = req("parcel_id"), f_use = req("use_code"), f_contract = req("contract_start"),
              f_actual = req("actual_start"), f_dev = req("developed_share"), f_inv = req("invested_share"),
              f_susp = req("suspended_since"), f_cause = req("cause"), f_price = req("land_price_yuan");
    const std::string as_of = ctx.request().as_of.empty() ? "2021-12-31" : ctx.request().as_of;
    const auto as_of_date = parseDate(as_of);
    const size_t n = l.features.size();
    res.idle.resize(n);

    // Areas in parallel.
    std::vector<double> area(n, 0.0);
    std::vector<std::string> geom_problem(n);
    forEachParallel(n, ctx.scratch(), "land_supply", [&](size_t i, Scratch& s) {
        if (l.features[i].wkb.empty()) {
            geom_problem[i] = "null or empty geometry";
            return;
        }
        vector::GeomPtr g = vector::fromWkb(s.ctx, l.features[i].wkb);
        const int t = GEOSGeomTypeId_r(s.ctx.handle(), g.get());
        if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) geom_problem[i] = "geometry is not a polygon";
        else area[i] = vector::area(s.ctx, g.get());
    });

    // Map evidence: share of each parcel's cells (by centre) that are bare on the land-use map.
    const raster::ClassGrid& lu = ctx.landuse();
    const int lu_year = ctx.landuseYear();
    std::vector<std::uint64_t> cells(n, 0), bare(n, 0);
    {
        std::vector<const std::vector<std::uint8_t>*> wkbs;
        std::vector<double> values;
        for (size_t i = 0; i < n; ++i)
            if (geom_problem[i].empty()) {
                wkbs.push_back(&l.features[i].wkb);
                values.push_back(static_cast<double>(i + 1));
            }
        const auto burned = io::rasterizeGeometries(ctx.study().grid, wkbs, values, false, 0);
        const auto& classes = ctx.study().classes;
        std::vector<char> is_bare(static_cast<size_t>(classes.maxValue()) + 1, 0);
        for (const auto& r : classes.rows()) is_bare[r.value] = r.group == raster::ClassGroup::Bare;
        for (size_t c = 0; c < burned.size(); ++c) {
            const std::int32_t v = burned[c];
            if (v <= 0) continue;
            const size_t i = static_cast<size_t>(v - 1);
            ++cells[i];
            if (lu[c] < is_bare.size() && is_bare[lu[c]]) ++bare[i];
        }
    }
    const double min_bare = threshold("idle.suspected_min_bare_share");
    const double fee_share = threshold("idle.fee_share");
    const int not_started_years = static_cast<int>(threshold("idle.not_started_years"));

    for (size_t i = 0; i < n; ++i) {
        IdleRow& r = res.idle[i];
        r.feature = i;
        auto text = [&](int f) { return l.value(i, f).value_or(""); };
        r.parcel_id = text(f_id).empty() ? cat("fid:", l.features[i].fid) : text(f_id);
        r.use_code = text(f_use);
        r.contract_start = text(f_contract);
        r.actual_start = text(f_actual);
        r.suspended_since = text(f_susp);
        r.cause = normalized(l.value(i, f_cause));
        r.area_m2 = area[i];
        r.wkb = l.features[i].wkb;
        std::string bad = geom_problem[i];
        try {
            r.developed_share = l.number(i, f_dev);
            r.invested_share = l.number(i, f_inv);
            r.land_price_yuan = l.number(i, f_price);
        } catch (const InputError& e) {
            bad = e.what();
        }
        if (bad.empty() && !r.use_code.empty() && !ctx.study().classes.byCode(r.use_code))
            bad = "use_code '" + r.use_code + "' is not in the study's class table";
        if (cells[i]) r.bare_share = static_cast<double>(bare[i]) / static_cast<double>(cells[i]);
        if (!bad.empty()) {
            r.status = kInvalid;
            r.reason = bad;
        } else {
            IdleDecision d = decideIdle(as_of, r.contract_start, r.actual_start, r.developed_share, r.invested_share,
                                        r.suspended_since, r.cause);
            r.status = d.status;
            r.reason = d.reason;
            if (d.status != "not_idle" && d.status != kInvalid) r.years_idle = d.years_idle;
            if (d.status == "idle_1y_fee20") {
                r.disposal = "fee";
                if (r.land_price_yuan) r.fee_yuan = fee_share * *r.land_price_yuan;
                else r.reason += " (land_price_yuan is empty: fee not computed)";
            } else if (d.status == "idle_2y_reclaim") {
                r.disposal = "reclaim";
            } else if (d.status == "gov_cause_negotiate") {
                r.disposal = "negotiate";
            } else if (d.status == "not_idle" && r.bare_share && *r.bare_share >= min_bare && as_of_date) {
                const auto contract = parseDate(r.contract_start);
                if (contract && addYears(*contract, not_started_years) <= *as_of_date) {
                    r.status = "suspected_idle";
                    r.disposal = "inspect";
                    r.reason = cat(r.reason, "; but ", pct(*r.bare_share), " of its cells are bare on the ", lu_year,
                                   " land-use map");
                }
            }
        }
        if (r.status == kInvalid)
            ctx.findings.push_back({"land_supply.invalid", r.parcel_id,
                                    cat(l.path, ": land_supply feature ", l.features[i].fid, " (", r.parcel_id,
                                        ") cannot be assessed: ", r.reason)});
    }
    res.extra["as_of"] = as_of;
    res.extra["landuse_year"] = lu_year;
    return res;
}

} // namespace xiongguan::checks
