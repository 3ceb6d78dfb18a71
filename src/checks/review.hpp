#pragma once
// Shared machinery of the compliance checks: the parcels under review, control layers with an
// STRtree built once and per-thread prepared geometries, exact overlaps, result rows.

#include "checks/api.hpp"
#include "io/study.hpp"
#include "raster/classes.hpp"
#include "vector/feature.hpp"
#include "vector/geos.hpp"

#include <nlohmann/json.hpp>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace xiongguan::checks {

/// Status strings of the parcel rules. `invalid` = the parcel could not be reviewed (null or
/// non-polygonal geometry, unknown use code, missing value, outside the study boundary).
inline constexpr const char* kPass = "pass";
inline constexpr const char* kFail = "fail";
inline constexpr const char* kNeedsApproval = "needs_approval";
inline constexpr const char* kInvalid = "invalid";

/// One parcel under review, attributes parsed once.
struct Parcel {
    size_t feature = 0;                    ///< index in the review layer
    std::int64_t fid = -1;                 ///< source feature id
    std::string id;                        ///< project_id / parcel_id (else "fid:<n>")
    std::string name;
    std::string use_code;
    const raster::ClassInfo* use = nullptr; ///< class of use_code (null when unknown)
    std::optional<double> height_m;        ///< building height, m (null = not given)
    std::string activity;                  ///< activity (derived from the use when the layer has none)
    double area_m2 = 0.0;                  ///< parcel area, m2
    std::string invalid;                   ///< why the parcel cannot be reviewed ("" = reviewable)
};

/// Per-thread scratch: a GEOS context owned by the slot, and the decoded + prepared control
/// geometries this thread has used so far (built lazily, never shared between threads).
struct Scratch {
    struct Cached {
        vector::GeomPtr geom;
        vector::PreparedPtr prepared;
    };
    vector::Context ctx; // declared first: destroyed after the geometries it made
    std::vector<std::vector<Cached>> cache; ///< [control layer slot][member]
};
using ScratchPool = tbb::enumerable_thread_specific<Scratch>;

/// Result of overlaying one parcel with a control layer.
struct Overlap {
    double area_m2 = 0.0;               ///< exact area of parcel ∩ (union of the members)
    vector::GeomPtr geom;               ///< that geometry (when asked for and area > 0)
    std::vector<size_t> members;        ///< members whose overlap area is > epsilon, ascending
    std::vector<double> member_area_m2; ///< their overlap areas
    std::vector<size_t> touching;       ///< members that intersect the parcel at all (even with zero area)
};

/// Polygons (or lines) of one control layer with an STRtree over their envelopes, built once on
/// the main thread and then read-only. Members are decoded and prepared per thread on first use.
class ControlLayer {
  public:
    /// `wkbs` in the working CRS; `source` = index of each member in its source layer.
    ControlLayer(std::string name, std::vector<std::vector<std::uint8_t>> wkbs, std::vector<size_t> source);
    /// Members `source` of a loaded layer, borrowed (the layer must outlive this object), with the
    /// envelopes the reader computed: nothing is decoded or copied here.
    ControlLayer(std::string name, const vector::VectorLayer& layer, std::vector<size_t> source);
    ControlLayer(const ControlLayer&) = delete;
    ControlLayer& operator=(const ControlLayer&) = delete;

    const std::string& name() const { return m_name; }
    size_t size() const { return m_wkbs.size(); }
    size_t source(size_t member) const { return m_source[member]; }
    const std::vector<std::uint8_t>& wkb(size_t member) const { return *m_wkbs[member]; }
    const vector::Envelope& env(size_t member) const { return m_envs[member]; }
    /// Members whose envelope meets `e`, ascending (a linear scan for small layers, else a uniform
    /// grid of envelope bins: no GEOS call, no allocation beyond the result).
    std::vector<size_t> candidates(const vector::Envelope& e) const;
    /// The member decoded and prepared in this thread's scratch.
    const Scratch::Cached& get(size_t member, Scratch& s) const;

    /// Exact overlap of `parcel` (decoded in `s.ctx`) with the union of the members accepted by
    /// `keep` (all when empty). Parcels wholly inside a member skip the overlay (prepared
    /// contains); members that do not meet the parcel are skipped (prepared intersects).
    Overlap overlap(const GEOSGeometry* parcel, double parcel_area_m2, const vector::Envelope& parcel_env,
                    Scratch& s, bool want_geom, const std::function<bool(size_t)>& keep = {}) const;

    /// Where a box lies with respect to a polygonal member, from the member's cell index when it
    /// has one: Inside (the box is in the member's interior), Outside (the box does not meet the
    /// member at all), or Unknown (ask GEOS). The index of a member is built on the
    /// `cell_index_after`-th query of that member (0 = first; SIZE_MAX = never).
    enum class Where { Unknown, Inside, Outside };
    Where where(size_t member, const vector::Envelope& box, Scratch& s) const;
    void setCellIndexAfter(size_t queries) { m_cell_index_after = queries; }

