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
 * Unit tests for grant evaluation, over a configuration parsed by the
 * real parser.
 */

#include <stdio.h>
#include <string.h>

#include <check.h>

#include "common/error.h"
#include "policy/conf.h"
#include "policy/grant.h"
#include "regress/unit/unit.h"

static const char conf_text[] =
    "listen on 127.0.0.1 port 3307 tls {\n"
    "\tcertificate \"/c.pem\"\n"
    "\tkey \"/k.pem\"\n"
    "}\n"
    "connection \"shop\" {\n"
    "\tserver \"127.0.0.1\" port 3306\n"
    "\tadmin credentials \"/a.cnf\"\n"
    "\tgrant \"read\" to group \"analysts\" {\n"
    "\t\tselect on \"shop.*\"\n"
    "\t\tmax 1h\n"
    "\t}\n"
    "\tgrant \"orders\" to groups { \"agents\" \"ops\" } {\n"
    "\t\tselect, insert on \"shop.orders\"\n"
    "\t\tmax 30m\n"
    "\t}\n"
    "}\n";

static struct conf *conf;

static void
fail_error(void *arg, const char *msg)
{
	ck_abort_msg("configuration error: %s", msg);
}

static void
setup(void)
{
	conf = conf_parse_buffer(
	    "test", conf_text, sizeof(conf_text) - 1, fail_error, NULL);
	ck_assert_ptr_nonnull(conf);
}

static void
teardown(void)
{
	conf_free(conf);
}

START_TEST(user_names)
{
	char c[GRANT_NAME_MAX], g[GRANT_NAME_MAX];

	ck_assert_int_eq(
	    grant_user_parse("shop", c, sizeof(c), g, sizeof(g)), GW_OK);
	ck_assert_str_eq(c, "shop");
	ck_assert_str_eq(g, "");
	ck_assert_int_eq(
	    grant_user_parse("shop/orders", c, sizeof(c), g, sizeof(g)), GW_OK);
	ck_assert_str_eq(c, "shop");
	ck_assert_str_eq(g, "orders");

	/* Empty parts, a second slash, odd bytes, over 64: refused. */
	ck_assert_int_eq(
	    grant_user_parse("", c, sizeof(c), g, sizeof(g)), GW_EINVAL);
	ck_assert_int_eq(
	    grant_user_parse("/read", c, sizeof(c), g, sizeof(g)), GW_EINVAL);
	ck_assert_int_eq(
	    grant_user_parse("shop/", c, sizeof(c), g, sizeof(g)), GW_EINVAL);
	ck_assert_int_eq(
	    grant_user_parse("shop/a/b", c, sizeof(c), g, sizeof(g)),
	    GW_EINVAL);
	ck_assert_int_eq(
	    grant_user_parse("sh op", c, sizeof(c), g, sizeof(g)), GW_EINVAL);
	ck_assert_int_eq(
	    grant_user_parse("shop'--", c, sizeof(c), g, sizeof(g)), GW_EINVAL);
	ck_assert_int_eq(
	    grant_user_parse("\xc3\xa9", c, sizeof(c), g, sizeof(g)),
	    GW_EINVAL);
	ck_assert_str_eq(c, "");
	ck_assert_int_eq(grant_user_parse("a123456789012345678901234567890"
					  "12345678901234567890123456789012345",
			     c, sizeof(c), g, sizeof(g)),
	    GW_EINVAL);
	/* Exactly 64 is the longest name. */
	ck_assert_int_eq(grant_user_parse("a123456789012345678901234567890"
					  "123456789012345678901234567890123",
			     c, sizeof(c), g, sizeof(g)),
	    GW_OK);
}
END_TEST

START_TEST(matching)
{
	const struct conf_connection *cn = conf_connection_find(conf, "shop");
	const char *analysts[] = {"staff", "analysts"};
	const char *agents[] = {"ops"};
	const char *nobody[] = {"guests"};
	const struct conf_grant *gr;
	char why[256];

	ck_assert_ptr_nonnull(cn);
	gr = grant_match(cn, NULL, analysts, 2, why, sizeof(why));
	ck_assert_ptr_nonnull(gr);
	ck_assert_str_eq(gr->gr_name, "read");
	gr = grant_match(cn, "", agents, 1, why, sizeof(why));
	ck_assert_ptr_nonnull(gr);
	ck_assert_str_eq(gr->gr_name, "orders");
	gr = grant_match(cn, "orders", agents, 1, why, sizeof(why));
	ck_assert_ptr_nonnull(gr);
	ck_assert_str_eq(gr->gr_name, "orders");

	/* A named grant that is not the token's groups' is refused. */
	ck_assert_ptr_null(
	    grant_match(cn, "read", agents, 1, why, sizeof(why)));
	ck_assert_str_eq(why, "grant read is not for the token's groups");
	ck_assert_ptr_null(
	    grant_match(cn, "nope", agents, 1, why, sizeof(why)));
	ck_assert_str_eq(why, "connection shop has no grant nope");
	ck_assert_ptr_null(grant_match(cn, NULL, nobody, 1, why, sizeof(why)));
	ck_assert_str_eq(
	    why, "no grant of connection shop is for the token's groups");
	ck_assert_ptr_null(grant_match(cn, NULL, NULL, 0, why, sizeof(why)));
}
END_TEST

START_TEST(windows)
{
	const struct conf_connection *cn = conf_connection_find(conf, "shop");
	const struct conf_grant *read = TAILQ_FIRST(&cn->cn_grants);

	ck_assert_int_eq(grant_window(read, 0), 3600);
	ck_assert_int_eq(grant_window(read, 600), 600);
	ck_assert_int_eq(grant_window(read, 3600), 3600);
	ck_assert_int_eq(grant_window(read, 3601), 3600);
	ck_assert_int_eq(grant_window(read, UINT32_MAX), 3600);
}
END_TEST

static Suite *
suite_grant(void)
{
	Suite *s = suite_create("grant");
	TCase *tc = tcase_create("grant");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, user_names);
	tcase_add_test(tc, matching);
	tcase_add_test(tc, windows);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite_grant)
