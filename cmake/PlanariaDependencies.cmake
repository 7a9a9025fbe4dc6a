# Finds the libraries the planaria library is built on and makes sure the
# imported target SystemC::systemc exists. Used by the build and, installed,
# by planariaConfig.cmake, so that consumers resolve the same dependencies.
#
# Debian ships SystemC with pkg-config files only (no CMake package), so the
# Accellera CMake package is tried first and pkg-config is the fallback.

if(NOT TARGET SystemC::systemc)
  find_package(SystemCLanguage CONFIG QUIET)
endif()
if(NOT TARGET SystemC::systemc)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PLANARIA_SYSTEMC REQUIRED IMPORTED_TARGET GLOBAL systemc)
  add_library(SystemC::systemc ALIAS PkgConfig::PLANARIA_SYSTEMC)
endif()

find_package(yaml-cpp REQUIRED)
# Header-only; testbench/metrics.h (installed) includes it.
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)
