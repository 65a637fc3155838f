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
 * Unit tests for broker/ledger.c: records survive a reopen, the live
 * list follows intent, creation and drop, contradictions are refused,
 * a torn last record is cut wherever the crash left it, a bad record
 * elsewhere makes the file corrupt, a second process is locked out, and
 * compaction keeps exactly the live entries.  Files are also written by
 * hand here, with a checksum computed by a table-driven CRC-32 of the
 * test's own, to pin the documented format.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "broker/ledger.h"
#include "common/error.h"
#include "common/log.h"
#include "regress/unit/unit.h"

static char dir[64];
static char path[128];

static void quiet(int, const char *);
static void dir_setup(void);
static void dir_teardown(void);
static uint32_t ref_crc32(const void *, size_t);
static void ref_line(char *, size_t, const char *);
static struct ledger *lopen(void);
static void intent(struct ledger *, const char *, const char *, int64_t);
static char *slurp(size_t *);
static void spit(const char *, size_t);
static size_t nlive(const struct ledger *);
static Suite *suite_ledger(void);

static void
quiet(int pri, const char *line)
{
	(void)pri;
	(void)line;
}

static void
dir_setup(void)
{
	log_setsink(quiet);
	strlcpy(dir, "/tmp/test_ledger.XXXXXX", sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, LEDGER_FILE);
}

static void
dir_teardown(void)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	rmdir(dir);
}

