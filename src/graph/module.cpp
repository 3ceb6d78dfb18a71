// Placeholder so that the xg_graph library exists before its first component lands.
namespace xiongguan::graph {
const char* moduleName() { return "graph"; }
} // namespace xiongguan::graph
