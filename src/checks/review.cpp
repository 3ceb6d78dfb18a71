#include "checks/review.hpp"

#include "checks/thresholds.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "io/raster_io.hpp"
#include "io/vector_fast.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace xiongguan::checks {

using core::cat;

namespace {
const std::vector<std::string>& knownActivities() {
    static const std::vector<std::string> a = {"construction",     "linear_infrastructure", "ecological_restoration",
                                               "research",         "tourism_low_impact",    "heritage_work",
                                               "residents_existing", "defence",             "farming"};
    return a;
}
// io::loadVector with the parallel GeoPackage reader (same result, read in feature-id ranges).
vector::VectorLayer loadLayer(const io::StudyArea& study, const std::string& role) {
    const io::LayerSpec& spec = study.layer(role);
    io::VectorSource src{spec.file, spec.layer, spec.encoding, spec.crs, role};
    return io::readVectorLayerParallel(src, study.grid.crs_wkt, study.invalid_geometry);
}
} // namespace

double areaEpsilon() {
    static const double eps = threshold("overlay.area_epsilon_m2"); // the table is constant
    return eps;
}

bool isConstruction(const raster::ClassInfo& c) {
    return c.urban_construction || c.group == raster::ClassGroup::Built || c.group == raster::ClassGroup::Transport;
}

std::string fmtArea(double m2) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", m2);
    return buf;
}

std::vector<std::uint8_t> polygonWkb(vector::Context& ctx, const GEOSGeometry* g) {
    if (!g) return {};
    vector::GeomPtr p = vector::polygonalPart(ctx, g);
    if (vector::isEmpty(ctx, p.get())) return {};
    return vector::toWkb(ctx, p.get());
}

std::unique_ptr<ControlLayer> controlFromLayer(const std::string& name, const vector::VectorLayer& layer,
                                               const std::function<bool(size_t)>& keep) {
    std::vector<size_t> src;
    for (size_t i = 0; i < layer.features.size(); ++i) {
        if (layer.features[i].wkb.empty()) continue;
        if (keep && !keep(i)) continue;
        src.push_back(i);
    }
    return std::make_unique<ControlLayer>(name, layer, std::move(src));
}

std::string normalized(const std::optional<std::string>& v) {
    if (!v) return {};
    std::string s = *v;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    s = s.substr(b);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

void forEachParallel(size_t n, ScratchPool& pool, const std::string& progress_label,
                     const std::function<void(size_t, Scratch&)>& fn) {
    core::Progress progress(progress_label, n);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 16), [&](const tbb::blocked_range<size_t>& r) {
        Scratch& s = pool.local();
        for (size_t i = r.begin(); i != r.end(); ++i) fn(i, s);
        progress.advance(r.size());
    });
    progress.finish();
}

std::vector<RuleResult> reviewParcels(ReviewContext& ctx, const std::vector<std::string>& rules,
                                      const std::vector<ParcelReview>& reviews) {
    // Parcels not prepared yet are prepared in this same pass, from the same decoded geometry.
    const bool prepare = !ctx.parcelsReady();
    if (prepare) ctx.beginParcels();
    const std::vector<Parcel>& parcels = ctx.parcelsInProgress();
    const vector::VectorLayer& l = ctx.reviewLayer();
    const size_t k_count = reviews.size();
    std::vector<RuleResult> results(k_count);
    for (size_t k = 0; k < k_count; ++k) {
        results[k].rule = rules[k];
        results[k].rows.resize(parcels.size());
    }
    std::string label;
    for (const auto& r : rules) label += (label.empty() ? "" : "+") + r;
    forEachParallel(parcels.size(), ctx.scratch(), label, [&](size_t i, Scratch& s) {
        vector::GeomPtr g;
        if (prepare) g = ctx.prepareParcel(i, s);
        const Parcel& p = parcels[i];
        if (!p.invalid.empty()) {
            for (auto& res : results) {
                RuleRow& row = res.rows[i];
                row.parcel = i;
                row.status = kInvalid;
                row.reason = p.invalid;
            }
            return;
        }
        std::string decode_error;
        if (!g) {
            try {
                g = vector::fromWkb(s.ctx, l.features[i].wkb);
            } catch (const GeometryError& e) {
                decode_error = e.what();
            }
        }
        for (size_t k = 0; k < k_count; ++k) {
            RuleRow& row = results[k].rows[i];
            row.parcel = i;
            try {
                if (!g) throw GeometryError(decode_error);
                reviews[k].review(p, g.get(), l.features[i].env, s, row);
                row.share = p.area_m2 > 0 ? row.area_m2 / p.area_m2 : 0.0;
                if (row.status == std::string(kPass)) row.wkb.clear();
            } catch (const GeometryError& e) {
                row = RuleRow{};
                row.parcel = i;
                row.status = kInvalid;
                row.reason = cat("overlay failed: ", e.what());
            }
        }
    });
    if (prepare) ctx.endParcels();
    for (size_t k = 0; k < k_count; ++k)
        if (reviews[k].finish) reviews[k].finish(results[k]);
    return results;
}