/* CRC-32 (IEEE) from a table, unlike the bitwise one under test. */
static uint32_t
ref_crc32(const void *p, size_t len)
{
	static uint32_t table[256];
	const uint8_t *s = p;
	uint32_t c;
	size_t i;
	int k;

	if (table[1] == 0) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	c = 0xffffffff;
	for (i = 0; i < len; i++)
		c = table[(c ^ s[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffff;
}

/* body plus " crc\n". */
static void
ref_line(char *dst, size_t dstlen, const char *body)
{
	snprintf(dst, dstlen, "%s %08x\n", body, ref_crc32(body, strlen(body)));
}

static struct ledger *
lopen(void)
{
	struct ledger *l = NULL;
	char err[256] = "";
	int rv;

	rv = ledger_open(dir, &l, err, sizeof(err));
	ck_assert_msg(rv == GW_OK, "ledger_open: %d %s", rv, err);
	ck_assert_ptr_nonnull(l);
	return l;
}

static void
intent(struct ledger *l, const char *name, const char *subject, int64_t expiry)
{
	struct ledger_entry e;
	char err[256] = "";
	int rv;

	memset(&e, 0, sizeof(e));
	strlcpy(e.le_name, name, sizeof(e.le_name));
	strlcpy(e.le_host, "127.0.0.1", sizeof(e.le_host));
	strlcpy(e.le_connection, "shop", sizeof(e.le_connection));
	strlcpy(e.le_grant, "read", sizeof(e.le_grant));
	strlcpy(e.le_subject, subject, sizeof(e.le_subject));
	e.le_expiry = expiry;
	rv = ledger_intent(l, &e, err, sizeof(err));
	ck_assert_msg(rv == GW_OK, "ledger_intent: %d %s", rv, err);
}

static char *
slurp(size_t *lenp)
{
	struct stat st;
	char *data;
	int fd;

	ck_assert_int_ne(fd = open(path, O_RDONLY), -1);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_ptr_nonnull(data = malloc((size_t)st.st_size + 1));
	ck_assert_int_eq(read(fd, data, (size_t)st.st_size), st.st_size);
	data[st.st_size] = '\0';
	close(fd);
	*lenp = (size_t)st.st_size;
	return data;
}

static void
spit(const char *data, size_t len)
{
	int fd;

	ck_assert_int_ne(
	    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), -1);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static size_t
nlive(const struct ledger *l)
{
	const struct ledger_entry *e;
	size_t n = 0;

	for (e = ledger_live(l, NULL); e != NULL; e = ledger_live(l, e))
		n++;
	return n;
}

START_TEST(ledger_crc_reference)
{
	/* The check value every CRC-32 (IEEE) catalogue lists. */
	ck_assert_uint_eq(ref_crc32("123456789", 9), 0xcbf43926);
}
END_TEST

START_TEST(ledger_create_empty)
{
	struct ledger_stats st;
	struct ledger *l;
	struct stat sb;
	size_t len;
	char *data;

	l = lopen();
	ledger_stats(l, &st);
	ck_assert_uint_eq(st.ls_live, 0);
	ck_assert_uint_eq(st.ls_records, 0);
	ck_assert_ptr_null(ledger_live(l, NULL));
	ledger_close(l);

	data = slurp(&len);
	ck_assert_str_eq(data, LEDGER_MAGIC "\n");
	free(data);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);

	l = lopen();
	ck_assert_ptr_null(ledger_live(l, NULL));
	ledger_close(l);
}
END_TEST

START_TEST(ledger_lifecycle_survives_reopen)
{
	const struct ledger_entry *e;
	struct ledger_stats st;
	struct ledger *l;
	char err[256];

	l = lopen();
	intent(l, "gw_000000000001", "agent-1", 1000);
	intent(
	    l, "gw_000000000002", "agent 2 % \"odd\"\tsubject\xc3\xa9", 2000);
	intent(l, "gw_000000000003", "agent-3", 3000);
	ck_assert_int_eq(
	    ledger_created(l, "gw_000000000001", "127.0.0.1", err, sizeof(err)),
	    GW_OK);
	ck_assert_int_eq(
	    ledger_created(l, "gw_000000000002", "127.0.0.1", err, sizeof(err)),
	    GW_OK);
	ck_assert_int_eq(
	    ledger_dropped(l, "gw_000000000001", "127.0.0.1", err, sizeof(err)),
	    GW_OK);
	ck_assert_uint_eq(nlive(l), 2);
	ledger_close(l);

	l = lopen();
	ledger_stats(l, &st);
	ck_assert_uint_eq(st.ls_live, 2);
	ck_assert_uint_eq(st.ls_records, 6);
	ck_assert_uint_eq(st.ls_dead, 3);
	ck_assert_uint_eq(st.ls_torn, 0);
	ck_assert_ptr_null(ledger_find(l, "gw_000000000001", "127.0.0.1"));

	e = ledger_find(l, "gw_000000000002", "127.0.0.1");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->le_state, LEDGER_CREATED);
	ck_assert_str_eq(e->le_subject, "agent 2 % \"odd\"\tsubject\xc3\xa9");
	ck_assert_str_eq(e->le_connection, "shop");
	ck_assert_str_eq(e->le_grant, "read");
	ck_assert_int_eq(e->le_expiry, 2000);
	ck_assert_int_gt(e->le_since, 0);

	e = ledger_find(l, "gw_000000000003", "127.0.0.1");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->le_state, LEDGER_INTENT);
	ck_assert_str_eq(ledger_state_name(e->le_state), "intent");

	/* Iteration order is the order of the intents. */
	e = ledger_live(l, NULL);
	ck_assert_str_eq(e->le_name, "gw_000000000002");
	e = ledger_live(l, e);
	ck_assert_str_eq(e->le_name, "gw_000000000003");
	ck_assert_ptr_null(ledger_live(l, e));

	/* Same name, other host: a different user. */
	ck_assert_ptr_null(ledger_find(l, "gw_000000000002", "localhost"));
	ledger_close(l);
}
END_TEST

