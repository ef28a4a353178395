#!/usr/bin/env bash
# End-to-end: an incident through the real binary, rendered as CCADB
# Incident Reporting Guidelines v3.2 reports. A corpus is ingested, a few
# certificates of one domain are revoked, an incident is opened with
# whiteboard tags and linked to that domain by a `find` filter (kept live),
# the Preliminary report is refused until its fields are filled, then the
# Full report is refused until every "didn't go well" item has an action
# item, and finally rendered with its appendix. Headings, table columns and
# appendix columns are compared with the IRG template text in
# ../shared/reference (parsed here, not copied). Bad input — unknown tags,
# bad dates, unknown ids, wrong enumerations — gives clear errors and
# changes nothing.
source "$(dirname "$0")/lib.bash"

S="$TMP/store.db"
C="$TMP/c"
IRG="$PW_SOURCE_DIR/../shared/reference/ccadb-incident-reporting-3.2.md"
P() { "$PKIWARD" incident "$1" --store "$S" "${@:2}"; }
check "the IRG reference text is present" test -r "$IRG"

"$PW_BUILD_DIR/gen_corpus" --count 300 --end "$(date -u +%F)" --span-days 120 --domains 30 \
  --out "$C" --seed 5 --quiet --threads 2
"$PKIWARD" init --store "$S" >/dev/null
expect_status 0 "ingest the corpus" "$PKIWARD" ingest --store "$S" "$C/certs.der" "$C"/ca/*.pem "$C/metadata.jsonl"

# A domain with several certificates: the registrable part of the first
# leaf's first dNSName.
NAME=$("$PKIWARD" find --store "$S" --leaf --cert --limit 1 --json | sed -n 's/.*"dns_names":\["\([^"]*\)".*/\1/p' | head -1)
DOMAIN=$(echo "$NAME" | awk -F. '{print $(NF-1)"."$NF}')
N=$("$PKIWARD" find --store "$S" --domain "$DOMAIN" --count | awk '{print $1}')
check "domain $DOMAIN has several certificates ($N)" test "$N" -ge 3

# Revoke two of them.
mapfile -t SHAS < <("$PKIWARD" find --store "$S" --domain "$DOMAIN" --cert --json |
  grep -o '"sha256":"[0-9a-f]\{64\}"' | cut -d'"' -f4)
expect_status 0 "revoke one" "$PKIWARD" revoke --store "$S" --sha256 "${SHAS[0]}" --reason superseded
expect_status 0 "revoke another" "$PKIWARD" revoke --store "$S" --sha256 "${SHAS[1]}" --reason keyCompromise

# ---- bad input on creation: nothing is created ----
expect_status 2 "unknown tag refused" P new --title "Example CA: wrong OU" --tag dv-misissuance --tag made-up
grep_err "unknown whiteboard tag 'made-up'" "the error names the tag"
grep_err "\[leaf-revocation-delay\]" "the error lists the known tags"
expect_status 2 "missing title refused" P new --tag dv-misissuance
expect_status 2 "bad awareness date refused" P new --title T --aware 2026-13-45
grep_err "--aware: expected YYYY-MM-DD or RFC 3339" "the error names the flag and the format"
expect_status 0 "no incident was created" P list
check "... the list is empty" test "$(grep -c '^[0-9]' "$TMP/out")" -eq 0

# ---- create, link ----
AWARE=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:00Z)
START=$(date -u -d '-20 days' +%Y-%m-%dT00:00:00Z)
PRELIM=$(date -u -d '-1 days' +%Y-%m-%dT%H:%M:00Z)
expect_status 0 "new incident with tags" P new --title "Example CA: wrong OU" --tag dv-misissuance --tag '[ov-misissuance]' --aware "$AWARE" --start "$START"
ID=$(cat "$TMP/out")
check "the new id is printed ($ID)" test "$ID" = 1
expect_status 0 "link by a find filter" P link "$ID" --domain "$DOMAIN"
grep_out "linked $N certificate" "the link counts what find counts"
expect_status 2 "link without a filter refused" P link "$ID"
expect_status 2 "link to an unknown incident refused" P link 42 --domain "$DOMAIN"
grep_err "no incident 42" "the error names the id"
expect_status 2 "link a bad filter value refused" P link "$ID" --issued-after yesterday
expect_status 2 "link an unknown event refused" P link "$ID" --event 999999

