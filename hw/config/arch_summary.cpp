#include "hw/config/arch_summary.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace planaria {

std::string with_thousands(std::uint64_t value) {
    std::string digits = std::to_string(value), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

namespace {
std::string count_of(unsigned n, const std::string& noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}
// The paper counts on-chip memory in binary megabytes (12 MB = 12 x 2^20 B).
std::string megabytes(std::uint64_t bytes) {
    std::ostringstream os;
    const double mb = double(bytes) / (1024.0 * 1024.0);
    os << std::setprecision(mb == std::floor(mb) ? 0 : 2) << std::fixed << mb << " MB";
    return os.str();
}
}  // namespace

std::string arch_summary(const ArchConfig& c) {
    std::ostringstream os;
    const auto row = [&](const std::string& label, const std::string& value) {
        os << "  " << std::left << std::setw(22) << label << value << "\n";
    };
    os << "Derived figures (" << c.name << ")\n";
    row("PEs", with_thousands(c.pe_count()) + " PEs (" + count_of(c.subarray.count, "subarray") + " of " + std::to_string(c.subarray.rows) + "x" +
                   std::to_string(c.subarray.cols) + ", " + std::to_string(c.array_rows()) + "x" +
                   std::to_string(c.array_cols()) + " in all)");
    row("Fission Pods", count_of(c.pod.count, "pod") + " of " + count_of(c.subarrays_per_pod(), "subarray"));
    row("clock", [&] { std::ostringstream s; s << c.clock_mhz << " MHz"; return s.str(); }());
    {
        std::ostringstream s;
        s << std::fixed << std::setprecision(2) << c.peak_macs_per_second() / 1e12 << " TMAC/s ("
          << std::setprecision(1) << 2 * c.peak_macs_per_second() / 1e12 << " TOPS)";
        row("peak compute", s.str());
    }
    row("on-chip memory", megabytes(c.on_chip_bytes()) + " (" + with_thousands(c.on_chip_bytes()) +
                              " bytes: " + megabytes(c.weight_buffer_bytes_total()) + " PE weight buffers + " +
                              megabytes(c.pod_memory_bytes_total()) + " Pod Memory)");
    {
        std::ostringstream s;
        s << std::setprecision(4) << c.offchip_bandwidth_gbps() << " GB/s (" << c.offchip.channels
          << " channel" << (c.offchip.channels > 1 ? "s" : "") << " of " << c.offchip.bandwidth_gbps
          << " GB/s, " << std::setprecision(3) << c.offchip_bytes_per_cycle_per_channel()
          << " B/cycle each)";
        row("off-chip bandwidth", s.str());
    }
    return os.str();
}

}  // namespace planaria
