#pragma once
// The sc_object hierarchy of an elaborated model, as text: every module with
// its C++ type, every TLM-2.0 socket with what it is bound to (initiator
// sockets name the target sockets they reach, target sockets the initiator
// sockets that reach them). Runs of sibling modules of the same type and
// shape (a subarray's 1,024 PEs) are shown by their first member and a count
// unless `expand`.
//
// Call after elaboration (sc_start(SC_ZERO_TIME)): port bindings are
// resolved at its end.

#include <cstddef>
#include <string>
#include <vector>

#include <systemc>

namespace planaria {

struct ModuleTree {
    std::string text;
    std::size_t modules = 0, sockets = 0;
    std::vector<std::string> unbound;  ///< full names of the sockets nothing is bound to
};

ModuleTree module_tree(const sc_core::sc_object& root, bool expand = false);

}  // namespace planaria
