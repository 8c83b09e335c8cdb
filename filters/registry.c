/* registry.c: the built-in filters, in the order they run. Cheap checks
 * come first, so that a message refused by them costs no scan. */
#include <stddef.h>
#include "filter.h"

/* Weak while the filters are being written: a missing one is skipped. */
#define QF_FILTER(x) extern const struct qf_filter x __attribute__((weak))
QF_FILTER(qf_filter_size);
QF_FILTER(qf_filter_exe);
QF_FILTER(qf_filter_types);
QF_FILTER(qf_filter_clamav);
QF_FILTER(qf_filter_dkim);

const struct qf_filter *const qf_filters[] = {
	&qf_filter_size,
	&qf_filter_exe,
	&qf_filter_types,
	&qf_filter_clamav,
	&qf_filter_dkim,
};
const size_t qf_nfilters = sizeof qf_filters / sizeof qf_filters[0];
