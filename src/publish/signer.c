/* publish/signer.c: the CA key signer (signer.h). PEM keys through OpenSSL 3
 * EVP; PKCS#11 keys (RFC 7512 URIs) through the libp11 "pkcs11" engine that
 * Debian ships (libengine-pkcs11-openssl). The engine API is deprecated in
 * OpenSSL 3 but is what Debian 12 packages for PKCS#11 (no pkcs11 provider
 * in bookworm), hence OPENSSL_SUPPRESS_DEPRECATED for this file only.
 *
 * A key is accepted only when it matches the certificate it signs for, so a
 * mix-up of key files can never produce CRLs or OCSP responses that no
 * relying party verifies (a CRL that does not verify is a CRL that is not
 * published). */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ui.h>
#include <openssl/x509.h>

#include "pkiward/signer.h"

/* A PEM private key file is small; anything larger is not a key. */
#define SIGNER_MAX_KEY_FILE ((long)1 << 20)
/* Longest "pkcs11:" URI and PIN accepted. */
#define SIGNER_MAX_URI 4096
#define SIGNER_MAX_PIN 256
/* The engine's file when ENGINE_by_id cannot find it by name. */
#define SIGNER_PKCS11_ENGINE_SO "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so"
/* Longest AlgorithmIdentifier kept. */
#define SIGNER_MAX_ALG 32

struct pw_signer {
	EVP_PKEY *pkey;
	ENGINE *engine;          /* functional reference for PKCS#11 keys, else NULL */
	const EVP_MD *md;
	uint8_t alg[SIGNER_MAX_ALG];
	size_t alg_len;
	size_t max_sig;          /* EVP_PKEY_get_size */
	pthread_mutex_t lock;    /* serialises PKCS#11 sessions */
};

/* RFC 4055 §5 / RFC 5758 §3.2 AlgorithmIdentifiers (BR 7.1.3.2 encodings:
 * NULL parameters for RSA, absent for ECDSA). */
static const uint8_t ALG_RSA_SHA256[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                         0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
static const uint8_t ALG_ECDSA_SHA256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                           0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static const uint8_t ALG_ECDSA_SHA384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                           0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
static const uint8_t ALG_ECDSA_SHA512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                           0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};

static enum pw_status ossl_err_st(struct pw_error *err, enum pw_status status, const char *field,
                                  const char *what)
{
	char buf[160] = "";
	unsigned long e = ERR_peek_last_error();
	if (e != 0)
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return pw_error_set(err, status, 0, 0, field, "%s%s%s", what, buf[0] ? ": " : "", buf);
}

static enum pw_status ossl_err(struct pw_error *err, const char *field, const char *what)
{
	return ossl_err_st(err, PW_ERR_CRYPTO, field, what);
}

/* Refuses to prompt: an encrypted PEM key is reported, not asked for. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)u = 1;
	return -1;
}

static enum pw_status load_pem_key(const char *path, EVP_PKEY **out, struct pw_error *err)
{
	struct stat sb;
	BIO *bio = NULL;
	int asked = 0;
	enum pw_status st = PW_OK;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return pw_error_set(err, PW_ERR_IO, 0, 0, "key", "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return pw_error_set(err, PW_ERR_IO, 0, 0, "key", "%s: not a regular file", path);
	if (sb.st_size > SIGNER_MAX_KEY_FILE)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "key", "%s: %lld bytes is too large for "
		                    "a key file (limit %ld)", path, (long long)sb.st_size,
		                    SIGNER_MAX_KEY_FILE);
	if ((bio = BIO_new_file(path, "rb")) == NULL) {
		st = pw_error_set(err, PW_ERR_IO, 0, 0, "key", "%s: %s", path,
		                  errno ? strerror(errno) : "cannot open");
		ERR_clear_error();
		goto out;
	}
	*out = PEM_read_bio_PrivateKey(bio, NULL, no_password, &asked);
	if (*out == NULL) {
		if (asked) {
			ERR_clear_error();
			st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "key",
			                  "%s: the key is encrypted; pkiward needs an unencrypted PEM "
			                  "key or a pkcs11: URI", path);
		} else {
			char what[PW_ERROR_MSG_MAX];
			snprintf(what, sizeof what, "%s: no PEM private key", path);
			st = ossl_err_st(err, PW_ERR_PARSE, "key", what);
		}
	}
out:
	BIO_free(bio);
	return st;
}

/* Value of the path or query attribute `name` of a pkcs11: URI (RFC 7512
 * §2.3), percent-decoding included, into out. Returns 1 if present. */
