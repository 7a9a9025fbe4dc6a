// Catch2 runner. libsystemc provides main() and calls sc_main, so the runner
// lives here. Each test case runs in its own process under ctest.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
