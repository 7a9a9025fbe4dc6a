#pragma once
// Compiled models kept on disk for the processes of one run: a run and the
// tile-level runs it starts as child processes (its confirmation) compile
// each model once; compiling the zoo with its instruction streams takes
// seconds per model, reading its bundle back a fraction of that.
//
// A bundle is found under a key over everything that shapes it: the fully
// expanded architecture, the model file's text, the input overrides, the
// compile options, and this executable (another build of the compiler may
// emit other streams). Bundles are written aside and renamed into place, so
// processes sharing the folder never read a partial one; an unreadable
// bundle is compiled again.

#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "compiler/model.h"
#include "hw/bundle/bundle.h"
#include "hw/config/arch_config.h"

namespace planaria {

class BundleCache {
public:
    /// `folder` must exist.
    explicit BundleCache(std::string folder);
    const std::string& folder() const { return folder_; }

    /// The bundle of the model in `model_file` (with `inputs`) for `arch`
    /// under `options`: read back when this cache holds it, else compiled and
    /// stored. Throws what compiling throws, and BundleError when the bundle
    /// cannot be stored.
    Bundle get(const ArchConfig& arch, const CompileOptions& options, const std::string& model_file,
               const std::vector<InputOverride>& inputs) const;

    /// Where get() keeps that bundle.
    std::string path(const ArchConfig& arch, const CompileOptions& options, const std::string& model_file,
                     const std::vector<InputOverride>& inputs) const;

private:
    /// path() of the architecture whose expanded YAML is `arch_yaml`.
    std::string path_for(const std::string& arch_yaml, const CompileOptions& options, const std::string& model_file,
                         const std::vector<InputOverride>& inputs) const;
    std::string folder_;
};

}  // namespace planaria
