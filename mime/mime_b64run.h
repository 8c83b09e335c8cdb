/* mime_b64run.h: bare base64 in text, with no MIME or begin line around
 * it, which uudeview decodes wherever it finds a run of base64 lines and
 * 7-Zip opens as a file (its Base64 format). Not every base64-looking run
 * of every text can be decoded, and need not be: only a run that decodes
 * to the header of a native program (MZ, ELF, Mach-O, a compound file)
 * or of an archive or compressed stream is handed on, so that the exe
 * filter and the archive walk judge it. A run that does not
 * start so decodes to a file that is no program either, whoever decodes
 * it: a reader's file starts at the run's first line. */
#ifndef QF_MIME_B64RUN_H
#define QF_MIME_B64RUN_H

#include <stdbool.h>
#include <stddef.h>

#define QF_B64RUN_MIN 4       /* characters of a run's first line, at least */
#define QF_B64RUN_HEAD 8      /* decoded bytes held until the header is known */

enum qf_b64run_head { QF_B64RUN_NO, QF_B64RUN_MORE, QF_B64RUN_YES };

/* Whether a byte may start the first line of such a run: 'T' (MZ, cab),
 * 'f' (ELF), '/', 'z', 'y' (Mach-O), '0' (a compound file), 'U' (zip,
 * cab, Rar), 'N' (7z), 'H' (gzip, compress), 'Q' (bzip2), 'K' (zstd),
 * 'B' (lz4). */
static inline bool qf_b64run_start(unsigned char c)
{
	switch (c) {
	case 'T': case 'f': case '/': case 'z': case 'y': case '0':
	case 'U': case 'N': case 'H': case 'Q': case 'K': case 'B':
		return true;
	default:
		return false;
	}
}

/* ... and whether two may ("TV" for MZ, "f0" for ELF, ...): prose that
 * starts with these letters is mostly not even copied. Inline, as the
 * text scan asks at every line. */
static inline bool qf_b64run_start2(unsigned char c0, unsigned char c1)
{
	switch (c0) {
	case 'T': return c1 == 'V' || c1 == 'F';
	case 'f': return c1 == '0';
	case '/': return c1 == 'u' || c1 == 'T';
	case 'z': return c1 == 'v' || c1 == '/';
	case 'y': return c1 == 'v';
	case '0': return c1 == 'M';
	case 'U': return c1 == 'E' || c1 == 'm';
	case 'N': return c1 == '3';
	case 'H': return c1 == '4' || c1 == '5';
	case 'Q': return c1 == 'l';
	case 'K': return c1 == 'L';
	case 'B': return c1 == 'C';
	default: return false;
	}
}
/* Whether n bytes (a line, or a piece of a long one) are base64 letters
 * only, with '=' padding; *padded when a '=' is among them. Trailing
 * CR, spaces and tabs are allowed when final (the line's end). */
bool qf_b64run_chars(const unsigned char *p, size_t n, bool final, bool *padded);
/* Whether decoded bytes h start such a head: yes, no, or
 * too few bytes yet. */
enum qf_b64run_head qf_b64run_head(const unsigned char *h, size_t n);

#endif
