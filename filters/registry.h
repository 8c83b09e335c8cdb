/* registry.h: the built-in filters, in the order they run; a program
 * hands them to its engine (qf_engine_open). */
#ifndef QF_REGISTRY_H
#define QF_REGISTRY_H

#include <stddef.h>
#include "filter.h"

extern const struct qf_filter *const qf_filters[];
extern const size_t qf_nfilters;

#endif
