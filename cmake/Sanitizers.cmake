# DISTRICTCAST_SANITIZE: build every project target (random, models, engine, CLI, tests, benchmarks,
# fuzzers) with a sanitizer. "" (default) = none; "address" = AddressSanitizer + UndefinedBehaviorSanitizer
# (any UB report is fatal); "thread" = ThreadSanitizer. Used by `scripts/test --sanitize address|thread`
# (docs/development.md). The flags are global compile/link options, so sources with their own
# COMPILE_OPTIONS (the -mavx2/-mavx512 normal kernels) get them too; those options are appended after these.
set(DISTRICTCAST_SANITIZE "" CACHE STRING "Sanitizer build: empty, address (ASan+UBSan) or thread (TSan)")
set_property(CACHE DISTRICTCAST_SANITIZE PROPERTY STRINGS "" address thread)

if(DISTRICTCAST_SANITIZE STREQUAL "")
  return()
elseif(DISTRICTCAST_SANITIZE STREQUAL "address")
  set(_districtcast_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined)
elseif(DISTRICTCAST_SANITIZE STREQUAL "thread")
  set(_districtcast_sanitize_flags -fsanitize=thread)
else()
  message(FATAL_ERROR "DISTRICTCAST_SANITIZE must be empty, 'address' or 'thread' (got '${DISTRICTCAST_SANITIZE}')")
endif()

message(STATUS "districtcast: building with -fsanitize for '${DISTRICTCAST_SANITIZE}'")
add_compile_options(${_districtcast_sanitize_flags} -fno-omit-frame-pointer)
add_link_options(${_districtcast_sanitize_flags})
unset(_districtcast_sanitize_flags)
