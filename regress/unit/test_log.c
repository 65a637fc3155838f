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
 * Unit tests for common/log.c: log_escape() against a reference escaper
 * written here, at every small destination size and at the boundaries
 * where "..." must appear or must not; the session tag; and the levels
 * as a sink installed with log_setsink() sees them.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <check.h>

#include "common/log.h"
#include "regress/unit/unit.h"

#define NCAPTURE 8

static struct {
	int c_pri[NCAPTURE];
	char c_line[NCAPTURE][LOG_LINE_MAX + 1];
	int c_n;
} cap;

static void capture(int, const char *);
static void crit_sink(int, const char *);
static void sink_setup(void);
static void sink_teardown(void);
static size_t ref_escape(char *, const uint8_t *, size_t);
static void check_escape(const uint8_t *, size_t, size_t);
static Suite *suite_log(void);

static void
capture(int pri, const char *line)
{
	ck_assert_int_lt(cap.c_n, NCAPTURE);
	ck_assert_uint_lt(strlen(line), sizeof(cap.c_line[0]));
	cap.c_pri[cap.c_n] = pri;
	strcpy(cap.c_line[cap.c_n], line);
	cap.c_n++;
}

/* For fatalx(): exit 3 instead of 1 if the last line is not as expected. */
static void
crit_sink(int pri, const char *line)
{
	if (pri != LOG_CRIT || strcmp(line, "broken invariant 7") != 0)
		_exit(3);
}

static void
sink_setup(void)
{
	memset(&cap, 0, sizeof(cap));
	log_setsink(capture);
	log_setverbose(LOG_LEVEL_INFO);
}

static void
sink_teardown(void)
{
	log_setsink(NULL);
	log_setverbose(LOG_LEVEL_INFO);
}

/*
 * The whole escaped form of n bytes, written the plain way, to compare
 * against.  dst needs 4 * n + 1 bytes.  Returns the length.
 */
static size_t
ref_escape(char *dst, const uint8_t *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"')
			o += (size_t)sprintf(dst + o, "\\%c", s[i]);
		else if (s[i] == '\n')
			o += (size_t)sprintf(dst + o, "\\n");
		else if (s[i] == '\t')
			o += (size_t)sprintf(dst + o, "\\t");
		else if (s[i] == '\r')
			o += (size_t)sprintf(dst + o, "\\r");
		else if (s[i] >= 0x20 && s[i] <= 0x7e)
			dst[o++] = (char)s[i];
		else
			o += (size_t)sprintf(dst + o, "\\x%02x", s[i]);
	}
	dst[o] = '\0';
	return o;
}

/*
 * What must hold for any input and size: the result is terminated and
 * fits, it is the escape of exactly the bytes reported consumed, and
 * when it was cut it ends in "..." (if there is room for that) after a
 * whole escape, with no room left for the next one.
 */
static void
check_escape(const uint8_t *src, size_t n, size_t dstsz)
{
	char dst[512], want[512], next[512];
	size_t got, len;

	ck_assert_uint_le(dstsz, sizeof(dst) - 1);
	ck_assert_uint_le(4 * n + 1, sizeof(want));
	memset(dst, 'Z', sizeof(dst));
	got = log_escape(dst, dstsz, src, n);
	ck_assert_uint_le(got, n);
	if (dstsz == 0) {
		ck_assert_uint_eq(got, 0);
		ck_assert_int_eq(dst[0], 'Z');
		return;
	}
	len = strnlen(dst, dstsz);
	ck_assert_msg(len < dstsz, "not terminated within %zu", dstsz);
	ck_assert_int_eq(dst[dstsz], 'Z');

	ref_escape(want, src, got);
	if (got == n) {
		ck_assert_str_eq(dst, want);
		return;
	}
	if (dstsz >= 4)
		strcat(want, "...");
	else
		ck_assert_uint_eq(got, 0);
	ck_assert_str_eq(dst, want);
	ck_assert_uint_eq(ref_escape(next, src, got + 1) + 3 + 1 > dstsz, 1);
}

START_TEST(escape_plain)
{
	char dst[64];

	ck_assert_uint_eq(
	    log_escape(dst, sizeof(dst), "SELECT 1 + 2;", 13), 13);
	ck_assert_str_eq(dst, "SELECT 1 + 2;");
	ck_assert_uint_eq(log_escape(dst, sizeof(dst), " ~", 2), 2);
	ck_assert_str_eq(dst, " ~");
	ck_assert_uint_eq(log_escape(dst, sizeof(dst), "", 0), 0);
	ck_assert_str_eq(dst, "");

	/* srclen counts, not a NUL. */
	ck_assert_uint_eq(log_escape(dst, sizeof(dst), "abcdef", 3), 3);
	ck_assert_str_eq(dst, "abc");
}
END_TEST