RuleResult Check::run(ReviewContext& ctx) const {
    if (!reviewsParcels()) throw std::logic_error(std::string(name()) + ": run() is not implemented");
    return std::move(reviewParcels(ctx, {name()}, {prepareParcels(ctx)}).front());
}

ParcelReview Check::prepareParcels(ReviewContext&) const {
    throw std::logic_error(std::string(name()) + ": not a parcel rule");
}

// ---------------------------------------------------------------------------------------------
// ControlLayer

ControlLayer::ControlLayer(std::string name, std::vector<std::vector<std::uint8_t>> wkbs, std::vector<size_t> source)
    : m_name(std::move(name)), m_slot(ReviewContext::nextSlot()), m_owned(std::move(wkbs)), m_source(std::move(source)) {
    vector::Context& ctx = vector::threadContext();
    m_envs.reserve(m_owned.size());
    for (const auto& w : m_owned) {
        m_wkbs.push_back(&w);
        vector::GeomPtr g = vector::fromWkb(ctx, w);
        m_envs.push_back(vector::envelope(ctx, g.get()));
    }
    buildBins();
}

ControlLayer::ControlLayer(std::string name, const vector::VectorLayer& layer, std::vector<size_t> source)
    : m_name(std::move(name)), m_slot(ReviewContext::nextSlot()), m_source(std::move(source)) {
    m_wkbs.reserve(m_source.size());
    m_envs.reserve(m_source.size());
    for (size_t i : m_source) {
        m_wkbs.push_back(&layer.features[i].wkb);
        m_envs.push_back(layer.features[i].env);
    }
    buildBins();
}

void ControlLayer::buildBins() {
    const size_t n = m_wkbs.size();
    m_queries = std::make_unique<std::atomic<std::uint32_t>[]>(n);
    for (size_t i = 0; i < n; ++i) m_queries[i].store(0, std::memory_order_relaxed);
    m_cell_once = std::make_unique<std::once_flag[]>(n);
    m_cell_index.resize(n);
    if (m_envs.size() <= kLinearScanMembers) return;
    m_extent = m_envs.front();
    for (const auto& e : m_envs) {
        m_extent.minx = std::min(m_extent.minx, e.minx);
        m_extent.miny = std::min(m_extent.miny, e.miny);
        m_extent.maxx = std::max(m_extent.maxx, e.maxx);
        m_extent.maxy = std::max(m_extent.maxy, e.maxy);
    }
    const size_t side = std::clamp<size_t>(static_cast<size_t>(2.0 * std::sqrt(static_cast<double>(m_envs.size()))), 1, 256);
    m_cols = m_rows = side;
    m_bin_w = std::max(m_extent.maxx - m_extent.minx, 1e-9) / static_cast<double>(m_cols);
    m_bin_h = std::max(m_extent.maxy - m_extent.miny, 1e-9) / static_cast<double>(m_rows);
    m_bins.assign(m_cols * m_rows, {});
    for (size_t m = 0; m < m_envs.size(); ++m) {
        size_t c0, c1, r0, r1;
        binRange(m_envs[m], c0, c1, r0, r1);
        for (size_t r = r0; r <= r1; ++r)
            for (size_t c = c0; c <= c1; ++c) m_bins[r * m_cols + c].push_back(static_cast<std::uint32_t>(m));
    }
}

