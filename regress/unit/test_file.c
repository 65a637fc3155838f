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

/* Unit tests for whole-file reads and their checks. */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "common/error.h"
#include "common/file.h"
#include "regress/unit/unit.h"

static char dir[] = "/tmp/gw-file-XXXXXX";
static char path[256], link_path[256];

static void
setup(void)
{
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(link_path, sizeof(link_path), "%s/l", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("abcdefgh", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(symlink(path, link_path), 0);
}

static void
teardown(void)
{
	unlink(link_path);
	unlink(path);
	rmdir(dir);
}

START_TEST(reads_whole)
{
	char *text, err[256];
	size_t len;

	ck_assert_int_eq(
	    file_read(path, 8, FILE_NOWRITE, &text, &len, err, sizeof(err)),
	    GW_OK);
	ck_assert_uint_eq(len, 8);
	ck_assert_str_eq(text, "abcdefgh");
	free(text);
	/* Through a link, unless told not to follow one. */
	ck_assert_int_eq(
	    file_read(link_path, 8, 0, &text, &len, err, sizeof(err)), GW_OK);
	free(text);
}
END_TEST

START_TEST(refusals)
{
	char *text = (char *)1, err[256], want[300];
	size_t len = 1;

	ck_assert_int_eq(
	    file_read(path, 7, 0, &text, &len, err, sizeof(err)), GW_ETOOLONG);
	snprintf(want, sizeof(want), "%s: over 7 bytes", path);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(text);
	ck_assert_uint_eq(len, 0);

	ck_assert_int_eq(chmod(path, 0664), 0);
	ck_assert_int_eq(
	    file_read(path, 8, FILE_NOWRITE, &text, &len, err, sizeof(err)),
	    GW_EPERM);
	snprintf(want, sizeof(want), "%s: writable by group or others", path);
	ck_assert_str_eq(err, want);

	ck_assert_int_eq(file_read(link_path, 8, FILE_NOFOLLOW, &text, &len,
			     err, sizeof(err)),
	    GW_ESYS);
	ck_assert_int_eq(
	    file_read(dir, 8, 0, &text, &len, err, sizeof(err)), GW_EINVAL);
	snprintf(want, sizeof(want), "%s: not a regular file", dir);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(
	    file_read("/nonexistent/x", 8, 0, &text, &len, err, sizeof(err)),
	    GW_ESYS);
	ck_assert_str_eq(err, "/nonexistent/x: No such file or directory");
}
END_TEST

static Suite *
suite_file(void)
{
	Suite *s = suite_create("file");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reads_whole);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite_file)
