#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace xiongguan::core {

/// Percent progress on stderr from an atomic counter. On a terminal it redraws one line;
/// otherwise it prints one line per 10 %. Safe to call `advance` from many threads.
/// Silent when the log level is below Info.
class Progress {
  public:
    Progress(std::string label, std::uint64_t total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    /// Adds `n` done units.
    void advance(std::uint64_t n = 1);
    /// Marks the task complete (prints 100 % once).
    void finish();

  private:
    void print(int percent);
    std::string m_label;
    std::uint64_t m_total;
    std::atomic<std::uint64_t> m_done{0};
    std::atomic<int> m_last_percent{-1};
    bool m_tty;
    bool m_enabled;
    bool m_finished = false;
    std::mutex m_mutex;
};

} // namespace xiongguan::core
