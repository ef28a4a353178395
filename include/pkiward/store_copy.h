/* pkiward/store_copy.h — copying a certificate base between backends
 * (SQLite ⇄ PostgreSQL, issue 9) and comparing two bases table by table.
 *
 * The copy is generic: every table of the source that the target also has is
 * copied column by column (the columns both have), whatever area owns it, so
 * a table added by a later migration is copied without a change here. Values
 * keep their identity (ids, hashes, the hash-chained event log byte for
 * byte), so `pkiward events verify` holds on the copy exactly as on the
 * original.
 *
 * All or nothing: the source is read in one snapshot (a read transaction),
 * the target is written in one transaction; a failure at any point leaves
 * the target as empty as it was, and the copy can simply be run again.
 *
 * Verification: each table is summarised by its row count and a content
 * hash computed the same way on both backends from the values as read back
 * (see struct pw_store_table_sum), once from the source while copying and
 * once from the committed target. */
#ifndef PKIWARD_STORE_COPY_H
#define PKIWARD_STORE_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"

/* Rows between two progress reports (and, on PostgreSQL, the most rows
 * buffered before they are sent to the server). */
#define PW_STORE_COPY_BATCH_DEFAULT 10000
#define PW_STORE_COPY_BATCH_MAX 1000000

/* Tables and columns a base may have (both far above pkiward's schema). */
#define PW_STORE_COPY_MAX_TABLES 256
#define PW_STORE_COPY_MAX_COLUMNS 128
/* Longest table or column name (PostgreSQL's NAMEDATALEN - 1). */
#define PW_STORE_COPY_MAX_NAME 63
/* Largest single value copied (PostgreSQL's limit for one field). */
#define PW_STORE_COPY_MAX_VALUE ((size_t)1 << 30)

/* One table of a comparison: side "a" is the source of a copy, "b" the
 * target.
 *
 * The content hash is order-independent, so both backends scan in whatever
 * order is cheapest: each row is encoded canonically — the columns both
 * sides have, sorted by name; per value a tag and its bytes: 'N' (NULL),
 * 'I' + 8-byte big-endian integer (integers and booleans), 'R' + 8-byte
 * IEEE double, 'S' + 8-byte length + bytes (text and blobs alike) — and
 * hashed with SHA-256; the row digests are added as 256-bit big-endian
 * integers (mod 2^256); the table hash is SHA-256 of "pkiward-table-v1",
 * the table and column names, the row count and that sum. It detects any
 * accidental difference; it is not a commitment against someone crafting
 * rows to collide. */
struct pw_store_table_sum {
	char name[PW_STORE_COPY_MAX_NAME + 1];
	int in_a, in_b;         /* the table exists on that side */
	uint64_t rows_a, rows_b;
	uint8_t hash_a[32], hash_b[32]; /* zero when the side lacks the table */
	size_t columns;         /* columns compared (both sides have them) */
	int match;              /* same count and hash; a table on one side only
	                           matches when it is empty (or, on a copy's
	                           target, holds just what a new base holds) */
	int skipped;            /* copy: the target lacks it, left out (allow_missing) */
};

/* A comparison of two bases (the outcome of a copy or of a verify). */
struct pw_store_compare {
	struct pw_store_table_sum *tables; /* sorted by name */
	size_t n_tables;
	size_t mismatches;      /* tables whose match is 0 */
	int schema_a, schema_b; /* schema versions */
	uint64_t rows_copied;   /* copy only */
};

/* Frees the table list (NULL-safe, idempotent). */
void pw_store_compare_cleanup(struct pw_store_compare *c);

/* Progress: `table` is being copied (or hashed), `rows` done so far. */
typedef void (*pw_store_copy_progress_fn)(void *ctx, const char *table, uint64_t rows);

struct pw_store_copy_opts {
	size_t batch;            /* rows per batch; 0 = PW_STORE_COPY_BATCH_DEFAULT */
	/* Tables or columns holding data that the target's schema lacks are
	 * refused by default (the copy would lose them); with allow_missing
	 * they are left out and reported (skipped). */
	int allow_missing;
	pw_store_copy_progress_fn progress; /* NULL = none */
	void *progress_ctx;
};

/* Copies the base at `from` into the base at `to` (store locations as for
 * pw_store_open: a file path or a postgresql:// URI; either backend on
 * either side). The target is created (and migrated) when missing and must
 * be empty: no rows but those a new base starts with. Both must be at this
 * build's schema version (open the source with this pkiward once to
 * migrate it). Afterwards every copied table is read back from the target
 * and compared with the source's snapshot: *out (cleaned up by the caller,
 * also on failure) lists every table with both sides' counts and hashes,
 * out->mismatches > 0 when they differ.
 *
 * Returns PW_OK when the copy was committed (check out->mismatches);
 * PW_ERR_USAGE (bad options, same base on both sides), PW_ERR_EXISTS (the
 * target is not empty), PW_ERR_STORE (a table or column with data the
 * target lacks; a value the target's column cannot hold, naming table,
 * column and row; a server error), PW_ERR_NOTFOUND (no base at `from`),
 * PW_ERR_IO/NOMEM; nothing is written to the target then. */
enum pw_status pw_store_copy(const char *from, const char *to, const struct pw_store_copy_opts *o,
                             struct pw_store_compare *out, struct pw_error *err) PW_WARN_UNUSED;

/* Compares two existing bases table by table (each read in one snapshot):
 * counts and content hashes over the columns both have. Returns PW_OK when
 * the comparison ran (check out->mismatches), or an open/store error. */
enum pw_status pw_store_verify(const char *a, const char *b, pw_store_copy_progress_fn progress,
                               void *progress_ctx, struct pw_store_compare *out,
                               struct pw_error *err) PW_WARN_UNUSED;

/* Summarises one base on its own (every column of every table): side "a"
 * of *out is filled, "b" is empty. For comparing bases that cannot reach
 * each other: run it on both and compare the printed hashes (equal when the
 * two schemas have the same columns). */
enum pw_status pw_store_summarise(const char *location, pw_store_copy_progress_fn progress,
                                  void *progress_ctx, struct pw_store_compare *out,
                                  struct pw_error *err) PW_WARN_UNUSED;

#endif
