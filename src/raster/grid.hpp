#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace xiongguan::raster {

/// A north-up grid of square cells in the working CRS (metres).
/// `origin_x`, `origin_y` are the top-left corner of cell (0, 0).
struct GridSpec {
    int cols = 0;
    int rows = 0;
    double origin_x = 0.0;  ///< left edge, m
    double origin_y = 0.0;  ///< top edge, m
    double cell_size_m = 10.0;
    std::string crs_wkt;    ///< WKT of the working CRS (may be empty in unit tests)

    std::int64_t cellCount() const { return static_cast<std::int64_t>(cols) * rows; }
    double cellArea_m2() const { return cell_size_m * cell_size_m; }
    double maxX() const { return origin_x + cols * cell_size_m; }
    double minY() const { return origin_y - rows * cell_size_m; }
    /// Centre of cell (col, row) in CRS units.
    double centreX(int col) const { return origin_x + (col + 0.5) * cell_size_m; }
    double centreY(int row) const { return origin_y - (row + 0.5) * cell_size_m; }
    /// Column / row containing a CRS coordinate (may be outside [0, cols)).
    int colOf(double x) const { return static_cast<int>(std::floor((x - origin_x) / cell_size_m)); }
    int rowOf(double y) const { return static_cast<int>(std::floor((origin_y - y) / cell_size_m)); }
    bool contains(int col, int row) const { return col >= 0 && row >= 0 && col < cols && row < rows; }
    /// GDAL geotransform (6 values).
    void geoTransform(double gt[6]) const {
        gt[0] = origin_x; gt[1] = cell_size_m; gt[2] = 0.0;
        gt[3] = origin_y; gt[4] = 0.0; gt[5] = -cell_size_m;
    }
    /// True when both grids have the same size and geotransform (within 1e-6 m).
    bool sameGrid(const GridSpec& o) const {
        return cols == o.cols && rows == o.rows && std::abs(origin_x - o.origin_x) < 1e-6 &&
               std::abs(origin_y - o.origin_y) < 1e-6 && std::abs(cell_size_m - o.cell_size_m) < 1e-9;
    }
};

/// Row-major in-memory raster. Cell (col, row) is at index row * cols + col.
template <typename T> class Grid {
  public:
    Grid() = default;
    Grid(int cols, int rows, T fill = T{})
        : m_cols(cols), m_rows(rows), m_data(static_cast<size_t>(cols) * rows, fill) {}

    int cols() const { return m_cols; }
    int rows() const { return m_rows; }
    size_t size() const { return m_data.size(); }
    T& at(int col, int row) { return m_data[static_cast<size_t>(row) * m_cols + col]; }
    const T& at(int col, int row) const { return m_data[static_cast<size_t>(row) * m_cols + col]; }
    T& operator[](size_t i) { return m_data[i]; }
    const T& operator[](size_t i) const { return m_data[i]; }
    T* data() { return m_data.data(); }
    const T* data() const { return m_data.data(); }
    std::vector<T>& values() { return m_data; }
    const std::vector<T>& values() const { return m_data; }
    bool operator==(const Grid& o) const = default;

  private:
    int m_cols = 0;
    int m_rows = 0;
    std::vector<T> m_data;
};

/// Class rasters hold the integer value of the class code ("1401" -> 1401, "0101" -> 101);
/// 0 is nodata (outside the study area).
using ClassGrid = Grid<std::uint16_t>;
inline constexpr std::uint16_t kClassNodata = 0;

/// A rectangular window of a grid: [col0, col0+cols) x [row0, row0+rows).
struct Window {
    int col0 = 0;
    int row0 = 0;
    int cols = 0;
    int rows = 0;
};

/// Splits a grid into row-major windows of at most tile x tile cells (partial edge windows).
std::vector<Window> makeWindows(int cols, int rows, int tile = 512);

} // namespace xiongguan::raster
