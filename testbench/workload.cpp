#include "testbench/workload.h"

#include "hw/config/yaml_document.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

namespace planaria {

WorkloadError::WorkloadError(std::string where, std::string path, std::string rule)
    : std::runtime_error(where + ": " + path + ": " + rule),
      where_(std::move(where)), path_(std::move(path)), rule_(std::move(rule)) {}

namespace {

constexpr const char* kFormat = "planaria-workload/1";

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_model_key(const std::string& s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

/// Reads one scenario document; every failure names source, line, path and rule.
class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& rule) const {
        std::string at = source_;
        if (node.IsDefined() && node.Mark().line >= 0) at += ":" + std::to_string(node.Mark().line + 1);
        throw WorkloadError(at, path, rule);
    }

    struct Entry {
        YAML::Node key, value;
    };

    /// The entries of a mapping by key; rejects non-mappings, non-scalar and duplicate keys.
    std::map<std::string, Entry> mapping(const YAML::Node& node, const std::string& path) const {
        if (!node.IsMap()) fail(node, path, "must be a mapping of keys to values");
        std::map<std::string, Entry> entries;
        for (const auto& kv : node) {
            if (!kv.first.IsScalar()) fail(kv.first, path, "keys must be plain strings");
            const std::string key = kv.first.Scalar();
            const std::string at = path == "<document>" ? key : path + "." + key;
            if (entries.count(key)) fail(kv.first, at, "duplicate key");
            entries[key] = Entry{kv.first, kv.second};
        }
        return entries;
    }

    std::string text(const YAML::Node& n, const std::string& path) const {
        if (!n.IsScalar()) fail(n, path, "must be a string");
        return n.Scalar();
    }

    double number(const YAML::Node& n, const std::string& path) const {
        if (!n.IsScalar()) fail(n, path, "must be a number");
        const std::string t = n.Scalar();
        std::istringstream is(t);
        is.imbue(std::locale::classic());
        double v = 0;
        is >> v;
        if (!t.empty() && is.fail() && std::fabs(v) == std::numeric_limits<double>::max() && is.eof())
            fail(n, path, "must be finite, got '" + t + "' (out of range)");  // overflow: failbit and +-max
        if (t.empty() || !is || !is.eof()) fail(n, path, "must be a number, got '" + t + "'");
        if (!std::isfinite(v)) fail(n, path, "must be finite, got '" + t + "'");
        return v;
    }

    std::uint64_t whole(const YAML::Node& n, const std::string& path) const {
        if (!n.IsScalar()) fail(n, path, "must be a whole number");
        const std::string t = n.Scalar();
        if (t.empty() || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
            fail(n, path, "must be a non-negative whole number, got '" + t + "'");
        std::uint64_t v = 0;
        for (char c : t) {
            const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
            if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) fail(n, path, "is too large: " + t);
            v = v * 10 + d;
        }
        return v;
    }

    unsigned whole32(const YAML::Node& n, const std::string& path) const {
        const std::uint64_t v = whole(n, path);
        if (v > std::numeric_limits<unsigned>::max()) fail(n, path, "is too large: " + n.Scalar());
        return static_cast<unsigned>(v);
    }

    /// A list of distinct model keys.
    std::vector<std::string> keys(const YAML::Node& n, const std::string& path) const {
        if (!n.IsSequence()) fail(n, path, "must be a list of model keys");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string at = path + "[" + std::to_string(i) + "]";
            const std::string k = text(n[i], at);
            if (!is_model_key(k))
                fail(n[i], at, "'" + k + "' is not a model key (lower-case letters, digits and '_')");
            if (std::find(out.begin(), out.end(), k) != out.end()) fail(n[i], at, "'" + k + "' is listed twice");
            out.push_back(k);
        }
        return out;
    }

