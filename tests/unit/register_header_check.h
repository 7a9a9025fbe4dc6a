#pragma once
/* What register_header_check.c (C) hands to the C++ test. */
#ifdef __cplusplus
extern "C" {
#endif

struct c_register {
    const char* name;
    unsigned long long address;
    unsigned reset, writable;
};
struct c_constant {
    const char* name;
    unsigned long long value;
};
extern const struct c_register c_registers[];
extern const unsigned c_register_count;
extern const struct c_constant c_constants[];
extern const unsigned c_constant_count;

#ifdef __cplusplus
}
#endif
