#pragma once
// Where the planaria command finds the scenarios it ships (workloads,
// architectures, the model zoo) when a command line does not name a file:
//
//   1. $PLANARIA_DATA (a directory holding scenarios/);
//   2. the installation the executable belongs to: <bindir>/../share/planaria
//      (`cmake --install` puts the scenarios there), found from the
//      executable's own path, so an installed tree can be moved;
//   3. the build tree: <build>/share/planaria, which the build links to the
//      source tree's scenarios.
//
// The executable knows nothing else of the source tree. A file named on the
// command line is used as named; a bare scenario name (workload-c.yaml) not
// found there is looked up as scenarios/<name> in the places above.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace planaria::cli {

/// A file the command needs is nowhere it looked (a usage error: exit 2).
class DataFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The data directories in the order they are searched (existing or not).
std::vector<std::filesystem::path> data_directories();

/// `relative` (e.g. "scenarios/workload-c.yaml") in the first data directory
/// that has it; throws DataFileError naming every place it looked.
std::filesystem::path data_file(const std::string& relative);

/// A file the user named: as given if it exists (or is absolute), else
/// scenarios/<named> in the data directories (throws, naming every place it
/// looked): `planaria run workload-c.yaml --arch arch/monolithic.yaml` works
/// from any directory.
std::string scenario_file(const std::string& named);

}  // namespace planaria::cli
