#!/usr/bin/env bash
# End-to-end: problem reports by email, replaying the public incidents.
#   1. A key-compromise report arrives as an email with an attached CSR
#      signed by the compromised key (CN "The key that signed this CSR has
#      been publicly disclosed."). `report import --smtp` verifies the proof,
#      revokes every certificate with the key, blocks it, and sends the
#      acknowledgement to a local SMTP sink (Debian's python3-aiosmtpd); the
#      text received is checked: SHA-256 and serial of each certificate, and
#      only what the store observed ("not yet visible in OCSP").
#   2. The monitor sees the revocation in the CRL but not yet in OCSP: the
#      preliminary report says exactly that.
#   3. A report naming only an FQDN, with three certificates for it in the
#      history, gets a candidate list, never a chosen certificate.
#   4. Bad inputs: a garbage file, an mbox with broken messages among good
#      ones, missing headers, an attachment over the cap, a relay that is
#      down: clear errors naming file, line and byte; nothing half-imported.
source "$(dirname "$0")/lib.bash"
command -v sqlite3 >/dev/null || { echo "sqlite3 command line needed"; exit 1; }
PY=/usr/bin/python3
"$PY" -c 'import aiosmtpd' 2>/dev/null || { echo "python3-aiosmtpd needed"; exit 1; }

S="$TMP/store.db"
cd "$TMP"
sql() { sqlite3 "$S" "$1"; }

# ---- a CA and its certificates (openssl) ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days 3650 -subj "/C=XX/O=Test CA/CN=Test Issuing CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
mkcert() { # mkcert NAME KEY SERIALHEX
  openssl req -new -key "$2" -subj "/CN=$1" -out "req-$3.csr" 2>/dev/null
  printf "subjectAltName=DNS:%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n" "$1" >"ext-$3.cnf"
  openssl x509 -req -in "req-$3.csr" -CA ca.pem -CAkey ca.key -set_serial "0x$3" -days 90 \
    -extfile "ext-$3.cnf" -out "cert-$3.pem" 2>/dev/null
}
sha_of() { openssl x509 -in "cert-$1.pem" -outform DER | sha256sum | cut -d' ' -f1; }
newkey compromised.key
mkcert shop.example.com compromised.key 1001
mkcert mail.example.com compromised.key 1002
for i in 1 2 3; do newkey "other$i.key"; mkcert www.example.org "other$i.key" "200$i"; done
"$PKIWARD" init --store "$S" >/dev/null
"$PKIWARD" ingest --store "$S" ca.pem cert-*.pem >/dev/null
SHA1001=$(sha_of 1001); SHA1002=$(sha_of 1002)

# ---- the SMTP sink: each message to sink/NNN.eml, its recipients to NNN.rcpt ----
mkdir sink
cat >sink.py <<'EOF'
import asyncio, os, sys, time
from aiosmtpd.controller import Controller
d = sys.argv[1]
class H:
    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(d) if f.endswith(".eml")])
        with open(os.path.join(d, "%03d.rcpt" % n), "w") as f:
            f.write(",".join(envelope.rcpt_tos))
        with open(os.path.join(d, "%03d.eml" % n), "wb") as f:
            f.write(envelope.content)
        return "250 OK"
import socket
for attempt in range(10):  # a free port; retried if another test takes it first
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    c = Controller(H(), hostname="127.0.0.1", port=port)
    try:
        c.start(); break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("no free port")
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(port))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(int(sys.argv[3]))
c.stop()
EOF
"$PY" sink.py sink sink.port 300 &
SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do [ -s sink.port ] && break; sleep 0.1; done
check "the SMTP sink started" test -s sink.port
SMTP="smtp://127.0.0.1:$(cat sink.port)"

# ---- 1. the key-compromise email with a CSR ----
openssl req -new -key compromised.key \
  -subj "/CN=The key that signed this CSR has been publicly disclosed." -out proof.csr 2>/dev/null
# mail.py OUT FROM DATE MSGID SUBJECT BODY [ATTACHMENT [SUBTYPE]]
cat >mail.py <<'EOF'
import sys
from email.message import EmailMessage
out, frm, date, mid, subj, body = sys.argv[1:7]
m = EmailMessage()
if frm: m["From"] = frm
m["To"] = "problem-reports@ca.example"
if subj: m["Subject"] = subj
if date: m["Date"] = date
if mid: m["Message-ID"] = mid
m.set_content(body)
if len(sys.argv) > 7:
    sub = sys.argv[8] if len(sys.argv) > 8 else "octet-stream"
    m.add_attachment(open(sys.argv[7], "rb").read(), maintype="application", subtype=sub,
                     filename=sys.argv[7].split("/")[-1])
