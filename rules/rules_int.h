/* rules_int.h: the rules language inside rules/ (parse, compile, look up).
 * One rule is one line: a selector and settings (qfilter.rules(5)). */
#ifndef QF_RULES_INT_H
#define QF_RULES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy.h"

#define QF_RULE_LINE_MAX 8192       /* bytes in one line of a rules file */
#define QF_RULES_FORMAT "qfilter-rules 1"

enum qf_selector {
	QF_SEL_NONE = 0,     /* a blank or comment line */
	QF_SEL_ALL,          /* * */
	QF_SEL_TO,           /* to=user@domain */
	QF_SEL_TO_DOMAIN,    /* to=@domain: that domain only */
	QF_SEL_TO_SUBDOMAINS,/* to=@.domain: every domain under it, not itself */
	QF_SEL_FROM,         /* from=user@domain, from=<> */
	QF_SEL_FROM_DOMAIN,
	QF_SEL_FROM_SUBDOMAINS,
	QF_SEL_IP,           /* ip=CIDR */
	QF_SEL_RELAY         /* relay */
};

/* One bit per setting a rule gives; the rest keep their earlier value. */
enum {
	QF_SET_EXE = 1 << 0, QF_SET_VIRUS = 1 << 1, QF_SET_VIRUS_FAIL = 1 << 2,
	QF_SET_TYPES = 1 << 3, QF_SET_BAN_TYPES = 1 << 4, QF_SET_BAN_EXT = 1 << 5,
	QF_SET_SIZE = 1 << 6, QF_SET_PART_SIZE = 1 << 7, QF_SET_DKIM = 1 << 8,
	QF_SET_DKIM_REQUIRE = 1 << 9, QF_SET_DKIM_FAIL = 1 << 10,
	QF_SET_MAX_PARTS = 1 << 11, QF_SET_MAX_DEPTH = 1 << 12,
	QF_SET_UNCHECKED = 1 << 13, QF_SET_AMBIGUOUS = 1 << 14, QF_SET_PARTIAL = 1 << 15,
	QF_SET_SIGN = 1 << 16, QF_SET_DMARC_FAIL = 1 << 17
};

/* An IPv4 or IPv6 network; IPv4 is kept as ::ffff:a.b.c.d so that one
 * comparison serves both (and mapped client addresses match v4 rules). */
struct qf_cidr {
	unsigned char addr[16];
	unsigned prefix;     /* 0..128, counted on the 128-bit form */
	bool v4;
};

struct qf_rule {
	enum qf_selector sel;
	char *value;         /* lowercased address or domain (no @ or leading .) */
	struct qf_cidr net;  /* QF_SEL_IP */
	unsigned set;        /* QF_SET_* bits */
	struct qf_policy settings; /* the values of the bits in set */
};

/* Parses one line (without its newline). 0: r is filled (r->sel is
 * QF_SEL_NONE for a blank or comment line). -1: problem() was called
 * once for each thing wrong in the line, and r holds nothing to free. */
int qf_rule_parse(const char *line, size_t len, struct qf_rule *r,
		  void (*problem)(void *arg, const char *what), void *arg);
void qf_rule_free(struct qf_rule *r);
/* Copies the rule's settings over p (lists are replaced, not extended).
 * 0 or -1 (ENOMEM). */
int qf_rule_apply(const struct qf_rule *r, struct qf_policy *p);
/* The line with its comment and surrounding blanks cut: what the trace
 * shows and what the compiled file keeps. Sets *len. */
const char *qf_rule_text(const char *line, size_t *len);

/* Parses a whole rules text: calls rule() for each rule (ownership passes
 * to it; a nonzero return stops the parse) and error() for each bad line
 * with "NAME:LINE: what is wrong". Returns the number of errors, or -1
 * when rule() stopped it. */
struct qf_rules_parser {
	int (*rule)(void *arg, unsigned line, const char *text, size_t textlen,
		    struct qf_rule *r);
	void (*error)(void *arg, const char *msg);
	void *arg;
};
int qf_rules_parse(const char *name, const char *text, size_t len,
		   const struct qf_rules_parser *p);

/* CIDR: "10.0.0.0/8", "2001:db8::/32", a bare address (a /32 or /128).
 * 0, or -1 with err. */
int qf_cidr_parse(const char *s, struct qf_cidr *c, char *err, size_t errlen);
/* A client address (TCPREMOTEIP) in the 128-bit form; 0 or -1. */
int qf_cidr_addr(const char *s, unsigned char out[16]);
bool qf_cidr_match(const struct qf_cidr *net, const unsigned char addr[16]);
/* The network of addr at prefix bits as text: the key of ip= rules. */
int qf_cidr_key(const unsigned char addr[16], unsigned prefix, char *buf, size_t buflen);

/* Compiles the rules file src into the cdb file out, atomically (a temp
 * file in out's folder, fsync, rename). Errors in the text go to error()
 * as in qf_rules_parse; a system error goes into err. Returns 0, 100 (the
 * text has errors: out untouched) or 111 (cannot read src or write out). */
int qf_rules_compile(const char *src, const char *out,
		     void (*error)(void *arg, const char *msg), void *arg,
		     char *err, size_t errlen);
/* The same from a text in memory; name is what messages and the trace call it. */
int qf_rules_compile_text(const char *name, const char *text, size_t len,
			  const char *out,
			  void (*error)(void *arg, const char *msg), void *arg,
			  char *err, size_t errlen);

/* Keys of the compiled file. Records of rules: a 4-byte big-endian line
 * number, then the rule's text (qf_rule_text), parsed again on look-up. */
#define QF_KEY_FORMAT "\0format"      /* -> QF_RULES_FORMAT */
#define QF_KEY_SOURCE "\0source"      /* -> the rules file's name */
#define QF_KEY_PREFIXES "\0prefixes"  /* -> one byte per ip= prefix length used */

#endif