START_TEST(ledger_contradictions_refused)
{
	struct ledger_stats st;
	struct ledger *l;
	struct ledger_entry e;
	char err[256];

	l = lopen();
	intent(l, "gw_00000000000a", "s", 1);
	memset(&e, 0, sizeof(e));
	strlcpy(e.le_name, "gw_00000000000a", sizeof(e.le_name));
	strlcpy(e.le_host, "127.0.0.1", sizeof(e.le_host));
	strlcpy(e.le_connection, "shop", sizeof(e.le_connection));
	strlcpy(e.le_grant, "read", sizeof(e.le_grant));
	strlcpy(e.le_subject, "s", sizeof(e.le_subject));
	ck_assert_int_eq(ledger_intent(l, &e, err, sizeof(err)), GW_EINVAL);
	ck_assert_int_eq(
	    ledger_created(l, "gw_00000000000b", "127.0.0.1", err, sizeof(err)),
	    GW_EINVAL);
	ck_assert_int_eq(
	    ledger_dropped(l, "gw_00000000000b", "127.0.0.1", err, sizeof(err)),
	    GW_EINVAL);
	ck_assert_int_eq(
	    ledger_created(l, "gw_00000000000a", "127.0.0.1", err, sizeof(err)),
	    GW_OK);
	ck_assert_int_eq(
	    ledger_created(l, "gw_00000000000a", "127.0.0.1", err, sizeof(err)),
	    GW_EINVAL);

	/* Refusals write nothing. */
	ledger_stats(l, &st);
	ck_assert_uint_eq(st.ls_records, 2);
	ledger_close(l);
}
END_TEST

START_TEST(ledger_invalid_fields_refused)
{
	static const struct {
		const char *name, *host, *conn, *subject;
	} bad[] = {
	    {"", "h", "c", "s"},
	    {"GW_X", "h", "c", "s"},
	    {"gw'x", "h", "c", "s"},
	    {"gw x", "h", "c", "s"},
	    {"gw_x", "", "c", "s"},
	    {"gw_x", "h h", "c", "s"},
	    {"gw_x", "h'", "c", "s"},
	    {"gw_x", "h\n", "c", "s"},
	    {"gw_x", "h", "", "s"},
	    {"gw_x", "h", "c c", "s"},
	    {"gw_x", "h", "c", ""},
	};
	struct ledger_entry e;
	struct ledger_stats st;
	struct ledger *l;
	char err[256];
	size_t i;

	l = lopen();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		strlcpy(e.le_name, bad[i].name, sizeof(e.le_name));
		strlcpy(e.le_host, bad[i].host, sizeof(e.le_host));
		strlcpy(e.le_connection, bad[i].conn, sizeof(e.le_connection));
		strlcpy(e.le_grant, "g", sizeof(e.le_grant));
		strlcpy(e.le_subject, bad[i].subject, sizeof(e.le_subject));
		ck_assert_msg(
		    ledger_intent(l, &e, err, sizeof(err)) == GW_EINVAL,
		    "case %zu accepted", i);
	}

	/* The longest subject, every byte of it escaped. */
	memset(&e, 0, sizeof(e));
	strlcpy(e.le_name, "gw_x", sizeof(e.le_name));
	strlcpy(e.le_host, "h", sizeof(e.le_host));
	strlcpy(e.le_connection, "c", sizeof(e.le_connection));
	strlcpy(e.le_grant, "g", sizeof(e.le_grant));
	memset(e.le_subject, '%', LEDGER_SUBJECT_MAX);
	e.le_expiry = -1;
	ck_assert_int_eq(ledger_intent(l, &e, err, sizeof(err)), GW_EINVAL);
	e.le_expiry = 5;
	ck_assert_int_eq(ledger_intent(l, &e, err, sizeof(err)), GW_OK);

	ledger_stats(l, &st);
	ck_assert_uint_eq(st.ls_records, 1);
	ledger_close(l);

	/* It survives a reopen. */
	l = lopen();
	ck_assert_str_eq(ledger_find(l, "gw_x", "h")->le_subject, e.le_subject);
	ledger_close(l);
}
END_TEST

START_TEST(ledger_hand_written_file)
{
	const struct ledger_entry *e;
	char body[256], line[300], file[2048];
	struct ledger *l;

	strlcpy(file, LEDGER_MAGIC "\n", sizeof(file));
	ref_line(line, sizeof(line),
	    "I 100 gw_aaaaaaaaaaaa 10.0.0.% 5000 shop read a%20b%25c");
	strlcat(file, line, sizeof(file));
	ref_line(line, sizeof(line), "C 101 gw_aaaaaaaaaaaa 10.0.0.%");
	strlcat(file, line, sizeof(file));
	snprintf(body, sizeof(body),
	    "I 102 gw_bbbbbbbbbbbb ::1 6000 shop.x orders-2 %%E2%%9C%%93");
	ref_line(line, sizeof(line), body);
	strlcat(file, line, sizeof(file));
	spit(file, strlen(file));

	l = lopen();
	e = ledger_find(l, "gw_aaaaaaaaaaaa", "10.0.0.%");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->le_state, LEDGER_CREATED);
	ck_assert_str_eq(e->le_subject, "a b%c");
	ck_assert_int_eq(e->le_since, 100);
	ck_assert_int_eq(e->le_expiry, 5000);
	e = ledger_find(l, "gw_bbbbbbbbbbbb", "::1");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->le_subject, "\xe2\x9c\x93");
	ck_assert_str_eq(e->le_connection, "shop.x");
	ck_assert_str_eq(e->le_grant, "orders-2");
	ledger_close(l);
}
END_TEST

