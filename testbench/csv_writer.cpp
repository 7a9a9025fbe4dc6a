#include "testbench/csv_writer.h"

#include "hw/config/output_file.h"

namespace planaria {

std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

CsvWriter::CsvWriter(const std::vector<std::string>& header, int precision) : precision_(precision) { row(header); }

void CsvWriter::row(const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
        if (c) text_ += ',';
        text_ += csv_cell(cells[c]);
    }
    text_ += '\n';
}

void CsvWriter::write(const std::string& path) const { write_file_atomically(path, text_); }

}  // namespace planaria
