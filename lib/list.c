/* list.c: see list.h. */
#include <strings.h>
#include "list.h"

bool qf_list_has(char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcasecmp(*list, s) == 0)
			return true;
	return false;
}