/* Well-formed lines that must still be refused when not last. */
START_TEST(ledger_bad_spellings_corrupt)
{
	static const char *const bodies[] = {
	    "I 100 gw_a h 5 c g a%2",  /* short escape */
	    "I 100 gw_a h 5 c g a%41", /* escape of a plain byte */
	    "I 100 gw_a h 5 c g a%2a", /* lower-case escape */
	    "I 100 gw_a h 5 c g %00",  /* NUL */
	    "I 100 gw_a h 5 c g",      /* field missing */
	    "I 100 gw_a h 5 c g s x",  /* field too many */
	    "I 100 gw_a h -5 c g s",   /* negative */
	    "I 1e2 gw_a h 5 c g s",    /* not decimal */
	    "I 100 gw_a h 5 c g s",    /* fine: followed by a bad C */
	    "X 100 gw_a h",	       /* unknown kind */
	    "C 100 gw_a h extra",      /* extra field */
	    "I 100 gw_a  h 5 c g s",   /* empty field */
	    "I 100 GW_A h 5 c g s",    /* name charset */
	    "I 1000000000000000000 gw_a h 5 c g s", /* 19 digits */
	};
	char line[300], file[1024];
	struct ledger *l;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		strlcpy(file, LEDGER_MAGIC "\n", sizeof(file));
		ref_line(line, sizeof(line), bodies[i]);
		strlcat(file, line, sizeof(file));
		/* The fine one is made bad by what follows: C twice. */
		if (i == 8) {
			ref_line(line, sizeof(line), "C 101 gw_a h");
			strlcat(file, line, sizeof(file));
			strlcat(file, line, sizeof(file));
		}
		ref_line(line, sizeof(line), "I 200 gw_z h 5 c g s");
		strlcat(file, line, sizeof(file));
		spit(file, strlen(file));
		l = NULL;
		ck_assert_msg(
		    ledger_open(dir, &l, err, sizeof(err)) == GW_ECORRUPT,
		    "case %zu opened", i);
		ck_assert_ptr_null(l);
	}
}
END_TEST

START_TEST(ledger_bad_magic)
{
	static const char file[] = "gatewayd-ledger 2\n";
	struct ledger *l = NULL;
	char err[256];

	spit(file, strlen(file));
	ck_assert_int_eq(ledger_open(dir, &l, err, sizeof(err)), GW_ECORRUPT);
	ck_assert_ptr_null(l);
}
END_TEST

/*
 * A crash while the last record was written leaves any prefix of it, and
 * the same with a garbled newline-terminated copy.  Every such file
 * opens as if the record had never been written, loses the torn bytes,
 * and takes new records after the good ones.
 */
