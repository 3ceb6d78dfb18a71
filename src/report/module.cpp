// Placeholder so that the xg_report library exists before its first component lands.
namespace xiongguan::report {
const char* moduleName() { return "report"; }
} // namespace xiongguan::report
