#pragma once

#include "raster/grid.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
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
/// (e.g. wholly outside the study boundary, where cells never change) are not stored and read as 0,
/// so memory is 2 B per cell of the stored blocks only. An empty grid means the class cannot grow.
class SuitabilityGrid {
  public:
    static constexpr int kShift = 6;                 ///< blocks of 64×64 cells
    static constexpr int kSide = 1 << kShift;
    SuitabilityGrid() = default;
    /// Every block stored, values from `g`.
    explicit SuitabilityGrid(const raster::Grid<std::uint16_t>& g);
    /// Blocks with used[b] != 0 stored (zero-filled), b = (y >> kShift) * blockCols(cols) + (x >> kShift).
    SuitabilityGrid(int cols, int rows, const std::vector<char>& used);
    static int blockCols(int cols) { return (cols + kSide - 1) >> kShift; }
    bool empty() const { return m_cols == 0; }
    int cols() const { return m_cols; }
    int rows() const { return m_rows; }
    std::uint16_t at(int x, int y) const {
        const std::int32_t b = m_block[static_cast<size_t>(y >> kShift) * m_bcols + (x >> kShift)];
        return b < 0 ? std::uint16_t(0)
                     : m_data[(static_cast<size_t>(b) << (2 * kShift)) + ((y & (kSide - 1)) << kShift) + (x & (kSide - 1))];
    }
    /// The same as at(x, y) with block = (y >> kShift) * blockCols + (x >> kShift) and inner =
    /// ((y & (kSide - 1)) << kShift) + (x & (kSide - 1)) computed once for several classes.
    std::uint16_t atBlock(size_t block, int inner) const {
        const std::int32_t b = m_block[block];
        return b < 0 ? std::uint16_t(0) : m_data[(static_cast<size_t>(b) << (2 * kShift)) + inner];
    }
    /// Writable cell; nullptr when its block is not stored.
    std::uint16_t* cell(int x, int y) {
        const std::int32_t b = m_block[static_cast<size_t>(y >> kShift) * m_bcols + (x >> kShift)];
        return b < 0 ? nullptr
                     : &m_data[(static_cast<size_t>(b) << (2 * kShift)) + ((y & (kSide - 1)) << kShift) + (x & (kSide - 1))];
    }
    std::size_t storedCells() const { return m_data.size(); }

  private:
    int m_cols = 0, m_rows = 0, m_bcols = 0;
    std::vector<std::int32_t> m_block; ///< block -> stored block number, -1 = not stored
    std::vector<std::uint16_t> m_data; ///< stored blocks, kSide² cells each, row-major inside a block
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
