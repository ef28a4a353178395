/* inventory/inventory.c: every CA certificate the store knows, grouped by CA
 * identity (subject Name + SPKI, the identity CCADB Policy 5.1 and the ALV
 * notes reason about: "multiple intermediate certificates with the same
 * Subject + SPKI ... each one must have their SHA-256 Fingerprint listed"),
 * with roles (root, subordinate, cross-certificate), doppelgängers, what each
 * identity issued, and capabilities derived from the EKUs along the chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pkiward/buf.h"
#include "pkiward/cert.h"

/* One entry of the fingerprint index: the SHA-256 then the certificate's
 * index (compared on the first 32 bytes only). */
#define INDEX_ENTRY (32 + sizeof(size_t))

struct loader {
	struct pw_inventory *inv;
	size_t cap_certs;
	int64_t *ca_ids;       /* per cert: store identity id (0 = record-only) */
	int64_t *issuer_ids;   /* per cert: issuer identity id */
	uint8_t *sha_index;    /* sorted (sha256, index) pairs of the stored certificates */
	size_t n_index;
	struct pw_cert cert;
	enum pw_status st;
	struct pw_error *err;
};

/* Capabilities a certificate's own EKU grants (CCADB Policy 5 table: no EKU
 * or anyExtendedKeyUsage = every purpose). */
static unsigned eku_caps(const struct pw_cert *c)
{
	unsigned caps = 0;
	if (!c->x.eku.present)
		return PW_INVENTORY_CAP_ALL;
	for (size_t i = 0; i < c->x.eku.n; i++) {
		switch (c->x.eku.ids[i]) {
		case PW_OID_EKU_ANY: return PW_INVENTORY_CAP_ALL;
		case PW_OID_EKU_SERVER_AUTH: caps |= PW_INVENTORY_CAP_SERVER; break;
		case PW_OID_EKU_CLIENT_AUTH: caps |= PW_INVENTORY_CAP_CLIENT; break;
		case PW_OID_EKU_EMAIL_PROTECTION: caps |= PW_INVENTORY_CAP_EMAIL; break;
		case PW_OID_EKU_CODE_SIGNING: caps |= PW_INVENTORY_CAP_CODE; break;
		case PW_OID_EKU_TIME_STAMPING: caps |= PW_INVENTORY_CAP_TIMESTAMP; break;
		default: break;
		}
	}
	return caps;
}

/* CCADB "Derived Trust Bits" text to capabilities. */
static unsigned trust_bits_caps(const char *t)
{
	unsigned caps = 0;
	if (t == NULL)
		return 0;
	if (strstr(t, "Server Authentication"))
		caps |= PW_INVENTORY_CAP_SERVER;
	if (strstr(t, "Client Authentication"))
		caps |= PW_INVENTORY_CAP_CLIENT;
	if (strstr(t, "Secure Email"))
		caps |= PW_INVENTORY_CAP_EMAIL;
	if (strstr(t, "Code Signing"))
		caps |= PW_INVENTORY_CAP_CODE;
	if (strstr(t, "Time Stamping"))
		caps |= PW_INVENTORY_CAP_TIMESTAMP;
	return caps;
}

/* EV capable (CCADB "EV SSL Capable"): the CA may assert the CA/B Forum EV
 * policy, explicitly or through anyPolicy. */
static int ev_capable(const struct pw_cert *c)
{
	if (!c->x.policies.present)
		return 0;
	for (size_t i = 0; i < c->x.policies.n; i++)
		if (c->x.policies.v[i].id == PW_OID_CABF_EV || c->x.policies.v[i].id == PW_OID_ANY_POLICY)
			return 1;
	return 0;
}

/* MRSP 5.3.1: technically constrained = an EKU without anyExtendedKeyUsage,
 * and name constraints on what it may issue for (permitted subtrees). */
static int tech_constrained(const struct pw_cert *c)
{
	if (!c->x.eku.present)
		return 0;
	for (size_t i = 0; i < c->x.eku.n; i++)
		if (c->x.eku.ids[i] == PW_OID_EKU_ANY)
			return 0;
	unsigned caps = eku_caps(c);
	if (!(caps & (PW_INVENTORY_CAP_SERVER | PW_INVENTORY_CAP_EMAIL)))
		return 1; /* not capable of TLS or S/MIME at all */
	return c->x.nc.present && c->x.nc.n_permitted > 0;
}

