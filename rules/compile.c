/* compile.c: rules text -> cdb (qfilter-rules(8)). Each rule is stored
 * under the key its selector is looked up by, so that a look-up costs the
 * same with ten rules or with 100,000 per-user lines:
 *   "*"                every message        "r"          relay clients
 *   "t:user@dom"       to=user@dom          "f:..."      from=...
 *   "t@dom"            to=@dom              "f@dom"
 *   "t@.dom"           to=@.dom             "f@.dom"
 *   "i:HEX/PREFIX"     ip=CIDR (the network, masked, in 128-bit form)
 * plus the records QF_KEY_FORMAT, QF_KEY_SOURCE and QF_KEY_PREFIXES. */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rules_int.h"

#define QF_RULES_SRC_MAX (1u << 30)  /* a rules file larger than this is a mistake */

struct compile {
	struct cdb_make cdbm;
	bool prefix_used[129];
	int syserr;             /* errno of a failed cdb write */
	void (*error)(void *arg, const char *msg);
	void *error_arg;
};

static void forward_error(void *arg, const char *msg)
{
	struct compile *c = arg;

	c->error(c->error_arg, msg);
}

static int rule_key(const struct qf_rule *r, char *key, size_t keylen)
{
	const char *fmt;
	int n;

	switch (r->sel) {
	case QF_SEL_ALL: fmt = "*"; break;
	case QF_SEL_RELAY: fmt = "r"; break;
	case QF_SEL_TO: fmt = "t:%s"; break;
	case QF_SEL_TO_DOMAIN: fmt = "t@%s"; break;
	case QF_SEL_TO_SUBDOMAINS: fmt = "t@.%s"; break;
	case QF_SEL_FROM: fmt = "f:%s"; break;
	case QF_SEL_FROM_DOMAIN: fmt = "f@%s"; break;
	case QF_SEL_FROM_SUBDOMAINS: fmt = "f@.%s"; break;
	case QF_SEL_IP:
		return qf_cidr_key(r->net.addr, r->net.prefix, key, keylen) < 0 ? -1
			: (int)strlen(key);
	default: return -1;
	}
	n = snprintf(key, keylen, fmt, r->value ? r->value : "");
	return n < 0 || (size_t)n >= keylen ? -1 : n;
}

static int add_rule(void *arg, unsigned line, const char *text, size_t textlen,
		    struct qf_rule *r)
{
	struct compile *c = arg;
	char key[1100];
	unsigned char *val;
	int klen = rule_key(r, key, sizeof key);

	if (r->sel == QF_SEL_IP)
		c->prefix_used[r->net.prefix] = true;
	qf_rule_free(r);
	if (klen < 0 || c->syserr)
		return c->syserr ? -1 : 0;
	if (!(val = malloc(4 + textlen))) {
		c->syserr = ENOMEM;
		return -1;
	}
	val[0] = (unsigned char)(line >> 24);  /* big-endian: readable with cdb -d */
	val[1] = (unsigned char)(line >> 16);
	val[2] = (unsigned char)(line >> 8);
	val[3] = (unsigned char)line;
	memcpy(val + 4, text, textlen);
	if (cdb_make_add(&c->cdbm, key, (unsigned)klen, val, (unsigned)(4 + textlen)) < 0)
		c->syserr = errno ? errno : EIO;
	free(val);
	return c->syserr ? -1 : 0;
}

static int finish_records(struct compile *c, const char *name)
{
	unsigned char prefixes[129];
	unsigned n = 0;

	for (unsigned i = 0; i <= 128; i++)
		if (c->prefix_used[i])
			prefixes[n++] = (unsigned char)i;
	if (cdb_make_add(&c->cdbm, QF_KEY_FORMAT, sizeof QF_KEY_FORMAT - 1,
			 QF_RULES_FORMAT, sizeof QF_RULES_FORMAT - 1) < 0 ||
	    cdb_make_add(&c->cdbm, QF_KEY_SOURCE, sizeof QF_KEY_SOURCE - 1,
			 name, (unsigned)strlen(name)) < 0 ||
	    cdb_make_add(&c->cdbm, QF_KEY_PREFIXES, sizeof QF_KEY_PREFIXES - 1,
			 prefixes, n) < 0 ||
	    cdb_make_finish(&c->cdbm) < 0)
		return -1;
	return 0;
}

static int check_rule(void *arg, unsigned line, const char *text, size_t textlen,
		      struct qf_rule *r)
{
	qf_rule_free(r);
	return 0;
}

/* fsync the folder so that the rename itself survives a crash */
static void sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int qf_rules_compile_text(const char *name, const char *text, size_t len,
			  const char *out,
			  void (*error)(void *arg, const char *msg), void *arg,
			  char *err, size_t errlen)
{
	struct qf_rules_parser check = { check_rule, error, arg };
	struct compile *c;
	char *tmp;
	int fd, n;

	/* the whole text is checked before anything is written */
	n = qf_rules_parse(name, text, len, &check);
	if (n != 0)
		return 100;
	if (!(c = calloc(1, sizeof *c)) || !(tmp = malloc(strlen(out) + 16))) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return 111;
	}
	c->error = error;
	c->error_arg = arg;
	struct qf_rules_parser write = { add_rule, forward_error, c };
	sprintf(tmp, "%s.tmpXXXXXX", out);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		free(c);
		return 111;
	}
	/* mkostemp makes it 0600; the file holds no secrets and qfilter may
	 * run under another uid than the administrator who compiles */
	if (fchmod(fd, 0644) < 0 || cdb_make_start(&c->cdbm, fd) < 0 ||
	    qf_rules_parse(name, text, len, &write) != 0 || c->syserr ||
	    finish_records(c, name) < 0 || fsync(fd) < 0) {
		int e = c->syserr ? c->syserr : errno;
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(e ? e : EIO));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, out) < 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, out, strerror(errno));
		goto fail;
	}
	sync_dir(out);
	free(tmp);
	free(c);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(c);
	return 111;
}

static int read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 65536, n = 0;
	char *buf = NULL;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t r;
		if (!buf || n == cap) {
			char *nb;
			if (buf)
				cap *= 2;
			if (cap > QF_RULES_SRC_MAX || !(nb = realloc(buf, cap))) {
				snprintf(err, errlen, "%s: too large to read", path);
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*text = buf;
	*len = n;
	return 0;
fail:
	close(fd);
	free(buf);
	return -1;
}

int qf_rules_compile(const char *src, const char *out,
		     void (*error)(void *arg, const char *msg), void *arg,
		     char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	if (read_file(src, &text, &len, err, errlen) < 0)
		return 111;
	rc = qf_rules_compile_text(src, text, len, out, error, arg, err, errlen);
	free(text);
	return rc;
}
