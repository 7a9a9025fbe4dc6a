#pragma once
// A minimal Value Change Dump writer (IEEE 1364 section 18), for traces of
// model state that SystemC's sc_trace cannot see: the datapath advances many
// cycles inside one process activation, so it reports cycle by cycle itself.
// Viewable in GTKWave.

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "hw/trace/signal_trace.h"

namespace planaria {

class VcdWriter : public SignalTrace {
public:
    /// Opens `path`; `timescale_ps` is the time unit of change() timestamps.
    VcdWriter(const std::string& path, const std::string& top_scope, unsigned timescale_ps = 1);
    ~VcdWriter() override;

    /// Declares a variable (before the first change); returns its handle.
    unsigned declare(const std::string& scope, const std::string& name, unsigned width) override;
    /// Records the value of a variable at time `t` (non-decreasing); only changes are written.
    void change(std::uint64_t t, unsigned var, std::uint64_t value) override;
    /// Completes the file: written beside its name, checked, renamed into
    /// place. Throws std::runtime_error naming the file when a write failed.
    void close();

    bool ok() const { return static_cast<bool>(out_); }
    const std::string& path() const { return path_; }

private:
    struct Var { std::string scope, name, id; unsigned width; std::uint64_t value; bool written; };
    void header();
    std::string path_, aside_, top_;
    unsigned timescale_ps_;
    std::ofstream out_;
    std::vector<Var> vars_;
    bool started_ = false, closed_ = false;
    std::uint64_t now_ = 0;
};

}  // namespace planaria
