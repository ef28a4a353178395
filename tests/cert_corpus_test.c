/* Walks the zlint corpus (PW_CORPUS_DIR/zlint/testdata, 1,254 files of
 * certificates and CRLs written outside this project) through the input
 * framing and the certificate/CRL/CSR parsers. Every file must parse, or be
 * listed with its reason in tests/data/zlint_rejections.tsv; a listed file
 * that now parses fails the test too, so the list stays true.
 *
 * `cert_corpus_test --list` prints the current rejections in the TSV format
 * (used to regenerate the file after reviewing each one). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pkiward/cert.h"

#define CORPUS_SUBDIR "/zlint/testdata"
#define REJECTIONS_FILE PW_TESTDATA_DIR "/zlint_rejections.tsv"
#define MAX_FILES 4096
#define MAX_PATH_LEN 1024
#define MAX_REASON 512
#define MAX_FILE_BYTES (64u << 20)
/* The corpus as described in /work/shared/corpus/README.md. */
#define EXPECTED_FILES 1254
/* Objects OpenSSL also parses, so that the comparison really ran. */
#define EXPECTED_CROSSCHECKED 1200

struct result {
	char path[MAX_PATH_LEN]; /* relative to the corpus root */
	int rejected;
	char reason[MAX_REASON];
};

static struct result *g_results;
static size_t g_n;
/* Cross-checks against OpenSSL (an independent parser): objects compared
 * and disagreements found. */
static size_t g_crosschecked, g_disagreements;

static int cmp_result(const void *a, const void *b)
{
	return strcmp(((const struct result *)a)->path, ((const struct result *)b)->path);
}

static uint8_t *read_all(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct stat st;
	uint8_t *buf = NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 && (uint64_t)st.st_size <= MAX_FILE_BYTES)
		buf = malloc((size_t)st.st_size + 1);
	size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	*out_len = n;
	return buf;
}

static void reject(struct result *r, const char *fmt, ...) PW_PRINTF(2, 3);
static void reject(struct result *r, const char *fmt, ...)
{
	va_list ap;
	if (r->rejected)
		return; /* keep the first reason */
	r->rejected = 1;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
	/* TSV: no tabs or newlines in a reason. */
	for (char *p = r->reason; *p; p++)
		if (*p == '\t' || *p == '\n')
			*p = ' ';
}

static void disagree(const char *path, const char *what)
{
	fprintf(stderr, "%s: pkiward and OpenSSL disagree on %s\n", path, what);
	g_disagreements++;
}

/* Compares a DER encoding made by OpenSSL (i2d) with a window. */
#define SAME_I2D(win, i2d_call)                                        \
	do {                                                                     \
		unsigned char *buf_ = NULL;                                      \
		int n_ = i2d_call;                                               \
		if (n_ < 0 || (size_t)n_ != (win).len ||                         \
		    memcmp(buf_, (win).p, (win).len) != 0)                       \
			disagree(path, #win);                                    \
		OPENSSL_free(buf_);                                              \
	} while (0)

/* Every certificate OpenSSL also reads: fingerprint, serial, names, SPKI,
 * each extension (OID, criticality, value), dates, SAN count, RSA size. */
static void crosscheck_cert(const char *path, const struct pw_cert *c)
{
	const unsigned char *p = c->der.p;
	X509 *x = d2i_X509(NULL, &p, (long)c->der.len);
	if (x == NULL)
		return; /* OpenSSL rejects it: nothing to compare */
	g_crosschecked++;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (!X509_digest(x, EVP_sha256(), md, &mdlen) || memcmp(md, c->sha256, 32) != 0)
		disagree(path, "sha256");
	SAME_I2D(c->issuer.raw, i2d_X509_NAME(X509_get_issuer_name(x), &buf_));
	SAME_I2D(c->subject.raw, i2d_X509_NAME(X509_get_subject_name(x), &buf_));
	SAME_I2D(c->spki.raw, i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &buf_));
	{
		const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
		unsigned char *buf_ = NULL;
		int n_ = i2d_ASN1_INTEGER(sn, &buf_);
		/* Contents = the encoding minus its header (2 octets below 128
		 * content octets, 3 up to 255). */
		size_t hl = n_ > 1 && buf_[1] == 0x81 ? 3 : 2;
		if (n_ < 2 || (size_t)n_ - hl != c->serial.len ||
		    memcmp(buf_ + hl, c->serial.p, c->serial.len) != 0)
			disagree(path, "serial");
		OPENSSL_free(buf_);
	}
	if ((size_t)X509_get_ext_count(x) != c->n_exts) {
		disagree(path, "extension count");
	} else {
		for (size_t i = 0; i < c->n_exts; i++) {
			X509_EXTENSION *e = X509_get_ext(x, (int)i);
			const ASN1_OBJECT *obj = X509_EXTENSION_get_object(e);
			const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(e);
			if (OBJ_length(obj) != c->exts[i].oid.len ||
			    memcmp(OBJ_get0_data(obj), c->exts[i].oid.p, c->exts[i].oid.len) != 0)
				disagree(path, "extension OID");
			if (X509_EXTENSION_get_critical(e) != c->exts[i].critical)
				disagree(path, "extension criticality");
			if ((size_t)v->length != c->exts[i].value.len ||
			    memcmp(v->data, c->exts[i].value.p, c->exts[i].value.len) != 0)
				disagree(path, "extension value");
		}
	}
	if (c->validity_strict_ok) {
		struct tm tm;
		if (!ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) || timegm(&tm) != c->not_before)
			disagree(path, "notBefore");
		if (!ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) || timegm(&tm) != c->not_after)
			disagree(path, "notAfter");
	}
	const struct pw_ext *san = pw_cert_get0_ext(c, PW_OID_EXT_SAN);
	if (san != NULL && san->decoded_ok && c->exts_unique_ok) {
		GENERAL_NAMES *gns = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
		if (gns != NULL && (size_t)sk_GENERAL_NAME_num(gns) != c->x.san.names.n)
			disagree(path, "SAN count");
		GENERAL_NAMES_free(gns);
	}
	if (c->spki.rsa_ok) {
		EVP_PKEY *pk = X509_get0_pubkey(x);
		if (pk != NULL && EVP_PKEY_get_bits(pk) != (int)c->spki.rsa_bits)
			disagree(path, "RSA modulus size");
	}
	X509_free(x);
}