void ControlLayer::binRange(const vector::Envelope& e, size_t& c0, size_t& c1, size_t& r0, size_t& r1) const {
    auto clampIndex = [](double v, size_t n) {
        if (!(v > 0)) return size_t(0);
        const double top = static_cast<double>(n - 1);
        return v >= top ? n - 1 : static_cast<size_t>(v);
    };
    c0 = clampIndex((e.minx - m_extent.minx) / m_bin_w, m_cols);
    c1 = clampIndex((e.maxx - m_extent.minx) / m_bin_w, m_cols);
    r0 = clampIndex((e.miny - m_extent.miny) / m_bin_h, m_rows);
    r1 = clampIndex((e.maxy - m_extent.miny) / m_bin_h, m_rows);
}

std::vector<size_t> ControlLayer::candidates(const vector::Envelope& e) const {
    std::vector<size_t> out;
    if (m_bins.empty()) {
        for (size_t m = 0; m < m_envs.size(); ++m)
            if (m_envs[m].intersects(e)) out.push_back(m);
        return out;
    }
    if (!m_extent.intersects(e)) return out;
    size_t c0, c1, r0, r1;
    binRange(e, c0, c1, r0, r1);
    for (size_t r = r0; r <= r1; ++r)
        for (size_t c = c0; c <= c1; ++c)
            for (std::uint32_t m : m_bins[r * m_cols + c])
                if (m_envs[m].intersects(e)) out.push_back(m);
    if (c0 != c1 || r0 != r1) {
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    return out;
}

namespace {
// Calls fn(x0, y0, x1, y1) for every ring segment of a little-endian 2D Polygon / MultiPolygon WKB.
// False (and nothing reliable done) for anything else.
template <typename Fn> bool forEachRingSegment(const std::vector<std::uint8_t>& w, Fn&& fn) {
    size_t pos = 0;
    auto u32 = [&](std::uint32_t& v) {
        if (pos + 4 > w.size()) return false;
        std::memcpy(&v, w.data() + pos, 4);
        pos += 4;
        return true;
    };
    auto polygon = [&]() {
        std::uint32_t type = 0, rings = 0;
        if (pos + 1 > w.size() || w[pos] != 1) return false;
        ++pos;
        if (!u32(type) || type != 3 || !u32(rings)) return false;
        for (std::uint32_t r = 0; r < rings; ++r) {
            std::uint32_t pts = 0;
            if (!u32(pts) || pts > (w.size() - pos) / 16) return false;
            double prev[2] = {0, 0};
            for (std::uint32_t k = 0; k < pts; ++k) {
                double xy[2];
                std::memcpy(xy, w.data() + pos, 16);
                pos += 16;
                if (!std::isfinite(xy[0]) || !std::isfinite(xy[1])) return false;
                if (k > 0) fn(prev[0], prev[1], xy[0], xy[1]);
                prev[0] = xy[0];
                prev[1] = xy[1];
            }
        }
        return true;
    };
    if (w.size() < 5 || w[0] != 1) return false;
    std::uint32_t type = 0;
    std::memcpy(&type, w.data() + 1, 4);
    if (type == 3) return polygon() && pos == w.size();
    if (type != 6) return false;
    pos = 5;
    std::uint32_t parts = 0;
    if (!u32(parts)) return false;
    for (std::uint32_t k = 0; k < parts; ++k)
        if (!polygon()) return false;
    return pos == w.size();
}
} // namespace

std::unique_ptr<ControlLayer::CellIndex> ControlLayer::buildCellIndex(size_t member, Scratch& s) const {
    constexpr int kCells = 64;
    auto ci = std::make_unique<CellIndex>();
    ci->env = m_envs[member];
    ci->n = kCells;
    const double w = ci->env.maxx - ci->env.minx, h = ci->env.maxy - ci->env.miny;
    if (!(w > 0) || !(h > 0)) return nullptr;
    ci->cw = w / kCells;
    ci->ch = h / kCells;
    // Margin for rounding in the cell arithmetic: far above it, far below any parcel.
    ci->eps = 1e-9 * std::max({w, h, std::fabs(ci->env.minx), std::fabs(ci->env.miny), std::fabs(ci->env.maxx),
                               std::fabs(ci->env.maxy)});
    ci->cells.assign(static_cast<size_t>(kCells) * kCells, CellIndex::kOutside);
    auto cellRange = [&](double a, double b, double origin, double size, int& i0, int& i1) {
        i0 = std::clamp(static_cast<int>(std::floor((a - ci->eps - origin) / size)), 0, kCells - 1);
        i1 = std::clamp(static_cast<int>(std::floor((b + ci->eps - origin) / size)), 0, kCells - 1);
    };
    // Boundary cells: every cell that the box (widened by eps) of a ring segment, or of a piece of
    // it no longer than a cell, meets. The pieces' ends are interpolated: their rounding error is
    // orders of magnitude below eps.
    const bool ok = forEachRingSegment(*m_wkbs[member], [&](double x0, double y0, double x1, double y1) {
        const double span = std::max(std::fabs(x1 - x0) / ci->cw, std::fabs(y1 - y0) / ci->ch);
        const int pieces = std::clamp(static_cast<int>(std::ceil(span)), 1, 4 * kCells);
        for (int k = 0; k < pieces; ++k) {
            const double t0 = static_cast<double>(k) / pieces, t1 = static_cast<double>(k + 1) / pieces;
            const double ax = k == 0 ? x0 : x0 + (x1 - x0) * t0, ay = k == 0 ? y0 : y0 + (y1 - y0) * t0;
            const double bx = k + 1 == pieces ? x1 : x0 + (x1 - x0) * t1, by = k + 1 == pieces ? y1 : y0 + (y1 - y0) * t1;
            int c0, c1, r0, r1;
            cellRange(std::min(ax, bx), std::max(ax, bx), ci->env.minx, ci->cw, c0, c1);
            cellRange(std::min(ay, by), std::max(ay, by), ci->env.miny, ci->ch, r0, r1);
            for (int r = r0; r <= r1; ++r)
                for (int c = c0; c <= c1; ++c) ci->cells[static_cast<size_t>(r) * kCells + c] = CellIndex::kBoundary;
        }
    });
    if (!ok) return nullptr;
    // The other cells in 4-connected groups: no ring enters a group, so it lies wholly inside or
    // wholly outside; one centre decides (exactly: the centre is off every ring).
    const Scratch::Cached& c = get(member, s);
    GEOSContextHandle_t hdl = s.ctx.handle();
    std::vector<std::uint8_t> seen(ci->cells.size(), 0);
    std::vector<int> stack, group;
    for (int start = 0; start < kCells * kCells; ++start) {
        if (seen[static_cast<size_t>(start)] || ci->cells[static_cast<size_t>(start)] == CellIndex::kBoundary) continue;
        group.clear();
        stack.assign(1, start);
        seen[static_cast<size_t>(start)] = 1;
        while (!stack.empty()) {
            const int k = stack.back();
            stack.pop_back();
            group.push_back(k);
            const int r = k / kCells, col = k % kCells;
            const int nb[4][2] = {{r - 1, col}, {r + 1, col}, {r, col - 1}, {r, col + 1}};
            for (const auto& q : nb) {
                if (q[0] < 0 || q[0] >= kCells || q[1] < 0 || q[1] >= kCells) continue;
                const int kk = q[0] * kCells + q[1];
                if (seen[static_cast<size_t>(kk)] || ci->cells[static_cast<size_t>(kk)] == CellIndex::kBoundary) continue;
                seen[static_cast<size_t>(kk)] = 1;
                stack.push_back(kk);
            }
        }
        const double x = ci->env.minx + (start % kCells + 0.5) * ci->cw;
        const double y = ci->env.miny + (start / kCells + 0.5) * ci->ch;
        GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(hdl, x, y);
        const char in = pt ? GEOSPreparedContains_r(hdl, c.prepared.get(), pt) : 2;
        if (pt) GEOSGeom_destroy_r(hdl, pt);
        const std::uint8_t v = in == 1 ? CellIndex::kInside : in == 0 ? CellIndex::kOutside : CellIndex::kBoundary;
        for (int k : group) ci->cells[static_cast<size_t>(k)] = v;
    }
    return ci;
}

ControlLayer::Where ControlLayer::where(size_t member, const vector::Envelope& box, Scratch& s) const {
    if (m_cell_index_after == SIZE_MAX) return Where::Unknown;
    if (m_queries[member].fetch_add(1, std::memory_order_relaxed) < m_cell_index_after) return Where::Unknown;
    std::call_once(m_cell_once[member], [&] { m_cell_index[member] = buildCellIndex(member, s); });
    const CellIndex* ci = m_cell_index[member].get();
    if (!ci) return Where::Unknown;
    const int n = ci->n;
    auto cellRange = [&](double a, double b, double origin, double size, int& i0, int& i1) {
        i0 = std::clamp(static_cast<int>(std::floor((a - ci->eps - origin) / size)), 0, n - 1);
        i1 = std::clamp(static_cast<int>(std::floor((b + ci->eps - origin) / size)), 0, n - 1);
    };
    int c0, c1, r0, r1;
    cellRange(box.minx, box.maxx, ci->env.minx, ci->cw, c0, c1);
    cellRange(box.miny, box.maxy, ci->env.miny, ci->ch, r0, r1);
    bool any_in = false, any_out = false;
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
            const std::uint8_t v = ci->cells[static_cast<size_t>(r) * n + c];
            if (v == CellIndex::kBoundary) return Where::Unknown;
            (v == CellIndex::kInside ? any_in : any_out) = true;
        }
    // Parts of the box beyond the member's envelope are outside it.
    const bool within = box.minx >= ci->env.minx && box.maxx <= ci->env.maxx && box.miny >= ci->env.miny &&
                        box.maxy <= ci->env.maxy;
    if (any_in && !any_out && within) return Where::Inside;
    if (any_out && !any_in) return Where::Outside;
    return Where::Unknown;
}