# ---- preliminary: refused, then rendered ----
expect_status 1 "preliminary refused while fields are empty" P render "$ID" --report preliminary
grep_err "Incident description is empty" "missing: description"
grep_err "Relevant policies is empty" "missing: policies"
grep_err "Source of incident disclosure is empty" "missing: source"
check "nothing on stdout when refused" test ! -s "$TMP/out"
expect_status 2 "a source outside IRG's choices refused" P set "$ID" --source "Someone told us"
grep_err "Self Reported" "the error lists IRG's choices"
expect_status 2 "a bad CCADB id refused" P set "$ID" --ccadb-id B123
expect_status 2 "a bad date refused" P set "$ID" --end 2026-02-30x
expect_status 2 "an unknown field refused" P set "$ID" --colour red
expect_status 2 "unknown incident id refused" P set 77 --description x
expect_status 2 "a non-numeric id refused" P show 1x
# A bad value later on the line leaves the earlier ones unapplied.
expect_status 2 "one bad value: the whole set is refused" P set "$ID" --description "partial" --source nope
expect_status 0 "show" P show "$ID" --json
check "... the description was not half-applied" bash -c "! grep -q partial '$TMP/out'"
expect_status 0 "fill the preliminary fields" P set "$ID" --summary "Certificates for $DOMAIN carried a wrong OU." --policies "BR 2.0.0 section 7.1.2.7.4" --source "Self Reported"
expect_status 0 "preliminary renders" P render "$ID" --report preliminary
cp "$TMP/out" "$TMP/prelim.md"

# Template structure of a report kind from the IRG text: the ```markdown
# block under "#### <name>", its headings and "- **Label:**" lines.
template() { awk -v h="#### $1" '$0==h{f=1;next} f&&/^```markdown/{b=1;next} b&&/^```/{exit} b{print}' "$IRG"; }
structure() { sed -n -e 's/^ *\(#.*[^ ]\) *$/\1/p' -e 's/^ *\(- \*\*[^*]*:\*\*\).*/\1/p'; }
# in_order A B: every line of file A occurs in file B, in the same order.
in_order() { awk 'BEGIN{n=0;i=0} NR==FNR{w[n++]=$0;next} i<n && $0==w[i]{i++} END{if(i<n){print "missing: " w[i] > "/dev/stderr"; exit 1}}' "$1" "$2"; }
template "Preliminary Incident Report" | structure >"$TMP/t_prelim"
structure <"$TMP/prelim.md" >"$TMP/r_prelim"
check "preliminary template has structure ($(wc -l <"$TMP/t_prelim") lines)" test "$(wc -l <"$TMP/t_prelim")" -ge 4
check "preliminary headings and labels match IRG, in order" in_order "$TMP/t_prelim" "$TMP/r_prelim"
expect_status 0 "record the preliminary as posted" P posted "$ID" --report preliminary --at "$PRELIM"
expect_status 2 "a posting in the future refused" P posted "$ID" --report full --at 2099-01-01
expect_status 2 "an unknown report kind refused" P posted "$ID" --report draft

