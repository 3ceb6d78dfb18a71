// Placeholder so that the xg_scenario library exists before its first component lands.
namespace xiongguan::scenario {
const char* moduleName() { return "scenario"; }
} // namespace xiongguan::scenario