const Scratch::Cached& ControlLayer::get(size_t member, Scratch& s) const {
    const size_t slot = static_cast<size_t>(m_slot);
    if (s.cache.size() <= slot) s.cache.resize(slot + 1);
    auto& v = s.cache[slot];
    if (v.size() < m_wkbs.size()) v.resize(m_wkbs.size());
    Scratch::Cached& c = v[member];
    if (!c.geom) {
        c.geom = vector::fromWkb(s.ctx, *m_wkbs[member]);
        c.prepared = vector::prepare(s.ctx, c.geom.get());
    }
    return c;
}

Overlap ControlLayer::overlap(const GEOSGeometry* parcel, double parcel_area_m2, const vector::Envelope& parcel_env,
                              Scratch& s, bool want_geom, const std::function<bool(size_t)>& keep) const {
    Overlap o;
    const double eps = areaEpsilon();
    GEOSContextHandle_t h = s.ctx.handle();
    std::vector<vector::GeomPtr> pieces;
    bool whole = false; // some member contains the whole parcel
    for (size_t m : candidates(parcel_env)) {
        if (keep && !keep(m)) continue;
        // The member's cell index settles most parcels without GEOS (same answers: exact).
        const Where wh = where(m, parcel_env, s);
        if (wh == Where::Outside) continue;
        const Scratch::Cached& c = get(m, s);
        // Contains first where it is possible at all (the member's envelope covers the parcel's):
        // a contained parcel (never empty here) also intersects, so most parcels of a zone they
        // lie in need one prepared test instead of two. The answers are those of both tests.
        const vector::Envelope& me = m_envs[m];
        char inside = wh == Where::Inside ? 1 : 0;
        if (wh == Where::Unknown && me.minx <= parcel_env.minx && me.miny <= parcel_env.miny &&
            me.maxx >= parcel_env.maxx && me.maxy >= parcel_env.maxy) {
            inside = GEOSPreparedContains_r(h, c.prepared.get(), parcel);
            if (inside == 2)
                throw GeometryError(cat("GEOS contains failed on ", m_name, " member ", m, ": ", s.ctx.lastError()));
        }
        if (inside != 1) {
            const char meets = GEOSPreparedIntersects_r(h, c.prepared.get(), parcel);
            if (meets == 2)
                throw GeometryError(cat("GEOS intersects failed on ", m_name, " member ", m, ": ", s.ctx.lastError()));
            if (!meets) continue;
        }
        o.touching.push_back(m);
        if (inside == 1) {
            // Wholly inside: the overlap is the parcel itself, no overlay needed.
            o.members.push_back(m);
            o.member_area_m2.push_back(parcel_area_m2);
            whole = true;
            continue;
        }
        if (whole) {
            // The union is already the whole parcel; only the member's own area is still wanted.
            vector::GeomPtr piece = vector::polygonalPart(s.ctx, vector::intersection(s.ctx, parcel, c.geom.get()).get());
            const double a = vector::area(s.ctx, piece.get());
            if (a > eps) {
                o.members.push_back(m);
                o.member_area_m2.push_back(a);
            }
            continue;
        }
        vector::GeomPtr piece = vector::polygonalPart(s.ctx, vector::intersection(s.ctx, parcel, c.geom.get()).get());
        const double a = vector::area(s.ctx, piece.get());
        if (a > eps) {
            o.members.push_back(m);
            o.member_area_m2.push_back(a);
            pieces.push_back(std::move(piece));
        }
    }
    if (whole) {
        o.area_m2 = parcel_area_m2;
        if (want_geom) o.geom = vector::clone(s.ctx, parcel);
    } else if (pieces.size() == 1) {
        o.area_m2 = o.member_area_m2.front();
        o.geom = std::move(pieces.front());
    } else if (pieces.size() > 1) {
        // Overlapping members: union the pieces so that no area is counted twice.
        std::vector<const GEOSGeometry*> raw;
        for (const auto& p : pieces) raw.push_back(p.get());
        o.geom = vector::polygonalPart(s.ctx, vector::unaryUnion(s.ctx, raw).get());
        o.area_m2 = vector::area(s.ctx, o.geom.get());
    }
    if (!want_geom) o.geom.reset();
    return o;
}