START_TEST(escape_quotes)
{
	char dst[64];

	ck_assert_uint_eq(
	    log_escape(dst, sizeof(dst), "say \"hi\" \\ ok", 13), 13);
	ck_assert_str_eq(dst, "say \\\"hi\\\" \\\\ ok");
	ck_assert_uint_eq(log_escape(dst, sizeof(dst), "'", 1), 1);
	ck_assert_str_eq(dst, "'");
}
END_TEST

START_TEST(escape_controls)
{
	static const uint8_t in[] = {'\n', '\t', '\r', 0x00, 0x01, 0x1b, 0x1f,
	    0x7f, 0x80, 0xc3, 0xff, 'a'};
	char dst[128];

	ck_assert_uint_eq(
	    log_escape(dst, sizeof(dst), in, sizeof(in)), sizeof(in));
	ck_assert_str_eq(
	    dst, "\\n\\t\\r\\x00\\x01\\x1b\\x1f\\x7f\\x80\\xc3\\xffa");
}
END_TEST

START_TEST(escape_every_byte)
{
	uint8_t b;
	char dst[8], want[8];
	unsigned int c;

	for (c = 0; c <= 0xff; c++) {
		b = (uint8_t)c;
		ref_escape(want, &b, 1);
		ck_assert_uint_eq(log_escape(dst, sizeof(dst), &b, 1), 1);
		ck_assert_str_eq(dst, want);
	}
}
END_TEST

START_TEST(escape_size0)
{
	char dst[4] = "ZZZ";

	ck_assert_uint_eq(log_escape(dst, 0, "abc", 3), 0);
	ck_assert_str_eq(dst, "ZZZ");
	ck_assert_uint_eq(log_escape(dst, 0, "", 0), 0);
	ck_assert_str_eq(dst, "ZZZ");
}
END_TEST

/* Cut inputs at the small sizes: 1, 3, 4 and 5 bytes of room. */
START_TEST(escape_small)
{
	char dst[8];

	memset(dst, 'Z', sizeof(dst));
	ck_assert_uint_eq(log_escape(dst, 1, "abc", 3), 0);
	ck_assert_str_eq(dst, "");
	ck_assert_uint_eq(log_escape(dst, 1, "", 0), 0);
	ck_assert_str_eq(dst, "");

	/* Below four bytes there is no room for "...": nothing at all. */
	memset(dst, 'Z', sizeof(dst));
	ck_assert_uint_eq(log_escape(dst, 3, "abcdef", 6), 0);
	ck_assert_str_eq(dst, "");
	ck_assert_uint_eq(log_escape(dst, 3, "\x01", 1), 0);
	ck_assert_str_eq(dst, "");
	ck_assert_uint_eq(log_escape(dst, 3, "\n", 1), 1);
	ck_assert_str_eq(dst, "\\n");
	ck_assert_uint_eq(log_escape(dst, 2, "\n", 1), 0);
	ck_assert_str_eq(dst, "");

	memset(dst, 'Z', sizeof(dst));
	ck_assert_uint_eq(log_escape(dst, 4, "abcdef", 6), 0);
	ck_assert_str_eq(dst, "...");
	ck_assert_uint_eq(log_escape(dst, 4, "\x01", 1), 0);
	ck_assert_str_eq(dst, "...");
	ck_assert_int_eq(dst[4], 'Z');

	memset(dst, 'Z', sizeof(dst));
	ck_assert_uint_eq(log_escape(dst, 5, "abcdef", 6), 1);
	ck_assert_str_eq(dst, "a...");
	ck_assert_uint_eq(log_escape(dst, 5, "\x01", 1), 1);
	ck_assert_str_eq(dst, "\\x01");
	ck_assert_uint_eq(log_escape(dst, 5, "\x01z", 2), 0);
	ck_assert_str_eq(dst, "...");
	ck_assert_int_eq(dst[5], 'Z');
}
END_TEST

/* A cut never splits an escape. */
START_TEST(escape_cut_whole)
{
	char dst[16];

	ck_assert_uint_eq(log_escape(dst, 8,
			      "ab\x01"
			      "cdefgh",
			      9),
	    2);
	ck_assert_str_eq(dst, "ab...");
	ck_assert_uint_eq(log_escape(dst, 8, "ab\"cdefgh", 9), 3);
	ck_assert_str_eq(dst, "ab\\\"...");
	ck_assert_uint_eq(log_escape(dst, 7, "ab\"cdefgh", 9), 2);
	ck_assert_str_eq(dst, "ab...");
}
END_TEST

