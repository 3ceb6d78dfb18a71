#pragma once

#include "raster/grid.hpp"
#include "vector/feature.hpp"

#include <string>
#include <vector>

namespace xiongguan::test {

/// Source tree root and the built `xiongguan` binary.
std::string sourceDir();
std::string binaryPath();

/// A fresh temporary folder, removed when the object dies.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

/// Parses an ASCII grid: rows separated by newlines, values by spaces.
/// `asciiGrid<int>("1 2\n3 4")` is 2x2 with (col 1, row 0) == 2.
template <typename T> raster::Grid<T> asciiGrid(const std::string& text);

/// A layer from WKT strings (geometry in the working CRS) with attribute columns.
/// `values[i]` are the attribute texts of feature i, in `fields` order ("" = null).
vector::VectorLayer layerFromWkt(const std::string& role, const std::vector<std::string>& wkts,
                                 const std::vector<std::string>& fields = {},
                                 const std::vector<std::vector<std::string>>& values = {});

/// Result of running the CLI.
struct CliResult {
    int exit_code = -1;
    std::string out; ///< stdout
    std::string err; ///< stderr
};
/// Runs `xiongguan <args>` (args are shell-quoted by the caller when needed).
CliResult runCli(const std::string& args);

/// Files (recursively, relative paths, sorted) under a folder.
std::vector<std::string> listFiles(const std::string& dir);

/// Writes a text file (parents created).
void writeFile(const std::string& path, const std::string& content);
std::string readFile(const std::string& path);

} // namespace xiongguan::test
