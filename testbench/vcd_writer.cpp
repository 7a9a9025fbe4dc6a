#include "testbench/vcd_writer.h"

#include <cstdio>
#include <map>
#include <stdexcept>

#include "hw/config/output_file.h"

namespace planaria {

// Streamed beside its name (or in place into a device) and renamed at close.
VcdWriter::VcdWriter(const std::string& path, const std::string& top_scope, unsigned timescale_ps)
    : path_(path), aside_(aside_path(path)), top_(top_scope), timescale_ps_(timescale_ps), out_(aside_) {
    if (!out_) throw std::runtime_error(path + ": cannot open the VCD file for writing");
}

// A writer destroyed without close() (an error on the way) leaves no file.
VcdWriter::~VcdWriter() {
    if (!closed_ && aside_ != path_) std::remove(aside_.c_str());
}

unsigned VcdWriter::declare(const std::string& scope, const std::string& name, unsigned width) {
    if (started_) throw std::logic_error("VcdWriter: declare after the first change");
    // Identifiers from the printable ASCII range '!'..'~', as short as possible.
    std::string id;
    std::size_t n = vars_.size();
    do {
        id += char('!' + n % 94);
        n /= 94;
    } while (n);
    vars_.push_back({scope, name, id, width, 0, false});
    return unsigned(vars_.size() - 1);
}

void VcdWriter::header() {
    out_ << "$timescale " << timescale_ps_ << " ps $end\n$scope module " << top_ << " $end\n";
    std::map<std::string, std::vector<const Var*>> scopes;
    for (const auto& v : vars_) scopes[v.scope].push_back(&v);
    for (const auto& [scope, vars] : scopes) {
        if (!scope.empty()) out_ << "$scope module " << scope << " $end\n";
        for (const Var* v : vars) out_ << "$var wire " << v->width << " " << v->id << " " << v->name << " $end\n";
        if (!scope.empty()) out_ << "$upscope $end\n";
    }
    out_ << "$upscope $end\n$enddefinitions $end\n#0\n";
    started_ = true;
}

void VcdWriter::change(std::uint64_t t, unsigned var, std::uint64_t value) {
    if (!started_) header();
    Var& v = vars_.at(var);
    if (v.written && v.value == value) return;
    if (t != now_) {
        out_ << "#" << t << "\n";
        now_ = t;
    }
    v.value = value;
    v.written = true;
    if (v.width == 1) {
        out_ << (value & 1) << v.id << "\n";
        return;
    }
    std::string bits;  // two's complement, truncated to the variable's width
    for (unsigned i = v.width; i-- > 0;) bits += i < 64 && ((value >> i) & 1) ? '1' : '0';
    const auto first = bits.find('1');
    out_ << "b" << (first == std::string::npos ? "0" : bits.substr(first)) << " " << v.id << "\n";
}

void VcdWriter::close() {
    if (closed_) return;
    if (!started_) header();
    out_.flush();
    const bool written = static_cast<bool>(out_);
    out_.close();
    closed_ = true;
    if (!written || out_.fail()) {
        if (aside_ != path_) std::remove(aside_.c_str());
        throw std::runtime_error(path_ + ": write failed");
    }
    if (aside_ != path_ && std::rename(aside_.c_str(), path_.c_str()) != 0) {
        std::remove(aside_.c_str());
        throw std::runtime_error(path_ + ": cannot rename into place");
    }
}

}  // namespace planaria