# ---- full report ----
expect_status 0 "set the full-report fields" P set "$ID" --ccadb-id A000123 --heuristic "Every certificate with a dNSName under $DOMAIN issued since $START." --issuance-stopped "No: the profile was fixed within the hour." --end "$(date -u -d '-1 days' +%Y-%m-%dT00:00:00Z)" --related-incidents "N/A: no related incident in the last two years"
expect_status 0 "timeline note (a software change)" P note "$ID" --at "$(date -u -d '-21 days' +%Y-%m-%dT09:30:00Z)" --text "Profile template changed in release 4.2"
expect_status 2 "a note without --at refused" P note "$ID" --text x
expect_status 0 "root cause" P root-cause "$ID" --title "Profile template" --description "The OU value was copied from the order." --timeline "Introduced by release 4.2" --detection "Found by a post-issuance lint run" --interaction "None found" --methodology "5 Whys"
expect_status 0 "lesson: went well" P lesson "$ID" --kind well --text "Post-issuance lint found it"
expect_status 0 "lesson: didn't go well" P lesson "$ID" --kind wrong --text "No pre-issuance lint"
expect_status 0 "lesson: lucky" P lesson "$ID" --kind lucky --text N/A
expect_status 0 "lesson: other" P lesson "$ID" --kind other --text N/A
expect_status 2 "an unknown lesson kind refused" P lesson "$ID" --kind meh --text x
expect_status 1 "full refused: the didn't-go-well item has no action item" P render "$ID" --report full --appendix "$TMP/app.csv"
grep_err "no action item answers lesson #2" "the refusal names the lesson"
grep_err "no action item answers Contributing Factor #1" "the refusal names the root cause"
check "no appendix written when refused" test ! -e "$TMP/app.csv"
expect_status 2 "an action naming an unknown root cause refused" P action "$ID" --description "Lint before signing" --kind Prevent --root-cause 9 --criteria "0 lint errors" --due 2026-12-31
expect_status 2 "an unknown action kind refused" P action "$ID" --description x --kind Hope --criteria c --due 2026-12-31
expect_status 0 "action item" P action "$ID" --description "Lint every TBS certificate before signing" --kind Prevent --root-cause 1 --lesson 2 --criteria "No lint error in CT logs for 90 days" --due "$(date -u -d '+30 days' +%F)"
# A problem report linked to the incident: its receipt and the BR 4.9.5
# preliminary report join the timeline; without the latter the full report
# is refused (when this build has the report verb).
HAVE_REPORT=0
if "$PKIWARD" report --help >/dev/null 2>&1 && /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  HAVE_REPORT=1
  # A local SMTP sink for `report send` (accepts and counts; port on a free one).
  cat >"$TMP/sink.py" <<'PYEOF'
import os, socket, sys, time
from aiosmtpd.controller import Controller
class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        with open(sys.argv[2], "w") as f:
            f.write(str(Count.n))
        return "250 OK"
for _ in range(10):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    c = Controller(Count(), hostname="127.0.0.1", port=port)
    try:
        c.start(); break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("no free port")
open(sys.argv[1] + ".tmp", "w").write(str(port)); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(300)
c.stop()
PYEOF
  /usr/bin/python3 "$TMP/sink.py" "$TMP/sink.port" "$TMP/sink.count" &
  SINK_PID=$!
  trap 'kill $SINK_PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
  for _ in $(seq 1 100); do [ -s "$TMP/sink.port" ] && break; sleep 0.1; done
  check "the SMTP sink started" test -s "$TMP/sink.port"
  expect_status 0 "problem report recorded" "$PKIWARD" report new --store "$S" --kind misissuance --reporter reporter@example.org --title "wrong OU" --text "see $DOMAIN"
  RID=$(cat "$TMP/out")
  expect_status 0 "link the problem report" P link "$ID" --report "$RID"
  expect_status 2 "link an unknown problem report refused" P link "$ID" --report 999
  expect_status 1 "full refused: no preliminary report to the reporter yet" P render "$ID" --report full --appendix "$TMP/app.csv"
  grep_err "no preliminary report on the findings" "the refusal names the BR 4.9.5 preliminary report"
  expect_status 0 "preliminary report sent to the reporter" timeout 60 "$PKIWARD" report send --store "$S" "$RID" --findings "Confirmed: the OU is wrong" --smtp "smtp://127.0.0.1:$(cat "$TMP/sink.port")" --from problems@ca.example
  check "the sink received it" test "$(cat "$TMP/sink.count" 2>/dev/null)" -ge 1
