/* mime_yenc.c: yEnc decoding (mime_yenc.h). Each byte is the letter
 * less 42; "=" escapes the next letter, which is then less 64 more. */
#include <string.h>
#include "mime_yenc.h"

static bool starts(const unsigned char *l, size_t n, const char *word)
{
	size_t w = strlen(word);

	return n >= w && !memcmp(l, word, w);
}

bool qf_yenc_begin(const unsigned char *l, size_t n, char *name, size_t namelen)
{
	size_t i, k;

	if (!starts(l, n, "=ybegin "))
		return false;
	for (i = 8; i + 5 <= n; i++)        /* name= is the last keyword */
		if (!memcmp(l + i, "name=", 5) && l[i - 1] == ' ')
			break;
	if (i + 5 > n)
		return false;
	i += 5;
	while (n > i && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	for (k = 0; i < n && k + 1 < namelen; i++)
		name[k++] = l[i] && l[i] != '/' ? (char)l[i] : '_';
	name[k] = 0;
	return true;
}

bool qf_yenc_end(const unsigned char *l, size_t n)
{
	return starts(l, n, "=yend");
}

size_t qf_yenc_line(const unsigned char *l, size_t n, unsigned char *out)
{
	size_t i, k = 0;

	if (starts(l, n, "=y"))
		return 0;
	while (n && l[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++) {
		if (l[i] == '=' && i + 1 < n) {
			out[k++] = (unsigned char)(l[++i] - 64 - 42);
			continue;
		}
		out[k++] = (unsigned char)(l[i] - 42);
	}
	return k;
}