  private:
    // A coarse grid over a polygonal member's envelope: cells a ring passes through (or near) are
    // "boundary"; every other cell lies wholly inside or wholly outside the member, decided per
    // connected group of such cells by one exact point-in-polygon test of a cell centre. Exact: a
    // box covered by inside cells is in the member; by outside cells, apart from it.
    struct CellIndex {
        enum : std::uint8_t { kOutside = 0, kBoundary = 1, kInside = 2 };
        vector::Envelope env;
        int n = 0;
        double cw = 0, ch = 0, eps = 0;
        std::vector<std::uint8_t> cells;
    };
    std::unique_ptr<CellIndex> buildCellIndex(size_t member, Scratch& s) const;

    static constexpr size_t kLinearScanMembers = 16;
    void binRange(const vector::Envelope& e, size_t& c0, size_t& c1, size_t& r0, size_t& r1) const;
    void buildBins();

    std::string m_name;
    int m_slot;
    std::vector<std::vector<std::uint8_t>> m_owned;     // members' WKB when not borrowed
    std::vector<const std::vector<std::uint8_t>*> m_wkbs; // into m_owned or the source layer
    std::vector<vector::Envelope> m_envs;
    std::vector<size_t> m_source;
    // Uniform grid over the members' extent: m_bins[row * m_cols + col] = members meeting the bin.
    vector::Envelope m_extent;
    size_t m_cols = 0, m_rows = 0;
    double m_bin_w = 0, m_bin_h = 0;
    std::vector<std::vector<std::uint32_t>> m_bins;
    // Cell indexes, built lazily (once per member, by the thread that needs it first).
    size_t m_cell_index_after = 32;
    mutable std::unique_ptr<std::atomic<std::uint32_t>[]> m_queries;
    mutable std::unique_ptr<std::once_flag[]> m_cell_once;
    mutable std::vector<std::unique_ptr<CellIndex>> m_cell_index;
};

/// One row of violations.shp: a parcel x rule.
struct RuleRow {
    size_t parcel = 0;
    std::string status = kPass;
    double area_m2 = 0.0;          ///< conflict area (rule-specific meaning, see docs/CHECKS.md)
    double share = 0.0;            ///< area_m2 / parcel area
    std::string reason;
    std::vector<std::uint8_t> wkb; ///< conflict geometry (non-pass rows only; empty otherwise)
};

/// One overlap between two control lines (conflicts.shp).
struct ConflictRow {
    std::string pair;      ///< "development_boundary x basic_farmland"
    std::string a_id, b_id; ///< feature ids / names of the two features
    std::string a_attr, b_attr; ///< zone / tier
    double area_m2 = 0.0;
    std::vector<std::uint8_t> wkb;
};

/// One land-supply parcel of the idle-land inventory (idle_land.shp).
struct IdleRow {
    size_t feature = 0;
    std::string parcel_id, use_code, contract_start, actual_start, suspended_since, cause;
    std::optional<double> developed_share, invested_share, land_price_yuan;
    std::string status;            ///< not_idle, idle_1y_fee20, idle_2y_reclaim, gov_cause_negotiate, suspected_idle, invalid
    std::optional<int> years_idle;
    std::optional<double> fee_yuan;
    std::string disposal;          ///< fee, reclaim, negotiate, inspect, ""
    std::optional<double> bare_share;
    double area_m2 = 0.0;
    std::string reason;
    std::vector<std::uint8_t> wkb;
};

/// What one rule produced.
struct RuleResult {
    std::string rule;                 ///< rule id
    std::vector<RuleRow> rows;        ///< parcel rules: one per parcel, in parcel order
    std::vector<ConflictRow> conflicts;
    std::vector<IdleRow> idle;
    nlohmann::ordered_json extra = nlohmann::ordered_json::object(); ///< rule-specific totals
};

/// A recoverable problem worth reporting (not a rule status).
struct Finding {
    std::string code;    ///< stable code, e.g. "parcel.outside_boundary"
    std::string item;    ///< parcel / feature id
    std::string message; ///< one line
};

/// Everything a check reads: the study, the request, the parcels under review, control layers
/// and the land-use map, loaded on first request (main thread only) and then shared read-only.
class ReviewContext {
  public:
    ReviewContext(const io::StudyArea& study, const CheckRequest& request);
    ~ReviewContext();

    const io::StudyArea& study() const { return m_study; }
    const CheckRequest& request() const { return m_request; }
    ScratchPool& scratch() const { return m_scratch; }

