// Resources kept until the process ends (see cli::keepUntilExit).
#include "cli/commands.hpp"

#include <mutex>
#include <vector>

namespace xiongguan::cli {

namespace {
std::mutex g_mutex;
std::vector<std::shared_ptr<void>>& kept() {
    // Never destroyed: the point is that nothing here is freed on the way out.
    static auto* v = new std::vector<std::shared_ptr<void>>();
    return *v;
}
} // namespace

void keepUntilExit(std::shared_ptr<void> resources) {
    if (!resources) return;
    std::lock_guard<std::mutex> lock(g_mutex);
    kept().push_back(std::move(resources));
}

bool keptUntilExit() {
    std::lock_guard<std::mutex> lock(g_mutex);
    return !kept().empty();
}

} // namespace xiongguan::cli
