/* inventory/ internals shared by the files of the module. */
#ifndef PW_INVENTORY_INTERNAL_H
#define PW_INVENTORY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/inventory.h"
#include "pkiward/store_inventory.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t pw_inv_days_from_civil(int64_t y, unsigned m, unsigned d);

/* 1 if y-m-d is a real calendar day between years 1900 and 9999. */
int pw_inv_valid_day(int64_t y, unsigned m, unsigned d);

/* The statement's content identity: SHA-256 over its scheme, type, auditor,
 * dates, URL and sorted fingerprints (length-prefixed, so no two statements
 * share an encoding). fps must be sorted. Returns 1, or 0 on a crypto error. */
int pw_inv_statement_digest(const char *scheme, const char *type, const char *auditor,
                            int64_t period_start, int64_t period_end, int64_t statement_date,
                            const char *url, const uint8_t *fps, size_t n, uint8_t out[32]);

/* Sorts n fingerprints (32 bytes each) and removes duplicates; returns the
 * new count. */
size_t pw_inv_sort_unique(uint8_t *fps, size_t n);

/* memcmp-ordered comparison of two 32-byte hashes (for qsort/bsearch). */
int pw_inv_cmp32(const void *a, const void *b);

/* Returns a malloc'd NUL-terminated copy of n bytes (NULL on no memory). */
char *pw_inv_strndup(const void *p, size_t n);

#endif
