#include "engine/quantile_names.hpp"

#include <fmt/format.h>

namespace districtcast {

std::string quantile_column_name(double q) { return fmt::format("p{:.10g}", q * 100.0); }

}  // namespace districtcast
