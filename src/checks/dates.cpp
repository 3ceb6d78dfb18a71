#include "checks/dates.hpp"

#include <cstdio>

namespace xiongguan::checks {

namespace {
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int daysIn(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}
} // namespace

std::string Date::str() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

std::optional<Date> parseDate(const std::string& t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
    for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (t[i] < '0' || t[i] > '9') return std::nullopt;
    Date d;
    d.year = std::stoi(t.substr(0, 4));
    d.month = std::stoi(t.substr(5, 2));
    d.day = std::stoi(t.substr(8, 2));
    if (d.year < 1900 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysIn(d.year, d.month))
        return std::nullopt;
    return d;
}

Date addYears(const Date& d, int years) {
    Date r{d.year + years, d.month, d.day};
    if (r.month == 2 && r.day == 29 && !leap(r.year)) r.day = 28;
    return r;
}

int fullYears(const Date& from, const Date& to) {
    if (to < from) return 0;
    int n = to.year - from.year;
    while (n > 0 && to < addYears(from, n)) --n;
    return n;
}

} // namespace xiongguan::checks
