#include "core/progress.hpp"

#include "core/log.hpp"

#include <cstdio>
#include <unistd.h>

namespace xiongguan::core {

Progress::Progress(std::string label, std::uint64_t total)
    : m_label(std::move(label)), m_total(total == 0 ? 1 : total), m_tty(isatty(STDERR_FILENO) != 0),
      m_enabled(logLevel() >= LogLevel::Info) {}

Progress::~Progress() {
    if (!m_finished && m_done.load() >= m_total) finish();
}

void Progress::advance(std::uint64_t n) {
    if (!m_enabled) return;
    const std::uint64_t done = m_done.fetch_add(n) + n;
    const int percent = static_cast<int>(done * 100 / m_total);
    const int step = m_tty ? 1 : 10;
    int last = m_last_percent.load();
    const int mark = percent / step * step;
    while (mark > last) {
        if (m_last_percent.compare_exchange_weak(last, mark)) {
            print(mark);
            break;
        }
    }
}

void Progress::finish() {
    if (!m_enabled || m_finished) return;
    m_finished = true;
    if (m_last_percent.load() < 100) print(100);
    if (m_tty) {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::fputs("\n", stderr);
    }
}

void Progress::print(int percent) {
    if (percent > 100) percent = 100;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_tty) {
        const int width = 30;
        const int filled = percent * width / 100;
        std::string bar(static_cast<size_t>(filled), '#');
        bar.append(static_cast<size_t>(width - filled), '.');
        std::fprintf(stderr, "\r[%s] %s %3d%%", m_label.c_str(), bar.c_str(), percent);
    } else {
        std::fprintf(stderr, "[%s] %d%%\n", m_label.c_str(), percent);
    }
    std::fflush(stderr);
}

} // namespace xiongguan::core
