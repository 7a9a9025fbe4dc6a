#include "tlm/module_tree.h"

#include <map>
#include <sstream>

#include <boost/core/demangle.hpp>
#include <tlm>
#include <tlm_utils/multi_socket_bases.h>

namespace planaria {

namespace {

using FwInterface = tlm::tlm_fw_transport_if<>;

/// Which socket each forward interface belongs to, over the whole design.
struct Bindings {
    std::map<const sc_core::sc_interface*, std::string> target_of;          ///< fw interface -> target socket
    std::map<std::string, std::vector<std::string>> initiators_of;          ///< target socket -> initiators

    void scan_targets(const sc_core::sc_object& o) {
        if (const auto* s = dynamic_cast<const tlm::tlm_base_socket_if*>(&o);
            s && s->get_socket_category() & tlm::TLM_TARGET_SOCKET) {
            const auto* multi = dynamic_cast<const tlm_utils::multi_target_base_if<>*>(&o);
            if (multi) {
                auto& binders = const_cast<tlm_utils::multi_target_base_if<>*>(multi)->get_binders();
                for (std::size_t i = 0; i < binders.size(); ++i)
                    target_of[binders[i]] = std::string(o.name()) + "[" + std::to_string(i) + "]";
            } else if (const auto* e = dynamic_cast<const sc_core::sc_export<FwInterface>*>(&s->get_base_export())) {
                if (const sc_core::sc_interface* i = e->get_interface()) target_of[i] = o.name();
            }
        }
        for (const sc_core::sc_object* c : o.get_child_objects()) scan_targets(*c);
    }

    /// The target sockets initiator socket `o` reaches.
    std::vector<std::string> targets(const sc_core::sc_object& o) const {
        std::vector<const sc_core::sc_interface*> bound;
        if (const auto* multi = dynamic_cast<const tlm_utils::multi_init_base_if<>*>(&o)) {
            for (FwInterface* f : const_cast<tlm_utils::multi_init_base_if<>*>(multi)->get_sockets()) bound.push_back(f);
        } else if (const auto* s = dynamic_cast<const tlm::tlm_base_socket_if*>(&o)) {
            auto* port = dynamic_cast<sc_core::sc_port_b<FwInterface>*>(
                &const_cast<tlm::tlm_base_socket_if*>(s)->get_base_port());
            for (int i = 0; port && i < port->size(); ++i) bound.push_back(port->get_interface(i));
        }
        std::vector<std::string> names;
        for (const sc_core::sc_interface* i : bound) {
            const auto it = target_of.find(i);
            names.push_back(it == target_of.end() ? "(an interface outside the sockets)" : it->second);
        }
        return names;
    }

    void scan_initiators(const sc_core::sc_object& o) {
        if (const auto* s = dynamic_cast<const tlm::tlm_base_socket_if*>(&o);
            s && s->get_socket_category() & tlm::TLM_INITIATOR_SOCKET)
            for (const std::string& t : targets(o)) {
                const std::string socket = t.substr(0, t.find('['));
                initiators_of[socket].push_back(o.name());
            }
        for (const sc_core::sc_object* c : o.get_child_objects()) scan_initiators(*c);
    }
};

bool is_socket(const sc_core::sc_object& o) { return dynamic_cast<const tlm::tlm_base_socket_if*>(&o) != nullptr; }
bool is_module(const sc_core::sc_object& o) { return dynamic_cast<const sc_core::sc_module*>(&o) != nullptr; }

std::string type_of(const sc_core::sc_object& o) {
    std::string t = boost::core::demangle(typeid(o).name());
    if (t.rfind("planaria::", 0) == 0) t = t.substr(10);
    return t;
}

/// Modules and sockets below `o`, in order (the ports, exports and processes inside them are theirs).
std::vector<const sc_core::sc_object*> shown_children(const sc_core::sc_object& o) {
    std::vector<const sc_core::sc_object*> out;
    for (const sc_core::sc_object* c : o.get_child_objects())
        if (is_module(*c) || is_socket(*c)) out.push_back(c);
    return out;
}

/// Type and shape, for folding runs of identical siblings.
std::string shape_of(const sc_core::sc_object& o) {
    std::string s = type_of(o) + "{";
    for (const sc_core::sc_object* c : shown_children(o)) s += shape_of(*c) + ",";
    return s + "}";
}

class Printer {
public:
    Printer(const Bindings& b, bool expand, ModuleTree& tree, std::string root)
        : b_(b), expand_(expand), tree_(tree), root_(std::move(root) + ".") {}