static int grow_certs(struct loader *L)
{
	struct pw_inventory *inv = L->inv;
	if (inv->n_certs < L->cap_certs)
		return 1;
	if (inv->n_certs >= PW_INVENTORY_MAX_CA_CERTS)
		return 0;
	size_t ncap = L->cap_certs ? L->cap_certs * 2 : 256;
	struct pw_inventory_cert *nc = realloc(inv->certs, ncap * sizeof *nc);
	if (nc == NULL)
		return 0;
	inv->certs = nc;
	int64_t *a = realloc(L->ca_ids, ncap * sizeof *a);
	if (a == NULL)
		return 0;
	L->ca_ids = a;
	int64_t *b = realloc(L->issuer_ids, ncap * sizeof *b);
	if (b == NULL)
		return 0;
	L->issuer_ids = b;
	L->cap_certs = ncap;
	return 1;
}

static int on_ca_cert(void *ctx, const struct pw_store_ca_cert *c)
{
	struct loader *L = ctx;
	struct pw_inventory *inv = L->inv;
	struct pw_error perr;
	if (!grow_certs(L)) {
		L->st = pw_error_set(L->err, PW_ERR_NOMEM, 0, 0, NULL,
		                     "out of memory (or over %u CA certificates)",
		                     PW_INVENTORY_MAX_CA_CERTS);
		return 0;
	}
	struct pw_inventory_cert *x = &inv->certs[inv->n_certs];
	memset(x, 0, sizeof *x);
	memcpy(x->sha256, c->sha256, 32);
	x->identity = x->issuer_identity = PW_INVENTORY_NONE;
	x->subject = strdup(c->subject ? c->subject : "");
	x->issuer = strdup(c->issuer ? c->issuer : "");
	x->serial_hex = strdup(c->serial_hex ? c->serial_hex : "");
	/* Counted before the allocation check so that pw_inventory_free frees
	 * whichever of the three succeeded. */
	inv->n_certs++;
	if (x->subject == NULL || x->issuer == NULL || x->serial_hex == NULL) {
		L->st = pw_error_set(L->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		return 0;
	}
	memcpy(x->subject_name_sha256, c->subject_name_sha256, 32);
	memcpy(x->spki_sha256, c->spki_sha256, 32);
	x->not_before = c->not_before;
	x->not_after = c->not_after;
	x->revoked = c->revoked;
	x->revoked_at = c->revoked_at;
	L->ca_ids[inv->n_certs - 1] = c->ca_id;
	L->issuer_ids[inv->n_certs - 1] = c->issuer_ca_id;
	pw_error_clear(&perr);
	if (pw_cert_parse(&L->cert, c->der, c->der_len, &perr) == PW_OK) {
		x->own_caps = eku_caps(&L->cert);
		x->ev_capable = ev_capable(&L->cert);
		x->technically_constrained = tech_constrained(&L->cert);
	} else {
		/* Stored certificates parsed at ingest; a failure here means the
		 * row was altered. Assume the worst: capable of everything. */
		x->own_caps = PW_INVENTORY_CAP_ALL;
	}
	x->caps = x->own_caps;
	return 1;
}

static int on_record(void *ctx, const struct pw_store_ccadb_record *r)
{
	struct loader *L = ctx;
	struct pw_inventory *inv = L->inv;
	struct pw_inventory_cert *x = NULL;
	const uint8_t *hit = L->n_index ? bsearch(r->sha256, L->sha_index, L->n_index, INDEX_ENTRY,
	                                          pw_inv_cmp32)
	                                : NULL;
	if (hit != NULL) {
		size_t idx;
		memcpy(&idx, hit + 32, sizeof idx);
		x = &inv->certs[idx];
	}
	int revoked = r->revocation_status != NULL && strstr(r->revocation_status, "Revoked") != NULL &&
	              strstr(r->revocation_status, "Not Revoked") == NULL;
	if (x == NULL) {
		if (!grow_certs(L)) {
			L->st = pw_error_set(L->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			return 0;
		}
		x = &inv->certs[inv->n_certs];
		memset(x, 0, sizeof *x);
		memcpy(x->sha256, r->sha256, 32);
		x->identity = x->issuer_identity = PW_INVENTORY_NONE;
		x->role = PW_INVENTORY_RECORD_ONLY;
		x->subject = strdup(r->name ? r->name : "");
		x->issuer = strdup("");
		x->serial_hex = strdup("");
		inv->n_certs++;
		if (x->subject == NULL || x->issuer == NULL || x->serial_hex == NULL) {
			L->st = pw_error_set(L->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			return 0;
		}
		x->not_before = r->valid_from;
		x->not_after = r->valid_to ? r->valid_to + PW_INVENTORY_DAY - 1 : 0;
		x->own_caps = x->caps = trust_bits_caps(r->trust_bits);
		/* The parent, when stored, is found after loading (parent_of). */
		L->ca_ids[inv->n_certs - 1] = 0;
		L->issuer_ids[inv->n_certs - 1] = 0;
		if (r->has_parent) {
			/* Keep the parent's fingerprint in the issuer text for display
			 * and for the lookup below. */
			char hex[65];
			pw_hex_encode(r->parent_sha256, 32, hex);
			free(x->issuer);
			if ((x->issuer = strdup(hex)) == NULL) {
				L->st = pw_error_set(L->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
				return 0;
			}
		}
	}
	x->has_record = 1;
	if (r->technically_constrained)
		x->technically_constrained = 1;
	if (revoked && !x->revoked)
		x->revoked = 1; /* date unknown (revoked_at stays 0) */
	free(x->trust_bits);
	x->trust_bits = r->trust_bits ? strdup(r->trust_bits) : NULL;
	return 1;
}

static int build_index(struct loader *L)
{
	struct pw_inventory *inv = L->inv;
	L->n_index = inv->n_certs;
	if (L->n_index == 0)
		return 1;
	if ((L->sha_index = malloc(L->n_index * INDEX_ENTRY)) == NULL)
		return 0;
	for (size_t i = 0; i < L->n_index; i++) {
		memcpy(L->sha_index + i * INDEX_ENTRY, inv->certs[i].sha256, 32);
		memcpy(L->sha_index + i * INDEX_ENTRY + 32, &i, sizeof i);
	}
	qsort(L->sha_index, L->n_index, INDEX_ENTRY, pw_inv_cmp32);
	return 1;
}

static size_t index_find(const struct loader *L, const uint8_t sha[32])
{
	const uint8_t *hit = L->n_index ? bsearch(sha, L->sha_index, L->n_index, INDEX_ENTRY,
	                                          pw_inv_cmp32)
	                                : NULL;
	size_t idx = PW_INVENTORY_NONE;
	if (hit != NULL)
		memcpy(&idx, hit + 32, sizeof idx);
	return idx;
}

struct id_pair {
	int64_t ca_id;
	size_t cert;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct id_pair *x = a, *y = b;
	if (x->ca_id != y->ca_id)
		return x->ca_id < y->ca_id ? -1 : 1;
	return x->cert < y->cert ? -1 : x->cert > y->cert;
}

static size_t identity_find(const struct pw_inventory *inv, int64_t ca_id)
{
	size_t lo = 0, hi = inv->n_identities;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (inv->identities[mid].ca_id < ca_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < inv->n_identities && inv->identities[lo].ca_id == ca_id ? lo : PW_INVENTORY_NONE;
}

static int on_issued(void *ctx, int64_t issuer_ca_id, uint64_t leaves, uint64_t precerts,
                     uint64_t ca_certs)
{
	struct pw_inventory *inv = ctx;
	size_t i = identity_find(inv, issuer_ca_id);
	if (i != PW_INVENTORY_NONE) {
		inv->identities[i].leaves = leaves;
		inv->identities[i].precerts = precerts;
		inv->identities[i].ca_certs = ca_certs;
	}
	return 1;
}

/* Groups the stored certificates (those with a store identity) by identity. */
static int build_identities(struct loader *L, size_t n_stored)
{
	struct pw_inventory *inv = L->inv;
	struct id_pair *pairs = NULL;
	int ok = 0;
	if (n_stored == 0)
		return 1;
	if ((pairs = malloc(n_stored * sizeof *pairs)) == NULL)
		return 0;
	for (size_t i = 0; i < n_stored; i++) {
		pairs[i].ca_id = L->ca_ids[i];
		pairs[i].cert = i;
	}
	qsort(pairs, n_stored, sizeof *pairs, cmp_pair);
	size_t n_ids = 0;
	for (size_t i = 0; i < n_stored; i++)
		if (i == 0 || pairs[i].ca_id != pairs[i - 1].ca_id)
			n_ids++;
	if ((inv->identities = calloc(n_ids, sizeof *inv->identities)) == NULL)
		goto out;
	for (size_t i = 0; i < n_stored;) {
		size_t j = i;
		while (j < n_stored && pairs[j].ca_id == pairs[i].ca_id)
			j++;
		struct pw_inventory_identity *id = &inv->identities[inv->n_identities++];
		id->ca_id = pairs[i].ca_id;
		if ((id->certs = malloc((j - i) * sizeof *id->certs)) == NULL)
			goto out;
		for (size_t k = i; k < j; k++) {
			id->certs[id->n_certs++] = pairs[k].cert;
			inv->certs[pairs[k].cert].identity = inv->n_identities - 1;
		}
		if ((id->subject = strdup(inv->certs[pairs[i].cert].subject)) == NULL)
			goto out;
		memcpy(id->subject_name_sha256, inv->certs[pairs[i].cert].subject_name_sha256, 32);
		memcpy(id->spki_sha256, inv->certs[pairs[i].cert].spki_sha256, 32);
		i = j;
	}
	ok = 1;
out:
	free(pairs);
	return ok;
}

/* Two certificates of one identity have the same issuer: the same issuer
 * identity when it is stored, else the same issuer name. */
static int same_issuer(const struct pw_inventory_cert *a, const struct pw_inventory_cert *b)
{
	if (a->issuer_identity != PW_INVENTORY_NONE || b->issuer_identity != PW_INVENTORY_NONE)
		return a->issuer_identity == b->issuer_identity;
	return strcmp(a->issuer, b->issuer) == 0;
}

/* Roles and doppelgängers within each identity. */
static void assign_roles(struct pw_inventory *inv)
{
	for (size_t d = 0; d < inv->n_identities; d++) {
		struct pw_inventory_identity *id = &inv->identities[d];
		size_t n_issuers = 0;
		for (size_t a = 0; a < id->n_certs; a++) {
			const struct pw_inventory_cert *x = &inv->certs[id->certs[a]];
			int first = 1;
			for (size_t b = 0; b < a && first; b++)
				if (same_issuer(&inv->certs[id->certs[b]], x))
					first = 0;
			n_issuers += (size_t)first;
		}
		for (size_t a = 0; a < id->n_certs; a++) {
			struct pw_inventory_cert *x = &inv->certs[id->certs[a]];
			if (x->issuer_identity == d)
				x->role = PW_INVENTORY_ROOT;
			/* Cross-certificates: the same identity (subject + key)
			 * certified by more than one issuer, a root included. */
			else if (n_issuers > 1)
				x->role = PW_INVENTORY_CROSS;
			else
				x->role = PW_INVENTORY_SUBORDINATE;
			for (size_t b = 0; b < id->n_certs; b++)
				if (b != a && same_issuer(&inv->certs[id->certs[b]], x))
					x->doppelganger = 1;
		}
	}
}

/* Capabilities along the chain (CCADB Policy 5 table, "directly or
 * transitively"): a certificate can be used for a purpose only if its own
 * EKU allows it and some certificate of its issuer's identity can. The
 * greatest fixpoint, reached by lowering from each certificate's own
 * capabilities, also settles cross-certification loops. */
static void derive_caps(struct pw_inventory *inv)
{
	int changed = 1;
	for (size_t round = 0; changed && round <= inv->n_certs; round++) {
		changed = 0;
		for (size_t i = 0; i < inv->n_certs; i++) {
			struct pw_inventory_cert *x = &inv->certs[i];
			if (x->issuer_identity == PW_INVENTORY_NONE || x->issuer_identity == x->identity)
				continue;
			const struct pw_inventory_identity *up = &inv->identities[x->issuer_identity];
			unsigned u = 0;
			for (size_t k = 0; k < up->n_certs; k++)
				if (up->certs[k] != i)
					u |= inv->certs[up->certs[k]].caps;
			unsigned nc = x->own_caps & u;
			if (nc != x->caps) {
				x->caps = nc;
				changed = 1;
			}
		}
	}
}

enum pw_status pw_inventory_load(struct pw_store *s, struct pw_inventory **out,
                                 struct pw_error *err)
{
	struct loader L;
	enum pw_status st;
	memset(&L, 0, sizeof L);
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	if ((L.inv = calloc(1, sizeof *L.inv)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	pw_cert_init(&L.cert);
	L.err = err;
	st = pw_store_ca_cert_list(s, on_ca_cert, &L, err);
	if (st == PW_OK)
		st = L.st;
	if (st != PW_OK)
		goto out;
	size_t n_stored = L.inv->n_certs;
	if (!build_index(&L) || !build_identities(&L, n_stored)) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_stored; i++)
		L.inv->certs[i].issuer_identity =
			L.issuer_ids[i] ? identity_find(L.inv, L.issuer_ids[i]) : PW_INVENTORY_NONE;
	st = pw_store_ccadb_record_list(s, on_record, &L, err);
	if (st == PW_OK)
		st = L.st;
	if (st != PW_OK)
		goto out;
	/* Record-only certificates: their parent's identity, when stored. */
	for (size_t i = n_stored; i < L.inv->n_certs; i++) {
		struct pw_inventory_cert *x = &L.inv->certs[i];
		uint8_t parent[32];
		if (strlen(x->issuer) == 64 && pw_hex_decode(x->issuer, parent, 32)) {
			size_t p = index_find(&L, parent);
			if (p != PW_INVENTORY_NONE)
				x->issuer_identity = L.inv->certs[p].identity;
		}
	}
	if ((st = pw_store_issued_counts(s, on_issued, L.inv, err)) != PW_OK)
		goto out;
	assign_roles(L.inv);
	derive_caps(L.inv);
	*out = L.inv;
	L.inv = NULL;
out:
	pw_inventory_free(L.inv);
	pw_cert_cleanup(&L.cert);
	free(L.ca_ids);
	free(L.issuer_ids);
	free(L.sha_index);
	return st;
}

void pw_inventory_free(struct pw_inventory *inv)
{
	if (inv == NULL)
		return;
	for (size_t i = 0; i < inv->n_certs; i++) {
		free(inv->certs[i].subject);
		free(inv->certs[i].issuer);
		free(inv->certs[i].serial_hex);
		free(inv->certs[i].trust_bits);
	}
	for (size_t i = 0; i < inv->n_identities; i++) {
		free(inv->identities[i].certs);
		free(inv->identities[i].subject);
	}
	free(inv->certs);
	free(inv->identities);
	free(inv);
}

enum pw_inventory_status pw_inventory_cert_status(const struct pw_inventory_cert *c, int64_t at)
{
	if (c->revoked && (c->revoked_at == 0 || c->revoked_at <= at))
		return PW_INVENTORY_REVOKED;
	/* RFC 5280 §4.1.2.5: notAfter is inclusive. */
	if (c->not_after != 0 && at > c->not_after)
		return PW_INVENTORY_EXPIRED;
	if (at < c->not_before)
		return PW_INVENTORY_NOT_YET_VALID;
	return PW_INVENTORY_VALID;
}

const char *pw_inventory_status_name(enum pw_inventory_status st)
{
	switch (st) {
	case PW_INVENTORY_VALID: return "valid";
	case PW_INVENTORY_NOT_YET_VALID: return "not-yet-valid";
	case PW_INVENTORY_EXPIRED: return "expired";
	case PW_INVENTORY_REVOKED: return "revoked";
	}
	return "?";
}

const char *pw_inventory_role_name(enum pw_inventory_role r)
{
	switch (r) {
	case PW_INVENTORY_ROOT: return "root";
	case PW_INVENTORY_SUBORDINATE: return "subordinate";
	case PW_INVENTORY_CROSS: return "cross";
	case PW_INVENTORY_RECORD_ONLY: return "record-only";
	}
	return "?";
}

char *pw_inventory_caps_text(unsigned caps, char *buf, size_t buflen)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{PW_INVENTORY_CAP_SERVER, "server"},
	             {PW_INVENTORY_CAP_CLIENT, "client"},
	             {PW_INVENTORY_CAP_EMAIL, "email"},
	             {PW_INVENTORY_CAP_CODE, "code"},
	             {PW_INVENTORY_CAP_TIMESTAMP, "timestamp"}};
	size_t used = 0;
	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(caps & names[i].bit))
			continue;
		int n = snprintf(buf + used, buflen - used, "%s%s", used ? "," : "", names[i].name);
		if (n < 0 || (size_t)n >= buflen - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, buflen, "none");
	return buf;
}