if out == "-":
    sys.stdout.buffer.write(bytes(m))
else:
    open(out, "wb").write(bytes(m))
EOF
RECEIVED_DATE=$(date -u -R -d '-2 hours')
"$PY" mail.py kc.eml "Key Reporter <reporter@example.net>" "$RECEIVED_DATE" "<kc-1@example.net>" \
  "Compromised private key" "The key of the attached CSR was published. See https://crt.sh/?id=123456" \
  proof.csr pkcs10
expect_status 0 "import the key-compromise email, acknowledging over SMTP" \
  "$PKIWARD" report import --store "$S" --smtp "$SMTP" --from problem-reports@ca.example kc.eml
grep_out "report 1: 2 certificate\(s\) linked.*key compromise proven, 2 certificate\(s\) revoked" "reports the proof and the revocations"
grep_out "acknowledgement sent to reporter@example.net" "says the acknowledgement went out"
check "both certificates with the key are revoked with keyCompromise" \
  test "$(sql "SELECT COUNT(*) FROM revocation r JOIN certificate c ON c.id = r.cert_id WHERE r.reason = 1")" -eq 2
check "... and nothing else" test "$(sql "SELECT COUNT(*) FROM revocation")" -eq 2
check "the key is blocked" test "$(sql "SELECT COUNT(*) FROM blocked_key")" -eq 1
check "the report's received time is the message's Date" \
  test "$(sql "SELECT received_at FROM report WHERE id = 1")" -eq "$(date -u -d "$RECEIVED_DATE" +%s)"
expect_status 0 "show --json" "$PKIWARD" report show --store "$S" 1 --json
grep_out '"action": "revoked"' "the action is revoked"
grep_out '"state": "action-taken"' "the state is action-taken"
grep_out "\"sha256\": \"$SHA1001\"" "links the first certificate by SHA-256"
grep_out "\"sha256\": \"$SHA1002\"" "links the second"
grep_out '"how": "key"' "... through the proven key"
grep_out '"ref": "https://crt.sh/\?id=123456"' "the crt.sh id is recorded as unresolved"
grep_out '"kind": "acknowledgement"' "the acknowledgement is recorded"
check "the sink received one message" test "$(ls sink/*.eml | wc -l)" -eq 1
check "... addressed to the reporter" test "$(cat sink/000.rcpt)" = "reporter@example.net"
M=sink/000.eml
check "it names the first certificate by SHA-256 and serial" grep -q "SHA-256 $SHA1001, serial 1001: " "$M"
check "it names the second by SHA-256 and serial" grep -q "SHA-256 $SHA1002, serial 1002: " "$M"
check "it says what is recorded: revocation recorded (keyCompromise)" grep -q "revocation recorded at .* (keyCompromise)" "$M"
check "it does not claim the certificate is revoked in CRL/OCSP" sh -c "! grep -q 'OCSP answers revoked' $M"
check "it says: not yet visible in OCSP" grep -q "not yet visible in OCSP" "$M"
check "it gives the BR 4.9.5 deadline" grep -q "by .* UTC (BR 4.9.5)" "$M"
check "it asks for the SHA-256 of the crt.sh id" grep -q "crt.sh/?id=123456: crt.sh id: not resolvable offline" "$M"
check "it replies to the report's message" grep -q "^In-Reply-To: <kc-1@example.net>" "$M"
check "the message text is in the event log" test "$(sql "SELECT COUNT(*) FROM event WHERE kind = 'report.message_sent' AND payload LIKE '%not yet visible in OCSP%'")" -eq 1

EVENTS=$(sql "SELECT COUNT(*) FROM event")
expect_status 0 "the same mailbox again" "$PKIWARD" report import --store "$S" --smtp "$SMTP" --from problem-reports@ca.example kc.eml
grep_out "already imported as report 1" "is recognised by Message-ID"
check "no new report" test "$(sql "SELECT COUNT(*) FROM report")" -eq 1
check "no new event" test "$(sql "SELECT COUNT(*) FROM event")" -eq "$EVENTS"
check "no second acknowledgement" test "$(ls sink/*.eml | wc -l)" -eq 1

