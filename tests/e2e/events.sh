#!/usr/bin/env bash
# End-to-end: the event chain (events.h) through `pkiward events verify` and
# `export`. A log is written by real commands (problem reports and their
# steps), copied, and each copy is tampered with the sqlite3 command line:
# a payload edited, a row deleted, two rows swapped, the newest rows
# deleted, the whole table emptied, the head row edited. verify must exit 1
# and name the first bad event and how the chain broke; the untouched log
# must verify (exit 0); export writes one JSON object per event.
source "$(dirname "$0")/lib.bash"
command -v sqlite3 >/dev/null || { echo "sqlite3 command line needed"; exit 1; }

S="$TMP/store.db"
"$PKIWARD" init --store "$S" >/dev/null
for i in 1 2 3; do
  "$PKIWARD" report new --store "$S" --kind misissuance --reporter "r$i@example.net" \
    --title "report $i" --text "text $i" >/dev/null
done
"$PKIWARD" report note --store "$S" 1 --text "first note" >/dev/null
"$PKIWARD" report ack --store "$S" 2 >/dev/null
"$PKIWARD" report note --store "$S" 3 --text "third note" >/dev/null
"$PKIWARD" report close --store "$S" 2 --declined "not a problem: the certificate is correct" >/dev/null
N=$(sqlite3 "$S" "SELECT COUNT(*) FROM event")
check "the commands wrote events ($N)" test "$N" -ge 8

# ---- intact ----
expect_status 0 "verify an untouched log" "$PKIWARD" events verify --store "$S"
grep_out "^intact: $N events; head $N:[0-9a-f]{64}$" "says intact, with the head"
HEAD=$(sed -n 's/^intact: .* head \([0-9]*:[0-9a-f]*\)$/\1/p' "$TMP/out")
expect_status 0 "verify --json" "$PKIWARD" events verify --store "$S" --json
grep_out '"intact": true' "JSON says intact"
expect_status 0 "verify with the anchor from before" "$PKIWARD" events verify --store "$S" --anchor "$HEAD"

# tamper NAME SQL: a copy of the store with SQL applied.
tamper() { cp "$S" "$TMP/$1.db"; sqlite3 "$TMP/$1.db" "$2"; }

# ---- edit ----
tamper edit "UPDATE event SET payload = '{\"text\":\"forged\"}' WHERE id = 5"
expect_status 1 "an edited payload" "$PKIWARD" events verify --store "$TMP/edit.db"
grep_out "^TAMPERED: event 5: edited:" "names event 5 as edited"
tamper edit_at "UPDATE event SET at = at - 86400 WHERE id = 3"
expect_status 1 "an edited time" "$PKIWARD" events verify --store "$TMP/edit_at.db"
grep_out "^TAMPERED: event 3: edited:" "names event 3 as edited"
tamper edit_kind "UPDATE event SET kind = 'report.closed' WHERE id = 2"
expect_status 1 "an edited kind" "$PKIWARD" events verify --store "$TMP/edit_kind.db"
grep_out "^TAMPERED: event 2: edited:" "names event 2 as edited"

# ---- delete ----
tamper delete "DELETE FROM event WHERE id = 4"
expect_status 1 "a deleted event" "$PKIWARD" events verify --store "$TMP/delete.db"
grep_out "^TAMPERED: event 5: gap: .*event 5 follows event 3" "names the gap after the deleted event"
# Deleted and renumbered, so that ids are 1, 2, 3, ... again: the link breaks.
tamper renumber "DELETE FROM event WHERE id = 4; UPDATE event SET id = id - 1 WHERE id > 4"
expect_status 1 "a deleted event, later ids renumbered" "$PKIWARD" events verify --store "$TMP/renumber.db"
grep_out "^TAMPERED: event 4: relinked:" "names event 4 as relinked"

# ---- reorder ----
tamper reorder "UPDATE event SET id = -1 WHERE id = 3; UPDATE event SET id = 3 WHERE id = 4; UPDATE event SET id = 4 WHERE id = -1"
expect_status 1 "two events swapped" "$PKIWARD" events verify --store "$TMP/reorder.db"
grep_out "^TAMPERED: event 3: relinked:" "names event 3 as relinked"
expect_status 1 "swapped, --json" "$PKIWARD" events verify --store "$TMP/reorder.db" --json
grep_out '"broken": "relinked"' "JSON names the break"
grep_out '"broken_id": 3' "JSON names the event"

