/* action.c: see action.h. */
#include <string.h>
#include "action.h"

static const char *const action_names[] = {
	[QF_ACT_OFF] = "off", [QF_ACT_TAG] = "tag", [QF_ACT_TEMPFAIL] = "tempfail",
	[QF_ACT_QUARANTINE] = "quarantine", [QF_ACT_REJECT] = "reject", [QF_ACT_DROP] = "drop",
};

const char *qf_action_name(enum qf_action a)
{
	if ((unsigned)a < sizeof action_names / sizeof action_names[0])
		return action_names[a];
	return "?";
}

int qf_action_parse(const char *s, enum qf_action *a)
{
	size_t i;

	for (i = 0; i < sizeof action_names / sizeof action_names[0]; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*a = (enum qf_action)i;
			return 0;
		}
	return -1;
}
