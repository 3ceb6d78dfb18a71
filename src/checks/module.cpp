// Placeholder so that the xg_checks library exists before its first component lands.
namespace xiongguan::checks {
const char* moduleName() { return "checks"; }
} // namespace xiongguan::checks