static void crosscheck_crl(const char *path, const struct pw_crl *l)
{
	const unsigned char *p = l->der.p;
	X509_CRL *x = d2i_X509_CRL(NULL, &p, (long)l->der.len);
	if (x == NULL)
		return;
	g_crosschecked++;
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(x);
	if ((size_t)(rev ? sk_X509_REVOKED_num(rev) : 0) != l->n_entries)
		disagree(path, "revoked count");
	SAME_I2D(l->issuer.raw, i2d_X509_NAME(X509_CRL_get_issuer(x), &buf_));
	if ((size_t)X509_CRL_get_ext_count(x) != l->n_exts)
		disagree(path, "CRL extension count");
	X509_CRL_free(x);
}

static void check_file(const char *full, struct result *r, struct pw_cert *c, struct pw_crl *l,
                       struct pw_csr *q)
{
	size_t len = 0;
	uint8_t *buf = read_all(full, &len);
	struct pw_objects objs = { 0 };
	struct pw_error err;
	char msg[PW_ERROR_FIELD_MAX + PW_ERROR_MSG_MAX + 32];

	if (buf == NULL) {
		reject(r, "cannot read file");
		return;
	}
	if (pw_objects_read(buf, len, &objs, &err) != PW_OK)
		reject(r, "framing: %s", pw_error_format(&err, msg, sizeof msg));
	for (size_t i = 0; i < objs.n; i++) {
		const struct pw_object *o = &objs.v[i];
		enum pw_status st = PW_OK;
		const char *what = "";
		switch (o->type) {
		case PW_OBJ_CERTIFICATE:
			what = "certificate";
			st = pw_cert_parse(c, o->der, o->der_len, &err);
			if (st == PW_OK)
				crosscheck_cert(r->path, c);
			break;
		case PW_OBJ_TBS:
			what = "tbsCertificate";
			st = pw_cert_parse_tbs(c, o->der, o->der_len, &err);
			break;
		case PW_OBJ_CRL:
			what = "CRL";
			st = pw_crl_parse(l, o->der, o->der_len, &err);
			if (st == PW_OK)
				crosscheck_crl(r->path, l);
			break;
		case PW_OBJ_CSR:
			what = "CSR";
			st = pw_csr_parse(q, o->der, o->der_len, &err);
			break;
		default:
			if (o->label[0] != '\0')
				reject(r, "object %zu: unsupported PEM label \"%s\"", i + 1, o->label);
			else
				reject(r, "object %zu: DER structure is not a certificate, CSR or CRL", i + 1);
			continue;
		}
		if (st != PW_OK)
			reject(r, "object %zu (%s): %s", i + 1, what, pw_error_format(&err, msg, sizeof msg));
	}
	pw_objects_free(&objs);
	free(buf);
}

