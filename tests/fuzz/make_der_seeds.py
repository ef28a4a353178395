#!/usr/bin/env python3
"""Writes the seed corpus of the der_reader_fuzz target.

Usage: tests/fuzz/make_der_seeds.py [--with-openssl] [OUTDIR]
(default OUTDIR: tests/fuzz/corpus/der_reader_fuzz next to this script).

Most seeds are hand-assembled DER, one per rule of include/pkiward/der.h, in a
valid ("ok_") and an invalid ("bad_") form, so the fuzzer starts next to every
boundary. With --with-openssl it also writes a small self-signed certificate
made with the openssl CLI (a throwaway key, generated on the spot), which is
the shape the reader mostly sees. The output is deterministic without it.
"""
import os
import subprocess
import sys
import tempfile


def tlv(tag, contents):
    """A DER TLV with a minimal definite length; tag is the identifier octet(s)."""
    n = len(contents)
    if n < 0x80:
        length = bytes([n])
    else:
        octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(octets)]) + octets
    return bytes(tag if isinstance(tag, bytes) else [tag]) + length + contents


def seq(*items):
    return tlv(0x30, b"".join(items))


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    subids = [arcs[0] * 40 + arcs[1]] + arcs[2:]
    out = bytearray()
    for v in subids:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def name_cn(cn):
    return seq(tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0C, cn.encode()))))


def nested(depth):
    """NULL inside `depth` SEQUENCEs: deeper than the fuzz walk's limit."""
    out = tlv(0x05, b"")
    for _ in range(depth):
        out = seq(out)
    return out


SEEDS = {
    # Headers: lengths (X.690 §10.1) and tags (§8.1.2).
    "ok_short_length": tlv(0x04, b"abc"),
    "ok_long_length_128": tlv(0x04, b"x" * 128),
    "ok_long_length_300": tlv(0x04, b"y" * 300),
    "bad_long_form_below_128": bytes([0x04, 0x81, 0x05]) + b"hello",
    "bad_length_leading_zero": bytes([0x04, 0x82, 0x00, 0x80]) + b"z" * 128,
    "bad_indefinite_length": bytes([0x30, 0x80, 0x05, 0x00, 0x00, 0x00]),
    "bad_length_ff": bytes([0x04, 0xFF, 0x00]),
    "bad_length_5_octets": bytes([0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00]),
    "bad_length_exceeds": bytes([0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x05, 0x00]),
    "ok_high_tag_31": bytes([0x9F, 0x1F, 0x01, 0x00]),
    "ok_high_tag_max": bytes([0x7F, 0xFF, 0xFF, 0x7F, 0x00]),
    "bad_high_tag_low_number": bytes([0x9F, 0x1E, 0x00]),
    "bad_high_tag_leading_80": bytes([0x9F, 0x80, 0x1F, 0x00]),
    "bad_high_tag_too_big": bytes([0xBF, 0x81, 0x80, 0x80, 0x00, 0x00]),
    "bad_eoc_tag": bytes([0x00, 0x00]),
    "bad_constructed_octet_string": tlv(0x24, tlv(0x04, b"ab")),
    "bad_trailing_bytes": tlv(0x05, b"") + b"\x00",
    # Primitive types.
    "ok_bool": seq(tlv(0x01, b"\xff"), tlv(0x01, b"\x00")),
    "bad_bool_01": tlv(0x01, b"\x01"),
    "ok_integers": seq(tlv(0x02, b"\x00"), tlv(0x02, b"\x00\x80"), tlv(0x02, b"\xff\x7f"),
                       tlv(0x02, b"\x00" + b"\xff" * 8), tlv(0x0A, b"\x05")),
    "bad_integer_not_minimal": tlv(0x02, b"\x00\x7f"),
    "bad_integer_empty": tlv(0x02, b""),
    "ok_bit_strings": seq(tlv(0x03, b"\x00"), tlv(0x03, b"\x01\x02"), tlv(0x03, b"\x07\x80")),
    "bad_bit_string_unused_set": tlv(0x03, b"\x01\x01"),
    "bad_bit_string_unused_8": tlv(0x03, b"\x08\x00"),
    "ok_null": tlv(0x05, b""),
    "bad_null_content": tlv(0x05, b"\x00"),
    "ok_oids": seq(oid("2.5.4.3"), oid("1.2.840.113549.1.1.11"), oid("2.23.140.1.2.1"),
                   oid("2.25.329800735698586629295641978511506172918"), oid("1.2.18446744073709551616")),
    "bad_oid_leading_80": tlv(0x06, b"\x55\x80\x01"),
    "bad_oid_truncated": tlv(0x06, b"\x55\x84"),
    # Times (RFC 5280 §4.1.2.5).
    "ok_times": seq(tlv(0x17, b"500101000000Z"), tlv(0x17, b"491231235959Z"),
                    tlv(0x18, b"99991231235959Z"), tlv(0x17, b"000229000000Z")),
    "bad_time_feb29": tlv(0x17, b"230229000000Z"),
    "bad_time_no_seconds": tlv(0x17, b"2401011200Z"),
    "bad_time_fraction": tlv(0x18, b"20240101120000.5Z"),
    "bad_time_offset": tlv(0x17, b"240101120000+0100"),
    # Strings (X.680 §41, RFC 3629).
    "ok_strings": seq(tlv(0x13, b"Example Ltd."), tlv(0x16, b"a@b.example"), tlv(0x0C, "München".encode()),
                      tlv(0x1E, "é€".encode("utf-16-be")), tlv(0x1C, "\U0001F600".encode("utf-32-be")),
                      tlv(0x14, b"caf\xe9"), tlv(0x12, b"12 34"), tlv(0x1A, b"visible")),
    "bad_printable_at": tlv(0x13, b"a@b"),
    "bad_utf8_overlong": tlv(0x0C, b"\xc0\xaf"),
    "bad_bmp_surrogate": tlv(0x1E, b"\xd8\x00"),
    # Structures: a Name, nested context tags, encapsulated DER.
    "ok_name": name_cn("example.com"),
    "ok_nested_context": seq(tlv(0xA0, tlv(0x02, b"\x02")), tlv(0x81, b"x"), tlv(0xA3, seq(seq(oid("2.5.29.19"),
                             tlv(0x01, b"\xff"), tlv(0x04, seq(tlv(0x01, b"\xff"))))))),
    "ok_deep_nesting": nested(40),
}


def openssl_cert():
    with tempfile.TemporaryDirectory() as tmp:
        key, crt = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.der")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", key, "-subj", "/CN=seed.example", "-days", "30",
                        "-addext", "subjectAltName=DNS:seed.example", "-outform", "DER", "-out", crt],
                       check=True, capture_output=True)
        with open(crt, "rb") as f:
            return f.read()


def main():
    args = [a for a in sys.argv[1:] if a != "--with-openssl"]
    outdir = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                               "corpus", "der_reader_fuzz")
    os.makedirs(outdir, exist_ok=True)
    seeds = dict(SEEDS)
    if "--with-openssl" in sys.argv[1:]:
        seeds["ok_openssl_cert"] = openssl_cert()
    for name, data in sorted(seeds.items()):
        with open(os.path.join(outdir, name + ".der"), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds)} seeds to {outdir}")


if __name__ == "__main__":
    main()
