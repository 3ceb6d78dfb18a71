#include "vector/feature.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace xiongguan::vector {

namespace {
bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

GEOSGeometry* makeBox(GEOSContextHandle_t h, const Envelope& e) {
    return GEOSGeom_createRectangle_r(h, e.minx, e.miny, e.maxx, e.maxy);
}
} // namespace

int VectorLayer::fieldIndex(const std::string& name) const {
    for (size_t i = 0; i < fields.size(); ++i)
        if (iequals(fields[i], name)) return static_cast<int>(i);
    return -1;
}

int VectorLayer::requireField(const std::string& name) const {
    int i = fieldIndex(name);
    if (i < 0) {
        std::string have;
        for (const auto& f : fields) have += (have.empty() ? "" : ", ") + f;
        throw InputError(path + ": layer '" + role + "' has no field '" + name + "' (fields: " + have + ")");
    }
    return i;
}

std::optional<std::string> VectorLayer::value(size_t feature, int field) const {
    if (field < 0) return std::nullopt;
    const auto& v = features.at(feature).values;
    if (static_cast<size_t>(field) >= v.size()) return std::nullopt;
    return v[static_cast<size_t>(field)];
}

std::optional<double> VectorLayer::number(size_t feature, int field) const {
    auto v = value(feature, field);
    if (!v || v->empty()) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(v->c_str(), &end);
    while (end && *end == ' ') ++end;
    if (end == v->c_str() || (end && *end != '\0'))
        throw InputError(path + ": layer '" + role + "' feature " + std::to_string(features[feature].fid) +
                         " field '" + fields[static_cast<size_t>(field)] + "': '" + *v +
                         "' is not a number");
    return d;
}

EnvelopeIndex::EnvelopeIndex(const std::vector<Envelope>& envelopes)
    : m_envelopes(envelopes), m_ctx(std::make_unique<Context>()) {
    GEOSContextHandle_t h = m_ctx->handle();
    m_tree = GEOSSTRtree_create_r(h, 10);
    if (!m_tree) throw GeometryError("GEOS STRtree create failed");
    for (size_t i = 0; i < m_envelopes.size(); ++i) {
        GEOSGeometry* box = makeBox(h, m_envelopes[i]);
        // The item is the feature index itself, stored in the pointer.
        GEOSSTRtree_insert_r(h, m_tree, box, reinterpret_cast<void*>(i + 1));
        GEOSGeom_destroy_r(h, box);
    }
    // GEOS builds the tree lazily on the first query; build it now, on this thread, so later
    // concurrent queries only read.
    GEOSGeometry* probe = GEOSGeom_createRectangle_r(h, 0, 0, 0, 0);
    GEOSSTRtree_query_r(h, m_tree, probe, [](void*, void*) {}, nullptr);
    GEOSGeom_destroy_r(h, probe);
}

EnvelopeIndex::~EnvelopeIndex() {
    if (m_tree) GEOSSTRtree_destroy_r(m_ctx->handle(), m_tree);
}

std::vector<size_t> EnvelopeIndex::query(const Envelope& e) const {
    std::vector<size_t> out;
    Context& ctx = threadContext();
    GEOSGeometry* box = makeBox(ctx.handle(), e);
    GEOSSTRtree_query_r(
        ctx.handle(), m_tree, box,
        [](void* item, void* user) {
            static_cast<std::vector<size_t>*>(user)->push_back(reinterpret_cast<size_t>(item) - 1);
        },
        &out);
    GEOSGeom_destroy_r(ctx.handle(), box);
    std::sort(out.begin(), out.end());
    // The tree tests envelopes; re-test exactly so that callers get what they asked for.
    out.erase(std::remove_if(out.begin(), out.end(), [&](size_t i) { return !m_envelopes[i].intersects(e); }),
              out.end());
    return out;
}

} // namespace xiongguan::vector
