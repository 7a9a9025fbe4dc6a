#pragma once
// The one CSV writer of the project: RFC 4180 (a cell holding a comma, a
// double quote, CR or LF is quoted, its quotes doubled), records ending in
// LF, the header first. Numbers are written as an ostream with the writer's
// precision writes them; strings as they are.

#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace planaria {

/// One cell, quoted when RFC 4180 requires it.
std::string csv_cell(const std::string& text);

class CsvWriter {
public:
    explicit CsvWriter(const std::vector<std::string>& header, int precision = 6);

    /// Appends a record of already formatted cells.
    void row(const std::vector<std::string>& cells);
    /// Appends a record of values (strings as they are, numbers formatted).
    template <typename... T>
    void record(const T&... values) {
        row({format(values)...});
    }

    /// One value formatted as record() formats it (for records built cell by cell).
    template <typename T>
    std::string cell(const T& v) const {
        return format(v);
    }

    const std::string& text() const { return text_; }
    /// Writes the file (complete or absent: hw/config/output_file.h).
    void write(const std::string& path) const;

private:
    template <typename T>
    std::string format(const T& v) const {
        if constexpr (std::is_convertible_v<const T&, std::string>) {
            return std::string(v);
        } else {
            std::ostringstream os;
            os.precision(precision_);
            os << v;
            return os.str();
        }
    }
    int precision_;
    std::string text_;
};

}  // namespace planaria