    Scenario scenario(const YAML::Node& root) const {
        if (!root.IsDefined() || root.IsNull()) fail(root, "<document>", "is empty; expected a scenario mapping");
        const auto e = mapping(root, "<document>");
        static const std::set<std::string> known = {"format", "name", "description", "models", "qos",
                                                    "translation", "requests", "rate", "seed", "priorities"};
        for (const auto& [key, entry] : e)
            if (!known.count(key))
                fail(entry.key, key,
                     "unknown key (known: format, name, description, models, qos, translation, requests, rate, "
                     "seed, priorities)");
        const auto need = [&](const std::string& key) -> const Entry& {
            const auto it = e.find(key);
            if (it == e.end()) fail(root, key, "missing");
            return it->second;
        };

        const Entry& format = need("format");
        if (text(format.value, "format") != kFormat)
            fail(format.value, "format", "must be " + std::string(kFormat) + ", got '" + format.value.Scalar() + "'");

        Scenario s;
        s.file = source_;
        s.name = text(need("name").value, "name");
        if (s.name.empty()) fail(need("name").value, "name", "must not be empty");
        if (e.count("description")) s.description = text(e.at("description").value, "description");

        const Entry& models = need("models");
        s.models = keys(models.value, "models");
        if (s.models.empty()) fail(models.value, "models", "must list at least one model");
        const auto is_model = [&](const std::string& k) {
            return std::find(s.models.begin(), s.models.end(), k) != s.models.end();
        };

        const Entry& qos = need("qos");
        for (const auto& [model, entry] : mapping(qos.value, "qos")) {
            const std::string at = "qos." + model;
            if (!is_model(model)) fail(entry.key, at, "'" + model + "' is not one of the scenario's models");
            const double ms = number(entry.value, at);
            if (ms <= 0) fail(entry.value, at, "the bound must be > 0 ms, got " + entry.value.Scalar());
            s.qos_ms[model] = ms;
        }
        for (const auto& m : s.models)
            if (!s.qos_ms.count(m)) fail(qos.value, "qos." + m, "missing: every model needs a QoS-S bound in ms");

        if (e.count("translation")) {
            const Entry& tr = e.at("translation");
            const auto list = keys(tr.value, "translation");
            for (std::size_t i = 0; i < list.size(); ++i)
                if (!is_model(list[i]))
                    fail(tr.value[i], "translation[" + std::to_string(i) + "]",
                         "'" + list[i] + "' is not one of the scenario's models");
            s.translation.insert(list.begin(), list.end());
        }

        const Entry& requests = need("requests");
        s.requests = whole32(requests.value, "requests");
        if (s.requests < 1 || s.requests > kMaxRequests)
            fail(requests.value, "requests", "must be from 1 to " + std::to_string(kMaxRequests) + ", got " +
                                                 requests.value.Scalar());

        const Entry& rate = need("rate");
        s.rate = number(rate.value, "rate");
        if (!(s.rate >= kMinRate && s.rate <= kMaxRate))
            fail(rate.value, "rate", "must be from 0.001 to 1000000 requests per second, got " + rate.value.Scalar());
        if (double(s.requests) / s.rate > kMaxSpanSeconds)
            fail(rate.value, "rate", "requests / rate spans more than 10^6 s of arrivals");

        s.seed = whole(need("seed").value, "seed");

        if (e.count("priorities")) {
            const YAML::Node& p = e.at("priorities").value;
            if (!p.IsSequence() || p.size() != 2) fail(p, "priorities", "must be [min, max]");
            s.min_priority = whole32(p[0], "priorities[0]");
            s.max_priority = whole32(p[1], "priorities[1]");
            if (s.min_priority < kMinPriority) fail(p[0], "priorities[0]", "the lowest priority is 1");
            if (s.max_priority > kMaxPriority)
                fail(p[1], "priorities[1]", "the highest priority is 11 (the paper's range is 1..11), got " +
                                                std::to_string(s.max_priority));
            if (s.min_priority > s.max_priority)
                fail(p, "priorities", "min " + std::to_string(s.min_priority) + " exceeds max " +
                                          std::to_string(s.max_priority));
        }
        return s;
    }

private:
    std::string source_;
};

/// u in [0, 1) with 53 random bits.
double unit(std::uint64_t draw) { return static_cast<double>(draw >> 11) * 0x1.0p-53; }

}  // namespace

QosLevel parse_qos(const std::string& text) {
    std::string t = lower(text);
    if (t.rfind("qos-", 0) == 0 || t.rfind("qos_", 0) == 0) t = t.substr(4);
    if (t == "s" || t == "soft") return QosLevel::Soft;
    if (t == "m" || t == "medium") return QosLevel::Medium;
    if (t == "h" || t == "hard") return QosLevel::Hard;
    throw std::invalid_argument("unknown QoS level '" + text + "' (expected S, M or H)");
}

