#pragma once
// The tenant a transaction belongs to, carried on the accelerator's memory
// traffic as an ignorable payload extension: interconnects and memories that
// do not know it work unchanged; those that do can account per tenant.

#include <cstdint>

#include <tlm>

namespace planaria {

struct TenantExtension : tlm::tlm_extension<TenantExtension> {
    std::uint32_t tenant = 0;
    explicit TenantExtension(std::uint32_t t = 0) : tenant(t) {}
    tlm::tlm_extension_base* clone() const override { return new TenantExtension(tenant); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        tenant = static_cast<const TenantExtension&>(other).tenant;
    }
};

}  // namespace planaria
