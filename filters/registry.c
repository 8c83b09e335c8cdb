/* registry.c: the built-in filters, in the order they run. Cheap checks
 * come first, so that a message refused by them costs no scan. */
#include <stddef.h>
#include "registry.h"

extern const struct qf_filter qf_filter_size, qf_filter_exe, qf_filter_types,
	qf_filter_clamav, qf_filter_dkim, qf_filter_spf, qf_filter_arc, qf_filter_dmarc,
	qf_filter_sign;

const struct qf_filter *const qf_filters[] = {
	&qf_filter_size,
	&qf_filter_exe,
	&qf_filter_types,
	&qf_filter_clamav,
	&qf_filter_dkim,
	&qf_filter_spf,      /* spf, arc, dmarc: after dkim, into its header; */
	&qf_filter_arc,      /* dmarc last of them, on all their results */
	&qf_filter_dmarc,
	&qf_filter_sign,     /* last: signs what the others let through */
};
const size_t qf_nfilters = sizeof qf_filters / sizeof qf_filters[0];
