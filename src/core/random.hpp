#pragma once

#include <cstdint>

namespace xiongguan::core {

/// SplitMix64 finaliser: a strong 64-bit mixing function.
inline std::uint64_t mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// Counter-based random numbers: the value depends only on (seed, stream, counter), never on the
/// thread or the order of calls, so results are identical at any thread count.
inline std::uint64_t counterHash(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
    return mix64(mix64(seed ^ mix64(stream)) ^ counter);
}

/// Uniform double in [0, 1) from (seed, stream, counter).
inline double uniform01(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
    return static_cast<double>(counterHash(seed, stream, counter) >> 11) * 0x1.0p-53;
}

/// Stable 64-bit hash of a string (FNV-1a then mixed): for run ids and seeds.
inline std::uint64_t hashString(const char* s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (; *s; ++s) h = (h ^ static_cast<unsigned char>(*s)) * 1099511628211ULL;
    return mix64(h);
}

} // namespace xiongguan::core