# ---- 2. the CRL shows it, OCSP lags: the preliminary report says so ----
NOW=$(date -u +%s)
sql "UPDATE revocation SET first_seen_crl = $((NOW - 60))"
expect_status 0 "send the preliminary report" "$PKIWARD" report send --store "$S" 1 \
  --findings "The CSR is signed by the key of both certificates; both were revoked." \
  --smtp "$SMTP" --from problem-reports@ca.example
check "the sink received the preliminary report" test -s sink/001.eml
P=sink/001.eml
check "it says the CRL lists it" grep -q "listed in the CRL since" "$P"
check "... and OCSP does not show it yet" grep -q "not yet visible in OCSP" "$P"
check "... and never says 'revoked at' before OCSP shows it" sh -c "! grep -q ': revoked at' $P"
check "it carries the findings" grep -q "both were revoked" "$P"
sql "UPDATE revocation SET first_seen_ocsp = $NOW"
expect_status 0 "show once OCSP answers revoked" "$PKIWARD" report show --store "$S" 1
grep_out "serial 1001: revoked at .* \(keyCompromise\); listed in the CRL since .*; OCSP answers revoked since" "now it says revoked, with both observations"
grep_out "preliminary .* met" "the preliminary deadline is met"
expect_status 0 "close the report" "$PKIWARD" report close --store "$S" 1 --text "done"
expect_status 2 "a closed report takes no more steps" "$PKIWARD" report ack --store "$S" 1
grep_err "closed" "says it is closed"

# ---- 3. a report naming only an FQDN ----
"$PY" mail.py fqdn.eml "someone@example.net" "$(date -u -R -d '-3 days')" "<fqdn-1@example.net>" \
  "Certificate for www.example.org" "The certificate for www.example.org was issued without my authorization."
expect_status 0 "import the FQDN report" "$PKIWARD" report import --store "$S" fqdn.eml
grep_out "report 2: 0 certificate\(s\) linked, 3 candidate\(s\)" "three candidates, none linked"
expect_status 0 "show it" "$PKIWARD" report show --store "$S" 2 --json
grep_out '"certificates": \[\]' "no certificate is linked"
for s in 2001 2002 2003; do
  grep_out "\"sha256\": \"$(sha_of $s)\"" "candidate $s is listed by SHA-256"
done
expect_status 2 "it cannot be closed as revoked: nothing is linked" "$PKIWARD" report close --store "$S" 2 --revoked
grep_err "names no certificate" "says no certificate is named"
expect_status 1 "list flags the three-day-old report as overdue" "$PKIWARD" report list --store "$S"
grep_out "^2 .*OVERDUE by 2d" "with a countdown"
expect_status 1 "list --overdue --json" "$PKIWARD" report list --store "$S" --overdue --json
grep_out '"state": "overdue"' "JSON deadline state"
check "... lists only the overdue one" test "$(grep -c '"id": ' "$TMP/out")" -eq 1
expect_status 0 "link one certificate by SHA-256 after confirming" "$PKIWARD" report link --store "$S" 2 --sha256 "$(sha_of 2002)"
expect_status 2 "link --serial without --issuer is refused" "$PKIWARD" report link --store "$S" 2 --serial 2003
grep_err "unique only per issuer" "explains why"