# ---- truncate ----
tamper tail "DELETE FROM event WHERE id > 6"
expect_status 1 "the newest events deleted" "$PKIWARD" events verify --store "$TMP/tail.db"
grep_out "^TAMPERED: event 7: truncated: .*ends at event 6 but its recorded head is event $N" "names where the log was cut"
tamper empty "DELETE FROM event"
expect_status 1 "every event deleted" "$PKIWARD" events verify --store "$TMP/empty.db"
grep_out "^TAMPERED: event 1: truncated:" "an emptied log is truncated from event 1"
# Tail deleted and the head row moved back to match: only an anchor kept
# from an earlier verify exposes it.
tamper rewound "DELETE FROM event WHERE id > 6; UPDATE event_head SET id = 6, hash = (SELECT hash FROM event WHERE id = 6)"
expect_status 0 "tail and head rewound together pass a plain verify" "$PKIWARD" events verify --store "$TMP/rewound.db"
expect_status 1 "... but not a verify with the earlier anchor" "$PKIWARD" events verify --store "$TMP/rewound.db" --anchor "$HEAD"
grep_out "^TAMPERED: head: .*anchor event $N is not in the log" "says the anchor is missing"
tamper head "UPDATE event_head SET hash = zeroblob(32)"
expect_status 1 "an edited head" "$PKIWARD" events verify --store "$TMP/head.db"
grep_out "^TAMPERED: head: " "names the head"

# ---- errors ----
expect_status 2 "a store that does not exist" "$PKIWARD" events verify --store "$TMP/none.db"
expect_status 2 "a bad anchor" "$PKIWARD" events verify --store "$S" --anchor "x"
grep_err "expected ID:SHA256HEX" "explains the anchor format"
expect_status 2 "an unknown sub-command" "$PKIWARD" events frobnicate --store "$S"

# ---- export ----
expect_status 0 "export everything" "$PKIWARD" events export --store "$S" --output "$TMP/all.jsonl"
check "one line per event" test "$(wc -l <"$TMP/all.jsonl")" -eq "$N"
check "every line is a JSON object with id, kind, hash" \
  /usr/bin/python3 -c 'import json,sys
ids=[]
for l in open(sys.argv[1]):
    o=json.loads(l); ids.append(o["id"])
    assert o["kind"] and len(o["hash"])==64 and o["at"].endswith("Z"), o
    assert o["payload"] is None or isinstance(o["payload"], dict), o
assert ids==list(range(1,len(ids)+1)), ids' "$TMP/all.jsonl"
check "each line's prev_hash is the previous line's hash" \
  /usr/bin/python3 -c 'import json,sys
p=None
for l in open(sys.argv[1]):
    o=json.loads(l); assert o["prev_hash"]==p, (o["id"],o["prev_hash"],p); p=o["hash"]' "$TMP/all.jsonl"
expect_status 0 "export --since 5" "$PKIWARD" events export --store "$S" --since 5
check "--since 5 starts at event 6" test "$(head -1 "$TMP/out" | sed 's/.*"id": *\([0-9]*\).*/\1/')" -eq 6
check "--since 5 has N-5 lines" test "$(wc -l <"$TMP/out")" -eq "$((N - 5))"
expect_status 0 "export --subject report:2" "$PKIWARD" events export --store "$S" --subject report:2
check "only events about report 2" test "$(grep -c '"subject":"report:2"' "$TMP/out")" -eq "$(wc -l <"$TMP/out")"
grep_out '"kind":"report.action"' "includes the decline"
grep_out 'not a problem: the certificate is correct' "with its reason"
expect_status 0 "export of an edited log still works (forensics)" "$PKIWARD" events export --store "$TMP/edit.db"
grep_out '"text":"forged"' "shows the edited payload"
expect_status 2 "export --since -1" "$PKIWARD" events export --store "$S" --since -1
finish
