#pragma once
// A small table of results, printed for a person (aligned columns) and
// written for a machine (CSV, RFC 4180 quoting).

#include <string>
#include <vector>

namespace planaria {

struct ReportTable {
    std::string title;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> notes;  ///< printed under the table

    std::string to_text() const;
    std::string to_csv() const;
    /// Writes the CSV; throws std::runtime_error naming the path on failure.
    void write_csv(const std::string& path) const;
};

/// Fixed-point formatting used by the reports ("3.52").
std::string fixed(double value, int decimals);

}  // namespace planaria
