// Yearly cellular automaton in the manner of PLUS CARS (Liang et al. 2021): suitability ×
// neighbourhood × adaptive inertia × conversion cost × control lines, roulette competition between
// classes, random patch seeds under a decreasing threshold, patch growth through the neighbourhood.
#include "simulate/landuse_ca.hpp"

#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "io/atomic_file.hpp"
#include "simulate/landuse_distance.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

namespace xiongguan::simulate {

namespace {

constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();

struct Candidate {
    float score;
    std::uint32_t k;   // class index
    std::uint64_t cell;
};

bool better(const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.cell < b.cell;
}

std::uint64_t streamOf(int year, int iter, int purpose) {
    return (static_cast<std::uint64_t>(year) << 32) ^ (static_cast<std::uint64_t>(iter) << 16) ^
           static_cast<std::uint64_t>(purpose);
}

} // namespace

SuitabilityGrid::SuitabilityGrid(const raster::Grid<std::uint16_t>& g)
    : SuitabilityGrid(g.cols(), g.rows(),
                      std::vector<char>(static_cast<size_t>(blockCols(g.cols())) * blockCols(g.rows()), 1)) {
    for (int y = 0; y < g.rows(); ++y)
        for (int x = 0; x < g.cols(); ++x) *cell(x, y) = g.at(x, y);
}

void SuitabilityGrid::indexBlocks(const std::vector<char>& used) {
    const size_t blocks = static_cast<size_t>(m_bcols) * blockCols(m_rows);
    m_block.assign(blocks, -1);
    std::int32_t n = 0;
    for (size_t b = 0; b < blocks && b < used.size(); ++b)
        if (used[b]) m_block[b] = n++;
    m_stored = static_cast<size_t>(n);
}

SuitabilityGrid::SuitabilityGrid(int cols, int rows, const std::vector<char>& used)
    : m_cols(cols), m_rows(rows), m_bcols(blockCols(cols)) {
    indexBlocks(used);
    m_data.assign(m_stored << (2 * kShift), 0);
}

// The spill file: a name of our own in the folder, opened exclusively and unlinked at once (the
// data lives until the last grid sharing it is destroyed; nothing is left if the process dies).
struct SuitabilityGrid::SpillFile {
    std::string where; // before fd: openUnlinkedTemp fills it while fd is initialised
    int fd = -1;
    explicit SpillFile(const std::string& dir)
        : fd(io::openUnlinkedTemp(dir, "landuse_suitability", "landuse suitability", where)) {}
    ~SpillFile() {
        if (fd >= 0) ::close(fd);
    }
    SpillFile(const SpillFile&) = delete;
    SpillFile& operator=(const SpillFile&) = delete;
};

SuitabilityGrid::SuitabilityGrid(int cols, int rows, const std::vector<char>& used, const std::string& spill_dir)
    : m_cols(cols), m_rows(rows), m_bcols(blockCols(cols)) {
    indexBlocks(used);
    m_file = std::make_shared<SpillFile>(spill_dir);
    // every stored block reads as 0 until written (a sparse file)
    if (::ftruncate(m_file->fd, static_cast<off_t>(m_stored * kBlockCells * sizeof(std::uint16_t))) != 0)
        throw IoError(core::cat("landuse suitability: cannot size the temporary suitability file '", m_file->where,
                                "': ", std::strerror(errno)));
}

std::uint16_t SuitabilityGrid::at(int x, int y) const {
    const std::int32_t b = m_block[static_cast<size_t>(y >> kShift) * m_bcols + (x >> kShift)];
    if (b < 0) return 0;
    const int inner = ((y & (kSide - 1)) << kShift) + (x & (kSide - 1));
    if (!m_file) return m_data[(static_cast<size_t>(b) << (2 * kShift)) + inner];
    if (m_open_by == (y >> kShift)) return m_row[(static_cast<size_t>(x >> kShift) << (2 * kShift)) + inner];
    std::uint16_t v = 0;
    const off_t off = static_cast<off_t>(((static_cast<size_t>(b) << (2 * kShift)) + inner) * sizeof(std::uint16_t));
    if (::pread(m_file->fd, &v, sizeof v, off) != static_cast<ssize_t>(sizeof v))
        throw IoError(core::cat("landuse suitability: reading the temporary suitability file '", m_file->where,
                                "' failed"));
    return v;
}

bool SuitabilityGrid::readBlock(std::size_t block, std::uint16_t* out) const {
    const std::int32_t b = m_block[block];
    if (b < 0) return false;
    const size_t first = static_cast<size_t>(b) << (2 * kShift);
    if (!m_file) {
        std::copy(m_data.begin() + static_cast<std::ptrdiff_t>(first),
                  m_data.begin() + static_cast<std::ptrdiff_t>(first + kBlockCells), out);
        return true;
    }
    auto* p = reinterpret_cast<char*>(out);
    size_t left = kBlockCells * sizeof(std::uint16_t);
    off_t off = static_cast<off_t>(first * sizeof(std::uint16_t));
    while (left > 0) {
        const ssize_t r = ::pread(m_file->fd, p, left, off);
        if (r <= 0)
            throw IoError(core::cat("landuse suitability: reading block ", block, " from the temporary suitability file '",
                                    m_file->where, "' failed: ", r < 0 ? std::strerror(errno) : "unexpected end of file"));
        p += r;
        off += r;
        left -= static_cast<size_t>(r);
    }
    return true;
}

void SuitabilityGrid::openBlockRow(int by) {
    if (!m_file) return;
    m_row.assign(static_cast<size_t>(m_bcols) * kBlockCells, 0);
    m_open_by = by;
}

void SuitabilityGrid::closeBlockRow() {
    if (!m_file || m_open_by < 0) return;
    for (int bx = 0; bx < m_bcols; ++bx) {
        const std::int32_t b = m_block[static_cast<size_t>(m_open_by) * m_bcols + bx];
        if (b < 0) continue;
        const auto* p = reinterpret_cast<const char*>(m_row.data() + static_cast<size_t>(bx) * kBlockCells);
        size_t left = kBlockCells * sizeof(std::uint16_t);
        off_t off = static_cast<off_t>((static_cast<size_t>(b) << (2 * kShift)) * sizeof(std::uint16_t));
        while (left > 0) {
            const ssize_t w = ::pwrite(m_file->fd, p, left, off);
            if (w <= 0)
                throw IoError(core::cat("landuse suitability: writing to the temporary suitability file '", m_file->where,
                                        "' failed: ", w < 0 ? std::strerror(errno) : "disk full?"));
            p += w;
            off += w;
            left -= static_cast<size_t>(w);
        }
    }
    m_open_by = -1;
    std::vector<std::uint16_t>().swap(m_row);
}

SuitabilityCache::SuitabilityCache(int classes, std::size_t slots)
    : m_classes(static_cast<std::uint64_t>(std::max(1, classes))) {
    size_t n = 1;
    while (n < std::max<size_t>(slots, m_classes)) n <<= 1; // one block number never evicts itself
    m_mask = n - 1;
    // not value-initialised: pages become resident only as slots are used
    m_data.reset(new std::uint16_t[n * SuitabilityGrid::kBlockCells]);
    m_tag.assign(n, ~std::uint64_t(0));
}

CaYearReport runCaYear(raster::ClassGrid& map, const CaInputs& in, const std::vector<std::int64_t>& demand, int year,
                       const CaOptions& opt) {
    const int K = static_cast<int>(in.classes.size());
    const int cols = map.cols(), rows = map.rows();
    std::vector<int> index(65536, -1);
    for (int k = 0; k < K; ++k) index[in.classes[k]] = k;

    std::vector<std::int64_t> count(K, 0);
    for (auto v : map.values())
        if (index[v] >= 0) ++count[index[v]];

    CaYearReport rep;
    rep.year = year;
    rep.demand = demand;
    rep.before = count;
    std::vector<std::int64_t> deficit(K, 0), capacity(K, 0);
    for (int k = 0; k < K; ++k) {
        deficit[k] = demand[k] >= 0 ? std::max<std::int64_t>(0, demand[k] - count[k]) : 0;
        capacity[k] = demand[k] < 0 ? kUnlimited : std::max<std::int64_t>(0, count[k] - demand[k]);
    }
    // Gross release: a class may give away a share of its cells beyond its net loss only when it can
    // grow them back from a class that shrinks on net (or is free) this year.
    for (int k = 0; k < K && !in.release_share.empty(); ++k) {
        if (demand[k] < 0 || in.release_share[k] <= 0 || in.suitability[k].empty()) continue;
        bool refill = false;
        for (int i = 0; i < K && !refill; ++i)
            refill = i != k && in.conversion[i][k] > 0 && (demand[i] < 0 || count[i] > demand[i]);
        if (refill) capacity[k] += static_cast<std::int64_t>(std::floor(static_cast<double>(count[k]) * in.release_share[k]));
    }
    std::vector<std::int64_t> gained(K, 0); // cells that turned into the class this year
    std::vector<double> inertia(K, 1.0);
    double mu = opt.seed_threshold;
    const auto windows = raster::makeWindows(cols, rows, opt.tile);
    const int win = 2 * opt.radius + 1;
    const double nb_den = static_cast<double>(win * win - 1);
    const bool use_zones = !in.zone_factor.empty() && in.zones.size() == map.size();
    const size_t s_bcols = static_cast<size_t>(SuitabilityGrid::blockCols(cols));
    // Suitability blocks go through a per-thread cache keyed by (block, dense index of the classes
    // with a grid), so that its slots are not spread over classes that cannot grow.
    std::vector<int> s_index(K, 0);
    int s_grids = 0;
    for (int k = 0; k < K; ++k)
        if (!in.suitability[k].empty()) s_index[k] = s_grids++;

    struct Scratch {
        std::vector<std::uint8_t> counts, tmp;
        std::vector<double> op;
        std::vector<Candidate> cands;
        std::optional<SuitabilityCache> suit; // bounded: SuitabilityCache::kDefaultSlots blocks
        std::vector<const std::uint16_t*> blk;
    };
    tbb::enumerable_thread_specific<Scratch> scratch;
    std::vector<std::uint8_t> changed(map.size(), 0);
    // Ranking noise u^randomness for 16-bit uniforms u = (i + 0.5) / 65536: a table instead of a
    // std::pow per candidate cell (pow was half of the scan time at 30 m).
    std::vector<float> noise_lut(opt.randomness > 0 ? 65536 : 0);
    for (size_t i = 0; i < noise_lut.size(); ++i)
        noise_lut[i] = static_cast<float>(std::pow((static_cast<double>(i) + 0.5) / 65536.0, opt.randomness));
    // Final passes: a class that had no candidate cell in one is not scanned for again this year
    // (saves a full scan that would place nothing; cells only leave the releasing classes).
    std::vector<std::uint8_t> exhausted(K, 0);

    // max_iterations CA iterations, then up to three final passes in which every allowed cell
    // competes for every short class (stops when a pass places nothing).
    for (int iter = 0; iter < opt.max_iterations + 3; ++iter) {
        const bool final_pass = iter >= opt.max_iterations;
        for (int k = 0; k < K; ++k)
            if (demand[k] >= 0) deficit[k] = std::max<std::int64_t>(0, demand[k] - count[k]);
        std::vector<int> grow; // classes still short of demand and able to grow
        for (int k = 0; k < K; ++k)
            if (deficit[k] > 0 && !in.suitability[k].empty() && !exhausted[k]) grow.push_back(k);
        if (grow.empty()) break;
        const int G = static_cast<int>(grow.size());
        std::vector<std::uint8_t> nb_index(65536, 255);
        for (int g = 0; g < G; ++g) nb_index[in.classes[grow[g]]] = static_cast<std::uint8_t>(g);
        std::vector<std::int64_t> quota(K, 0);
        for (int k : grow)
            quota[k] = final_pass ? deficit[k]
                                  : std::min(deficit[k], std::max<std::int64_t>(
                                                             1, static_cast<std::int64_t>(std::ceil(
                                                                    static_cast<double>(deficit[k]) * opt.growth_share))));
        const std::uint64_t s_pick = streamOf(year, iter, 1), s_rank = streamOf(year, iter, 2),
                            s_seed = streamOf(year, iter, 3);
        // counterHash(seed, stream, cell) = mix64(key(stream) ^ cell): the keys once per iteration
        const std::uint64_t key_pick = core::mix64(opt.seed ^ core::mix64(s_pick)),
                            key_rank = core::mix64(opt.seed ^ core::mix64(s_rank)),
                            key_seed = core::mix64(opt.seed ^ core::mix64(s_seed));
        auto u01 = [](std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; };

        // Per releasing class j: the growing classes it may convert to (conversion > 0).
        std::vector<std::vector<int>> allowed(K);
        for (int j = 0; j < K; ++j)
            if (capacity[j] > 0)
                for (int g = 0; g < G; ++g)
                    if (grow[g] != j && in.conversion[j][grow[g]] > 0) allowed[j].push_back(g);

        std::vector<std::vector<Candidate>> tile_cands(windows.size());
        core::Timer t_iter;
        tbb::parallel_for(size_t(0), windows.size(), [&](size_t t) {
            const raster::Window& w = windows[t];
            auto& s = scratch.local();
            if (!s.suit) s.suit.emplace(s_grids);
            SuitabilityCache& suit = *s.suit;
            s.op.assign(G, 0.0);
            // the current block of each growing class (fetched when first needed in the block; the
            // blocks of one block number never evict each other in the cache)
            s.blk.assign(G, nullptr);
            size_t cur_block = std::numeric_limits<size_t>::max();
            auto& out = tile_cands[t];
            out.clear();
            const int R = opt.radius;
            std::array<std::uint16_t, 256> hist{};
            for (int r = 0; r < w.rows; ++r) {
                const int gr = w.row0 + r;
                const int r0 = std::max(0, gr - R), r1 = std::min(rows - 1, gr + R);
                // sliding window histogram of the growing classes along the row (255 = other)
                hist.fill(0);
                auto addCol = [&](int gc, int delta) {
                    if (gc < 0 || gc >= cols) return;
                    for (int rr = r0; rr <= r1; ++rr) {
                        auto& h = hist[nb_index[map[static_cast<size_t>(rr) * cols + gc]]];
                        h = static_cast<std::uint16_t>(h + delta);
                    }
                };
                for (int gc = w.col0 - R; gc < w.col0 + R; ++gc) addCol(gc, 1);
                for (int c = 0; c < w.cols; ++c) {
                    const int gc = w.col0 + c;
                    addCol(gc + R, 1);
                    const size_t cell = static_cast<size_t>(gr) * cols + gc;
                    const int j = index[map[cell]];
                    if (j >= 0 && !allowed[j].empty()) {
                        const unsigned z = use_zones ? in.zones[cell] : 0u;
                        const size_t s_block = static_cast<size_t>(gr >> SuitabilityGrid::kShift) * s_bcols +
                                               static_cast<size_t>(gc >> SuitabilityGrid::kShift);
                        const int s_inner = ((gr & (SuitabilityGrid::kSide - 1)) << SuitabilityGrid::kShift) +
                                            (gc & (SuitabilityGrid::kSide - 1));
                        if (s_block != cur_block) {
                            std::fill(s.blk.begin(), s.blk.end(), nullptr);
                            cur_block = s_block;
                        }
                        // one counter hash per cell (only if a seed is tried); per-class seed numbers
                        // are re-mixes of it
                        std::uint64_t h_seed = 0;
                        int hk_group = -1; // classes 4g..4g+3 share one hash
                        std::uint64_t hk = 0;
                        double total = 0;
                        for (int g : allowed[j]) {
                            const int k = grow[g];
                            double op = 0;
                            const double f = use_zones ? in.zone_factor[(static_cast<size_t>(z) * K + j) * K + k] : 1.0;
                            if (f > 0) {
                                if (!s.blk[g]) s.blk[g] = suit.block(in.suitability[k], s_index[k], s_block);
                                const double P = s.blk[g][s_inner] * (1.0 / 65535.0);
                                const int n = hist[g];
                                if (final_pass) {
                                    // last pass: every allowed cell competes (P = 0 cells last) so that
                                    // demand is met wherever the lines and the floor allow
                                    if (P >= opt.probability_floor && (P > 0 || opt.probability_floor <= 0))
                                        op = std::max(P, 1e-6) *
                                             (n > 0 ? n / nb_den * in.neighbourhood_weight[k] : 1e-3);
                                } else if (P > 0 && P >= opt.probability_floor) {
                                    if (n > 0) {
                                        op = P * (n / nb_den) * in.neighbourhood_weight[k] * inertia[k];
                                    } else {
                                        // patch seed under a threshold that decays every iteration (PLUS)
                                        // 16-bit uniforms (as fine as the quantised P), four per hash:
                                        // hashing was the scan's hot spot
                                        if ((k >> 2) != hk_group) {
                                            if (hk_group < 0) h_seed = core::mix64(key_seed ^ cell);
                                            hk_group = k >> 2;
                                            hk = core::mix64(h_seed + static_cast<std::uint64_t>(hk_group) * 0x9e3779b97f4a7c15ULL);
                                        }
                                        const double rr =
                                            (static_cast<double>((hk >> (16 * (k & 3))) & 0xFFFFu) + 0.5) * (1.0 / 65536.0);
                                        if (rr < P) op = P * rr * mu * inertia[k];
                                    }
                                }
                                op *= in.conversion[j][k] * f;
                            }
                            s.op[g] = op;
                            total += op;
                        }
                        if (total > 0) {
                            if (final_pass) { // every class competes for every cell; the ranking decides
                                for (int g : allowed[j])
                                    if (s.op[g] > 0)
                                        out.push_back({static_cast<float>(s.op[g]), static_cast<std::uint32_t>(grow[g]), cell});
                            } else {
                                // roulette between the classes
                                double u = u01(core::mix64(key_pick ^ cell)) * total;
                                int pick = -1;
                                for (int g : allowed[j]) {
                                    if (s.op[g] <= 0) continue;
                                    pick = g;
                                    if (u < s.op[g]) break;
                                    u -= s.op[g];
                                }
                                const double noise =
                                    opt.randomness > 0 ? noise_lut[core::mix64(key_rank ^ cell) >> 48] : 1.0;
                                out.push_back({static_cast<float>(s.op[pick] * noise),
                                               static_cast<std::uint32_t>(grow[pick]), cell});
                            }
                        }
                    }
                    addCol(gc - R, -1);
                }
            }
            // Keep only what this tile could contribute: the best `quota` per class (selection, O(n)).
            // bucket by class (counting sort), then keep each bucket's best `quota`
            auto& buf = s.cands;
            std::vector<size_t> start(static_cast<size_t>(K) + 1, 0);
            for (const auto& cd : out) ++start[cd.k + 1];
            for (int k = 0; k < K; ++k) start[k + 1] += start[k];
            buf.resize(out.size());
            {
                std::vector<size_t> pos(start.begin(), start.end() - 1);
                for (const auto& cd : out) buf[pos[cd.k]++] = cd;
            }
            size_t o = 0;
            for (int k = 0; k < K; ++k) {
                const size_t i = start[k], e = start[k + 1];
                const size_t q = static_cast<size_t>(std::min<std::int64_t>(quota[k], static_cast<std::int64_t>(e - i)));
                if (q < e - i)
                    std::nth_element(buf.begin() + static_cast<std::ptrdiff_t>(i), buf.begin() + static_cast<std::ptrdiff_t>(i + q),
                                     buf.begin() + static_cast<std::ptrdiff_t>(e), better);
                for (size_t x = i; x < i + q; ++x) out[o++] = buf[x];
            }
            out.resize(o);
            out.shrink_to_fit();
        });
        std::vector<Candidate> all;
        size_t total_c = 0;
        for (const auto& v : tile_cands) total_c += v.size();
        all.reserve(total_c);
        for (auto& v : tile_cands) {
            all.insert(all.end(), v.begin(), v.end());
            std::vector<Candidate>().swap(v);
        }
        const double t_tiles = t_iter.seconds();
        tbb::parallel_sort(all.begin(), all.end(), better);
        core::logDebug("landuse", core::cat(year, " iteration ", iter, ": ", G, " growing classes, ", all.size(),
                                            " candidates, tiles ", t_tiles, " s, total ", t_iter.seconds(), " s"));
        if (final_pass) {
            std::vector<std::uint8_t> has(K, 0);
            for (const auto& cand : all) has[cand.k] = 1;
            for (int k : grow)
                if (!has[k]) exhausted[k] = 1;
        }
        std::vector<std::int64_t> placed(K, 0);
        for (const auto& cand : all) {
            const int k = static_cast<int>(cand.k);
            if (placed[k] >= quota[k] || changed[cand.cell]) continue;
            const int j = index[map[cand.cell]];
            if (capacity[j] <= 0) continue;
            map[cand.cell] = in.classes[k];
            changed[cand.cell] = 1;
            ++placed[k];
            ++gained[k];
            ++count[k];
            --count[j];
            --deficit[k];
            if (capacity[j] != kUnlimited) --capacity[j];
            if (demand[j] >= 0 && count[j] < demand[j]) deficit[j] = demand[j] - count[j];
        }
        // Adaptive inertia: a class that fell short of its quota weighs more in the next roulette
        // (PLUS raises D_k when the gap to demand does not close).
        for (int k : grow)
            if (quota[k] > 0 && placed[k] < quota[k])
                inertia[k] *= 1.0 + static_cast<double>(quota[k] - placed[k]) / static_cast<double>(quota[k]);
        mu *= opt.seed_decay;
        rep.iterations = iter + 1;
        std::int64_t placed_total = 0;
        for (auto v : placed) placed_total += v;
        if (final_pass && placed_total == 0) break;
    }
    rep.after = count;
    std::uint64_t block_reads = 0;
    for (const auto& s : scratch)
        if (s.suit) block_reads += s.suit->misses();
    core::logDebug("landuse", core::cat(year, ": ", block_reads, " suitability blocks read into the per-thread caches (",
                                        SuitabilityCache::kDefaultSlots, " blocks, ",
                                        SuitabilityCache::kDefaultSlots * SuitabilityGrid::kBlockCells * sizeof(std::uint16_t), " bytes each)"));

    // Diagnostics of unmet demand (integer counts: order-independent).
    for (int k = 0; k < K; ++k) {
        if (deficit[k] <= 0) continue;
        UnmetDemand u;
        u.year = year;
        u.class_index = k;
        u.placed = gained[k];
        u.not_placed = deficit[k];
        u.demanded = u.placed + u.not_placed;
        const bool has_suit = !in.suitability[k].empty();
        SuitabilityCache suit(1, s_bcols); // one class, a row of blocks // a row of blocks (touched slots only resident)
        for (size_t cell = 0; cell < map.size(); ++cell) {
            const int j = index[map[cell]];
            if (j < 0 || j == k || capacity[j] <= 0 || in.conversion[j][k] <= 0) continue;
            ++u.candidate_cells;
            const unsigned z = use_zones ? in.zones[cell] : 0u;
            if (use_zones && in.zone_factor[(static_cast<size_t>(z) * K + j) * K + k] <= 0) {
                ++u.forbidden_cells;
                continue;
            }
            const int cx = static_cast<int>(cell % static_cast<size_t>(cols)), cy = static_cast<int>(cell / static_cast<size_t>(cols));
            const size_t blk = static_cast<size_t>(cy >> SuitabilityGrid::kShift) * s_bcols +
                               static_cast<size_t>(cx >> SuitabilityGrid::kShift);
            const int inner = ((cy & (SuitabilityGrid::kSide - 1)) << SuitabilityGrid::kShift) + (cx & (SuitabilityGrid::kSide - 1));
            const double P = has_suit ? suit.block(in.suitability[k], 0, blk)[inner] * (1.0 / 65535.0) : 0.0;
            if (P <= 0 || P < opt.probability_floor) ++u.below_floor_cells;
        }
        if (u.candidate_cells == 0) u.reason = "no candidate cells";
        else if (u.forbidden_cells + u.below_floor_cells >= u.candidate_cells)
            u.reason = u.forbidden_cells >= u.below_floor_cells ? "forbidden by constraints" : "below probability floor";
        else u.reason = "competition";
        rep.unmet.push_back(u);
    }
    return rep;
}

} // namespace xiongguan::simulate
