/* mime_gmime.h: the one start of GMime for everything that parses
 * header values with it (mime_header.c's Content-* parameters, dkim/'s
 * From: and signing addresses). Not g_mime_init(): it registers some
 * fifty GObject types and starts gpgme, and its references pull GIO,
 * gpgme and their shared objects into the program (a third of a clean
 * message's cost in start-up). The value parsers need only parser
 * options and the charset map, made the first time one is asked for. */
#ifndef QF_MIME_GMIME_H
#define QF_MIME_GMIME_H

#include <gmime/gmime.h>

GMimeParserOptions *qf_gmime_options(void);

#endif
