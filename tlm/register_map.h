#pragma once
// The host-visible register map and the bit encodings of the reconfiguration
// state: defined here once and documented in README.md ("Register map").
//
// All registers are 32 bits wide, little-endian, and accessed with aligned
// 4-byte transactions only. Bits not named here are reserved: they read as 0
// and a write that sets one is refused.

#include <cstddef>
#include <cstdint>

namespace planaria::regmap {

// ---------------------------------------------------------------------------
// Reconfiguration state of one subarray (paper, Section IV-C): 6 bits.
//   bit 0      activation direction: 0 = west to east, 1 = east to west
//   bit 1      partial-sum direction: 0 = north to south, 1 = south to north
//   bits 2..5  neighbour links N, E, S, W switched on
// ---------------------------------------------------------------------------
constexpr unsigned kSubarrayStateBits = 6;
constexpr std::uint32_t kSubarrayStateMask = (1u << kSubarrayStateBits) - 1;
constexpr std::uint32_t kActivationWestward = 1u << 0;
constexpr std::uint32_t kPartialSumNorthward = 1u << 1;
constexpr unsigned kLinkShift = 2;

/// The four neighbour sides, in the order of their link bits.
enum class Side : unsigned { North = 0, East = 1, South = 2, West = 3 };
constexpr unsigned kSides = 4;
constexpr std::uint32_t link_bit(Side s) { return 1u << (kLinkShift + static_cast<unsigned>(s)); }
constexpr Side opposite(Side s) { return static_cast<Side>((static_cast<unsigned>(s) + 2) % 4); }
constexpr const char* side_name(Side s) {
    return s == Side::North ? "north" : s == Side::East ? "east" : s == Side::South ? "south" : "west";
}

// ---------------------------------------------------------------------------
// Pod Memory crossbar state of one Fission Pod: for each of the pod's n
// subarrays a selector of ceil(log2 n) bits (2 bits for 4 subarrays: the
// paper's 8 bits per pod). Selector i names the Pod Memory buffer pair
// (activation buffer read through the activation crossbar, output buffer
// written through the output crossbar) that subarray i of the pod uses when
// its logical array reads from or writes to Pod Memory. Reset: identity.
// Up to two 32-bit words per pod.
// ---------------------------------------------------------------------------
constexpr unsigned kCrossbarWords = 2;

// ---------------------------------------------------------------------------
// Address map (byte offsets from the accelerator's base address).
// ---------------------------------------------------------------------------
constexpr std::uint64_t kId = 0x0000;          ///< RO  'PLNR' = 0x504C4E52
constexpr std::uint64_t kVersion = 0x0004;     ///< RO  major<<16 | minor<<8 | patch
constexpr std::uint64_t kGeometry = 0x0008;    ///< RO  see kGeometry* fields
constexpr std::uint64_t kControl = 0x0010;     ///< RW  commands, self-clearing, read as 0
constexpr std::uint64_t kStatus = 0x0014;      ///< RO  see kStatus* bits
constexpr std::uint64_t kError = 0x0018;       ///< RO  last refused commit (kError* fields)
constexpr std::uint64_t kNextError = 0x001C;   ///< RO  first rule the next state breaks now
constexpr std::uint64_t kCommitCount = 0x0020; ///< RO  successful commits since reset

constexpr std::uint32_t kIdValue = 0x504C4E52;

// GEOMETRY fields
constexpr unsigned kGeometrySubarraysShift = 0;  ///< [7:0]   subarray count
constexpr unsigned kGeometryPodsShift = 8;       ///< [15:8]  Fission Pod count
constexpr unsigned kGeometryGridRowsShift = 16;  ///< [23:16] subarray grid rows
constexpr unsigned kGeometryGridColsShift = 24;  ///< [31:24] subarray grid columns

// CONTROL bits (write 1 to act)
constexpr std::uint32_t kControlCommit = 1u << 0;      ///< commit next state at the next tile boundary
constexpr std::uint32_t kControlAbort = 1u << 1;       ///< withdraw a pending commit
constexpr std::uint32_t kControlClearError = 1u << 2;  ///< clear ERROR
constexpr std::uint32_t kControlMask = 0x7;

// STATUS bits
constexpr std::uint32_t kStatusNextValid = 1u << 0;      ///< the next state is realisable
constexpr std::uint32_t kStatusCommitPending = 1u << 1;  ///< a commit waits for a tile boundary
constexpr std::uint32_t kStatusError = 1u << 2;          ///< ERROR holds a refused commit
constexpr unsigned kStatusArraysShift = 8;               ///< [15:8] logical arrays now formed

// ERROR / NEXT_ERROR fields: [7:0] code, [15:8] unit (subarray or pod), [19:16] side
constexpr unsigned kErrorCodeShift = 0;
constexpr unsigned kErrorUnitShift = 8;
constexpr unsigned kErrorSideShift = 16;

// Per-subarray reconfiguration registers: base + stride * subarray
constexpr std::uint64_t kSubarrayBase = 0x0100;
constexpr std::uint64_t kSubarrayStride = 0x8;
constexpr std::uint64_t kSubarrayCurrent = 0x0;  ///< RO  current state (6 bits)
constexpr std::uint64_t kSubarrayNext = 0x4;     ///< RW  next state (6 bits)
constexpr unsigned kMaxSubarrays = 64;

// Per-pod crossbar registers: base + stride * pod
constexpr std::uint64_t kPodBase = 0x0400;
constexpr std::uint64_t kPodStride = 0x10;
constexpr std::uint64_t kPodCrossbarCurrent = 0x0;  ///< RO  word 0, 1 at +0x0, +0x4
constexpr std::uint64_t kPodCrossbarNext = 0x8;     ///< RW  word 0, 1 at +0x8, +0xC
constexpr unsigned kMaxPods = 16;

constexpr std::uint64_t kReconfigurationEnd = kPodBase + kPodStride * kMaxPods;  ///< 0x0500

// ---------------------------------------------------------------------------
// Accelerator block (the chip-level model adds these to the map above).
// ---------------------------------------------------------------------------
constexpr std::uint64_t kIrqStatus = 0x0800;   ///< RW1C bit 0 completion, bit 1 error
constexpr std::uint64_t kIrqEnable = 0x0804;   ///< RW   same bits: which raise the interrupt line
constexpr std::uint64_t kDoneMask = 0x0808;    ///< RW1C bit i: sequencer i reached END (two words: 0x808, 0x80C)
constexpr std::uint64_t kChipCycles = 0x0810;  ///< RO   accelerator cycles since reset (low word; high at +4)
constexpr std::uint32_t kIrqCompletion = 1u << 0;
constexpr std::uint32_t kIrqError = 1u << 1;

// Per-subarray sequencer registers: base + stride * subarray
constexpr std::uint64_t kSequencerBase = 0x1000;
constexpr std::uint64_t kSequencerStride = 0x80;
constexpr std::uint64_t kSeqProgramLo = 0x00;  ///< RW  program base address, low word
constexpr std::uint64_t kSeqProgramHi = 0x04;  ///< RW  program base address, high word
constexpr std::uint64_t kSeqDoorbell = 0x08;   ///< RW  kDoorbellStart: start at the program base; kDoorbellResume: resume
                                               ///<     from the context (reads 0)
constexpr std::uint64_t kSeqStatus = 0x0C;     ///< RO  bit 0 busy, bit 1 done, bit 2 error, bit 3 parked at a tile boundary
constexpr std::uint64_t kSeqPc = 0x10;         ///< RO  index of the next instruction
constexpr std::uint64_t kSeqTenant = 0x14;     ///< RW  tenant id carried on the sequencer's memory traffic
constexpr std::uint64_t kSeqTiles = 0x18;      ///< RO  tiles computed
constexpr std::uint64_t kSeqLayer = 0x1C;      ///< RO  last layer boundary passed
constexpr std::uint64_t kSeqBusyLo = 0x20;     ///< RO  cycles the subarray computed, low word
constexpr std::uint64_t kSeqBusyHi = 0x24;
constexpr std::uint64_t kSeqBytesLo = 0x28;    ///< RO  bytes moved on the off-chip channel, low word
constexpr std::uint64_t kSeqBytesHi = 0x2C;
constexpr std::uint64_t kSeqError = 0x30;      ///< RO  why the sequencer stopped (kSeqError* codes)
constexpr std::uint64_t kSeqDataLo = 0x34;     ///< RW  data base: added to every data address of the program, low word
constexpr std::uint64_t kSeqDataHi = 0x38;     ///< RW  data base, high word
constexpr std::uint64_t kSeqPreempt = 0x3C;    ///< RW  write 1: stop at the next tile boundary and save the context (reads 0)
constexpr std::uint64_t kSeqContextLo = 0x40;  ///< RW  where the context is saved and resumed from, low word
constexpr std::uint64_t kSeqContextHi = 0x44;  ///< RW  context address, high word
constexpr std::uint64_t kSeqWeightsLo = 0x48;  ///< RW  weights base: added to every weight address of the program, low word
constexpr std::uint64_t kSeqWeightsHi = 0x4C;  ///< RW  weights base, high word

// DOORBELL values
constexpr std::uint32_t kDoorbellStart = 1;
/// Resume from the context: bits [15:8] hold how many of the tenant's
/// sequencers resume together (they re-form the tenant's logical arrays at a
/// barrier before going on).
constexpr std::uint32_t kDoorbellResume = 2;
constexpr unsigned kDoorbellPartiesShift = 8;

constexpr std::uint32_t kSeqStatusBusy = 1u << 0;
constexpr std::uint32_t kSeqStatusDone = 1u << 1;
constexpr std::uint32_t kSeqStatusError = 1u << 2;
constexpr std::uint32_t kSeqStatusParked = 1u << 3;
constexpr std::uint32_t kSeqStatusPreempted = 1u << 4;  ///< stopped by PREEMPT, context saved

constexpr std::uint32_t kSeqErrorNone = 0;
constexpr std::uint32_t kSeqErrorBadInstruction = 1;  ///< an opcode the sequencer does not know
constexpr std::uint32_t kSeqErrorMemory = 2;          ///< a fetch, load or store got an error response
constexpr std::uint32_t kSeqErrorTile = 3;            ///< a tile does not fit the logical array it runs on
constexpr std::uint32_t kSeqErrorConfiguration = 4;   ///< the configuration its tenant staged was refused
constexpr std::uint32_t kSeqErrorFunctional = 5;      ///< functional run: data the layer descriptor cannot place
constexpr std::uint32_t kSeqErrorAborted = 6;         ///< another sequencer of its tenant stopped on an error
constexpr std::uint32_t kSeqErrorDatapath = 7;        ///< cycle fidelity: the datapath could not run the tile

constexpr std::uint64_t sequencer(unsigned i, std::uint64_t reg) { return kSequencerBase + kSequencerStride * i + reg; }

constexpr std::uint64_t subarray_current(unsigned i) { return kSubarrayBase + kSubarrayStride * i + kSubarrayCurrent; }
constexpr std::uint64_t subarray_next(unsigned i) { return kSubarrayBase + kSubarrayStride * i + kSubarrayNext; }
constexpr std::uint64_t pod_crossbar_current(unsigned p, unsigned word = 0) { return kPodBase + kPodStride * p + kPodCrossbarCurrent + 4 * word; }
constexpr std::uint64_t pod_crossbar_next(unsigned p, unsigned word = 0) { return kPodBase + kPodStride * p + kPodCrossbarNext + 4 * word; }


// ---------------------------------------------------------------------------
// The map described for firmware and tools: each register's name, offset,
// access, writable bits, reset value and fields, next to the constants they
// come from. hw/regfile/register_description.h expands it for one
// architecture (its subarray and pod counts, the crossbar selectors' width)
// into planaria_regs.h and planaria_regs.json.
// ---------------------------------------------------------------------------
namespace description {

/// How software may access a register.
enum class Access {
    ReadOnly,         ///< a write is refused (TLM_COMMAND_ERROR_RESPONSE)
    ReadWrite,        ///< reads back what was written
    Command,          ///< a write acts; reads return 0
    WriteOneToClear,  ///< writing 1 to a bit clears it
};
constexpr const char* access_name(Access a) {
    return a == Access::ReadOnly    ? "read-only"
           : a == Access::ReadWrite ? "read-write"
           : a == Access::Command   ? "command"
                                    : "write-1-to-clear";
}

/// Where a register's reset value comes from.
enum class Reset {
    Value,         ///< the register's `reset`
    Version,       ///< the library's version (kVersion)
    Geometry,      ///< the architecture's counts (kGeometry)
    Status,        ///< next state valid, every subarray an array of its own
    FissionState,  ///< the reset fission state: links off, default directions (0)
    Crossbar,      ///< identity selectors: slot i uses buffer pair i
};

struct Field {
    const char* name;
    unsigned lsb, width;
    const char* meaning;
};

/// How many instances a block has.
enum class Count { One, Subarrays, Pods };

struct Register {
    const char* name;
    std::uint64_t offset;    ///< in its block
    Access access;
    std::uint32_t writable;  ///< bits a write may set (0: read-only; pods: the architecture's selector bits)
    Reset reset_kind;
    std::uint32_t reset;     ///< with Reset::Value
    const char* meaning;
    const Field* fields;
    std::size_t field_count;
    bool second_crossbar_word = false;  ///< exists only where the selectors take more than 32 bits
};

struct Block {
    const char* name;
    std::uint64_t base, stride;
    Count count;
    const Register* registers;
    std::size_t register_count;
    const char* meaning;
};

template <std::size_t N>
constexpr std::size_t size(const Field (&)[N]) { return N; }
template <std::size_t N>
constexpr std::size_t size(const Register (&)[N]) { return N; }

inline constexpr Field kVersionFields[] = {{"PATCH", 0, 8, "patch version"},
                                           {"MINOR", 8, 8, "minor version"},
                                           {"MAJOR", 16, 8, "major version"}};
inline constexpr Field kGeometryFields[] = {
    {"SUBARRAYS", kGeometrySubarraysShift, 8, "subarray count"},
    {"PODS", kGeometryPodsShift, 8, "Fission Pod count"},
    {"GRID_ROWS", kGeometryGridRowsShift, 8, "rows of the subarray grid"},
    {"GRID_COLS", kGeometryGridColsShift, 8, "columns of the subarray grid"}};
inline constexpr Field kControlFields[] = {
    {"COMMIT", 0, 1, "commit the next state at the next tile boundary"},
    {"ABORT", 1, 1, "withdraw a pending commit"},
    {"CLEAR_ERROR", 2, 1, "clear ERROR"}};
inline constexpr Field kStatusFields[] = {
    {"NEXT_VALID", 0, 1, "the next state is realisable"},
    {"COMMIT_PENDING", 1, 1, "a commit waits for a tile boundary"},
    {"ERROR", 2, 1, "ERROR holds a refused commit"},
    {"ARRAYS", kStatusArraysShift, 8, "logical arrays formed now"}};
inline constexpr Field kErrorFields[] = {
    {"CODE", kErrorCodeShift, 8, "the rule broken (0: none; see the values in planaria_regs.json)"},
    {"UNIT", kErrorUnitShift, 8, "the subarray (or pod, for a selector) concerned"},
    {"SIDE", kErrorSideShift, 4, "the link side concerned: 0 north, 1 east, 2 south, 3 west"}};
inline constexpr Field kSubarrayStateFields[] = {
    {"ACTIVATION_WESTWARD", 0, 1, "activations flow east to west (else west to east)"},
    {"PARTIAL_SUM_NORTHWARD", 1, 1, "partial sums flow south to north (else north to south)"},
    {"LINK_NORTH", kLinkShift + 0, 1, "the link to the northern neighbour is on"},
    {"LINK_EAST", kLinkShift + 1, 1, "the link to the eastern neighbour is on"},
    {"LINK_SOUTH", kLinkShift + 2, 1, "the link to the southern neighbour is on"},
    {"LINK_WEST", kLinkShift + 3, 1, "the link to the western neighbour is on"}};
inline constexpr Field kIrqFields[] = {{"COMPLETION", 0, 1, "a sequencer reached END"},
                                       {"ERROR", 1, 1, "a sequencer stopped on an error"}};
inline constexpr Field kDoorbellFields[] = {
    {"START", 0, 1, "start the program at PROGRAM"},
    {"RESUME", 1, 1, "resume from the context at CONTEXT"},
    {"PARTIES", kDoorbellPartiesShift, 8, "with RESUME: how many of the tenant's sequencers resume together"}};
inline constexpr Field kSeqStatusFields[] = {{"BUSY", 0, 1, "running a program"},
                                             {"DONE", 1, 1, "the program reached END"},
                                             {"ERROR", 2, 1, "stopped on an error (see ERROR)"},
                                             {"PARKED", 3, 1, "stopped at a tile boundary for a reconfiguration"},
                                             {"PREEMPTED", 4, 1, "stopped by PREEMPT, its context saved"}};
inline constexpr Field kPreemptFields[] = {{"REQUEST", 0, 1, "stop at the next tile boundary and save the context"}};

constexpr std::uint32_t kAll = 0xFFFF'FFFFu;

inline constexpr Register kReconfigurationRegisters[] = {
    {"ID", kId, Access::ReadOnly, 0, Reset::Value, kIdValue, "'PLNR'", nullptr, 0},
    {"VERSION", kVersion, Access::ReadOnly, 0, Reset::Version, 0, "the model's version", kVersionFields, size(kVersionFields)},
    {"GEOMETRY", kGeometry, Access::ReadOnly, 0, Reset::Geometry, 0, "the chip's counts", kGeometryFields, size(kGeometryFields)},
    {"CONTROL", kControl, Access::Command, kControlMask, Reset::Value, 0, "reconfiguration commands", kControlFields, size(kControlFields)},
    {"STATUS", kStatus, Access::ReadOnly, 0, Reset::Status, 0, "reconfiguration status", kStatusFields, size(kStatusFields)},
    {"ERROR", kError, Access::ReadOnly, 0, Reset::Value, 0, "the last refused commit", kErrorFields, size(kErrorFields)},
    {"NEXT_ERROR", kNextError, Access::ReadOnly, 0, Reset::Value, 0, "the first rule the next state breaks now", kErrorFields, size(kErrorFields)},
    {"COMMIT_COUNT", kCommitCount, Access::ReadOnly, 0, Reset::Value, 0, "successful commits since reset", nullptr, 0},
};
inline constexpr Register kSubarrayRegisters[] = {
    {"CURRENT", kSubarrayCurrent, Access::ReadOnly, 0, Reset::FissionState, 0, "the subarray's fission state now", kSubarrayStateFields, size(kSubarrayStateFields)},
    {"NEXT", kSubarrayNext, Access::ReadWrite, kSubarrayStateMask, Reset::FissionState, 0, "its state after the next commit", kSubarrayStateFields, size(kSubarrayStateFields)},
};
inline constexpr Register kPodRegisters[] = {
    {"CROSSBAR_CURRENT0", kPodCrossbarCurrent, Access::ReadOnly, 0, Reset::Crossbar, 0, "Pod Memory selectors now (low word)", nullptr, 0},
    {"CROSSBAR_CURRENT1", kPodCrossbarCurrent + 4, Access::ReadOnly, 0, Reset::Crossbar, 0, "Pod Memory selectors now (high word)", nullptr, 0, true},
    {"CROSSBAR_NEXT0", kPodCrossbarNext, Access::ReadWrite, kAll, Reset::Crossbar, 0, "selectors after the next commit (low word)", nullptr, 0},
    {"CROSSBAR_NEXT1", kPodCrossbarNext + 4, Access::ReadWrite, kAll, Reset::Crossbar, 0, "selectors after the next commit (high word)", nullptr, 0, true},
};
inline constexpr Register kAcceleratorRegisters[] = {
    {"IRQ_STATUS", kIrqStatus - kIrqStatus, Access::WriteOneToClear, kIrqCompletion | kIrqError, Reset::Value, 0, "pending interrupts", kIrqFields, size(kIrqFields)},
    {"IRQ_ENABLE", kIrqEnable - kIrqStatus, Access::ReadWrite, kIrqCompletion | kIrqError, Reset::Value, 0, "which raise the interrupt line", kIrqFields, size(kIrqFields)},
    {"DONE_MASK0", kDoneMask - kIrqStatus, Access::WriteOneToClear, kAll, Reset::Value, 0, "bit i: sequencer i reached END (0-31)", nullptr, 0},
    {"DONE_MASK1", kDoneMask + 4 - kIrqStatus, Access::WriteOneToClear, kAll, Reset::Value, 0, "bit i: sequencer 32 + i reached END", nullptr, 0},
    {"CHIP_CYCLES0", kChipCycles - kIrqStatus, Access::ReadOnly, 0, Reset::Value, 0, "accelerator cycles since reset, low word", nullptr, 0},
    {"CHIP_CYCLES1", kChipCycles + 4 - kIrqStatus, Access::ReadOnly, 0, Reset::Value, 0, "accelerator cycles since reset, high word", nullptr, 0},
};
inline constexpr Register kSequencerRegisters[] = {
    {"PROGRAM_LO", kSeqProgramLo, Access::ReadWrite, kAll, Reset::Value, 0, "program base address, low word", nullptr, 0},
    {"PROGRAM_HI", kSeqProgramHi, Access::ReadWrite, kAll, Reset::Value, 0, "program base address, high word", nullptr, 0},
    {"DOORBELL", kSeqDoorbell, Access::Command, kDoorbellStart | kDoorbellResume | 0xFF00u, Reset::Value, 0, "start or resume the program", kDoorbellFields, size(kDoorbellFields)},
    {"STATUS", kSeqStatus, Access::ReadOnly, 0, Reset::Value, 0, "the sequencer's state", kSeqStatusFields, size(kSeqStatusFields)},
    {"PC", kSeqPc, Access::ReadOnly, 0, Reset::Value, 0, "index of the next instruction", nullptr, 0},
    {"TENANT", kSeqTenant, Access::ReadWrite, kAll, Reset::Value, 0, "tenant id carried on its memory traffic", nullptr, 0},
    {"TILES", kSeqTiles, Access::ReadOnly, 0, Reset::Value, 0, "tiles computed", nullptr, 0},
    {"LAYER", kSeqLayer, Access::ReadOnly, 0, Reset::Value, 0, "last layer boundary passed", nullptr, 0},
    {"BUSY_LO", kSeqBusyLo, Access::ReadOnly, 0, Reset::Value, 0, "cycles the subarray computed, low word", nullptr, 0},
    {"BUSY_HI", kSeqBusyHi, Access::ReadOnly, 0, Reset::Value, 0, "cycles the subarray computed, high word", nullptr, 0},
    {"BYTES_LO", kSeqBytesLo, Access::ReadOnly, 0, Reset::Value, 0, "bytes moved on its off-chip channel, low word", nullptr, 0},
    {"BYTES_HI", kSeqBytesHi, Access::ReadOnly, 0, Reset::Value, 0, "bytes moved on its off-chip channel, high word", nullptr, 0},
    {"ERROR", kSeqError, Access::ReadOnly, 0, Reset::Value, 0, "why the sequencer stopped (see the values)", nullptr, 0},
    {"DATA_LO", kSeqDataLo, Access::ReadWrite, kAll, Reset::Value, 0, "data base added to the program's data addresses, low word", nullptr, 0},
    {"DATA_HI", kSeqDataHi, Access::ReadWrite, kAll, Reset::Value, 0, "data base, high word", nullptr, 0},
    {"PREEMPT", kSeqPreempt, Access::Command, 1, Reset::Value, 0, "preempt at the next tile boundary", kPreemptFields, size(kPreemptFields)},
    {"CONTEXT_LO", kSeqContextLo, Access::ReadWrite, kAll, Reset::Value, 0, "where the context is saved and resumed from, low word", nullptr, 0},
    {"CONTEXT_HI", kSeqContextHi, Access::ReadWrite, kAll, Reset::Value, 0, "context address, high word", nullptr, 0},
    {"WEIGHTS_LO", kSeqWeightsLo, Access::ReadWrite, kAll, Reset::Value, 0, "weights base added to the program's weight addresses, low word", nullptr, 0},
    {"WEIGHTS_HI", kSeqWeightsHi, Access::ReadWrite, kAll, Reset::Value, 0, "weights base, high word", nullptr, 0},
};

/// The sequencer's ERROR values.
struct Value {
    const char* name;
    std::uint32_t value;
    const char* meaning;
};
inline constexpr Value kSequencerErrors[] = {
    {"NONE", kSeqErrorNone, "no error"},
    {"BAD_INSTRUCTION", kSeqErrorBadInstruction, "an opcode the sequencer does not know"},
    {"MEMORY", kSeqErrorMemory, "a fetch, load or store got an error response"},
    {"TILE", kSeqErrorTile, "a tile does not fit the logical array it runs on"},
    {"CONFIGURATION", kSeqErrorConfiguration, "the configuration its tenant staged was refused"},
    {"FUNCTIONAL", kSeqErrorFunctional, "functional run: data the layer descriptor cannot place"},
    {"ABORTED", kSeqErrorAborted, "another sequencer of its tenant stopped on an error"},
    {"DATAPATH", kSeqErrorDatapath, "cycle fidelity: the datapath could not run the tile"},
};

inline constexpr Block kBlocks[] = {
    {"RECONFIGURATION", 0, 0, Count::One, kReconfigurationRegisters, size(kReconfigurationRegisters), "identification and reconfiguration control"},
    {"SUBARRAY", kSubarrayBase, kSubarrayStride, Count::Subarrays, kSubarrayRegisters, size(kSubarrayRegisters), "one subarray's reconfiguration register (6 bits)"},
    {"POD", kPodBase, kPodStride, Count::Pods, kPodRegisters, size(kPodRegisters), "one Fission Pod's Pod Memory crossbar selectors"},
    {"ACCELERATOR", kIrqStatus, 0, Count::One, kAcceleratorRegisters, size(kAcceleratorRegisters), "interrupts and chip counters"},
    {"SEQUENCER", kSequencerBase, kSequencerStride, Count::Subarrays, kSequencerRegisters, size(kSequencerRegisters), "one subarray's sequencer"},
};

}  // namespace description

}  // namespace planaria::regmap