START_TEST(escape_long)
{
	uint8_t in[1000];
	char dst[LOG_ESCAPE_MAX], want[LOG_ESCAPE_MAX];

	memset(in, 'a', sizeof(in));
	ck_assert_uint_eq(log_escape(dst, sizeof(dst), in, sizeof(in)), 252);
	memset(want, 'a', 252);
	memcpy(want + 252, "...", 4);
	ck_assert_str_eq(dst, want);
	ck_assert_uint_eq(strlen(dst), LOG_ESCAPE_MAX - 1);

	memset(in, 0xff, sizeof(in));
	ck_assert_uint_eq(log_escape(dst, sizeof(dst), in, sizeof(in)), 63);
	ck_assert_uint_eq(strlen(dst), 63 * 4 + 3);
	ck_assert_str_eq(dst + 62 * 4, "\\xff...");
}
END_TEST

/* Many inputs at every size from 0 to 40. */
START_TEST(escape_properties)
{
	static const uint8_t alphabet[] = {'a', 'Z', ' ', '~', '"', '\\', '\n',
	    '\t', '\r', 0x00, 0x01, 0x7f, 0x80, 0xff};
	uint8_t in[32];
	uint32_t x = 12345;
	size_t dstsz, n, i;
	int round;

	for (round = 0; round < 300; round++) {
		n = (size_t)round % sizeof(in);
		for (i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			in[i] = alphabet[(x >> 16) % sizeof(alphabet)];
		}
		for (dstsz = 0; dstsz <= 40; dstsz++)
			check_escape(in, n, dstsz);
	}
}
END_TEST

/*
 * Input whose whole escape fits exactly must come out whole, with no
 * "..." and every byte consumed.
 */
START_TEST(escape_exact_fit)
{
	static const struct {
		const char *in;
		size_t dstsz;
		const char *out;
	} cases[] = {{"ab", 3, "ab"}, {"abc", 4, "abc"}, {"abcd", 5, "abcd"},
	    {"a\"b", 5, "a\\\"b"}, {"xy\n", 5, "xy\\n"}};
	uint8_t in[LOG_ESCAPE_MAX];
	char dst[LOG_ESCAPE_MAX];
	size_t i, n, got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = strlen(cases[i].in);
		got = log_escape(dst, cases[i].dstsz, cases[i].in, n);
		ck_assert_msg(got == n && strcmp(dst, cases[i].out) == 0,
		    "\"%s\" in %zu bytes: got \"%s\" (%zu consumed), "
		    "want \"%s\"",
		    cases[i].in, cases[i].dstsz, dst, got, cases[i].out);
	}

	/* 255 bytes and the NUL fill LOG_ESCAPE_MAX exactly. */
	memset(in, 'q', sizeof(in));
	got = log_escape(dst, sizeof(dst), in, LOG_ESCAPE_MAX - 1);
	ck_assert_uint_eq(got, LOG_ESCAPE_MAX - 1);
	ck_assert_uint_eq(strlen(dst), LOG_ESCAPE_MAX - 1);
}
END_TEST

START_TEST(session_tag)
{
	char tag[LOG_TAG_MAX], small[6];

	ck_assert_ptr_eq(
	    log_session_tag(tag, sizeof(tag), 0x0123456789abcdef), tag);
	ck_assert_str_eq(tag, "s=0123456789abcdef");
	ck_assert_str_eq(
	    log_session_tag(tag, sizeof(tag), 0), "s=0000000000000000");
	ck_assert_str_eq(
	    log_session_tag(tag, sizeof(tag), 0x2a), "s=000000000000002a");
	ck_assert_str_eq(log_session_tag(tag, sizeof(tag), UINT64_MAX),
	    "s=ffffffffffffffff");
	ck_assert_str_eq(log_session_tag(small, sizeof(small), 0x2a), "s=000");
}
END_TEST

START_TEST(sink_info)
{
	log_info("session %s opened from %s", "s=1", "10.0.0.5");
	ck_assert_int_eq(cap.c_n, 1);
	ck_assert_int_eq(cap.c_pri[0], LOG_INFO);
	ck_assert_str_eq(cap.c_line[0], "session s=1 opened from 10.0.0.5");

	log_warnx("warned %d", -3);
	ck_assert_int_eq(cap.c_n, 2);
	ck_assert_int_eq(cap.c_pri[1], LOG_WARNING);
	ck_assert_str_eq(cap.c_line[1], "warned -3");

	log_emit(LOG_ERR, "raw line");
	ck_assert_int_eq(cap.c_n, 3);
	ck_assert_int_eq(cap.c_pri[2], LOG_ERR);
	ck_assert_str_eq(cap.c_line[2], "raw line");
}
END_TEST

START_TEST(sink_warn_errno)
{
	char want[LOG_LINE_MAX];

	snprintf(want, sizeof(want), "open x: %s", strerror(ENOENT));
	errno = ENOENT;
	log_warn("open %s", "x");
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(cap.c_n, 1);
	ck_assert_int_eq(cap.c_pri[0], LOG_WARNING);
	ck_assert_str_eq(cap.c_line[0], want);
}
END_TEST