START_TEST(ledger_torn_tail_every_length)
{
	const struct ledger_entry *e;
	struct ledger_stats st;
	struct ledger *l;
	struct stat sb;
	char *full, *good, err[256];
	size_t fulllen, goodlen, cut;

	l = lopen();
	intent(l, "gw_000000000001", "one", 100);
	ck_assert_int_eq(
	    ledger_created(l, "gw_000000000001", "127.0.0.1", err, sizeof(err)),
	    GW_OK);
	ledger_close(l);
	good = slurp(&goodlen);

	l = lopen();
	intent(l, "gw_000000000002", "two with a longer subject", 200);
	ledger_close(l);
	full = slurp(&fulllen);
	ck_assert_uint_gt(fulllen, goodlen);

	for (cut = goodlen; cut < fulllen; cut++) {
		spit(full, cut);
		l = lopen();
		ledger_stats(l, &st);
		ck_assert_uint_eq(st.ls_torn, cut - goodlen);
		ck_assert_uint_eq(st.ls_live, 1);
		ck_assert_ptr_null(
		    ledger_find(l, "gw_000000000002", "127.0.0.1"));
		e = ledger_find(l, "gw_000000000001", "127.0.0.1");
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(e->le_state, LEDGER_CREATED);
		ledger_close(l);

		/* Cut away on disk, so that appends follow good data. */
		ck_assert_int_eq(stat(path, &sb), 0);
		ck_assert_uint_eq((size_t)sb.st_size, goodlen);
		l = lopen();
		intent(l, "gw_000000000003", "three", 300);
		ledger_close(l);
		l = lopen();
		ck_assert_uint_eq(nlive(l), 2);
		ledger_close(l);
	}

	/* A complete last line with a wrong byte: torn as well. */
	full[fulllen - 3] = full[fulllen - 3] == '0' ? '1' : '0';
	spit(full, fulllen);
	l = lopen();
	ledger_stats(l, &st);
	ck_assert_uint_eq(st.ls_torn, fulllen - goodlen);
	ck_assert_uint_eq(st.ls_live, 1);
	ledger_close(l);

	/* Zeros a file system left after the last record. */
	spit(good, goodlen);
	ck_assert_int_eq(truncate(path, (off_t)goodlen + 4096), 0);
	l = lopen();
	ledger_stats(l, &st);
	ck_assert_uint_eq(st.ls_torn, 4096);
	ck_assert_uint_eq(st.ls_live, 1);
	ledger_close(l);

	free(full);
	free(good);
}
END_TEST

START_TEST(ledger_torn_magic)
{
	struct ledger *l;
	size_t len;
	char *data;

	/* Empty, or a prefix of the first line: a ledger that never was. */
	spit("", 0);
	l = lopen();
	ck_assert_ptr_null(ledger_live(l, NULL));
	ledger_close(l);
	data = slurp(&len);
	ck_assert_str_eq(data, LEDGER_MAGIC "\n");
	free(data);

	spit("gatewayd-le", 11);
	l = lopen();
	intent(l, "gw_000000000001", "one", 100);
	ledger_close(l);
	l = lopen();
	ck_assert_uint_eq(nlive(l), 1);
	ledger_close(l);
}
END_TEST

START_TEST(ledger_corrupt_middle_refused)
{
	struct ledger *l;
	char *data, *second, err[256];
	size_t len;

	l = lopen();
	intent(l, "gw_000000000001", "one", 100);
	intent(l, "gw_000000000002", "two", 200);
	intent(l, "gw_000000000003", "three", 300);
	ledger_close(l);

	/* A flipped bit in the second record, which is not the last. */
	data = slurp(&len);
	second = strchr(strchr(data, '\n') + 1, '\n') + 1;
	second[10] ^= 0x01;
	spit(data, len);
	l = NULL;
	ck_assert_int_eq(ledger_open(dir, &l, err, sizeof(err)), GW_ECORRUPT);
	ck_assert_ptr_null(l);
	ck_assert_ptr_nonnull(strstr(err, "line 3"));

	/* Nothing was cut from a file refused. */
	free(data);
	data = slurp(&len);
	ck_assert_ptr_nonnull(strstr(data, "gw_000000000003"));
	free(data);
}
END_TEST

START_TEST(ledger_locked_out)
{
	struct ledger *l, *l2 = NULL;
	char err[256];

	l = lopen();
	ck_assert_int_eq(ledger_open(dir, &l2, err, sizeof(err)), GW_EBUSY);
	ck_assert_ptr_null(l2);
	ledger_close(l);
	l = lopen();
	ledger_close(l);
}
END_TEST

