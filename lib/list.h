/* list.h: NULL-terminated lists of strings, as the rules keep them
 * (ban-ext=, dkim-require=, ...); below rules/ and dkim/, which both ask. */
#ifndef QF_LIST_H
#define QF_LIST_H

#include <stdbool.h>

/* Whether s is in list (case-insensitive); a NULL list holds nothing. */
bool qf_list_has(char *const *list, const char *s);

#endif
