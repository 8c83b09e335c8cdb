/* mime_gmime.c: see mime_gmime.h. No lock: every program here runs one
 * thread per process (libunbound's resolver thread never parses mail). */
#include "mime_gmime.h"

GMimeParserOptions *qf_gmime_options(void)
{
	static GMimeParserOptions *opts;

	if (!opts) {
		g_mime_charset_map_init();
		opts = g_mime_parser_options_new();
	}
	return opts;
}