START_TEST(ledger_compaction)
{
	const struct ledger_entry *e;
	struct ledger_stats st;
	struct ledger *l;
	char name[32], err[256], tmp[160];
	size_t before, after;
	char *data;
	int i, fd;

	l = lopen();
	for (i = 0; i < 2 * LEDGER_COMPACT_MIN; i++) {
		snprintf(name, sizeof(name), "gw_%012x", i);
		intent(l, name, "churn", 100 + i);
		ck_assert_int_eq(
		    ledger_created(l, name, "127.0.0.1", err, sizeof(err)),
		    GW_OK);
		if (i % 100 == 7)
			continue;
		ck_assert_int_eq(
		    ledger_dropped(l, name, "127.0.0.1", err, sizeof(err)),
		    GW_OK);
	}
	intent(l, "gw_ffffffffffff", "pending", 999);
	ledger_stats(l, &st);
	/* Six kept, one pending; each made two records, the rest three. */
	ck_assert_uint_eq(st.ls_live, 7);
	ck_assert_uint_eq(st.ls_records, 3 * 2 * LEDGER_COMPACT_MIN - 6 + 1);
	before = (size_t)st.ls_size;

	ck_assert_int_eq(ledger_compact(l, 0, err, sizeof(err)), 1);
	ledger_stats(l, &st);
	ck_assert_uint_eq(st.ls_records, 6 * 2 + 1);
	ck_assert_uint_eq(st.ls_dead, 0);
	after = (size_t)st.ls_size;
	ck_assert_uint_lt(after, before / 10);

	/* Not worth it now; forced, it is done anyway. */
	ck_assert_int_eq(ledger_compact(l, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(ledger_compact(l, 1, err, sizeof(err)), 1);

	/* The file goes on taking records after the rename. */
	ck_assert_int_eq(
	    ledger_dropped(l, "gw_000000000007", "127.0.0.1", err, sizeof(err)),
	    GW_OK);
	ledger_close(l);

	l = lopen();
	ck_assert_uint_eq(nlive(l), 6);
	e = ledger_find(l, "gw_00000000006b", "127.0.0.1");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->le_state, LEDGER_CREATED);
	ck_assert_int_eq(e->le_expiry, 100 + 107);
	ck_assert_str_eq(e->le_subject, "churn");
	e = ledger_find(l, "gw_ffffffffffff", "127.0.0.1");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->le_state, LEDGER_INTENT);
	ledger_close(l);

	data = slurp(&before);
	ck_assert_int_eq(
	    strncmp(data, LEDGER_MAGIC "\n", strlen(LEDGER_MAGIC) + 1), 0);
	free(data);

	/* A temporary file a dead compaction left is removed at open. */
	snprintf(tmp, sizeof(tmp), "%s/%s", dir, LEDGER_TMP);
	ck_assert_int_ne(fd = open(tmp, O_WRONLY | O_CREAT, 0600), -1);
	close(fd);
	l = lopen();
	ck_assert_int_eq(access(tmp, F_OK), -1);
	ledger_close(l);
}
END_TEST

START_TEST(ledger_missing_dir)
{
	struct ledger *l = NULL;
	char err[256];

	ck_assert_int_eq(
	    ledger_open("/nonexistent/ledger-test", &l, err, sizeof(err)),
	    GW_ESYS);
	ck_assert_ptr_null(l);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/ledger-test"));
}
END_TEST

static Suite *
suite_ledger(void)
{
	Suite *s = suite_create("ledger");
	TCase *tc;

	tc = tcase_create("ledger");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, ledger_crc_reference);
	tcase_add_test(tc, ledger_create_empty);
	tcase_add_test(tc, ledger_lifecycle_survives_reopen);
	tcase_add_test(tc, ledger_contradictions_refused);
	tcase_add_test(tc, ledger_invalid_fields_refused);
	tcase_add_test(tc, ledger_hand_written_file);
	tcase_add_test(tc, ledger_bad_spellings_corrupt);
	tcase_add_test(tc, ledger_bad_magic);
	tcase_add_test(tc, ledger_torn_tail_every_length);
	tcase_add_test(tc, ledger_torn_magic);
	tcase_add_test(tc, ledger_corrupt_middle_refused);
	tcase_add_test(tc, ledger_locked_out);
	tcase_add_test(tc, ledger_compaction);
	tcase_add_test(tc, ledger_missing_dir);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite_ledger)
