#pragma once

#include "raster/grid.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace xiongguan::simulate {

/// Parameters of the yearly cellular automaton (PLUS CARS style).
struct CaOptions {
    int radius = 2;                 ///< neighbourhood radius in cells (2 = 5×5)
    int max_iterations = 10;        ///< iterations per year
    double growth_share = 0.35;     ///< share of a class's remaining demand placed per iteration
    double seed_threshold = 0.5;    ///< μ: initial patch-seed threshold (PLUS "decreasing threshold")
    double seed_decay = 0.8;        ///< μ is multiplied by this after every iteration
    double probability_floor = 0.0; ///< cells with suitability below this never change to the class
    double randomness = 0.3;        ///< score = op × u^randomness (0 = greedy, 1 = strongly random)
    int tile = 256;                 ///< tile size in cells (parallel unit; halo = radius)
    std::uint64_t seed = 1;
};

/// Why a class's demand was not met in a year, in cells.
struct UnmetDemand {
    int year = 0;
    int class_index = 0;
    std::int64_t demanded = 0;          ///< cells asked for this year (placed + not placed; includes
                                        ///< regrowth of cells the class released to others)
    std::int64_t placed = 0;            ///< cells that turned into the class this year
    std::int64_t not_placed = 0;
    std::int64_t candidate_cells = 0;   ///< cells of a releasing class with the conversion allowed
    std::int64_t forbidden_cells = 0;   ///< of those: forbidden by a control line
    std::int64_t below_floor_cells = 0; ///< of those: suitability below the probability floor
    std::string reason;                 ///< "no candidate cells", "forbidden by constraints", "below probability floor", "competition"
};

/// Suitability of one class (probability × 65535) stored by 64×64 blocks: blocks with no cell in play
/// (e.g. wholly outside the study boundary, where cells never change) are not stored and read as 0.
/// An empty grid means the class cannot grow. Two kinds of storage:
/// - in memory (2 B per cell of the stored blocks);
/// - spilled: the stored blocks live in a temporary file in a given folder (made and unlinked at
///   once, as DriverStore: nothing is left behind), written one row of blocks at a time
///   (openBlockRow / cell / closeBlockRow) and read back block by block (readBlock, thread-safe)
///   through a bounded SuitabilityCache (issue 6: memory bounded by tiles, not by the grid).
class SuitabilityGrid {
  public:
    static constexpr int kShift = 6;                 ///< blocks of 64×64 cells
    static constexpr int kSide = 1 << kShift;
    static constexpr int kBlockCells = kSide * kSide;
    SuitabilityGrid() = default;
    /// Every block stored in memory, values from `g`.
    explicit SuitabilityGrid(const raster::Grid<std::uint16_t>& g);
    /// Blocks with used[b] != 0 stored (zero-filled) in memory, b = (y >> kShift) * blockCols(cols) + (x >> kShift).
    SuitabilityGrid(int cols, int rows, const std::vector<char>& used);
    /// The same blocks spilled to a temporary file in `spill_dir` (zero until written).
    /// \throws IoError when no temporary file can be made in `spill_dir`.
    SuitabilityGrid(int cols, int rows, const std::vector<char>& used, const std::string& spill_dir);
    static int blockCols(int cols) { return (cols + kSide - 1) >> kShift; }
    bool empty() const { return m_cols == 0; }
    bool spilled() const { return m_file != nullptr; }
    int cols() const { return m_cols; }
    int rows() const { return m_rows; }
    /// One cell (a file read per call when spilled: for tests and checks, not for scans).
    std::uint16_t at(int x, int y) const;
    /// Copies block `block` (kBlockCells values, row-major inside the block) to `out`; false (and
    /// `out` untouched) when the block is not stored (it reads as 0). Thread-safe.
    /// \throws IoError on a short read of the spill file.
    bool readBlock(std::size_t block, std::uint16_t* out) const;
    /// Opens the row of blocks `by` for writing with cell() (spilled grids: one row of blocks is
    /// held in memory, 128 B per column; in memory: nothing to do). Rows of blocks are written in
    /// any order, each once.
    void openBlockRow(int by);
    /// Writes the open row of blocks to the spill file. \throws IoError on a short write.
    void closeBlockRow();
    /// Writable cell; nullptr when its block is not stored. Spilled: only cells of the open row of
    /// blocks.
    std::uint16_t* cell(int x, int y) {
        const std::int32_t b = m_block[static_cast<size_t>(y >> kShift) * m_bcols + (x >> kShift)];
        if (b < 0) return nullptr;
        const int inner = ((y & (kSide - 1)) << kShift) + (x & (kSide - 1));
        if (m_file) return &m_row[(static_cast<size_t>(x >> kShift) << (2 * kShift)) + inner];
        return &m_data[(static_cast<size_t>(b) << (2 * kShift)) + inner];
    }
    std::size_t storedCells() const { return m_stored << (2 * kShift); }
    /// Bytes of the grid held in memory (block table, in-memory blocks, the open row of blocks).
    std::size_t residentBytes() const {
        return m_block.size() * sizeof(std::int32_t) + (m_data.size() + m_row.size()) * sizeof(std::uint16_t);
    }