// ---------------------------------------------------------------------------------------------
// ReviewContext

int ReviewContext::nextSlot() {
    static std::atomic<int> next{0};
    return next++;
}

ReviewContext::ReviewContext(const io::StudyArea& study, const CheckRequest& request)
    : m_study(study), m_request(request) {}

ReviewContext::~ReviewContext() {
    core::Timer t;
    // Control layers' per-thread geometries live in the scratch pool; drop them first.
    m_scratch.clear();
    const double scratch_s = t.seconds();
    m_layers.clear();
    m_parcels.clear();
    core::logDebug("checks", cat("freed the review: per-thread geometries ", scratch_s, " s, layers and parcels ",
                                 t.seconds() - scratch_s, " s"));
}

const vector::VectorLayer& ReviewContext::layer(const std::string& role) {
    auto it = m_layers.find(role);
    if (it != m_layers.end()) return it->second;
    core::Timer t;
    vector::VectorLayer l = loadLayer(m_study, role);
    core::logInfo("checks", cat("loaded '", role, "': ", l.features.size(), " features in ", t.seconds(), " s"));
    for (const auto& r : l.repairs) findings.push_back({"geometry.repaired", role, r});
    return m_layers.emplace(role, std::move(l)).first->second;
}

void ReviewContext::prefetch(const std::vector<std::string>& roles, bool landuse, bool landuse_counts) {
    std::vector<std::string> todo;
    for (const auto& r : roles)
        if (!m_layers.count(r) && std::find(todo.begin(), todo.end(), r) == todo.end()) todo.push_back(r);
    const bool load_lu = landuse && !m_request.landuse && !m_landuse;
    const bool count_lu = !load_lu && landuse_counts && !m_request.landuse && !m_landuse && !m_landuse_counts;
    std::vector<std::optional<vector::VectorLayer>> loaded(todo.size());
    std::optional<raster::ClassGrid> lu;
    std::optional<std::vector<std::uint64_t>> lu_counts;
    const int lu_year = m_study.latestLanduseYear();
    core::Timer t;
    // Independent files: read them side by side (each read is serial inside GDAL).
    tbb::parallel_for(size_t(0), todo.size() + (load_lu || count_lu ? 1 : 0), [&](size_t i) {
        core::Timer one;
        if (i < todo.size()) loaded[i] = loadLayer(m_study, todo[i]);
        else if (load_lu) lu = io::loadLanduse(m_study, lu_year);
        else lu_counts = io::landuseCounts(m_study, lu_year);
        core::logDebug("checks", cat("read ", i < todo.size() ? "'" + todo[i] + "'" : cat("land use ", lu_year), " in ",
                                     one.seconds(), " s"));
    });
    if (count_lu) {
        m_landuse_counts = std::move(lu_counts);
        m_landuse_year = lu_year;
    }
    // Insert in the given order so that findings come out in the same order at any thread count.
    for (size_t i = 0; i < todo.size(); ++i) {
        for (const auto& r : loaded[i]->repairs) findings.push_back({"geometry.repaired", todo[i], r});
        m_layers.emplace(todo[i], std::move(*loaded[i]));
    }
    if (load_lu) {
        m_landuse = std::move(lu);
        m_landuse_year = lu_year;
    }
    core::logInfo("checks", cat("loaded ", todo.size(), " layer(s)", load_lu ? " and the land-use map" : "", " in ",
                                t.seconds(), " s"));
}