START_TEST(sink_verbosity)
{
	ck_assert_int_eq(log_getverbose(), LOG_LEVEL_INFO);
	log_verbose("v0");
	log_debug("d0");
	log_trace("t0");
	ck_assert_int_eq(cap.c_n, 0);

	log_setverbose(LOG_LEVEL_VERBOSE);
	ck_assert_int_eq(log_getverbose(), LOG_LEVEL_VERBOSE);
	log_verbose("v1");
	log_debug("d1");
	log_trace("t1");
	ck_assert_int_eq(cap.c_n, 1);
	ck_assert_int_eq(cap.c_pri[0], LOG_INFO);
	ck_assert_str_eq(cap.c_line[0], "v1");

	log_setverbose(LOG_LEVEL_DEBUG);
	log_debug("d2");
	log_trace("t2");
	ck_assert_int_eq(cap.c_n, 2);
	ck_assert_int_eq(cap.c_pri[1], LOG_DEBUG);
	ck_assert_str_eq(cap.c_line[1], "d2");

	log_setverbose(LOG_LEVEL_TRACE);
	log_trace("t3");
	ck_assert_int_eq(cap.c_n, 3);
	ck_assert_int_eq(cap.c_pri[2], LOG_DEBUG);
	ck_assert_str_eq(cap.c_line[2], "t3");

	/* Info and warnings pass at every level. */
	log_setverbose(LOG_LEVEL_INFO);
	log_info("i");
	log_warnx("w");
	ck_assert_int_eq(cap.c_n, 5);
}
END_TEST

START_TEST(sink_long_line)
{
	char *big;

	big = malloc(3 * LOG_LINE_MAX);
	ck_assert_ptr_nonnull(big);
	memset(big, 'L', 3 * LOG_LINE_MAX - 1);
	big[3 * LOG_LINE_MAX - 1] = '\0';
	log_info("%s", big);
	errno = EPERM;
	log_warn("%s", big);
	ck_assert_int_eq(cap.c_n, 2);
	ck_assert_uint_eq(strlen(cap.c_line[0]), LOG_LINE_MAX - 1);
	ck_assert_uint_eq(strlen(cap.c_line[1]), LOG_LINE_MAX - 1);
	ck_assert_int_eq(cap.c_line[1][LOG_LINE_MAX - 2], 'L');
	free(big);
}
END_TEST

/* Without a sink, the foreground writes "name[pid]: line" to stderr. */
START_TEST(stderr_line)
{
	char got[256], want[256];
	int pfd[2], saved;
	ssize_t n;

	log_setsink(NULL);
	log_procname("gatewayd-test");
	ck_assert_int_eq(pipe(pfd), 0);
	saved = dup(STDERR_FILENO);
	ck_assert_int_eq(dup2(pfd[1], STDERR_FILENO), STDERR_FILENO);
	close(pfd[1]);
	log_info("listening on %d", 3306);
	ck_assert_int_eq(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	n = read(pfd[0], got, sizeof(got) - 1);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	snprintf(want, sizeof(want), "gatewayd-test[%ld]: listening on 3306\n",
	    (long)getpid());
	ck_assert_str_eq(got, want);
	close(pfd[0]);
}
END_TEST

START_TEST(fatalx_exits)
{
	log_setsink(crit_sink);
	fatalx("broken invariant %d", 7);
}
END_TEST

static Suite *
suite_log(void)
{
	Suite *s = suite_create("log");
	TCase *tc;

	tc = tcase_create("escape");
	tcase_add_test(tc, escape_plain);
	tcase_add_test(tc, escape_quotes);
	tcase_add_test(tc, escape_controls);
	tcase_add_test(tc, escape_every_byte);
	tcase_add_test(tc, escape_size0);
	tcase_add_test(tc, escape_small);
	tcase_add_test(tc, escape_cut_whole);
	tcase_add_test(tc, escape_long);
	tcase_add_test(tc, escape_properties);
	tcase_add_test(tc, escape_exact_fit);
	tcase_add_test(tc, session_tag);
	suite_add_tcase(s, tc);

	tc = tcase_create("sink");
	tcase_add_checked_fixture(tc, sink_setup, sink_teardown);
	tcase_add_test(tc, sink_info);
	tcase_add_test(tc, sink_warn_errno);
	tcase_add_test(tc, sink_verbosity);
	tcase_add_test(tc, sink_long_line);
	tcase_add_test(tc, stderr_line);
	tcase_add_exit_test(tc, fatalx_exits, 1);
	suite_add_tcase(s, tc);

	return s;
}

UNIT_MAIN(suite_log)