double qos_divisor(QosLevel level) {
    switch (level) {
        case QosLevel::Soft: return 1.0;
        case QosLevel::Medium: return 4.0;
        case QosLevel::Hard: return 16.0;
    }
    throw std::invalid_argument("unknown QoS level");
}

std::string to_string(QosLevel level) {
    switch (level) {
        case QosLevel::Soft: return "S";
        case QosLevel::Medium: return "M";
        case QosLevel::Hard: return "H";
    }
    throw std::invalid_argument("unknown QoS level");
}

Scenario parse_scenario(const std::string& yaml_text, const std::string& source) {
    YAML::Node root;
    try {
        root = load_yaml_document(yaml_text, source);
    } catch (const YamlInputError& e) {
        throw WorkloadError(e.where(), e.path(), e.message());
    }
    return Reader(source).scenario(root);
}

Scenario load_scenario(const std::string& file) {
    std::string text;
    try {
        text = read_yaml_file(file);
    } catch (const YamlInputError& e) {
        throw WorkloadError(e.where(), e.path(), e.message());
    }
    return parse_scenario(text, file);
}

std::string model_file(const Scenario& scenario, const std::string& model) {
    const auto slash = scenario.file.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string(".") : scenario.file.substr(0, slash);
    return (dir.empty() ? std::string("/") : dir + "/") + "models/" + model + ".yaml";
}

void check_workload_size(double rate, unsigned requests, const std::string& what) {
    if (!(rate >= kMinRate && rate <= kMaxRate))
        throw WorkloadError(what, "rate", "must be from 0.001 to 1000000 requests per second, got " + std::to_string(rate));
    if (requests > kMaxRequests)
        throw WorkloadError(what, "requests", "must be from 1 to " + std::to_string(kMaxRequests) + ", got " +
                                                  std::to_string(requests));
    if (double(requests) / rate > kMaxSpanSeconds)
        throw WorkloadError(what, "rate", std::to_string(requests) + " requests at " + std::to_string(rate) +
                                              " per second span more than 10^6 s of arrivals");
}

std::vector<Request> generate_requests(const Scenario& scenario, QosLevel level, double rate, unsigned count,
                                       std::uint64_t seed) {
    check_workload_size(rate, count, scenario.name);  // no requests is no work: an empty stream
    if (scenario.models.empty()) throw std::invalid_argument("scenario '" + scenario.name + "' has no models");
    if (scenario.min_priority < 1 || scenario.min_priority > scenario.max_priority)
        throw std::invalid_argument("scenario '" + scenario.name + "' has an empty priority range");
    const double divisor = qos_divisor(level);
    std::vector<double> bound(scenario.models.size());
    std::vector<bool> translation(scenario.models.size());
    for (std::size_t i = 0; i < scenario.models.size(); ++i) {
        const auto it = scenario.qos_ms.find(scenario.models[i]);
        if (it == scenario.qos_ms.end())
            throw std::invalid_argument("scenario '" + scenario.name + "' has no QoS bound for " + scenario.models[i]);
        bound[i] = it->second / divisor / 1000.0;
        translation[i] = scenario.translation.count(scenario.models[i]) > 0;
    }

    std::mt19937_64 gen(seed);
    const std::uint64_t n_models = scenario.models.size();
    const std::uint64_t n_priorities = std::uint64_t(scenario.max_priority) - scenario.min_priority + 1;
    std::vector<Request> out;
    out.reserve(count);
    double t = 0;
    for (unsigned i = 0; i < count; ++i) {
        t += -std::log(1.0 - unit(gen())) / rate;  // 1 - u in (0, 1]: finite
        const std::size_t m = static_cast<std::size_t>(gen() % n_models);
        const unsigned priority = scenario.min_priority + static_cast<unsigned>(gen() % n_priorities);
        out.push_back(Request{i, scenario.models[m], t, priority, bound[m], translation[m]});
    }
    return out;
}

std::vector<Request> generate_requests(const Scenario& scenario, QosLevel level) {
    return generate_requests(scenario, level, scenario.rate, scenario.requests, scenario.seed);
}

}  // namespace planaria