  private:
    void indexBlocks(const std::vector<char>& used);
    struct SpillFile;
    int m_cols = 0, m_rows = 0, m_bcols = 0;
    std::size_t m_stored = 0;          ///< stored blocks
    std::vector<std::int32_t> m_block; ///< block -> stored block number, -1 = not stored
    std::vector<std::uint16_t> m_data; ///< in memory: stored blocks, kSide² cells each, row-major inside a block
    std::shared_ptr<SpillFile> m_file; ///< spilled: block number n at byte n · kBlockCells · 2
    std::vector<std::uint16_t> m_row;  ///< spilled: the open row of blocks (blockCols · kBlockCells)
    int m_open_by = -1;
};

/// A fixed number of suitability blocks in memory (direct-mapped on (block, class)), one per thread
/// of the automaton: slots × 8 KiB whatever the grid size (default 4096 slots = 32 MiB, allocated
/// as touched). Values are those of SuitabilityGrid::readBlock, so results do not depend on it.
class SuitabilityCache {
  public:
    static constexpr std::size_t kDefaultSlots = 4096;
    /// `classes`: number of grids the cache serves (class index k < classes); slots are rounded up
    /// to a power of two ≥ classes.
    explicit SuitabilityCache(int classes, std::size_t slots = kDefaultSlots);
    /// Block `block` of grid `g` (class `k`): kBlockCells values, valid until a call for another
    /// block number (the blocks of one block number for different classes never evict each other:
    /// slots ≥ classes).
    const std::uint16_t* block(const SuitabilityGrid& g, int k, std::size_t block) {
        const std::uint64_t tag = static_cast<std::uint64_t>(block) * m_classes + static_cast<std::uint64_t>(k);
        const std::size_t slot = static_cast<std::size_t>(tag) & m_mask;
        std::uint16_t* d = m_data.get() + (slot << (2 * SuitabilityGrid::kShift));
        if (m_tag[slot] != tag) {
            if (!g.readBlock(block, d)) std::fill(d, d + SuitabilityGrid::kBlockCells, std::uint16_t(0));
            m_tag[slot] = tag;
            ++m_misses;
        }
        return d;
    }
    std::size_t bytes() const { return (m_mask + 1) * SuitabilityGrid::kBlockCells * sizeof(std::uint16_t); }
    std::uint64_t misses() const { return m_misses; }

  private:
    std::uint64_t m_classes;
    std::size_t m_mask;
    std::unique_ptr<std::uint16_t[]> m_data;
    std::vector<std::uint64_t> m_tag;
    std::uint64_t m_misses = 0;
};

/// Inputs of the automaton (all grids on the same grid as the map).
struct CaInputs {
    std::vector<std::uint16_t> classes;   ///< raster values of the classes in play (index k)
    std::vector<double> neighbourhood_weight; ///< w_k, 0..1 per class
    /// Suitability per class quantised to 0..65535 (probability × 65535); an empty grid means the
    /// class cannot grow.
    std::vector<SuitabilityGrid> suitability;
    /// Conversion matrix [from][to]: 0 forbidden, 1 allowed, between: a cost weight on the probability.
    std::vector<std::vector<double>> conversion;
    /// Share of its cells a class may release per year beyond its net loss (gross change: a growing
    /// class still gives cells to others, as in the observed transitions); per class, 0..1. Empty =
    /// net change only. A class that releases such cells grows them back elsewhere the same year.
    std::vector<double> release_share;
    /// Control-line zone code per cell (bit i set = inside the area where line i acts); may be empty.
    raster::Grid<std::uint8_t> zones;
    /// factor[(code * K + from) * K + to]: product of the control lines' factors (0 = forbidden).
    /// Size 256·K·K when `zones` is used; empty = no constraints.
    std::vector<float> zone_factor;
};

/// Result of one simulated year.
struct CaYearReport {
    int year = 0;
    int iterations = 0;
    std::vector<std::int64_t> demand;   ///< target cells per class (-1 = free)
    std::vector<std::int64_t> before, after;
    std::vector<UnmetDemand> unmet;
};

/// Runs one year of the automaton on `map` in place toward `demand` (cells per class; -1 = free: the
/// class does not grow and may give up any cell). Changes only cells whose class is listed; random
/// numbers come from core::uniform01(seed, hash(year, iteration, purpose), cell index), candidate
/// tiles are merged in tile order and ranked by (score, cell index): identical at any thread count.
CaYearReport runCaYear(raster::ClassGrid& map, const CaInputs& in, const std::vector<std::int64_t>& demand,
                       int year, const CaOptions& options);

} // namespace xiongguan::simulate