fi
expect_status 0 "full report renders" P render "$ID" --report full --appendix "$TMP/app.csv"
cp "$TMP/out" "$TMP/full.md"

template "Full Incident Report" | structure >"$TMP/t_full"
structure <"$TMP/full.md" >"$TMP/r_full"
check "full template has structure ($(wc -l <"$TMP/t_full") lines)" test "$(wc -l <"$TMP/t_full")" -ge 25
check "full headings and labels match IRG, in order" in_order "$TMP/t_full" "$TMP/r_full"
# Table columns: the header row after a heading, cells trimmed.
cols() { awk -v h="$1" '$0==h{f=1;next} f&&/^\|/{print;exit}' | tr '|' '\n' | sed 's/^ *//;s/ *$//' | sed '/^$/d'; }
for t in "### Related Incidents" "### Action Items"; do
  template "Full Incident Report" | cols "$t" >"$TMP/tc"
  cols "$t" <"$TMP/full.md" >"$TMP/rc"
  check "$t columns match IRG ($(paste -sd, "$TMP/tc"))" cmp -s "$TMP/tc" "$TMP/rc"
done
grep -q "^- \*\*Total number of certificates:\*\* $N\$" "$TMP/full.md" && ok "impact total from the store ($N)" || not_ok "impact total"
REM=$("$PKIWARD" find --store "$S" --domain "$DOMAIN" --unrevoked --unexpired --count | awk '{print $1}')
grep -q "remaining valid\" certificates:\*\* $REM\$" "$TMP/full.md" && ok "remaining valid from the store ($REM)" || not_ok "remaining valid"
grep_out "This incident affects (DV|OV|IV|EV)" "affected types from the profile column"
# Timeline: UTC, minute granularity, sorted, with the IRG elements.
sed -n '/^### Timeline/,/^### Related/p' "$TMP/full.md" | grep '^- \*\*' >"$TMP/tl"
check "timeline rows are UTC at minute granularity" bash -c "! grep -vqE '^- \*\*[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC\*\* ' '$TMP/tl'"
check "timeline rows are in time order" bash -c "sed 's/^- \*\*\([^*]*\)\*\*.*/\1/' '$TMP/tl' | sort -c"
for e in "Profile template changed" "Incident began" "CA Owner became aware" "Preliminary Incident Report disclosed" "Scope and impact of the incident concluded" "affected certificate\(s\) revoked" "Incident ended"; do
  grep -Eq "$e" "$TMP/tl" && ok "timeline has: $e" || not_ok "timeline lacks: $e"
done
if [ "$HAVE_REPORT" = 1 ]; then
  grep -q "Certificate Problem Report #$RID received" "$TMP/tl" && ok "timeline has the problem report" || not_ok "timeline lacks the problem report"
  grep -q "Preliminary report on the findings sent for problem report #$RID" "$TMP/tl" && ok "timeline has the preliminary report to the reporter" || not_ok "timeline lacks the preliminary report"
fi
grep -q "$(date -u -d "$AWARE" '+%Y-%m-%d %H:%M') UTC\*\* — CA Owner became aware" "$TMP/tl" && ok "awareness at its recorded minute" || not_ok "awareness time"
# Appendix CSV: IRG's field table, in order, is the header row.
IRGCOLS=$(awk '/MUST attach a comma separated listing/{f=1;next} f&&n&&!/^\| \*\*/{exit} f&&/^\| \*\*/{sub(/^\| \*\*/,""); sub(/\*\*.*/,""); printf "%s%s", (n++?",":""), $0}' "$IRG")
check "IRG lists 11 appendix columns" test "$(echo "$IRGCOLS" | tr ',' '\n' | wc -l)" -eq 11
check "appendix header is IRG's columns in order" test "$(head -1 "$TMP/app.csv")" = "$IRGCOLS"
check "appendix has one row per certificate ($N)" test "$(($(wc -l <"$TMP/app.csv") - 1))" -eq "$N"
check "revoked rows say Yes with the reason" grep -q ",Yes,[0-9TZ:-]*,keyCompromise$" "$TMP/app.csv"
grep_out "Attached: \`app.csv\`" "the report names the appendix file"