const vector::VectorLayer& ReviewContext::reviewLayer() { return layer(m_request.review_layer); }

const ControlLayer& ReviewContext::control(const std::string& key,
                                           const std::function<std::unique_ptr<ControlLayer>()>& build) {
    auto it = m_controls.find(key);
    if (it != m_controls.end()) return *it->second;
    return *m_controls.emplace(key, build()).first->second;
}

const raster::ClassGrid& ReviewContext::landuse() {
    if (m_request.landuse) {
        m_landuse_year = m_request.landuse_year;
        return *m_request.landuse;
    }
    if (!m_landuse) {
        m_landuse_year = m_study.latestLanduseYear();
        core::Timer t;
        m_landuse = io::loadLanduse(m_study, m_landuse_year);
        core::logInfo("checks", cat("loaded land use ", m_landuse_year, " in ", t.seconds(), " s"));
    }
    return *m_landuse;
}

int ReviewContext::landuseYear() {
    if (m_landuse_counts && !m_request.landuse) return m_landuse_year;
    (void)landuse();
    return m_landuse_year;
}

const std::vector<std::uint64_t>& ReviewContext::landuseCounts() {
    if (m_landuse_counts) return *m_landuse_counts;
    if (m_request.landuse || m_landuse) {
        m_landuse_counts = io::classCounts(landuse());
    } else {
        m_landuse_year = m_study.latestLanduseYear();
        m_landuse_counts = io::landuseCounts(m_study, m_landuse_year);
    }
    return *m_landuse_counts;
}