static int uri_attr(const char *uri, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = uri + strlen("pkcs11:");
	while (*p != '\0') {
		const char *end = p + strcspn(p, ";?&");
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			size_t o = 0;
			const char *v = p + nlen + 1;
			while (v < end && o + 1 < outlen) {
				if (*v == '%' && end - v >= 3) {
					char hex[3] = {v[1], v[2], 0};
					char *e;
					long c = strtol(hex, &e, 16);
					if (*e != '\0')
						return 0;
					out[o++] = (char)c;
					v += 3;
				} else {
					out[o++] = *v++;
				}
			}
			out[o] = '\0';
			return v == end;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

static int no_prompt(UI *ui, UI_STRING *uis)
{
	(void)ui;
	(void)uis;
	return 0;
}

static ENGINE *pkcs11_engine(const char *module, struct pw_error *err)
{
	ENGINE *e = ENGINE_by_id("pkcs11");
	if (e == NULL) {
		ERR_clear_error();
		e = ENGINE_by_id("dynamic");
		if (e != NULL &&
		    (!ENGINE_ctrl_cmd_string(e, "SO_PATH", SIGNER_PKCS11_ENGINE_SO, 0) ||
		     !ENGINE_ctrl_cmd_string(e, "ID", "pkcs11", 0) ||
		     !ENGINE_ctrl_cmd_string(e, "LOAD", NULL, 0))) {
			ENGINE_free(e);
			e = NULL;
		}
	}
	if (e == NULL) {
		ossl_err(err, "key", "the OpenSSL pkcs11 engine is not available (install "
		                     "libengine-pkcs11-openssl)");
		return NULL;
	}
	if (module != NULL && !ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0)) {
		ENGINE_free(e);
		ossl_err(err, "key", "pkcs11 engine: cannot set the module path");
		return NULL;
	}
	if (!ENGINE_init(e)) {
		ENGINE_free(e);
		ossl_err(err, "key", "pkcs11 engine: initialisation failed (is the PKCS#11 module "
		                     "path right? set module-path in the URI or PW_PKCS11_MODULE)");
		return NULL;
	}
	ENGINE_free(e); /* the functional reference from ENGINE_init keeps it */
	return e;
}

static enum pw_status load_pkcs11_key(const char *uri, EVP_PKEY **out, ENGINE **out_engine,
                                      struct pw_error *err)
{
	char module[SIGNER_MAX_URI];
	char pin[SIGNER_MAX_PIN];
	const char *env_module = getenv("PW_PKCS11_MODULE");
	const char *env_pin = getenv("PW_PKCS11_PIN");
	ENGINE *e = NULL;
	UI_METHOD *ui = NULL;
	enum pw_status st = PW_OK;

	*out = NULL;
	*out_engine = NULL;
	if (strlen(uri) > SIGNER_MAX_URI)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "key", "PKCS#11 URI over %d bytes",
		                    SIGNER_MAX_URI);
	/* RFC 7512 §2.3: a URI names a token/object with path attributes; a
	 * URI that names no object cannot pick a key. */
	if (strchr(uri, '\n') != NULL || strchr(uri, ' ') != NULL ||
	    (strstr(uri, "object=") == NULL && strstr(uri, "id=") == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "key",
		                    "\"%.*s\" is not a usable PKCS#11 URI: it must name the key with "
		                    "object= or id= (RFC 7512 §2.3)", 80, uri);
	if (!uri_attr(uri, "module-path", module, sizeof module)) {
		if (env_module != NULL && env_module[0] != '\0')
			snprintf(module, sizeof module, "%s", env_module);
		else
			module[0] = '\0';
	}
	if ((e = pkcs11_engine(module[0] ? module : NULL, err)) == NULL)
		return PW_ERR_CRYPTO;
	if (!uri_attr(uri, "pin-value", pin, sizeof pin) && env_pin != NULL) {
		if (strlen(env_pin) >= sizeof pin) {
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "PW_PKCS11_PIN", "PIN too long");
			goto out;
		}
		if (!ENGINE_ctrl_cmd_string(e, "PIN", env_pin, 0)) {
			st = ossl_err(err, "key", "pkcs11 engine: cannot set the PIN");
			goto out;
		}
	}
	/* A PIN is never asked for on the terminal: a daemon has none, and a
	 * prompt would hang `crl generate --watch`. */
	if ((ui = UI_create_method("pkiward-no-prompt")) == NULL ||
	    UI_method_set_reader(ui, no_prompt) != 0) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	*out = ENGINE_load_private_key(e, uri, ui, NULL);
	if (*out == NULL) {
		char what[PW_ERROR_MSG_MAX];
		snprintf(what, sizeof what, "no private key found for %.80s (wrong URI, token or PIN? the PIN comes from pin-value or PW_PKCS11_PIN)",
		         uri);
		st = ossl_err(err, "key", what);
		goto out;
	}
	*out_engine = e;
	e = NULL;
out:
	if (e != NULL)
		ENGINE_finish(e);
	if (ui != NULL)
		UI_destroy_method(ui);
	OPENSSL_cleanse(pin, sizeof pin);
	return st;
}

static enum pw_status pick_alg(struct pw_signer *s, struct pw_error *err)
{
	const uint8_t *alg = NULL;
	size_t alg_len = 0;
	int id = EVP_PKEY_get_base_id(s->pkey);

