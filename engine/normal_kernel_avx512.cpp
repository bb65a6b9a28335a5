// The avx512 build of the normal kernel (see normal_kernel.inc and engine/CMakeLists.txt for its flags).
#include "engine/normal_kernel.hpp"

#define DISTRICTCAST_NORMAL_KERNEL normal_kernel_avx512
#include "engine/normal_kernel.inc"
