#!/usr/bin/env python3
"""A deliberately small ACME client for pkiward's tests (RFC 8555 §6.2, §7.6).

It builds revokeCert requests, good ones and every kind of bad one the
issue lists, so the e2e test can check each is refused with the right
status and problem type and that nothing is revoked.

  acme_jws.py BASE CASE CERT.pem KEY.pem [OTHER_KEY.pem]
prints "<http status> <problem type or ->" and exits 0 (the test compares).

  acme_jws.py BASE bench LIST ISSUER.pem
revokes one certificate per line of LIST ("cert.pem key.pem") and prints
latency percentiles (ms) of request -> 200 and request -> "revoked" in OCSP
(polled through serve's /ocsp with RFC 6960 POST requests).

Uses only the Python standard library and python3-cryptography."""
import base64
import json
import sys
import time
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def uint(n):
    return b64u(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def jwk_of(key):
    pub = key.public_key()
    if isinstance(pub, rsa.RSAPublicKey):
        nums = pub.public_numbers()
        return {"e": uint(nums.e), "kty": "RSA", "n": uint(nums.n)}, "RS256"
    nums = pub.public_numbers()
    size = (pub.curve.key_size + 7) // 8
    crv = {256: "P-256", 384: "P-384", 521: "P-521"}[pub.curve.key_size]
    alg = {256: "ES256", 384: "ES384", 521: "ES512"}[pub.curve.key_size]
    return {"crv": crv, "kty": "EC", "x": b64u(nums.x.to_bytes(size, "big")),
            "y": b64u(nums.y.to_bytes(size, "big"))}, alg


def sign(key, alg, data):
    if alg == "RS256":
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    h = {"ES256": hashes.SHA256(), "ES384": hashes.SHA384(), "ES512": hashes.SHA512()}[alg]
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(h)))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def request(url, method="GET", body=None, ctype=None):
    req = urllib.request.Request(url, data=body, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def nonce(base):
    st, h, _ = request(base + "/acme/new-nonce", "HEAD")
    assert st == 200, st
    return h["Replay-Nonce"]


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def cert_der(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)


def build(base, case, der, key, other):
    url = base + "/acme/revoke-cert"
    payload = {"certificate": b64u(der), "reason": 1}
    jwk, alg = jwk_of(key)
    prot = {"alg": alg, "jwk": jwk, "nonce": nonce(base), "url": url}
    signer = key
    raw_protected = None
    raw_payload = None
    if case == "wrong-url":
        prot["url"] = base + "/acme/revoke-cert/x"
    elif case == "kid":
        del prot["jwk"]
        prot["kid"] = base + "/acme/acct/1"
    elif case == "jwk-and-kid":
        prot["kid"] = base + "/acme/acct/1"
    elif case == "alg-none":
        prot["alg"] = "none"
    elif case == "hs256-oct":
        secret = b"attacker-chosen-secret"
        prot["alg"] = "HS256"
        prot["jwk"] = {"kty": "oct", "k": b64u(secret)}
    elif case == "rs256-oct":
        prot["jwk"] = {"kty": "oct", "k": b64u(b"secret")}
    elif case == "mismatched-key":
        jwk, alg = jwk_of(other)
        prot["jwk"], prot["alg"] = jwk, alg
        signer = other
    elif case == "alg-key-mismatch":
        prot["alg"] = "ES256" if alg == "RS256" else "RS256"
    elif case == "bad-reason":
        payload["reason"] = 6
    elif case == "superseded":
        payload["reason"] = 4
    elif case == "private-jwk":
        prot["jwk"] = dict(jwk, d="AAAA")
    elif case == "dup-protected":
        raw_protected = ('{"alg":"%s","alg":"none","jwk":%s,"nonce":"%s","url":"%s"}'
                         % (alg, json.dumps(jwk), prot["nonce"], url))
    elif case == "no-nonce":
        del prot["nonce"]
    elif case == "forged-nonce":
        prot["nonce"] = b64u(b"\0" * 32)
    elif case == "unknown-cert":
        payload["certificate"] = b64u(der[:-1] + bytes([der[-1] ^ 1]))
    elif case == "sql":
        payload["certificate"] = "x' OR 1=1; DROP TABLE certificate; --"
    p64 = b64u((raw_protected or json.dumps(prot)).encode())
    y64 = b64u((raw_payload or json.dumps(payload)).encode())
    data = (p64 + "." + y64).encode()
    if case == "hs256-oct":
        mac = hmac.HMAC(b"attacker-chosen-secret", hashes.SHA256())
        mac.update(data)
        sig = mac.finalize()
    elif case == "alg-none":
        sig = b""
    else:
        sig = sign(signer, jwk_of(signer)[1], data)
    body = {"protected": p64, "payload": y64, "signature": b64u(sig) if sig else ""}
    if case == "tampered":
        body["payload"] = b64u(json.dumps({"certificate": b64u(der), "reason": 0}).encode())
    if case == "forged-sig":
        s = bytearray(sig)
        s[len(s) // 2] ^= 0xFF
        body["signature"] = b64u(bytes(s))
    if case == "unprotected-header":
        body["header"] = {"alg": "none"}
    text = json.dumps(body)
    if case == "dup-member":
        text = text[:-1] + ', "payload": "e30"}'
    return url, text.encode()


def main():
    base, case = sys.argv[1], sys.argv[2]
    if case == "bench":
        # bench LIST ISSUER.pem: LIST has "cert.pem key.pem" lines, one per key.
        from cryptography.x509 import ocsp
        pairs = [l.split() for l in open(sys.argv[3]) if l.strip()]
        with open(sys.argv[4], "rb") as f:
            ca = x509.load_pem_x509_certificate(f.read())
        acme, e2e = [], []
        for cert, keyf in pairs:
            key = load_key(keyf)
            with open(cert, "rb") as f:
                leaf = x509.load_pem_x509_certificate(f.read())
            ocsp_req = ocsp.OCSPRequestBuilder().add_certificate(leaf, ca, hashes.SHA1()).build().public_bytes(
                serialization.Encoding.DER)
            t0 = time.perf_counter()
            url, body = build(base, "good", cert_der(cert), key, None)
            st, _, _ = request(url, "POST", body, "application/jose+json")
            t1 = time.perf_counter()
            if st != 200:
                print("unexpected status", st)
                return 1
            # -> "revoked" in OCSP, polled through serve's /ocsp (RFC 6960 POST).
            while True:
                st2, _, out = request(base + "/ocsp", "POST", ocsp_req, "application/ocsp-request")
                if st2 == 200 and ocsp.load_der_ocsp_response(out).certificate_status == ocsp.OCSPCertStatus.REVOKED:
                    break
                if time.perf_counter() - t0 > 30:
                    print("OCSP never said revoked for", cert)
                    return 1
                time.sleep(0.005)
            acme.append((t1 - t0) * 1000)
            e2e.append((time.perf_counter() - t0) * 1000)
        for name, lat in (("revokeCert 200", acme), ("request -> revoked in OCSP", e2e)):
            lat.sort()
            pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
            print("%s: n %d p50 %.1f ms p99 %.1f ms max %.1f ms" % (name, len(lat), pct(0.5), pct(0.99), lat[-1]))
        return 0
    der = cert_der(sys.argv[3])
    key = load_key(sys.argv[4])
    other = load_key(sys.argv[5]) if len(sys.argv) > 5 else None
    ctype = "application/jose+json"
    if case == "wrong-ctype":
        ctype = "application/json"
    if case == "replay":
        url, body = build(base, "good", der, key, other)
        request(url, "POST", body, ctype)  # first use (answer irrelevant)
        st, h, out = request(url, "POST", body, ctype)
    else:
        url, body = build(base, case, der, key, other)
        st, h, out = request(url, "POST", body, ctype)
    typ = "-"
    if out:
        try:
            typ = json.loads(out).get("type", "-").rsplit(":", 1)[-1]
        except ValueError:
            typ = "not-json"
    print(st, typ)
    return 0


if __name__ == "__main__":
    sys.exit(main())
