#include "support/support.hpp"

#include "vector/geos.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace xiongguan::test {

namespace fs = std::filesystem;

std::string sourceDir() { return XG_SOURCE_DIR; }
std::string binaryPath() { return XG_BINARY; }

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "xg-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    m_path = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

template <typename T> raster::Grid<T> asciiGrid(const std::string& text) {
    std::vector<std::vector<double>> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::vector<double> row;
        double v;
        while (ls >> v) row.push_back(v);
        if (!row.empty()) rows.push_back(row);
    }
    if (rows.empty()) return {};
    const int cols = static_cast<int>(rows[0].size());
    raster::Grid<T> g(cols, static_cast<int>(rows.size()));
    for (size_t r = 0; r < rows.size(); ++r) {
        if (static_cast<int>(rows[r].size()) != cols) throw std::runtime_error("ragged ASCII grid");
        for (int c = 0; c < cols; ++c) g.at(c, static_cast<int>(r)) = static_cast<T>(rows[r][static_cast<size_t>(c)]);
    }
    return g;
}
template raster::Grid<int> asciiGrid<int>(const std::string&);
template raster::Grid<std::uint8_t> asciiGrid<std::uint8_t>(const std::string&);
template raster::Grid<std::uint16_t> asciiGrid<std::uint16_t>(const std::string&);
template raster::Grid<float> asciiGrid<float>(const std::string&);
template raster::Grid<double> asciiGrid<double>(const std::string&);

vector::VectorLayer layerFromWkt(const std::string& role, const std::vector<std::string>& wkts,
                                 const std::vector<std::string>& fields,
                                 const std::vector<std::vector<std::string>>& values) {
    vector::VectorLayer layer;
    layer.role = role;
    layer.path = "(test:" + role + ")";
    layer.fields = fields;
    auto& ctx = vector::threadContext();
    for (size_t i = 0; i < wkts.size(); ++i) {
        vector::Feature f;
        f.fid = static_cast<std::int64_t>(i);
        if (!wkts[i].empty()) {
            auto g = vector::fromWkt(ctx, wkts[i]);
            f.wkb = vector::toWkb(ctx, g.get());
            f.env = vector::envelope(ctx, g.get());
        }
        f.values.resize(fields.size());
        if (i < values.size())
            for (size_t j = 0; j < fields.size() && j < values[i].size(); ++j)
                if (!values[i][j].empty()) f.values[j] = values[i][j];
        layer.features.push_back(std::move(f));
    }
    return layer;
}

CliResult runCli(const std::string& args) {
    CliResult r;
    fs::path errfile = fs::temp_directory_path() / ("xg-cli-err-" + std::to_string(::getpid()) + ".txt");
    const std::string cmd = "'" + binaryPath() + "' " + args + " 2>'" + errfile.string() + "'";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = readFile(errfile.string());
    std::error_code ec;
    fs::remove(errfile, ec);
    return r;
}

std::vector<std::string> listFiles(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

void writeFile(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace xiongguan::test