// Fields and lookups of the parcel preparation, made once on the main thread.
struct ReviewContext::ParcelPrep {
    const vector::VectorLayer* layer = nullptr;
    int f_use = -1, f_id = -1, f_name = -1, f_height = -1, f_activity = -1;
    const ControlLayer* boundary = nullptr;
    std::unordered_map<std::string, const raster::ClassInfo*> by_code;
    std::vector<int> outside_state; // 0 inside, 1 partly outside
    size_t findings_at = 0;         // where the parcel findings go in `findings`
};

const std::vector<Parcel>& ReviewContext::parcels() {
    if (m_parcels_loaded) return m_parcels;
    if (!m_prep) beginParcels();
    forEachParallel(m_parcels.size(), m_scratch, "parcels", [&](size_t i, Scratch& s) { (void)prepareParcel(i, s); });
    endParcels();
    return m_parcels;
}

void ReviewContext::beginParcels() {
    if (m_parcels_loaded || m_prep) return;
    const std::string& role = m_request.review_layer;
    auto prep = std::make_unique<ParcelPrep>();
    const vector::VectorLayer& l = reviewLayer();
    const io::LayerSpec& spec = m_study.layer(role);
    prep->layer = &l;
    // Required: use_code. The id field is project_id (proposals) or parcel_id (land_supply).
    prep->f_use = l.requireField(spec.field("use_code"));
    prep->f_id = l.fieldIndex(spec.field("project_id"));
    if (prep->f_id < 0) prep->f_id = l.fieldIndex(spec.field("parcel_id"));
    prep->f_name = l.fieldIndex(spec.field("name"));
    prep->f_height = l.fieldIndex(spec.field("height_m"));
    prep->f_activity = l.fieldIndex(spec.field("activity"));
    // The study boundary, to flag parcels outside it.
    prep->boundary = &control("boundary", [&]() { return controlFromLayer("boundary", layer("boundary")); });
    for (const auto& r : m_study.classes.rows()) prep->by_code.emplace(r.code, &r);
    prep->outside_state.assign(l.features.size(), 0);
    prep->findings_at = findings.size();
    m_parcels.assign(l.features.size(), Parcel{});
    m_prep = std::move(prep);
}

