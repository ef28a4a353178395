/* Display forms of names and serials (never identities: DESIGN.md). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* RFC 4514 §3 short names; other known types use their oid.h name and
 * unknown ones the dotted OID. */
static const char *short_name(enum pw_oid id)
{
	switch (id) {
	case PW_OID_CN: return "CN";
	case PW_OID_L: return "L";
	case PW_OID_ST: return "ST";
	case PW_OID_O: return "O";
	case PW_OID_OU: return "OU";
	case PW_OID_C: return "C";
	case PW_OID_STREET: return "STREET";
	case PW_OID_DOMAIN_COMPONENT: return "DC";
	case PW_OID_UID: return "UID";
	default: return NULL;
	}
}

struct out {
	char *buf;
	size_t cap, n;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->cap == 0)
		return;
	size_t room = o->cap - 1 - o->n;
	if (len > room)
		len = room;
	memcpy(o->buf + o->n, s, len);
	o->n += len;
	o->buf[o->n] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* RFC 4514 §2.4 escaping of a UTF-8 value. */
static void put_value(struct out *o, const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = v[i];
		int esc = strchr(",+\"\\<>;=", ch) != NULL || (i == 0 && (ch == '#' || ch == ' ')) ||
		          (i == len - 1 && ch == ' ');
		if ((unsigned char)ch < 0x20 || ch == 0x7F) {
			char hex[4];
			snprintf(hex, sizeof hex, "\\%02X", (unsigned char)ch);
			puts_(o, hex);
			continue;
		}
		if (esc)
			put(o, "\\", 1);
		put(o, &ch, 1);
	}
}

static void put_attr(struct out *o, const struct pw_attr *at)
{
	const char *sn = short_name(at->id);
	char tmp[PW_DER_OID_TEXT_MAX];
	if (sn == NULL && at->id != PW_OID_UNKNOWN)
		sn = pw_oid_name(at->id);
	if (sn == NULL) {
		if (!pw_der_oid_to_text(&at->oid, tmp, sizeof tmp))
			snprintf(tmp, sizeof tmp, "?");
		sn = tmp;
	}
	puts_(o, sn);
	put(o, "=", 1);
	char val[1024];
	size_t n = pw_der_string_to_utf8(at->tag, &at->value, val, sizeof val);
	if (n > 0 || at->value.len == 0) {
		put_value(o, val, n);
		return;
	}
	/* Not a string type: RFC 4514 §2.4 hex form of the value octets. */
	put(o, "#", 1);
	for (size_t i = 0; i < at->value.len && o->n + 3 < o->cap; i++) {
		char hex[3];
		snprintf(hex, sizeof hex, "%02x", at->value.p[i]);
		put(o, hex, 2);
	}
}

char *pw_name_to_text(const struct pw_name *n, char *buf, size_t buflen)
{
	struct out o = { buf, buflen, 0 };
	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	if (n == NULL)
		return buf;
	/* Most specific RDN (the last encoded) first, RFC 4514 §2.1. */
	for (unsigned r = n->n_rdns; r-- > 0;) {
		int first_in_rdn = 1;
		for (size_t i = 0; i < n->n_attrs; i++) {
			if (n->attrs[i].rdn != r)
				continue;
			if (!first_in_rdn)
				put(&o, "+", 1);
			else if (o.n > 0)
				put(&o, ", ", 2);
			first_in_rdn = 0;
			put_attr(&o, &n->attrs[i]);
		}
	}
	return buf;
}

char *pw_serial_to_hex(const struct pw_der *serial, char *buf, size_t buflen)
{
	static const char digits[] = "0123456789abcdef";
	if (buflen == 0)
		return buf;
	size_t n = 0;
	for (size_t i = 0; serial != NULL && i < serial->len && n + 2 < buflen; i++) {
		buf[n++] = digits[serial->p[i] >> 4];
		buf[n++] = digits[serial->p[i] & 15];
	}
	buf[n] = '\0';
	return buf;
}