	if (id == EVP_PKEY_RSA) {
		/* BR 6.1.5: RSA moduli of at least 2048 bits. */
		if (EVP_PKEY_get_bits(s->pkey) < 2048) {
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "key", "RSA key of %d bits; BR "
			                    "6.1.5 requires at least 2048", EVP_PKEY_get_bits(s->pkey));
		}
		s->md = EVP_sha256();
		alg = ALG_RSA_SHA256;
		alg_len = sizeof ALG_RSA_SHA256;
	} else if (id == EVP_PKEY_EC) {
		/* BR 7.1.3.2.2: the hash follows the curve. */
		switch (EVP_PKEY_get_bits(s->pkey)) {
		case 256:
			s->md = EVP_sha256();
			alg = ALG_ECDSA_SHA256;
			alg_len = sizeof ALG_ECDSA_SHA256;
			break;
		case 384:
			s->md = EVP_sha384();
			alg = ALG_ECDSA_SHA384;
			alg_len = sizeof ALG_ECDSA_SHA384;
			break;
		case 521:
			s->md = EVP_sha512();
			alg = ALG_ECDSA_SHA512;
			alg_len = sizeof ALG_ECDSA_SHA512;
			break;
		default:
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "key", "EC key of %d bits is not a "
			                    "P-256/P-384/P-521 key (BR 6.1.5)",
			                    EVP_PKEY_get_bits(s->pkey));
		}
	} else {
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "key",
		                    "key type %s cannot sign WebPKI CRLs/OCSP (BR 7.1.3.2: RSA or "
		                    "ECDSA)", OBJ_nid2sn(id));
	}
	memcpy(s->alg, alg, alg_len);
	s->alg_len = alg_len;
	return PW_OK;
}

enum pw_status pw_signer_open(const char *key, const uint8_t *cert_der, size_t cert_len,
                              struct pw_signer **out, struct pw_error *err)
{
	struct pw_signer *s = NULL;
	X509 *x = NULL;
	const unsigned char *p = cert_der;
	EVP_PKEY *pub;
	enum pw_status st = PW_OK;
	int eq;

	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	if (key == NULL || key[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "key", "no key given");
	if (cert_der == NULL || cert_len == 0 || cert_len > (size_t)SIGNER_MAX_KEY_FILE)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "cert", "no certificate given");
	if ((x = d2i_X509(NULL, &p, (long)cert_len)) == NULL || p != cert_der + cert_len) {
		st = ossl_err_st(err, PW_ERR_PARSE, "cert", "the certificate does not parse");
		goto out;
	}
	if ((pub = X509_get0_pubkey(x)) == NULL) {
		st = ossl_err(err, "cert", "the certificate's public key is not supported");
		goto out;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	pthread_mutex_init(&s->lock, NULL);
	if (strncmp(key, "pkcs11:", 7) == 0)
		st = load_pkcs11_key(key, &s->pkey, &s->engine, err);
	else
		st = load_pem_key(key, &s->pkey, err);
	if (st != PW_OK)
		goto out;
	eq = EVP_PKEY_eq(pub, s->pkey);
	ERR_clear_error();
	if (eq != 1) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "key",
		                  "the key %s%.*s does not match the certificate's public key",
		                  strncmp(key, "pkcs11:", 7) == 0 ? "" : "file ", 120, key);
		goto out;
	}
	if ((st = pick_alg(s, err)) != PW_OK)
		goto out;
	s->max_sig = (size_t)EVP_PKEY_get_size(s->pkey);
	*out = s;
	s = NULL;
out:
	pw_signer_free(s);
	X509_free(x);
	return st;
}

void pw_signer_free(struct pw_signer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->pkey);
	if (s->engine != NULL)
		ENGINE_finish(s->engine);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const uint8_t *pw_signer_get0_alg(const struct pw_signer *s, size_t *out_len)
{
	*out_len = s->alg_len;
	return s->alg;
}

size_t pw_signer_max_sig_len(const struct pw_signer *s)
{
	return s->max_sig;
}

enum pw_status pw_signer_sign(struct pw_signer *s, const uint8_t *tbs, size_t tbs_len,
                              uint8_t *sig, size_t sig_max, size_t *sig_len,
                              struct pw_error *err)
{
	EVP_MD_CTX *md = NULL;
	size_t n = sig_max;
	enum pw_status st = PW_OK;
	int locked = 0;

	if (s == NULL || tbs == NULL || sig == NULL || sig_len == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (sig_max < s->max_sig)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "sig", "signature buffer of %zu bytes; "
		                    "this key needs %zu", sig_max, s->max_sig);
	if (s->engine != NULL) {
		pthread_mutex_lock(&s->lock);
		locked = 1;
	}
	if ((md = EVP_MD_CTX_new()) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (EVP_DigestSignInit(md, NULL, s->md, NULL, s->pkey) != 1 ||
	    EVP_DigestSign(md, sig, &n, tbs, tbs_len) != 1) {
		st = ossl_err(err, "signature", "signing failed");
		goto out;
	}
	*sig_len = n;
out:
	EVP_MD_CTX_free(md);
	if (locked)
		pthread_mutex_unlock(&s->lock);
	return st;
}
