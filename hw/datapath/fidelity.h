#pragma once
// How faithfully a chip instance executes its tiles (a constructor argument
// of the chip, never a global switch):
//
//  - tile: a tile takes the closed-form cycles of hw/timing/tile_timing.h and,
//    in functional runs, computes its values as plain C++ arithmetic; the
//    PE modules are not elaborated and Pod Memory is never allocated;
//  - cycle: every tile runs on the datapath modules cycle by cycle, values
//    flowing through the PEs, the ring-bus pipeline registers, the crossbars,
//    the SIMD segments and Pod Memory, and the cycles it took are checked
//    against the closed form.

#include <optional>
#include <string>

namespace planaria {

enum class Fidelity { Tile, Cycle };

inline const char* to_string(Fidelity f) { return f == Fidelity::Cycle ? "cycle" : "tile"; }

inline std::optional<Fidelity> parse_fidelity(const std::string& s) {
    if (s == "tile") return Fidelity::Tile;
    if (s == "cycle") return Fidelity::Cycle;
    return std::nullopt;
}

}  // namespace planaria
