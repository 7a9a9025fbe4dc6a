#include "testbench/report_table.h"

#include "hw/config/output_file.h"
#include "testbench/csv_writer.h"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace planaria {

std::string fixed(double value, int decimals) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(decimals) << value;
    return os.str();
}

std::string ReportTable::to_text() const {
    std::vector<std::size_t> width(header.size(), 0);
    for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
    std::ostringstream os;
    if (!title.empty()) os << title << "\n";
    const auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < width.size(); ++c) {
            const std::string cell = c < cells.size() ? cells[c] : "";
            // First column left-aligned (names), the others right-aligned (numbers).
            if (c == 0) os << std::left << std::setw(int(width[c])) << cell;
            else os << "  " << std::right << std::setw(int(width[c])) << cell;
        }
        os << "\n";
    };
    line(header);
    std::size_t total = 0;
    for (auto w : width) total += w + 2;
    os << std::string(total > 2 ? total - 2 : 0, '-') << "\n";
    for (const auto& r : rows) line(r);
    for (const auto& n : notes) os << n << "\n";
    return os.str();
}

std::string ReportTable::to_csv() const {
    CsvWriter csv(header);
    for (const auto& row : rows) csv.row(row);
    return csv.text();
}

void ReportTable::write_csv(const std::string& path) const { write_file_atomically(path, to_csv()); }

}  // namespace planaria