# Kept live: revoking another certificate changes the next render.
expect_status 0 "revoke a third" "$PKIWARD" revoke --store "$S" --sha256 "${SHAS[2]}" --reason superseded
expect_status 0 "render again" P render "$ID" --report full --appendix "$TMP/app2.csv"
grep -q "remaining valid\" certificates:\*\* $((REM - 1))\$" "$TMP/out" && ok "remaining valid follows the store ($((REM - 1)))" || not_ok "live query"

# ---- deadlines ----
expect_status 0 "show lists deadlines" P show "$ID"
grep_out "first-report +[0-9T:Z-]+ +met" "72-hour first report met"
grep_out "full-report" "14-day full report shown"
grep_out "next-update" "next update shown"
expect_status 0 "question asked" P question "$ID" --text "Why was the lint not run?" --at "$(date -u -d '-1 hours' +%Y-%m-%dT%H:%M:00Z)"
expect_status 0 "list" P list
grep_out "^1 +open +no " "not overdue now"
expect_status 1 "list flags overdue deadlines (exit 1)" P list --now "$(date -u -d '+20 days' +%F)"
grep_out "^1 +open +YES " "overdue flag"
expect_status 0 "action item changed" P action "$ID" --item 1 --status Delayed
expect_status 0 "show --json" P show "$ID" --json --now "$(date -u -d '+4 days' +%FT%H:%M:%SZ)"
grep_out '"kind": "action-update"' "3-day action-change deadline derived"
grep_out '"state": "overdue"' "overdue flag in JSON"
expect_status 0 "tag revocation delay" P tag "$ID" --add leaf-revocation-delay
expect_status 2 "unknown tag on tag refused" P tag "$ID" --add nope
expect_status 0 "show after tagging" P show "$ID"
grep_out "revocation-delay-update" "3/7-day revocation-delay cadence shown"
expect_status 1 "full refused for revocation delay without analysis and plan" P render "$ID" --report full --appendix "$TMP/app3.csv"
grep_err "Analysis is required" "analysis required"
grep_err "revocation-planned" "revocation plan required"

# ---- closure ----
expect_status 1 "closure refused while the action item is not complete" P render "$ID" --report closure
grep_err "#1 is Delayed" "names the incomplete action item"
grep_err "question.*#1|#1 is unanswered" "names the open question"
expect_status 0 "answer" P answer "$ID" --question 1
expect_status 0 "complete the action" P action "$ID" --item 1 --status Complete
expect_status 0 "closure fields" P set "$ID" --closure-description "Wrong OU in $N certificates." --closure-root-causes "A template copied the order's OU." --remediation "Lint before signing." --commitments N/A
expect_status 0 "closure renders" P render "$ID" --report closure
cp "$TMP/out" "$TMP/closure.md"
template "Closure Report" | structure >"$TMP/t_cl"
structure <"$TMP/closure.md" >"$TMP/r_cl"
check "closure headings and labels match IRG, in order" in_order "$TMP/t_cl" "$TMP/r_cl"
grep -q "^All Action Items disclosed in this report have been completed as described, and we request its closure.$" "$TMP/closure.md" && ok "closure statement" || not_ok "closure statement"

# ---- every change is an event ----
if command -v sqlite3 >/dev/null; then
  EV=$(sqlite3 "$S" "SELECT COUNT(*) FROM event WHERE subject = 'incident:1'")
  check "incident changes recorded as events ($EV)" test "$EV" -ge 25
  check "no event for refused changes (no 'partial' text)" test "$(sqlite3 "$S" "SELECT COUNT(*) FROM event WHERE payload LIKE '%partial%'")" -eq 0
fi
if "$PKIWARD" events verify --store "$S" >/dev/null 2>&1; then ok "event chain verifies"; else
  "$PKIWARD" events --help >/dev/null 2>&1 && not_ok "event chain verifies" || ok "events verb not in this build (chain checked by unit tests)"; fi

finish
