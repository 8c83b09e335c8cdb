/* cidr.c: ip= networks. Both families are held as 128 bits, IPv4 as
 * ::ffff:a.b.c.d, so a client that tcpserver reports in the mapped form
 * still matches an IPv4 rule. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "rules_int.h"

static const unsigned char v4_mapped[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };

/* Reads an address of either family; *v4 says which it was written as. */
static int addr_parse(const char *s, unsigned char out[16], bool *v4)
{
	unsigned char a4[4];

	if (inet_pton(AF_INET, s, a4) == 1) {
		memcpy(out, v4_mapped, 12);
		memcpy(out + 12, a4, 4);
		*v4 = true;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*v4 = false;
		return 0;
	}
	return -1;
}

int qf_cidr_addr(const char *s, unsigned char out[16])
{
	bool v4;

	return addr_parse(s, out, &v4);
}

static void mask(unsigned char a[16], unsigned prefix)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;
		if (bits < 8)
			a[i] &= (unsigned char)(0xff00u >> bits);
	}
}

int qf_cidr_parse(const char *s, struct qf_cidr *c, char *err, size_t errlen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long prefix;

	if (alen == 0 || alen >= sizeof buf) {
		snprintf(err, errlen, "ip=%s: not an IPv4 or IPv6 address", s);
		return -1;
	}
	memcpy(buf, s, alen);
	buf[alen] = 0;
	if (addr_parse(buf, c->addr, &c->v4) < 0) {
		snprintf(err, errlen, "ip=%s: not an IPv4 or IPv6 address", s);
		return -1;
	}
	prefix = c->v4 ? 32 : 128;
	if (slash) {
		const char *p = slash + 1;
		unsigned long n = 0;
		if (!*p) {
			snprintf(err, errlen, "ip=%s: no prefix length after /", s);
			return -1;
		}
		for (; *p; p++) {
			if (*p < '0' || *p > '9' || n > 128) {
				n = 999;
				break;
			}
			n = n * 10 + (unsigned long)(*p - '0');
		}
		if (n > prefix) {
			snprintf(err, errlen, "ip=%s: the prefix length must be 0 to %lu", s, prefix);
			return -1;
		}
		prefix = n;
	}
	c->prefix = (unsigned)prefix + (c->v4 ? 96 : 0);
	unsigned char net[16];
	memcpy(net, c->addr, 16);
	mask(net, c->prefix);
	if (memcmp(net, c->addr, 16) != 0) {
		/* 10.1.2.3/8 is most likely a typing error: say so rather than guess */
		char shown[INET6_ADDRSTRLEN];
		if (c->v4)
			inet_ntop(AF_INET, net + 12, shown, sizeof shown);
		else
			inet_ntop(AF_INET6, net, shown, sizeof shown);
		snprintf(err, errlen, "ip=%s: host bits are set (the network is %s/%lu)",
			 s, shown, prefix);
		return -1;
	}
	return 0;
}

bool qf_cidr_match(const struct qf_cidr *net, const unsigned char addr[16])
{
	unsigned char a[16];

	memcpy(a, addr, 16);
	mask(a, net->prefix);
	return memcmp(a, net->addr, 16) == 0;
}

int qf_cidr_key(const unsigned char addr[16], unsigned prefix, char *buf, size_t buflen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char a[16];
	size_t n = 0;

	if (buflen < 2 + 32 + 5 || prefix > 128)
		return -1;
	memcpy(a, addr, 16);
	mask(a, prefix);
	buf[n++] = 'i';
	buf[n++] = ':';
	for (unsigned i = 0; i < 16; i++) {
		buf[n++] = hex[a[i] >> 4];
		buf[n++] = hex[a[i] & 15];
	}
	snprintf(buf + n, buflen - n, "/%u", prefix);
	return 0;
}
