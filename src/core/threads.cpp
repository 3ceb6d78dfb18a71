#include "core/threads.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>

namespace xiongguan::core {

ThreadLimit::ThreadLimit(int threads)
    : m_threads(threads > 0 ? threads : tbb::info::default_concurrency()),
      m_control(new tbb::global_control(tbb::global_control::max_allowed_parallelism,
                                        static_cast<size_t>(m_threads)),
                [](void* p) { delete static_cast<tbb::global_control*>(p); }) {}

ThreadLimit::~ThreadLimit() = default;

int activeThreads() {
    return static_cast<int>(
        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

} // namespace xiongguan::core