# ---- 4. bad inputs ----
REPORTS=$(sql "SELECT COUNT(*) FROM report")
printf 'this is not a message\nat all\n' >garbage.txt
expect_status 2 "a garbage file" "$PKIWARD" report import --store "$S" garbage.txt
grep_err "garbage.txt: message at line 1 \(byte 0\): .*header line 1: not a header field" "names the file and line"
"$PY" mail.py nodate.eml "x@example.net" "" "<nodate@example.net>" "no date" "body"
expect_status 2 "a message without Date or Received" "$PKIWARD" report import --store "$S" nodate.eml
grep_err "no usable Date header and no dated Received header" "says which header is missing"
RDATE=$(date -u -R -d '-5 days 10:00')
printf 'Received: from mx.example.net by mx.ca.example; %s\n' "$RDATE" >recv.eml
"$PY" -c 'import sys
from email.message import EmailMessage
m=EmailMessage(); m["From"]="y@example.net"; m["Message-ID"]="<recv@example.net>"; m["Subject"]="dated by Received"; m.set_content("body")
sys.stdout.buffer.write(bytes(m))' >>recv.eml
expect_status 0 "a message dated only by its Received header" "$PKIWARD" report import --store "$S" recv.eml
check "its received time is the Received date" test "$(sql "SELECT received_at FROM report WHERE reporter = 'y@example.net'")" -eq "$(date -u -d "$RDATE" +%s)"
REPORTS=$(sql "SELECT COUNT(*) FROM report")
head -c $((2 * 1024 * 1024)) /dev/urandom >big.bin
"$PY" mail.py big.eml "z@example.net" "$(date -u -R)" "<big@example.net>" "big" "see attachment" big.bin
EVENTS=$(sql "SELECT COUNT(*) FROM event")
expect_status 2 "an attachment over the cap" "$PKIWARD" report import --store "$S" big.eml
grep_err "part 2 \(big.bin\): [0-9]+ bytes, over the 1048576-byte attachment limit" "names the part and the cap"
check "nothing was imported" test "$(sql "SELECT COUNT(*) FROM report")" -eq "$REPORTS"
check "no event was written" test "$(sql "SELECT COUNT(*) FROM event")" -eq "$EVENTS"
# An mbox: a good message, one without From, garbage, another good one.
{
  echo "From a@b Mon Jan  1 00:00:00 2024"
  "$PY" mail.py - "good1@example.net" "$(date -u -R)" "<mb-1@example.net>" "first" "serial: 0x1001
issuer: C = XX, O = Test CA, CN = Test Issuing CA
>From the desk of the reporter"
  echo
  echo "From a@b Mon Jan  1 00:00:00 2024"
  printf 'Subject: no sender\nDate: %s\n\nbody\n\n' "$(date -u -R)"
  echo "From a@b Mon Jan  1 00:00:00 2024"
  printf 'garbage without headers\n\n'
  echo "From a@b Mon Jan  1 00:00:00 2024"
  "$PY" mail.py - "good2@example.net" "$(date -u -R)" "<mb-2@example.net>" "second" "fingerprint $SHA1002"
} >box.mbox
expect_status 1 "an mbox with two broken messages among good ones" "$PKIWARD" report import --store "$S" box.mbox
grep_err "box.mbox: message at line [0-9]+ \(byte [0-9]+\): From: no From address" "names the message without From"
grep_err "box.mbox: message at line [0-9]+ \(byte [0-9]+\): byte [0-9]+: header: header line 1: not a header field" "names the garbage message"
grep_out "2 message\(s\) imported, 2 refused" "imports the rest"
check "the serial + issuer (openssl form) resolved to the certificate" \
  test "$(sql "SELECT COUNT(*) FROM report_cert rc JOIN report_life l ON l.report_id = rc.report_id WHERE l.message_id = 'mb-1@example.net' AND rc.how = 'issuer+serial' AND rc.sha256 = X'$SHA1001'")" -eq 1
check "the SHA-256 in prose resolved" \
  test "$(sql "SELECT COUNT(*) FROM report_cert rc JOIN report_life l ON l.report_id = rc.report_id WHERE l.message_id = 'mb-2@example.net' AND rc.sha256 = X'$SHA1002'")" -eq 1
check "the mboxrd '>From' line was unescaped" test "$(sql "SELECT COUNT(*) FROM report_life WHERE body LIKE '%' || char(10) || 'From the desk%'")" -eq 1
# A Maildir.
mkdir -p md/cur md/new md/tmp
"$PY" mail.py md/new/1.eml "m1@example.net" "$(date -u -R)" "<md-1@example.net>" "maildir 1" "hello"
"$PY" mail.py md/cur/2.eml "m2@example.net" "$(date -u -R)" "<md-2@example.net>" "maildir 2" "hello"
expect_status 0 "a Maildir" "$PKIWARD" report import --store "$S" md
grep_out "2 message\(s\) imported, 0 refused" "imports cur/ and new/"
mkdir notmaildir
expect_status 2 "a directory that is not a Maildir" "$PKIWARD" report import --store "$S" notmaildir
grep_err "not a Maildir" "says so"
# The relay is down: nothing is recorded as sent.
MSGS=$(sql "SELECT COUNT(*) FROM report_message")
expect_status 2 "acknowledging through a relay that is down" "$PKIWARD" report ack --store "$S" 2 --smtp smtp://127.0.0.1:1 --from problem-reports@ca.example
grep_err "smtp://127.0.0.1:1" "names the relay"
check "no message recorded" test "$(sql "SELECT COUNT(*) FROM report_message")" -eq "$MSGS"
check "report 2 is still not acknowledged" test "$(sql "SELECT acknowledged_at IS NULL FROM report_life WHERE report_id = 2")" -eq 1

# The whole run left an intact event chain.
expect_status 0 "the event log verifies" "$PKIWARD" events verify --store "$S"
finish