vector::GeomPtr ReviewContext::prepareParcel(size_t i, Scratch& s) {
    const ParcelPrep& pp = *m_prep;
    const vector::VectorLayer& l = *pp.layer;
    Parcel& p = m_parcels[i];
    const auto& f = l.features[i];
    p.feature = i;
    p.fid = f.fid;
    auto id = l.value(i, pp.f_id);
    p.id = id && !id->empty() ? *id : cat("fid:", f.fid);
    if (auto n = l.value(i, pp.f_name)) p.name = *n;
    auto use = l.value(i, pp.f_use);
    if (use) p.use_code = *use;
    std::string why;
    if (f.wkb.empty()) why = "null or empty geometry";
    else if (!use || use->empty()) why = "use_code is empty";
    else if (auto c = pp.by_code.find(*use); c != pp.by_code.end()) p.use = c->second;
    else why = "use_code '" + *use + "' is not in the study's class table";
    if (pp.f_height >= 0 && why.empty()) {
        auto hv = l.value(i, pp.f_height);
        if (hv && !hv->empty()) {
            try {
                p.height_m = l.number(i, pp.f_height);
                if (*p.height_m < 0) why = "height_m '" + *hv + "' is negative";
            } catch (const InputError&) {
                why = "height_m '" + *hv + "' is not a number";
            }
        }
    }
    if (pp.f_activity >= 0 && why.empty()) {
        auto a = l.value(i, pp.f_activity);
        if (a && !a->empty()) {
            p.activity = *a;
            const auto& known = knownActivities();
            if (std::find(known.begin(), known.end(), *a) == known.end())
                why = "activity '" + *a + "' is not one of construction, linear_infrastructure, "
                      "ecological_restoration, research, tourism_low_impact, heritage_work, residents_existing, "
                      "defence, farming";
        }
    }
    if (p.activity.empty() && p.use) {
        // Layers without an activity (land_supply, land-use parcels): derive it from the use.
        p.activity = isConstruction(*p.use) ? "construction"
                     : p.use->group == raster::ClassGroup::Farmland ? "farming" : "";
    }
    p.invalid = why;
    if (f.wkb.empty()) return {};
    vector::GeomPtr g = vector::fromWkb(s.ctx, f.wkb);
    const int type = GEOSGeomTypeId_r(s.ctx.handle(), g.get());
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) {
        if (p.invalid.empty()) p.invalid = "geometry is not a polygon";
        return {};
    }
    if (vector::isEmpty(s.ctx, g.get())) {
        p.invalid = "null or empty geometry";
        return {};
    }
    p.area_m2 = vector::area(s.ctx, g.get());
    if (pp.boundary->size() == 0) return g;
    Overlap in = pp.boundary->overlap(g.get(), p.area_m2, f.env, s, false);
    if (in.area_m2 <= areaEpsilon()) {
        if (p.invalid.empty()) p.invalid = "outside the study boundary";
    } else if (p.area_m2 - in.area_m2 > areaEpsilon()) {
        m_prep->outside_state[i] = 1;
    }
    return g;
}

void ReviewContext::endParcels() {
    if (m_parcels_loaded || !m_prep) return;
    const vector::VectorLayer& l = *m_prep->layer;
    const std::string& role = m_request.review_layer;
    std::vector<Finding> found;
    for (size_t i = 0; i < m_parcels.size(); ++i) {
        const Parcel& p = m_parcels[i];
        if (!p.invalid.empty())
            found.push_back({"parcel.invalid", p.id, cat(l.path, ": ", role, " feature ", p.fid, " (", p.id,
                                                         ") cannot be reviewed: ", p.invalid)});
        else if (m_prep->outside_state[i])
            found.push_back({"parcel.partly_outside", p.id, cat(l.path, ": ", role, " feature ", p.fid, " (", p.id,
                                                                ") lies partly outside the study boundary")});
    }
    const auto at = findings.begin() + static_cast<std::ptrdiff_t>(std::min(m_prep->findings_at, findings.size()));
    findings.insert(at, std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    m_prep.reset();
    m_parcels_loaded = true;
}

} // namespace xiongguan::checks
