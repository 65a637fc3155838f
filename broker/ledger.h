/*
 * Copyright (c) 2026 The gatewayd authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The minted-user ledger: a durable record of every database user the
 * broker is about to create, has created and has dropped, so that no
 * credential outlives its grant even when the broker dies in between.
 *
 * It is one append-only file, "ledger" in the state directory, of text
 * lines.  The first line is LEDGER_MAGIC; every other line is a record
 * of single-space separated fields, ending in the CRC-32 (IEEE, as zlib
 * computes it) of everything before that last space, as 8 lower-case
 * hex digits:
 *
 *	I when name host expiry connection grant subject crc
 *	C when name host crc
 *	D when name host crc
 *
 * I (intent) is written before CREATE USER, C (created) once the user
 * and its privileges exist, D (dropped) once it is gone.  "when" and
 * "expiry" are Unix times in decimal.  Names, hosts, connection and
 * grant names are checked against strict character sets and written as
 * they are; the subject, which comes from a token, is percent-encoded
 * (every byte outside '!'..'~', and '%' itself, as %XX).
 *
 * Each record is written with one pwrite() and fsync()ed before the
 * change it announces is made, so a record that did not reach the disk
 * announced nothing.  A crash can therefore leave only the last line
 * torn: ledger_open() ignores it and truncates it away.  A bad line
 * anywhere else, or records that contradict each other, make the file
 * corrupt and ledger_open() refuses it: an operator who moves it aside
 * lets the next sweep drop every minted user, which errs on the safe
 * side.  ledger_compact() rewrites the file with only the live entries
 * (write "ledger.tmp", fsync, rename, fsync the directory).  A lock on
 * "ledger.lock" keeps a second process out.
 */

#ifndef GW_LEDGER_H
#define GW_LEDGER_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#define LEDGER_FILE  "ledger"
#define LEDGER_TMP   "ledger.tmp"
#define LEDGER_LOCK  "ledger.lock"
#define LEDGER_MAGIC "gatewayd-ledger 1"

/* Field bounds, in bytes, without the NUL. */
#define LEDGER_NAME_MAX	   80  /* MariaDB's limit for a user name */
#define LEDGER_HOST_MAX	   255 /* MariaDB's limit for a host part */
#define LEDGER_LABEL_MAX   64  /* connection and grant names */
#define LEDGER_SUBJECT_MAX 255

#define LEDGER_LINE_MAX 2048
#define LEDGER_FILE_MAX (64 * 1024 * 1024)

/* Dead records before compaction is worth it (see ledger_compact). */
#define LEDGER_COMPACT_MIN 256

enum ledger_state {
	LEDGER_INTENT = 1,  /* about to be created; may or may not exist */
	LEDGER_CREATED = 2, /* created with all its privileges */
};

struct ledger_entry {
	TAILQ_ENTRY(ledger_entry) le_entry;
	enum ledger_state le_state;
	char le_name[LEDGER_NAME_MAX + 1];
	char le_host[LEDGER_HOST_MAX + 1];
	char le_connection[LEDGER_LABEL_MAX + 1];
	char le_grant[LEDGER_LABEL_MAX + 1];
	char le_subject[LEDGER_SUBJECT_MAX + 1];
	int64_t le_expiry; /* Unix time */
	int64_t le_since;  /* when the intent was recorded */
};

struct ledger_stats {
	size_t ls_live;	   /* entries with I or C and no D */
	size_t ls_records; /* records in the file */
	size_t ls_dead;	   /* records a compaction would remove */
	size_t ls_torn;	   /* bytes of torn tail cut at open */
	uint64_t ls_size;  /* bytes in the file */
};

struct ledger;

int ledger_open(const char *, struct ledger **, char *, size_t)
    __attribute__((warn_unused_result));
void ledger_close(struct ledger *);

int ledger_intent(struct ledger *, const struct ledger_entry *, char *, size_t)
    __attribute__((warn_unused_result));
int ledger_created(struct ledger *, const char *, const char *, char *, size_t)
    __attribute__((warn_unused_result));
int ledger_dropped(struct ledger *, const char *, const char *, char *, size_t)
    __attribute__((warn_unused_result));
int ledger_compact(struct ledger *, int, char *, size_t)
    __attribute__((warn_unused_result));

const struct ledger_entry *
ledger_find(const struct ledger *, const char *, const char *);
const struct ledger_entry *
ledger_live(const struct ledger *, const struct ledger_entry *);
void ledger_stats(const struct ledger *, struct ledger_stats *);
const char *ledger_state_name(enum ledger_state);

int ledger_name_ok(const char *);
int ledger_host_ok(const char *);
int ledger_label_ok(const char *);

#endif /* GW_LEDGER_H */
