/* mime_limits.h: the MIME walk's limits as they apply: the policy's
 * max-parts= and max-depth=, or the defaults when it leaves them 0. */
#ifndef QF_MIME_LIMITS_H
#define QF_MIME_LIMITS_H

#define QF_MIME_MAX_PARTS 1000
#define QF_MIME_MAX_DEPTH 30

static inline unsigned qf_mime_max_parts(unsigned set)
{
	return set ? set : QF_MIME_MAX_PARTS;
}

static inline unsigned qf_mime_max_depth(unsigned set)
{
	return set ? set : QF_MIME_MAX_DEPTH;
}

#endif