    void print(const sc_core::sc_object& o, unsigned depth) {
        const std::string indent(2 * depth, ' ');
        if (is_socket(o)) {
            ++tree_.sockets;
            const auto* s = dynamic_cast<const tlm::tlm_base_socket_if*>(&o);
            const bool initiator = s->get_socket_category() & tlm::TLM_INITIATOR_SOCKET;
            std::vector<std::string> peers;
            if (initiator) peers = b_.targets(o);
            else if (const auto it = b_.initiators_of.find(o.name()); it != b_.initiators_of.end()) peers = it->second;
            os_ << indent << o.basename() << "  " << (initiator ? "initiator socket -> " : "target socket <- ");
            if (peers.empty()) {
                os_ << "UNBOUND";
                tree_.unbound.push_back(o.name());
            }
            for (std::size_t i = 0; i < peers.size(); ++i) {
                if (i == 3 && !expand_) {
                    os_ << ", ... (" << peers.size() << " in all)";
                    break;
                }
                // Peers inside the root are named from it.
                const std::string& p = peers[i];
                os_ << (i ? ", " : "") << (p.rfind(root_, 0) == 0 ? p.substr(root_.size()) : p);
            }
            os_ << "\n";
            return;
        }
        ++tree_.modules;
        os_ << indent << o.basename() << "  " << type_of(o) << "\n";
        const auto children = shown_children(o);
        for (std::size_t i = 0; i < children.size();) {
            std::size_t j = i + 1;
            if (!expand_ && is_module(*children[i])) {
                const std::string shape = shape_of(*children[i]);
                while (j < children.size() && is_module(*children[j]) && shape_of(*children[j]) == shape) ++j;
            }
            print(*children[i], depth + 1);
            if (j - i > 2) {
                // The rest of the run is like the first: counted, and their sockets checked for binding.
                for (std::size_t k = i + 1; k < j; ++k) count(*children[k]);
                os_ << indent << "  ... " << j - i - 1 << " more " << type_of(*children[i]) << " like it, to "
                    << children[j - 1]->basename() << "\n";
            } else {
                for (std::size_t k = i + 1; k < j; ++k) print(*children[k], depth + 1);
            }
            i = j;
        }
    }

    std::string text() const { return os_.str(); }

private:
    void count(const sc_core::sc_object& o) {
        if (is_socket(o)) {
            ++tree_.sockets;
            const auto* s = dynamic_cast<const tlm::tlm_base_socket_if*>(&o);
            const bool initiator = s->get_socket_category() & tlm::TLM_INITIATOR_SOCKET;
            const bool bound = initiator ? !b_.targets(o).empty() : b_.initiators_of.count(o.name()) > 0;
            if (!bound) tree_.unbound.push_back(o.name());
            return;
        }
        ++tree_.modules;
        for (const sc_core::sc_object* c : shown_children(o)) count(*c);
    }

    const Bindings& b_;
    bool expand_;
    ModuleTree& tree_;
    std::string root_;
    std::ostringstream os_;
};

}  // namespace

ModuleTree module_tree(const sc_core::sc_object& root, bool expand) {
    Bindings b;
    for (const sc_core::sc_object* top : sc_core::sc_get_top_level_objects()) b.scan_targets(*top);
    for (const sc_core::sc_object* top : sc_core::sc_get_top_level_objects()) b.scan_initiators(*top);
    ModuleTree tree;
    Printer p(b, expand, tree, root.name());
    p.print(root, 0);
    tree.text = p.text();
    return tree;
}

}  // namespace planaria
