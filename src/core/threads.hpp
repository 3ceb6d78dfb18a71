#pragma once

#include <memory>

namespace xiongguan::core {

/// Applies the `--threads` knob once for the process with `tbb::global_control`.
/// 0 means hardware concurrency. Keep the returned object alive for the whole run.
class ThreadLimit {
  public:
    explicit ThreadLimit(int threads);
    ~ThreadLimit();
    int threads() const { return m_threads; }

  private:
    int m_threads;
    std::unique_ptr<void, void (*)(void*)> m_control;
};

/// Hardware concurrency as TBB sees it (respects the active ThreadLimit).
int activeThreads();

} // namespace xiongguan::core