    /// Loads the given layers (and the land-use map when `landuse`, or only its class counts when
    /// `landuse_counts`) concurrently, one task per input, before the rules run (main thread; the
    /// rest of the context is untouched meanwhile).
    void prefetch(const std::vector<std::string>& roles, bool landuse, bool landuse_counts = false);
    /// Loads (once) a vector layer by role.
    const vector::VectorLayer& layer(const std::string& role);
    /// The review layer and its parsed parcels (loaded on first call).
    const vector::VectorLayer& reviewLayer();
    const std::vector<Parcel>& parcels();
    /// The parcels in three steps, for a pass that prepares them as it goes (reviewParcels):
    /// beginParcels (main thread; the parcel findings will go at this point of `findings`),
    /// prepareParcel for every index (any thread; returns the decoded polygon, or null when the
    /// parcel has no usable geometry), endParcels (main thread; findings). parcels() does all three.
    void beginParcels();
    vector::GeomPtr prepareParcel(size_t i, Scratch& s);
    void endParcels();
    bool parcelsReady() const { return m_parcels_loaded; }
    const std::vector<Parcel>& parcelsInProgress() const { return m_parcels; }
    /// A control layer built once and cached under `key` from `build`.
    const ControlLayer& control(const std::string& key, const std::function<std::unique_ptr<ControlLayer>()>& build);
    /// The land-use map the checks use as evidence: the request's, else the latest observed year.
    const raster::ClassGrid& landuse();
    int landuseYear();
    /// Cells per class value of that map (index = value), counted without keeping the grid when
    /// it is not loaded anyway.
    const std::vector<std::uint64_t>& landuseCounts();

    /// Next free scratch slot for a control layer.
    static int nextSlot();

    std::vector<Finding> findings; ///< appended on the main thread only

  private:
    const io::StudyArea& m_study;
    const CheckRequest& m_request;
    mutable ScratchPool m_scratch;
    std::map<std::string, vector::VectorLayer> m_layers;
    std::vector<Parcel> m_parcels;
    bool m_parcels_loaded = false;
    struct ParcelPrep;
    std::unique_ptr<ParcelPrep> m_prep;
    std::map<std::string, std::unique_ptr<ControlLayer>> m_controls;
    std::optional<raster::ClassGrid> m_landuse;
    int m_landuse_year = 0;
    std::optional<std::vector<std::uint64_t>> m_landuse_counts;
};

/// Area below which an overlap is treated as zero for statuses (threshold table).
double areaEpsilon();

/// True when the class is construction (urban construction land, or built / transport group).
bool isConstruction(const raster::ClassInfo& c);

/// Runs `fn(i, scratch)` for i in [0, n) in parallel with per-thread scratch; `fn` writes only
/// its own slot of a pre-sized result vector, so results are in index order at any thread count.
void forEachParallel(size_t n, ScratchPool& pool, const std::string& progress_label,
                     const std::function<void(size_t, Scratch&)>& fn);

/// One rule's review of one parcel: gets the parcel decoded in the thread's context and fills the
/// row (status, area, reason, geometry). Invalid parcels never reach it (they get an `invalid`
/// row); a GEOS failure on one parcel becomes an `invalid` row naming the error.
using ParcelFn = std::function<void(const Parcel&, const GEOSGeometry*, const vector::Envelope&, Scratch&, RuleRow&)>;

/// A parcel rule's work, prepared on the main thread: `review` fills one parcel's row (called in
/// parallel, any order; whatever it uses must live in the closure or in the context) and
/// `finish`, if set, completes the result on the main thread once every row is in.
struct ParcelReview {
    ParcelFn review;
    std::function<void(RuleResult&)> finish;
};

/// The reviews of several parcel rules in one parallel pass over the parcels: each parcel is
/// decoded once and handed to every review in turn. Returns one result per review, in order,
/// after their `finish`. The rows are those that separate passes would give.
std::vector<RuleResult> reviewParcels(ReviewContext& ctx, const std::vector<std::string>& rules,
                                      const std::vector<ParcelReview>& reviews);

/// Polygonal part of `g` as WKB (MultiPolygon or Polygon), empty when nothing polygonal is left.
std::vector<std::uint8_t> polygonWkb(vector::Context& ctx, const GEOSGeometry* g);

/// A control layer of the polygonal features of `layer` accepted by `keep` (all when empty);
/// null and empty geometries are left out.
std::unique_ptr<ControlLayer> controlFromLayer(const std::string& name, const vector::VectorLayer& layer,
                                               const std::function<bool(size_t)>& keep = {});

/// Lower-case, trimmed text of a field value ("" when null).
std::string normalized(const std::optional<std::string>& v);

/// Shorthand: "%.2f" of an area.
std::string fmtArea(double m2);

/// A compliance rule (STYLE.md §3): one subclass per file pair, listed once in registry.cpp.
class Check {
  public:
    virtual ~Check() = default;
    virtual const char* name() const = 0;
    virtual const char* description() const = 0;
    /// Study roles the rule needs besides the review layer (all must be present).
    virtual std::vector<std::string> roles() const = 0;
    /// True when the rule reviews the parcels of the review layer (one row per parcel).
    virtual bool reviewsParcels() const = 0;
    /// Review. Loads what it needs from `ctx` (main thread), then works in parallel.
    /// Findings go into the result or `ctx.findings`; only failures to run throw. Parcel rules
    /// need not override it: by default it runs prepareParcels in a pass of its own.
    virtual RuleResult run(ReviewContext& ctx) const;
    /// Parcel rules: the per-parcel review (runChecks runs those of all parcel rules in one pass).
    virtual ParcelReview prepareParcels(ReviewContext& ctx) const;
};

} // namespace xiongguan::checks