static void walk(const char *root, const char *rel)
{
	char dir_path[2 * MAX_PATH_LEN];
	snprintf(dir_path, sizeof dir_path, "%s%s%s", root, rel[0] ? "/" : "", rel);
	DIR *dir = opendir(dir_path);
	assert_non_null(dir);
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char child_rel[MAX_PATH_LEN], child_full[2 * MAX_PATH_LEN + 8];
		snprintf(child_rel, sizeof child_rel, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
		snprintf(child_full, sizeof child_full, "%s/%s", root, child_rel);
		struct stat st;
		assert_int_equal(stat(child_full, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			walk(root, child_rel);
			continue;
		}
		assert_true(g_n < MAX_FILES);
		struct result *r = &g_results[g_n++];
		memset(r, 0, sizeof *r);
		snprintf(r->path, sizeof r->path, "%s", child_rel);
	}
	closedir(dir);
}

static void run_corpus(void)
{
	const char *root = PW_CORPUS_DIR CORPUS_SUBDIR;
	struct pw_cert c;
	struct pw_crl l;
	struct pw_csr q;
	g_results = calloc(MAX_FILES, sizeof *g_results);
	assert_non_null(g_results);
	g_n = 0;
	walk(root, "");
	qsort(g_results, g_n, sizeof *g_results, cmp_result);
	/* One object of each kind for the whole walk: exercises arena reuse. */
	pw_cert_init(&c);
	pw_crl_init(&l);
	pw_csr_init(&q);
	for (size_t i = 0; i < g_n; i++) {
		char full[2 * MAX_PATH_LEN];
		snprintf(full, sizeof full, "%s/%s", root, g_results[i].path);
		check_file(full, &g_results[i], &c, &l, &q);
	}
	pw_cert_cleanup(&c);
	pw_crl_cleanup(&l);
	pw_csr_cleanup(&q);
}

static const struct result *find(const char *path)
{
	struct result key;
	if (strlen(path) >= sizeof key.path)
		return NULL;
	memcpy(key.path, path, strlen(path) + 1);
	return bsearch(&key, g_results, g_n, sizeof *g_results, cmp_result);
}

static void test_corpus(void **state)
{
	(void)state;
	run_corpus();
	assert_int_equal(g_n, EXPECTED_FILES);

	FILE *f = fopen(REJECTIONS_FILE, "r");
	assert_non_null(f);
	char line[MAX_PATH_LEN + MAX_REASON + 8];
	size_t listed = 0, failures = 0;
	char *listed_paths = calloc(MAX_FILES, 1); /* marks results that are listed */
	assert_non_null(listed_paths);
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = '\0';
		const struct result *r = find(line);
		listed++;
		if (r == NULL) {
			fprintf(stderr, "listed file not in corpus: %s\n", line);
			failures++;
			continue;
		}
		listed_paths[r - g_results] = 1;
		if (!r->rejected) {
			fprintf(stderr, "listed as rejected but now parses: %s\n", line);
			failures++;
		}
	}
	fclose(f);
	size_t parsed = 0;
	for (size_t i = 0; i < g_n; i++) {
		if (!g_results[i].rejected) {
			parsed++;
			continue;
		}
		if (!listed_paths[i]) {
			fprintf(stderr, "rejected but not listed: %s\t%s\n", g_results[i].path,
			        g_results[i].reason);
			failures++;
		}
	}
	printf("zlint corpus: %zu files, %zu parsed, %zu rejected (%zu listed); "
	       "%zu objects cross-checked with OpenSSL, %zu disagreements\n",
	       g_n, parsed, g_n - parsed, listed, g_crosschecked, g_disagreements);
	/* OpenSSL reads nearly all of the corpus; a collapse of this number
	 * would mean the comparison silently stopped happening. */
	assert_true(g_crosschecked >= EXPECTED_CROSSCHECKED);
	assert_int_equal(g_disagreements, 0);
	free(listed_paths);
	free(g_results);
	g_results = NULL;
	assert_int_equal(failures, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		run_corpus();
		printf("# path (relative to zlint/testdata)\treason (regenerate: cert_corpus_test --list)\n");
		for (size_t i = 0; i < g_n; i++)
			if (g_results[i].rejected)
				printf("%s\t%s\n", g_results[i].path, g_results[i].reason);
		free(g_results);
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
