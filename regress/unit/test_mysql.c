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
 * Unit tests for common/mysql.c: length-encoded values, framing with
 * 16 MiB continuations, every packet of the connection phase in both
 * roles, OK, ERR, EOF and column definitions, and the authentication
 * scrambles.  The FX_ fixtures are packet payloads captured on this
 * machine with regress/unit/mysql_capture.py: greetings, logins and
 * replies of a real MariaDB 10.11 server, the mariadb 10.11 client
 * (libmariadb 3.3) and PyMySQL 1.0.2.  The scramble vectors were
 * computed apart with Python's hashlib, as the comments show, and the
 * clients' own responses in the fixtures agree with them.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/mysql.h"
#include "regress/unit/pem.h"
#include "regress/unit/unit.h"

static Suite *suite_mysql(void);

/*
 * The capture script's stand-in gateway greets: "8.0.0-gatewayd",
 * connection 7, scramble "abcdefghijklmnopqrst", mysql_native_password.
 */
static const char FX_GW_GREETING[] =
    "0a382e302e302d676174657761796400070000006162636465666768000fa22d"
    "02003f011500000000000000000000696a6b6c6d6e6f7071727374006d797371"
    "6c5f6e61746976655f70617373776f726400";

/* mariadb -u shop/agent -p<token> --skip-ssl shop, to FX_GW_GREETING. */
static const char FX_LOGIN_MARIADB[] =
    "8da2bf0000001000210000000000000000000000000000000000000000000000"
    "73686f702f6167656e7400144598c35598dbf4342db4048c7c46b8a0e189c8f7"
    "73686f70006d7973716c5f6e61746976655f70617373776f7264007f035f6f73"
    "054c696e75780c5f636c69656e745f6e616d650a6c69626d617269616462045f"
    "7069640531353834320f5f636c69656e745f76657273696f6e06332e332e3230"
    "095f706c6174666f726d067838365f36340c70726f6772616d5f6e616d65056d"
    "7973716c0c5f7365727665725f686f7374093132372e302e302e31";

/* The stand-in's switch to mysql_clear_password, and the answer. */
static const char FX_SWITCH_CLEAR[] =
    "fe6d7973716c5f636c6561725f70617373776f726400";

static const char FX_CLEAR_MARIADB[] =
    "65794a68624763694f694a53557a49314e694a392e746f6b00";

/* PyMySQL, user shop/agent, database shop, program_name capture. */
static const char FX_LOGIN_PYMYSQL[] =
    "0da23a00ffffff002d0000000000000000000000000000000000000000000000"
    "73686f702f6167656e7400144598c35598dbf4342db4048c7c46b8a0e189c8f7"
    "73686f70006d7973716c5f6e61746976655f70617373776f7264004b0c5f636c"
    "69656e745f6e616d650770796d7973716c045f7069640531353931310f5f636c"
    "69656e745f76657273696f6e05312e302e320c70726f6772616d5f6e616d6507"
    "63617074757265";

/* mariadb --ssl, to FX_GW_GREETING with CLIENT_SSL added. */
static const char FX_SSL_MARIADB[] =
    "85aabf0000001000210000000000000000000000000000000000000000000000";

/* PyMySQL and mariadb as user "u", no password, no database. */
static const char FX_LOGIN_PYMYSQL_NODB[] =
    "05a23a00ffffff002d0000000000000000000000000000000000000000000000"
    "7500006d7973716c5f6e61746976655f70617373776f726400360c5f636c6965"
    "6e745f6e616d650770796d7973716c045f7069640531373037390f5f636c6965"
    "6e745f76657273696f6e05312e302e32";

static const char FX_LOGIN_MARIADB_NODB[] =
    "85a2bf0000001000210000000000000000000000000000000000000000000000"
    "7500006d7973716c5f6e61746976655f70617373776f7264007f035f6f73054c"
    "696e75780c5f636c69656e745f6e616d650a6c69626d617269616462045f7069"
    "640531373135390f5f636c69656e745f76657273696f6e06332e332e3230095f"
    "706c6174666f726d067838365f36340c70726f6772616d5f6e616d65056d7973"
    "716c0c5f7365727665725f686f7374093132372e302e302e31";

/*
 * MariaDB 10.11 and the mariadb client, user gw, password "secret":
 * the greeting, the login, the OK, and a four-column result set.
 */
static const char FX_MDB_GREETING[] =
    "0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275"
    "310005000000275e27466b68497200fef7080200ff81150000000000001d0000"
    "0024576c397460635047545178006d7973716c5f6e61746976655f7061737377"
    "6f726400";

static const char FX_MDB_LOGIN[] =
    "8ca2bf000000100021000000000000000000000000000000000000001d000000"
    "677700144148331c8d2618536e273ffff6a5b328b20dbc8273686f70006d7973"
    "716c5f6e61746976655f70617373776f7264007f035f6f73054c696e75780c5f"
    "636c69656e745f6e616d650a6c69626d617269616462045f7069640531363532"
    "390f5f636c69656e745f76657273696f6e06332e332e3230095f706c6174666f"
    "726d067838365f36340c70726f6772616d5f6e616d65056d7973716c0c5f7365"
    "727665725f686f7374093132372e302e302e31";

static const char FX_MDB_OK_STATE[] = "00000002400000000701050473686f70";

static const char FX_MDB_COUNT[] = "0401";

static const char FX_MDB_COL_ID[] =
    "036465660473686f70016309637573746f6d657273026964026964000c3f000b"
    "000000030342000000";

static const char FX_MDB_COL_EMAIL[] =
    "036465660473686f70016309637573746f6d65727305656d61696c05656d6169"
    "6c000c21002c010000fd0110000000";

static const char FX_MDB_COL_SSN[] =
    "036465660473686f70016309637573746f6d65727301730373736e000c210021"
    "000000fe0000000000";

static const char FX_MDB_COL_EXPR[] =
    "0364656600000003312b3100000c3f0003000000038100000000";

static const char FX_MDB_EOF[] = "fe00002200";

static const char FX_MDB_ROW[] = "0131056140622e630b3132332d34352d363738390132";

static const char FX_MDB_OK_INSERT[] = "00010202000000";

/*
 * MariaDB 10.11 and mariadb --default-auth=mysql_clear_password, user
 * gw, password "wrong": the server switches the client to native.
 */
static const char FX_SW_GREETING[] =
    "0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275"
    "31000600000046524956562c763000fef7080200ff81150000000000001d0000"
    "002c2a2e485e243478223e4f54006d7973716c5f6e61746976655f7061737377"
    "6f726400";

static const char FX_SW_LOGIN[] =
    "84a2bf000000100021000000000000000000000000000000000000001d000000"
    "6777000677726f6e67006d7973716c5f636c6561725f70617373776f7264007f"
    "035f6f73054c696e75780c5f636c69656e745f6e616d650a6c69626d61726961"
    "6462045f7069640531363637380f5f636c69656e745f76657273696f6e06332e"
    "332e3230095f706c6174666f726d067838365f36340c70726f6772616d5f6e61"
    "6d65056d7973716c0c5f7365727665725f686f7374093132372e302e302e31";

static const char FX_SW_SWITCH[] =
    "fe6d7973716c5f6e61746976655f70617373776f72640046524956562c76302c"
    "2a2e485e243478223e4f5400";

static const char FX_SW_RESPONSE[] = "358465a78a5802651b2a352facb8e97dc7aa434f";

static const char FX_SW_DENIED[] =
    "ff15042332383030304163636573732064656e69656420666f72207573657220"
    "2767772740273132372e302e302e312720287573696e672070617373776f7264"
    "3a2059455329";

/* MariaDB 10.11 and PyMySQL, user gw, password "secret", database shop. */
static const char FX_PY_GREETING[] =
    "0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275"
    "310007000000427e754e66377b2b00fef7080200ff81150000000000001d0000"
    "005f212431673676704e762a69006d7973716c5f6e61746976655f7061737377"
    "6f726400";

static const char FX_PY_LOGIN[] =
    "0da23a00ffffff002d0000000000000000000000000000000000000000000000"
    "67770014e5b96e02a9c2dab3f009cbd50b7ff717806da23373686f70006d7973"
    "716c5f6e61746976655f70617373776f726400360c5f636c69656e745f6e616d"
    "650770796d7973716c045f7069640531363930310f5f636c69656e745f766572"
    "73696f6e05312e302e32";

static const char FX_PY_OK[] = "00000002000000";

static const char FX_PY_COUNT[] = "02";

static const char FX_PY_COL_ID[] =
    "036465660473686f7009637573746f6d65727309637573746f6d657273026964"
    "0269640c3f000b000000030342000000";

static const char FX_PY_COL_EMAIL[] =
    "036465660473686f7009637573746f6d65727309637573746f6d65727305656d"
    "61696c05656d61696c0c2d0090010000fd0110000000";

static const char FX_PY_EOF[] = "fe00000100";

static const char FX_PY_ERR[] =
    "ff1e04233432533232556e6b6e6f776e20636f6c756d6e20276e6f7375636827"
    "20696e202753454c45435427";

/* What the stand-in gateway offered in FX_GW_GREETING. */
#define GW_CAPS                                                                \
	(CLIENT_MYSQL | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG |                 \
	    CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41 |                      \
	    CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION |                   \
	    CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS |                   \
	    CLIENT_PS_MULTI_RESULTS | CLIENT_PLUGIN_AUTH |                     \
	    CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_DATA |            \
	    CLIENT_DEPRECATE_EOF)

/* What MariaDB 10.11 offered in FX_MDB_GREETING. */
#define MDB_CAPS (0x81fff7feULL | 0x1dULL << 32)

/* What the mariadb client settled on with it, in FX_MDB_LOGIN. */
#define MDB_USE (0x00bfa28cULL | 0x1dULL << 32)

/* A token the clients sent as their password. */
#define TOKEN "eyJhbGciOiJSUzI1NiJ9.tok"

static uint64_t parse_caps; /* for the parse_* wrappers */

static size_t
unhex(const char *hex, uint8_t *out, size_t outsz)
{
	size_t n = strlen(hex) / 2, i;
	unsigned int v;

	ck_assert_uint_eq(strlen(hex) % 2, 0);
	ck_assert_uint_le(n, outsz);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static int
str_is(const struct mysql_str *s, const char *want)
{
	return s->ms_p != NULL && s->ms_len == strlen(want) &&
	    memcmp(s->ms_p, want, s->ms_len) == 0;
}

static int
parse_handshake(const uint8_t *p, size_t n)
{
	struct mysql_handshake hs;

	return mysql_parse_handshake(p, n, &hs);
}

static int
parse_login(const uint8_t *p, size_t n)
{
	struct mysql_login ml;

	return mysql_parse_login(p, n, parse_caps, &ml);
}

static int
parse_column(const uint8_t *p, size_t n)
{
	struct mysql_column co;

	return mysql_parse_column(p, n, parse_caps, &co);
}

static int
parse_switch(const uint8_t *p, size_t n)
{
	struct mysql_auth_switch as;

	return mysql_parse_auth_switch(p, n, &as);
}

static int
parse_eof(const uint8_t *p, size_t n)
{
	uint16_t w, s;

	return mysql_parse_eof(p, n, parse_caps, &w, &s);
}

/*
 * A parser of a fixed layout refuses every strict prefix of a good
 * packet, and the packet with a byte added.  Each input is copied to
 * storage of its exact size, so that valgrind sees any overread.
 */
static void
refuses_cuts(int (*fn)(const uint8_t *, size_t), const uint8_t *p, size_t n)
{
	uint8_t *q;
	size_t i;

	for (i = 0; i < n; i++) {
		q = malloc(i + 1);
		ck_assert_ptr_nonnull(q);
		memcpy(q, p, i);
		ck_assert_msg(fn(q, i) < 0, "prefix of %zu bytes accepted", i);
		free(q);
	}
	q = malloc(n + 1);
	ck_assert_ptr_nonnull(q);
	memcpy(q, p, n);
	q[n] = 0;
	ck_assert_int_eq(fn(q, n), GW_OK);
	ck_assert_int_eq(fn(q, n + 1), GW_ETRAILING);
	free(q);
}

START_TEST(com_names)
{
	ck_assert_str_eq(mysql_com_name(COM_QUERY), "COM_QUERY");
	ck_assert_str_eq(mysql_com_name(COM_SLEEP), "COM_SLEEP");
	ck_assert_str_eq(mysql_com_name(COM_CLONE), "COM_CLONE");
	ck_assert_str_eq(
	    mysql_com_name(COM_STMT_BULK_EXECUTE), "COM_STMT_BULK_EXECUTE");
	ck_assert_str_eq(mysql_com_name(0x21), "COM_UNKNOWN");
	ck_assert_str_eq(mysql_com_name(0xff), "COM_UNKNOWN");
}
END_TEST

START_TEST(lenenc_round_trip)
{
	static const uint64_t v[] = {0, 1, 250, 251, 252, 0xffff, 0x10000,
	    0xffffff, 0x1000000, 0xffffffffULL, UINT64_MAX};
	static const size_t size[] = {1, 1, 1, 3, 3, 3, 4, 4, 9, 9, 9};
	struct cursor c;
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		buf_init(&b, 64);
		ck_assert_uint_eq(mysql_lenenc_size(v[i]), size[i]);
		ck_assert_int_eq(mysql_put_lenenc(&b, v[i]), GW_OK);
		ck_assert_uint_eq(b.b_len, size[i]);
		cur_init(&c, b.b_data, b.b_len);
		ck_assert(mysql_cur_lenenc(&c) == v[i]);
		ck_assert_int_eq(cur_end(&c), GW_OK);
		buf_free(&b);
	}
}
END_TEST

START_TEST(lenenc_refusals)
{
	static const struct {
		const char *hex;
		int error;
	} t[] = {
	    {"", GW_ETRUNC},
	    {"ff", GW_EPROTO},
	    {"fb", GW_EPROTO},
	    {"fc01", GW_ETRUNC},
	    {"fd0102", GW_ETRUNC},
	    {"fe01020304050607", GW_ETRUNC},
	};
	struct cursor c;
	uint8_t p[16];
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = unhex(t[i].hex, p, sizeof(p));
		cur_init(&c, p, n);
		ck_assert(mysql_cur_lenenc(&c) == 0);
		ck_assert_int_eq(c.c_err, t[i].error);
	}
}
END_TEST

/* Longer forms than needed decode as the first byte says. */
START_TEST(lenenc_long_forms)
{
	static const uint8_t p[] = {
	    0xfc, 5, 0, 0xfd, 7, 0, 0, 0xfe, 9, 0, 0, 0, 0, 0, 0, 0};
	struct cursor c;

	cur_init(&c, p, sizeof(p));
	ck_assert(mysql_cur_lenenc(&c) == 5);
	ck_assert(mysql_cur_lenenc(&c) == 7);
	ck_assert(mysql_cur_lenenc(&c) == 9);
	ck_assert_int_eq(cur_end(&c), GW_OK);
}
END_TEST

START_TEST(lenstr_and_null)
{
	static const uint8_t p[] = {
	    3, 'a', 'b', 'c', 0xfb, 0, 0xfc, 2, 0, 'x', 'y'};
	const uint8_t *s;
	struct cursor c;
	struct buf b;
	size_t n;

	cur_init(&c, p, sizeof(p));
	ck_assert_int_eq(mysql_cur_null(&c), 0);
	s = mysql_cur_lenstr(&c, &n, 3);
	ck_assert_ptr_eq(s, p + 1);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(mysql_cur_null(&c), 1);
	s = mysql_cur_lenstr(&c, &n, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(n, 0);
	s = mysql_cur_lenstr(&c, &n, 2);
	ck_assert_ptr_eq(s, p + 9);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(mysql_cur_null(&c), 0);
	ck_assert_int_eq(cur_end(&c), GW_OK);

	/* Over the cap, and past the end. */
	cur_init(&c, p, sizeof(p));
	ck_assert_ptr_null(mysql_cur_lenstr(&c, &n, 2));
	ck_assert_int_eq(c.c_err, GW_ETOOLONG);
	ck_assert_uint_eq(n, 0);
	cur_init(&c, p, 3);
	ck_assert_ptr_null(mysql_cur_lenstr(&c, &n, 100));
	ck_assert_int_eq(c.c_err, GW_ETRUNC);
	/* The NULL marker is no length. */
	cur_init(&c, p + 4, 2);
	ck_assert_ptr_null(mysql_cur_lenstr(&c, &n, 100));
	ck_assert_int_eq(c.c_err, GW_EPROTO);

	buf_init(&b, 1024);
	ck_assert_int_eq(mysql_put_lenstr(&b, "abc", 3), GW_OK);
	ck_assert_mem_eq(b.b_data, p, 4);
	buf_reset(&b);
	ck_assert_int_eq(mysql_put_lenstr(&b, NULL, 0), GW_OK);
	ck_assert_uint_eq(b.b_len, 1);
	buf_free(&b);

	/* A refused string leaves the buffer as it was. */
	buf_init(&b, 4);
	ck_assert_int_eq(mysql_put_lenstr(&b, "abcd", 4), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(nulstr)
{
	static const uint8_t p[] = {'a', 'b', 0, 0, 'c'};
	struct cursor c;
	const char *s;
	size_t n;

	cur_init(&c, p, sizeof(p));
	s = mysql_cur_nulstr(&c, &n, 2);
	ck_assert_str_eq(s, "ab");
	ck_assert_uint_eq(n, 2);
	s = mysql_cur_nulstr(&c, &n, 0);
	ck_assert_str_eq(s, "");
	ck_assert_ptr_null(mysql_cur_nulstr(&c, &n, 10));
	ck_assert_int_eq(c.c_err, GW_ETRUNC);

	cur_init(&c, p, sizeof(p));
	ck_assert_ptr_null(mysql_cur_nulstr(&c, &n, 1));
	ck_assert_int_eq(c.c_err, GW_ETOOLONG);
	/* Too long is said before the end is reached. */
	cur_init(&c, p + 4, 1);
	ck_assert_ptr_null(mysql_cur_nulstr(&c, &n, 0));
	ck_assert_int_eq(c.c_err, GW_ETOOLONG);
	cur_init(&c, p + 4, 1);
	ck_assert_ptr_null(mysql_cur_nulstr(&c, &n, 1));
	ck_assert_int_eq(c.c_err, GW_ETRUNC);
}
END_TEST

START_TEST(header_and_small_frames)
{
	static const uint8_t p[] = {3, 0, 0, 5, 'a', 'b', 'c', 0, 0, 0, 6};
	struct mysql_frame f;
	size_t len;
	uint8_t seq;

	ck_assert_int_eq(mysql_hdr(p, 3, &len, &seq), GW_ETRUNC);
	ck_assert_int_eq(mysql_hdr(p, 4, &len, &seq), GW_OK);
	ck_assert_uint_eq(len, 3);
	ck_assert_uint_eq(seq, 5);

	ck_assert_int_eq(mysql_frame(p, sizeof(p), 5, 100, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 1);
	ck_assert_uint_eq(f.mf_wire, 7);
	ck_assert_uint_eq(f.mf_payload, 3);
	ck_assert_uint_eq(f.mf_packets, 1);
	ck_assert_uint_eq(f.mf_next, 6);

	/* The empty packet after it is a message of its own. */
	ck_assert_int_eq(mysql_frame(p + 7, 4, 6, 100, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 1);
	ck_assert_uint_eq(f.mf_wire, 4);
	ck_assert_uint_eq(f.mf_payload, 0);

	/* Not all there yet: how much to wait for. */
	ck_assert_int_eq(mysql_frame(p, 0, 5, 100, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 0);
	ck_assert_uint_eq(f.mf_need, 4);
	ck_assert_int_eq(mysql_frame(p, 2, 5, 100, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 0);
	ck_assert_uint_eq(f.mf_need, 4);
	ck_assert_int_eq(mysql_frame(p, 6, 5, 100, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 0);
	ck_assert_uint_eq(f.mf_need, 7);

	/* Wrong sequence id; over the maximum with only the header in. */
	ck_assert_int_eq(mysql_frame(p, sizeof(p), 4, 100, &f), GW_ESEQ);
	ck_assert_int_eq(mysql_frame(p, 4, 5, 2, &f), GW_ETOOLONG);
	ck_assert_int_eq(mysql_frame(p, 4, 5, 3, &f), GW_OK);
}
END_TEST

/* A payload of n bytes, framed from sequence id seq. */
static uint8_t *
big_message(size_t n, uint8_t seq, size_t *wirep, uint8_t *nextp)
{
	uint8_t *payload, *wire;
	struct buf b;
	size_t i;

	payload = malloc(n + 1);
	ck_assert_ptr_nonnull(payload);
	for (i = 0; i < n; i++)
		payload[i] = (uint8_t)(i * 31 + 7);
	buf_init(&b, n + 64);
	ck_assert_int_eq(mysql_put_packets(&b, &seq, payload, n), GW_OK);
	free(payload);
	wire = b.b_data;
	*wirep = b.b_len;
	*nextp = seq;
	return wire;
}

START_TEST(frame_continuation_exact)
{
	const size_t n = MYSQL_PACKET_MAX;
	struct mysql_frame f;
	struct buf out;
	uint8_t *w, next;
	size_t wlen, i;

	/* Exactly 16 MiB - 1: a full packet and an empty one after it. */
	w = big_message(n, 254, &wlen, &next);
	ck_assert_uint_eq(wlen, n + 8);
	ck_assert_uint_eq(next, 0);
	ck_assert(w[0] == 0xff && w[1] == 0xff && w[2] == 0xff && w[3] == 254);
	ck_assert(
	    w[n + 4] == 0 && w[n + 5] == 0 && w[n + 6] == 0 && w[n + 7] == 255);

	ck_assert_int_eq(mysql_frame(w, wlen, 254, n, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 1);
	ck_assert_uint_eq(f.mf_wire, wlen);
	ck_assert_uint_eq(f.mf_payload, n);
	ck_assert_uint_eq(f.mf_packets, 2);
	ck_assert_uint_eq(f.mf_next, 0);

	buf_init(&out, n);
	ck_assert_int_eq(mysql_frame_join(w, &f, &out), GW_OK);
	ck_assert_uint_eq(out.b_len, n);
	for (i = 0; i < n; i += 4099)
		ck_assert_uint_eq(out.b_data[i], (uint8_t)(i * 31 + 7));
	buf_free(&out);

	/* Without the empty packet the message is not over. */
	ck_assert_int_eq(mysql_frame(w, n + 4, 254, n, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 0);
	ck_assert_uint_eq(f.mf_need, n + 8);

	/* A gap in the sequence at the continuation. */
	w[n + 7] = 0;
	ck_assert_int_eq(mysql_frame(w, wlen, 254, n, &f), GW_ESEQ);
	ck_assert_int_eq(mysql_frame(w, n + 4, 254, n, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 0);
	free(w);
}
END_TEST

START_TEST(frame_continuation_longer)
{
	const size_t n = 2 * (size_t)MYSQL_PACKET_MAX + 10;
	struct mysql_frame f;
	struct buf out;
	uint8_t *w, next;
	size_t wlen;

	w = big_message(n, 0, &wlen, &next);
	ck_assert_uint_eq(wlen, n + 12);
	ck_assert_uint_eq(next, 3);
	ck_assert_int_eq(mysql_frame(w, wlen, 0, n, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 1);
	ck_assert_uint_eq(f.mf_packets, 3);
	ck_assert_uint_eq(f.mf_payload, n);
	ck_assert_uint_eq(f.mf_next, 3);

	/* Refused at the header that passes the maximum, body unread. */
	ck_assert_int_eq(
	    mysql_frame(w, 2 * MYSQL_PACKET_MAX + 10, 0, n - 1, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 0);
	ck_assert_uint_eq(f.mf_need, 2 * MYSQL_PACKET_MAX + 12);
	ck_assert_int_eq(
	    mysql_frame(w, 2 * MYSQL_PACKET_MAX + 12, 0, n - 1, &f),
	    GW_ETOOLONG);
	ck_assert_int_eq(
	    mysql_frame(w, MYSQL_PACKET_MAX + 8, 0, MYSQL_PACKET_MAX, &f),
	    GW_ETOOLONG);

	/* The output buffer's cap holds. */
	ck_assert_int_eq(mysql_frame(w, wlen, 0, n, &f), GW_OK);
	buf_init(&out, n - 1);
	ck_assert_int_eq(mysql_frame_join(w, &f, &out), GW_ETOOLONG);
	ck_assert_uint_eq(out.b_len, 0);
	buf_free(&out);
	free(w);
}
END_TEST

START_TEST(packet_builders)
{
	struct mysql_frame f;
	struct buf b;
	size_t off;
	uint8_t seq = 255;

	buf_init(&b, 2 * MYSQL_PACKET_MAX);
	ck_assert_int_eq(mysql_pkt_begin(&b, &off), GW_OK);
	ck_assert_int_eq(buf_put(&b, "hello", 5), GW_OK);
	ck_assert_int_eq(mysql_pkt_end(&b, off, 9), GW_OK);
	ck_assert_mem_eq(b.b_data, "\x05\x00\x00\x09hello", 9);

	/* An empty payload still takes a packet; sequence ids wrap. */
	buf_reset(&b);
	ck_assert_int_eq(mysql_put_packets(&b, &seq, NULL, 0), GW_OK);
	ck_assert_uint_eq(seq, 0);
	ck_assert_mem_eq(b.b_data, "\x00\x00\x00\xff", 4);
	ck_assert_int_eq(mysql_frame(b.b_data, b.b_len, 255, 0, &f), GW_OK);
	ck_assert_int_eq(f.mf_done, 1);
	ck_assert_uint_eq(f.mf_next, 0);

	/* Back-patching refuses what needs a continuation. */
	buf_reset(&b);
	ck_assert_int_eq(mysql_pkt_begin(&b, &off), GW_OK);
	ck_assert_int_eq(buf_reserve(&b, MYSQL_PACKET_MAX), GW_OK);
	memset(b.b_data + b.b_len, 'x', MYSQL_PACKET_MAX);
	b.b_len += MYSQL_PACKET_MAX - 1;
	ck_assert_int_eq(mysql_pkt_end(&b, off, 0), GW_OK);
	b.b_len++;
	ck_assert_int_eq(mysql_pkt_end(&b, off, 0), GW_ETOOLONG);
	ck_assert_int_eq(mysql_pkt_end(&b, b.b_len - 3, 0), GW_EINVAL);
	buf_free(&b);
}
END_TEST

START_TEST(reply_kinds)
{
	static const uint8_t ok[] = {0, 0, 0, 2, 0, 0, 0};
	static const uint8_t err[] = {0xff, 0x15, 0x04};
	static const uint8_t eof[] = {0xfe, 0, 0, 2, 0};
	static const uint8_t row[] = {0xfb, 1, 'x'};
	static const uint8_t big[9] = {0xfe};
	const uint64_t dep = CLIENT_PROTOCOL_41 | CLIENT_DEPRECATE_EOF;

	ck_assert_int_eq(mysql_reply_kind(ok, 0, 0, 0), MYSQL_REPLY_BAD);
	ck_assert_int_eq(mysql_reply_kind(ok, 7, 0, 0), MYSQL_REPLY_OK);
	ck_assert_int_eq(mysql_reply_kind(ok, 7, 0, 1), MYSQL_REPLY_DATA);
	ck_assert_int_eq(mysql_reply_kind(err, 3, 0, 1), MYSQL_REPLY_ERR);
	ck_assert_int_eq(mysql_reply_kind(err, 1, 0, 0), MYSQL_REPLY_BAD);
	ck_assert_int_eq(mysql_reply_kind(eof, 5, 0, 1), MYSQL_REPLY_EOF);
	ck_assert_int_eq(mysql_reply_kind(big, 9, 0, 1), MYSQL_REPLY_DATA);
	ck_assert_int_eq(mysql_reply_kind(big, 9, dep, 1), MYSQL_REPLY_EOF);
	ck_assert_int_eq(
	    mysql_reply_kind(big, MYSQL_PACKET_MAX, dep, 1), MYSQL_REPLY_DATA);
	ck_assert_int_eq(mysql_reply_kind(row, 3, 0, 0), MYSQL_REPLY_INFILE);
	ck_assert_int_eq(mysql_reply_kind(row, 3, 0, 1), MYSQL_REPLY_DATA);
	ck_assert_int_eq(mysql_reply_kind(row + 1, 2, 0, 0), MYSQL_REPLY_DATA);
}
END_TEST

START_TEST(handshake_mariadb_fixture)
{
	struct mysql_handshake hs;
	uint8_t p[256];
	size_t n;

	n = unhex(FX_MDB_GREETING, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_handshake(p, n, &hs), GW_OK);
	ck_assert(str_is(&hs.hs_version, "5.5.5-10.11.19-MariaDB-0+deb12u1"));
	ck_assert_uint_eq(hs.hs_conn_id, 5);
	ck_assert(hs.hs_caps == MDB_CAPS);
	ck_assert(!(hs.hs_caps & CLIENT_MYSQL));
	ck_assert(hs.hs_caps & MARIADB_CLIENT_EXTENDED_METADATA);
	ck_assert_uint_eq(hs.hs_charset, 8);
	ck_assert_uint_eq(hs.hs_status, SERVER_STATUS_AUTOCOMMIT);
	ck_assert_uint_eq(hs.hs_auth_len, 20);
	ck_assert_mem_eq(hs.hs_auth, "'^'FkhIr$Wl9t`cPGTQx", 20);
	ck_assert(str_is(&hs.hs_plugin, "mysql_native_password"));
	ck_assert_uint_eq(hs.hs_plugin.ms_p[hs.hs_plugin.ms_len], '\0');
	refuses_cuts(parse_handshake, p, n);
}
END_TEST

START_TEST(handshake_gateway_fixture)
{
	struct mysql_handshake hs;
	struct buf b;
	uint8_t p[256];
	size_t n;

	/* Built from the same fields, the stand-in's greeting comes out. */
	n = unhex(FX_GW_GREETING, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_handshake(p, n, &hs), GW_OK);
	ck_assert(str_is(&hs.hs_version, "8.0.0-gatewayd"));
	ck_assert(hs.hs_caps == GW_CAPS);
	ck_assert_uint_eq(hs.hs_charset, 45);
	ck_assert_mem_eq(hs.hs_auth, "abcdefghijklmnopqrst", 20);
	buf_init(&b, 1024);
	ck_assert_int_eq(mysql_build_handshake(&b, &hs), GW_OK);
	ck_assert_uint_eq(b.b_len, n);
	ck_assert_mem_eq(b.b_data, p, n);
	buf_free(&b);
}
END_TEST

START_TEST(handshake_round_trip)
{
	struct mysql_handshake hs, back;
	struct buf b;
	size_t i;

	memset(&hs, 0, sizeof(hs));
	hs.hs_version.ms_p = "11.4.0-MariaDB";
	hs.hs_version.ms_len = 14;
	hs.hs_conn_id = 0x7fffffff;
	for (i = 0; i < 40; i++)
		hs.hs_auth[i] = (uint8_t)(33 + i);
	hs.hs_auth_len = 40; /* longer than 20: the length byte says */
	hs.hs_caps = (GW_CAPS & ~CLIENT_MYSQL) | MARIADB_CLIENT_PROGRESS |
	    MARIADB_CLIENT_BULK_UNIT_RESULTS;
	hs.hs_charset = 33;
	hs.hs_status = 0x4002;
	hs.hs_plugin.ms_p = "client_ed25519";
	hs.hs_plugin.ms_len = 14;

	buf_init(&b, 1024);
	ck_assert_int_eq(mysql_build_handshake(&b, &hs), GW_OK);
	ck_assert_int_eq(
	    mysql_parse_handshake(b.b_data, b.b_len, &back), GW_OK);
	ck_assert(str_is(&back.hs_version, "11.4.0-MariaDB"));
	ck_assert_uint_eq(back.hs_conn_id, hs.hs_conn_id);
	ck_assert_uint_eq(back.hs_auth_len, 40);
	ck_assert_mem_eq(back.hs_auth, hs.hs_auth, 40);
	ck_assert(back.hs_caps == hs.hs_caps);
	ck_assert_uint_eq(back.hs_charset, 33);
	ck_assert_uint_eq(back.hs_status, 0x4002);
	ck_assert(str_is(&back.hs_plugin, "client_ed25519"));
	refuses_cuts(parse_handshake, b.b_data, b.b_len);
	buf_free(&b);
}
END_TEST

START_TEST(handshake_refusals)
{
	struct mysql_handshake hs, good;
	struct buf b;
	uint8_t p[256];
	size_t n;

	n = unhex(FX_GW_GREETING, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_handshake(p, n, &good), GW_OK);

	/* Another protocol version; an ERR in its place. */
	p[0] = 9;
	ck_assert_int_eq(mysql_parse_handshake(p, n, &hs), GW_EVERSION);
	p[0] = 0xff;
	ck_assert_int_eq(mysql_parse_handshake(p, n, &hs), GW_EVERSION);
	p[0] = 10;
	/* No CLIENT_PROTOCOL_41 (lower capabilities at 1 + 15 + 13). */
	p[30] &= ~(CLIENT_PROTOCOL_41 >> 8);
	ck_assert_int_eq(mysql_parse_handshake(p, n, &hs), GW_ECAPS);
	p[30] |= CLIENT_PROTOCOL_41 >> 8;
	/* No NUL after the plugin name. */
	ck_assert_int_eq(mysql_parse_handshake(p, n - 1, &hs), GW_ETRUNC);

	/* The builder's own checks. */
	buf_init(&b, 1024);
	hs = good;
	hs.hs_auth[3] = 0;
	ck_assert_int_eq(mysql_build_handshake(&b, &hs), GW_ENUL);
	hs = good;
	hs.hs_caps |= MARIADB_CLIENT_PROGRESS;
	ck_assert_int_eq(mysql_build_handshake(&b, &hs), GW_ECAPS);
	hs = good;
	hs.hs_auth_len = 19;
	ck_assert_int_eq(mysql_build_handshake(&b, &hs), GW_EINVAL);
	hs = good;
	hs.hs_plugin.ms_len = 0;
	ck_assert_int_eq(mysql_build_handshake(&b, &hs), GW_EINVAL);
	hs = good;
	hs.hs_version.ms_p = "a\0b";
	hs.hs_version.ms_len = 3;
	ck_assert_int_eq(mysql_build_handshake(&b, &hs), GW_ENUL);
	ck_assert_uint_eq(b.b_len, 0);
	/* Out of room: nothing is left behind. */
	b.b_max = 40;
	ck_assert_int_eq(mysql_build_handshake(&b, &good), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(login_mariadb_client)
{
	static const char *const keys[] = {"_os", "_client_name", "_pid",
	    "_client_version", "_platform", "program_name", "_server_host"};
	static const char *const values[] = {"Linux", "libmariadb", "15842",
	    "3.3.20", "x86_64", "mysql", "127.0.0.1"};
	struct mysql_login ml;
	uint8_t p[512], want[MYSQL_NATIVE_LEN];
	size_t n, i;

	n = unhex(FX_LOGIN_MARIADB, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_login(p, n, GW_CAPS, &ml), GW_OK);
	ck_assert(ml.ml_caps == 0x00bfa28d);
	/* It sets LOCAL_FILES and SESSION_TRACK though not offered. */
	ck_assert(ml.ml_caps & CLIENT_LOCAL_FILES);
	ck_assert(!(ml.ml_use & CLIENT_LOCAL_FILES));
	ck_assert(ml.ml_use == (ml.ml_caps & GW_CAPS));
	ck_assert_uint_eq(ml.ml_max_packet, 0x100000);
	ck_assert_uint_eq(ml.ml_charset, 33);
	ck_assert(str_is(&ml.ml_user, "shop/agent"));
	ck_assert(str_is(&ml.ml_db, "shop"));
	ck_assert(str_is(&ml.ml_plugin, "mysql_native_password"));
	ck_assert_uint_eq(ml.ml_nattrs, 7);
	for (i = 0; i < 7; i++) {
		ck_assert(str_is(&ml.ml_attrs[i].ma_key, keys[i]));
		ck_assert(str_is(&ml.ml_attrs[i].ma_value, values[i]));
	}

	/* Its response is the native scramble of the token. */
	ck_assert_uint_eq(ml.ml_auth_len, MYSQL_NATIVE_LEN);
	ck_assert_int_eq(mysql_native_scramble(TOKEN, strlen(TOKEN),
			     (const uint8_t *)"abcdefghijklmnopqrst", 20, want),
	    GW_OK);
	ck_assert_mem_eq(ml.ml_auth, want, MYSQL_NATIVE_LEN);

	parse_caps = GW_CAPS;
	refuses_cuts(parse_login, p, n);
}
END_TEST

START_TEST(login_pymysql)
{
	static const char *const keys[] = {
	    "_client_name", "_pid", "_client_version", "program_name"};
	static const char *const values[] = {
	    "pymysql", "15911", "1.0.2", "capture"};
	struct mysql_login ml;
	uint8_t p[512];
	size_t n, i;

	n = unhex(FX_LOGIN_PYMYSQL, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_login(p, n, GW_CAPS, &ml), GW_OK);
	ck_assert(ml.ml_caps == 0x003aa20d);
	ck_assert_uint_eq(ml.ml_max_packet, 0xffffff);
	ck_assert_uint_eq(ml.ml_charset, 45);
	ck_assert(str_is(&ml.ml_user, "shop/agent"));
	ck_assert(str_is(&ml.ml_db, "shop"));
	ck_assert(str_is(&ml.ml_plugin, "mysql_native_password"));
	ck_assert_uint_eq(ml.ml_auth_len, 20);
	ck_assert_uint_eq(ml.ml_nattrs, 4);
	for (i = 0; i < 4; i++) {
		ck_assert(str_is(&ml.ml_attrs[i].ma_key, keys[i]));
		ck_assert(str_is(&ml.ml_attrs[i].ma_value, values[i]));
	}
	parse_caps = GW_CAPS;
	refuses_cuts(parse_login, p, n);

	/*
	 * PyMySQL lays fields out by the server's capabilities: offered
	 * no attributes, it sends none, and these bytes are left over.
	 */
	ck_assert_int_eq(
	    mysql_parse_login(p, n, GW_CAPS & ~CLIENT_CONNECT_ATTRS, &ml),
	    GW_ETRAILING);
}
END_TEST

START_TEST(login_no_database)
{
	struct mysql_login ml;
	uint8_t p[512];
	size_t n;

	n = unhex(FX_LOGIN_PYMYSQL_NODB, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_login(p, n, GW_CAPS, &ml), GW_OK);
	ck_assert(!(ml.ml_caps & CLIENT_CONNECT_WITH_DB));
	ck_assert(str_is(&ml.ml_user, "u"));
	ck_assert_ptr_null(ml.ml_db.ms_p);
	ck_assert_uint_eq(ml.ml_auth_len, 0);
	ck_assert_uint_eq(ml.ml_nattrs, 3);

	n = unhex(FX_LOGIN_MARIADB_NODB, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_login(p, n, GW_CAPS, &ml), GW_OK);
	ck_assert(str_is(&ml.ml_user, "u"));
	ck_assert_ptr_null(ml.ml_db.ms_p);
	ck_assert_uint_eq(ml.ml_auth_len, 0);
	ck_assert(str_is(&ml.ml_plugin, "mysql_native_password"));
}
END_TEST

START_TEST(login_to_mariadb)
{
	struct mysql_handshake hs;
	struct mysql_login ml;
	uint8_t p[512], want[MYSQL_NATIVE_LEN];
	size_t n;

	/* Towards MariaDB the client drops CLIENT_MYSQL and sends ext caps. */
	n = unhex(FX_MDB_GREETING, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_handshake(p, n, &hs), GW_OK);
	n = unhex(FX_MDB_LOGIN, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_login(p, n, hs.hs_caps, &ml), GW_OK);
	ck_assert(ml.ml_caps == MDB_USE);
	ck_assert(ml.ml_use & MARIADB_CLIENT_CACHE_METADATA);
	ck_assert(str_is(&ml.ml_user, "gw"));
	ck_assert(str_is(&ml.ml_db, "shop"));
	ck_assert_uint_eq(ml.ml_nattrs, 7);
	ck_assert_int_eq(
	    mysql_native_scramble("secret", 6, hs.hs_auth, 20, want), GW_OK);
	ck_assert_uint_eq(ml.ml_auth_len, 20);
	ck_assert_mem_eq(ml.ml_auth, want, 20);
	parse_caps = hs.hs_caps;
	refuses_cuts(parse_login, p, n);

	/* Its default plugin set to cleartext: the password and a NUL. */
	n = unhex(FX_SW_LOGIN, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_login(p, n, hs.hs_caps, &ml), GW_OK);
	ck_assert(str_is(&ml.ml_plugin, "mysql_clear_password"));
	ck_assert_uint_eq(ml.ml_auth_len, 6);
	ck_assert_mem_eq(ml.ml_auth, "wrong", 6);
}
END_TEST

static void
login_fill(struct mysql_login *ml)
{
	static const uint8_t auth[] = {1, 0, 2, 0xff, 3};

	memset(ml, 0, sizeof(*ml));
	ml->ml_caps = GW_CAPS | CLIENT_ZSTD_COMPRESSION;
	ml->ml_max_packet = 1 << 24;
	ml->ml_charset = 45;
	ml->ml_user.ms_p = "gw_7f3a";
	ml->ml_user.ms_len = 7;
	ml->ml_auth = auth;
	ml->ml_auth_len = sizeof(auth);
	ml->ml_db.ms_p = "shop";
	ml->ml_db.ms_len = 4;
	ml->ml_plugin.ms_p = "caching_sha2_password";
	ml->ml_plugin.ms_len = 21;
	ml->ml_attrs[0].ma_key.ms_p = "_client_name";
	ml->ml_attrs[0].ma_key.ms_len = 12;
	ml->ml_attrs[0].ma_value.ms_p = "gatewayd";
	ml->ml_attrs[0].ma_value.ms_len = 8;
	ml->ml_attrs[1].ma_key.ms_p = "";
	ml->ml_attrs[1].ma_value.ms_p = "";
	ml->ml_nattrs = 2;
	ml->ml_zstd_level = 3;
}

static void
login_same(const struct mysql_login *a, const struct mysql_login *b)
{
	size_t i;

	ck_assert(a->ml_caps == b->ml_caps);
	ck_assert_uint_eq(a->ml_max_packet, b->ml_max_packet);
	ck_assert_uint_eq(a->ml_charset, b->ml_charset);
	ck_assert(str_is(&b->ml_user, a->ml_user.ms_p));
	ck_assert_uint_eq(a->ml_auth_len, b->ml_auth_len);
	ck_assert(a->ml_auth_len == 0 ||
	    memcmp(a->ml_auth, b->ml_auth, a->ml_auth_len) == 0);
	ck_assert(str_is(&b->ml_db, a->ml_db.ms_p));
	ck_assert(str_is(&b->ml_plugin, a->ml_plugin.ms_p));
	ck_assert_uint_eq(a->ml_nattrs, b->ml_nattrs);
	for (i = 0; i < a->ml_nattrs; i++) {
		ck_assert(
		    str_is(&b->ml_attrs[i].ma_key, a->ml_attrs[i].ma_key.ms_p));
		ck_assert(str_is(
		    &b->ml_attrs[i].ma_value, a->ml_attrs[i].ma_value.ms_p));
	}
	ck_assert_uint_eq(a->ml_zstd_level, b->ml_zstd_level);
}

START_TEST(login_round_trips)
{
	static const uint64_t auth_modes[] = {
	    CLIENT_PLUGIN_AUTH_LENENC_DATA, CLIENT_SECURE_CONNECTION, 0};
	struct mysql_login ml, back;
	struct buf b;
	size_t i;

	buf_init(&b, 4096);
	for (i = 0; i < 3; i++) {
		login_fill(&ml);
		ml.ml_caps &= ~(uint64_t)(CLIENT_PLUGIN_AUTH_LENENC_DATA |
		    CLIENT_SECURE_CONNECTION);
		ml.ml_caps |= auth_modes[i];
		buf_reset(&b);
		if (auth_modes[i] == 0) {
			/* NUL-terminated: no NUL inside. */
			ck_assert_int_eq(mysql_build_login(&b, &ml), GW_ENUL);
			ck_assert_uint_eq(b.b_len, 0);
			ml.ml_auth = (const uint8_t *)"pw";
			ml.ml_auth_len = 2;
		}
		buf_reset(&b);
		ck_assert_int_eq(mysql_build_login(&b, &ml), GW_OK);
		ck_assert_int_eq(
		    mysql_parse_login(b.b_data, b.b_len, ~0ULL, &back), GW_OK);
		login_same(&ml, &back);
		parse_caps = ~0ULL;
		refuses_cuts(parse_login, b.b_data, b.b_len);
	}

	/* MariaDB flavour: extended capabilities in the filler. */
	login_fill(&ml);
	ml.ml_caps = (ml.ml_caps & ~(uint64_t)CLIENT_MYSQL) |
	    MARIADB_CLIENT_EXTENDED_METADATA;
	buf_reset(&b);
	ck_assert_int_eq(mysql_build_login(&b, &ml), GW_OK);
	ck_assert_int_eq(mysql_parse_login(b.b_data, b.b_len,
			     (MDB_CAPS | GW_CAPS | CLIENT_ZSTD_COMPRESSION) &
				 ~(uint64_t)CLIENT_MYSQL,
			     &back),
	    GW_OK);
	ck_assert(back.ml_caps == ml.ml_caps);
	ck_assert(back.ml_use & MARIADB_CLIENT_EXTENDED_METADATA);
	/* A MySQL-flavoured server reads those bytes as filler. */
	ck_assert_int_eq(
	    mysql_parse_login(b.b_data, b.b_len, ~0ULL, &back), GW_OK);
	ck_assert(back.ml_caps == (uint32_t)ml.ml_caps);
	ml.ml_caps |= CLIENT_MYSQL;
	ck_assert_int_eq(mysql_build_login(&b, &ml), GW_ECAPS);
	buf_free(&b);
}
END_TEST

START_TEST(login_refusals)
{
	struct mysql_login ml;
	uint8_t p[512], q[1024];
	size_t n, at;

	n = unhex(FX_LOGIN_PYMYSQL, p, sizeof(p));

	/* The client or the server without the 4.1 protocol. */
	memcpy(q, p, n);
	q[1] &= ~(CLIENT_PROTOCOL_41 >> 8);
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_ECAPS);
	ck_assert_int_eq(
	    mysql_parse_login(p, n, GW_CAPS & ~CLIENT_PROTOCOL_41, &ml),
	    GW_ECAPS);
	/* CLIENT_SSL that was not offered. */
	memcpy(q, p, n);
	q[1] |= CLIENT_SSL >> 8;
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_ECAPS);
	ck_assert_int_eq(
	    mysql_parse_login(q, n, GW_CAPS | CLIENT_SSL, &ml), GW_OK);

	/* A user name without its NUL, and one over the cap. */
	memset(q, 'u', sizeof(q));
	memcpy(q, p, 32);
	ck_assert_int_eq(
	    mysql_parse_login(q, 32 + 40, GW_CAPS, &ml), GW_ETRUNC);
	ck_assert_int_eq(
	    mysql_parse_login(q, sizeof(q), GW_CAPS, &ml), GW_ETOOLONG);

	/* The auth response: an undefined length, and one past the end. */
	at = 32 + strlen("shop/agent") + 1;
	ck_assert_uint_eq(p[at], 20);
	memcpy(q, p, n);
	q[at] = 0xff;
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_EPROTO);
	q[at] = 0xfc;
	q[at + 1] = 0xff;
	q[at + 2] = 0x00;
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_ETRUNC);
	q[at] = 0xfd;
	q[at + 3] = 0x01;
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_ETOOLONG);

	/* The attributes' total: past the packet, and over its cap. */
	at = n - 0x4b - 1;
	ck_assert_uint_eq(p[at], 0x4b);
	memcpy(q, p, n);
	q[at] = 0x4c;
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_ETRUNC);
	q[at] = 0x4a; /* the last pair overruns the total */
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_ETRUNC);
	q[at] = 0x4b;
	q[at + 1] = 0x4b; /* the first key overruns it */
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_ETRUNC);
	q[at + 1] = 0xfb;
	ck_assert_int_eq(mysql_parse_login(q, n, GW_CAPS, &ml), GW_EPROTO);
	memcpy(q, p, at);
	q[at] = 0xfd;
	q[at + 1] = 0x00;
	q[at + 2] = 0x00;
	q[at + 3] = 0x01;
	ck_assert_int_eq(
	    mysql_parse_login(q, at + 4, GW_CAPS, &ml), GW_ETOOLONG);
}
END_TEST

START_TEST(login_attribute_cap)
{
	struct mysql_login ml, back;
	struct buf b;
	size_t i, at;

	login_fill(&ml);
	for (i = 0; i < MYSQL_ATTRS_MAX; i++) {
		ml.ml_attrs[i].ma_key.ms_p = "k";
		ml.ml_attrs[i].ma_key.ms_len = 1;
		ml.ml_attrs[i].ma_value.ms_p = "v";
		ml.ml_attrs[i].ma_value.ms_len = 1;
	}
	ml.ml_nattrs = MYSQL_ATTRS_MAX;
	buf_init(&b, 4096);
	ck_assert_int_eq(mysql_build_login(&b, &ml), GW_OK);
	ck_assert_int_eq(
	    mysql_parse_login(b.b_data, b.b_len, ~0ULL, &back), GW_OK);
	ck_assert_uint_eq(back.ml_nattrs, MYSQL_ATTRS_MAX);

	/* One pair more: raise the total by hand and add a pair. */
	buf_reset(&b);
	ml.ml_caps &= ~(uint64_t)CLIENT_ZSTD_COMPRESSION;
	ck_assert_int_eq(mysql_build_login(&b, &ml), GW_OK);
	at = b.b_len - 4 * MYSQL_ATTRS_MAX - 3;
	ck_assert_mem_eq(b.b_data + at, "\xfc\x00\x01", 3);
	b.b_data[at + 1] = 4;
	ck_assert_int_eq(buf_put(&b, "\1k\1v", 4), GW_OK);
	ck_assert_int_eq(
	    mysql_parse_login(b.b_data, b.b_len, ~0ULL, &back), GW_ETOOLONG);

	/* The builder keeps to the total's cap too. */
	ml.ml_attrs[0].ma_value.ms_len = MYSQL_ATTRS_BYTES_MAX;
	ck_assert_int_eq(mysql_build_login(&b, &ml), GW_ETOOLONG);
	buf_free(&b);
}
END_TEST

START_TEST(ssl_request)
{
	struct mysql_login ml, back;
	struct buf b;
	uint8_t p[64], q[64];
	size_t n;

	n = unhex(FX_SSL_MARIADB, p, sizeof(p));
	ck_assert_uint_eq(n, MYSQL_SSL_REQUEST_LEN);
	ck_assert(mysql_is_ssl_request(p, n));
	ck_assert_int_eq(
	    mysql_parse_ssl_request(p, n, GW_CAPS | CLIENT_SSL, &ml), GW_OK);
	ck_assert(ml.ml_caps == 0x00bfaa85);
	ck_assert_uint_eq(ml.ml_max_packet, 0x100000);
	ck_assert_uint_eq(ml.ml_charset, 33);

	/* Not offered; cut short or padded; no CLIENT_SSL. */
	ck_assert_int_eq(mysql_parse_ssl_request(p, n, GW_CAPS, &ml), GW_ECAPS);
	ck_assert_int_eq(
	    mysql_parse_ssl_request(p, n - 1, ~0ULL, &ml), GW_ELENGTH);
	memcpy(q, p, n);
	q[n] = 0;
	ck_assert_int_eq(
	    mysql_parse_ssl_request(q, n + 1, ~0ULL, &ml), GW_ELENGTH);
	ck_assert(!mysql_is_ssl_request(q, n + 1));
	q[1] &= ~(CLIENT_SSL >> 8);
	ck_assert(!mysql_is_ssl_request(q, n));
	ck_assert_int_eq(mysql_parse_ssl_request(q, n, ~0ULL, &ml), GW_ECAPS);

	/* One byte more is a login, whose user name has at least a NUL. */
	ck_assert(!mysql_is_ssl_request(p, 33));

	/* Round trip, and the builder wants CLIENT_SSL. */
	buf_init(&b, 64);
	ck_assert_int_eq(mysql_build_ssl_request(&b, &ml), GW_ECAPS);
	ml.ml_caps |= CLIENT_SSL;
	ck_assert_int_eq(mysql_build_ssl_request(&b, &ml), GW_OK);
	ck_assert_uint_eq(b.b_len, MYSQL_SSL_REQUEST_LEN);
	ck_assert_int_eq(
	    mysql_parse_ssl_request(b.b_data, b.b_len, ~0ULL, &back), GW_OK);
	ck_assert(back.ml_caps == ml.ml_caps);
	ck_assert_uint_eq(back.ml_max_packet, ml.ml_max_packet);
	buf_free(&b);
}
END_TEST

START_TEST(pymysql_to_mariadb)
{
	struct mysql_handshake hs;
	struct mysql_login ml;
	uint8_t p[256], want[MYSQL_NATIVE_LEN];
	uint16_t w, st;
	size_t n;

	/* PyMySQL keeps CLIENT_MYSQL and sends no extended capabilities. */
	n = unhex(FX_PY_GREETING, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_handshake(p, n, &hs), GW_OK);
	ck_assert(hs.hs_caps == MDB_CAPS);
	n = unhex(FX_PY_LOGIN, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_login(p, n, hs.hs_caps, &ml), GW_OK);
	ck_assert(ml.ml_caps == 0x003aa20d);
	ck_assert(ml.ml_use == (0x003aa20d & MDB_CAPS));
	ck_assert(str_is(&ml.ml_user, "gw"));
	ck_assert(str_is(&ml.ml_db, "shop"));
	ck_assert_uint_eq(ml.ml_nattrs, 3);
	ck_assert_int_eq(
	    mysql_native_scramble("secret", 6, hs.hs_auth, 20, want), GW_OK);
	ck_assert_mem_eq(ml.ml_auth, want, 20);

	n = unhex(FX_PY_EOF, p, sizeof(p));
	ck_assert_int_eq(mysql_reply_kind(p, n, ml.ml_use, 1), MYSQL_REPLY_EOF);
	ck_assert_int_eq(mysql_parse_eof(p, n, ml.ml_use, &w, &st), GW_OK);
	ck_assert_uint_eq(st, SERVER_STATUS_IN_TRANS); /* autocommit off */
}
END_TEST

/* A text row: length-encoded strings, NULL as 0xfb. */
START_TEST(text_row)
{
	static const char *const want[] = {"1", "a@b.c", "123-45-6789", "2"};
	const uint8_t *s;
	struct cursor c;
	uint8_t p[64];
	size_t n, i, len;

	n = unhex(FX_MDB_ROW, p, sizeof(p));
	ck_assert_int_eq(mysql_reply_kind(p, n, MDB_USE, 1), MYSQL_REPLY_DATA);
	cur_init(&c, p, n);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(mysql_cur_null(&c), 0);
		s = mysql_cur_lenstr(&c, &len, MYSQL_PACKET_MAX);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(len, strlen(want[i]));
		ck_assert_mem_eq(s, want[i], len);
	}
	ck_assert_int_eq(cur_end(&c), GW_OK);
}
END_TEST

START_TEST(auth_switch_server_role)
{
	struct mysql_auth_switch as;
	struct mysql_str pw;
	struct buf b;
	char name[MYSQL_PLUGIN_MAX + 2];
	uint8_t p[64];
	size_t n;

	/* The gateway's switch to cleartext, byte for byte. */
	n = unhex(FX_SWITCH_CLEAR, p, sizeof(p));
	buf_init(&b, 256);
	ck_assert_int_eq(
	    mysql_build_auth_switch(&b, "mysql_clear_password", NULL, 0),
	    GW_OK);
	ck_assert_uint_eq(b.b_len, n);
	ck_assert_mem_eq(b.b_data, p, n);
	ck_assert_int_eq(mysql_parse_auth_switch(p, n, &as), GW_OK);
	ck_assert(str_is(&as.as_plugin, "mysql_clear_password"));
	ck_assert_uint_eq(as.as_len, 0);

	/* And the mariadb client's answer: the token and one NUL. */
	n = unhex(FX_CLEAR_MARIADB, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_clear_password(p, n, 4096, &pw), GW_OK);
	ck_assert(str_is(&pw, TOKEN));
	ck_assert_uint_eq(pw.ms_p[pw.ms_len], '\0');
	ck_assert_int_eq(
	    mysql_parse_clear_password(p, n, 23, &pw), GW_ETOOLONG);
	ck_assert_int_eq(mysql_parse_clear_password(p, n, 24, &pw), GW_OK);

	/* Builder refusals leave the buffer alone. */
	buf_reset(&b);
	ck_assert_int_eq(mysql_build_auth_switch(&b, "", "x", 1), GW_EINVAL);
	ck_assert_int_eq(mysql_build_auth_switch(&b, NULL, "x", 1), GW_EINVAL);
	memset(name, 'n', sizeof(name));
	name[MYSQL_PLUGIN_MAX + 1] = '\0';
	ck_assert_int_eq(
	    mysql_build_auth_switch(&b, name, "x", 1), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(clear_password_forms)
{
	struct mysql_str pw;

	ck_assert_int_eq(
	    mysql_parse_clear_password((const uint8_t *)"\0", 1, 100, &pw),
	    GW_OK);
	ck_assert_uint_eq(pw.ms_len, 0);
	ck_assert_int_eq(
	    mysql_parse_clear_password((const uint8_t *)"", 0, 100, &pw),
	    GW_OK);
	ck_assert_uint_eq(pw.ms_len, 0);
	/* Without its NUL the password is all of it. */
	ck_assert_int_eq(
	    mysql_parse_clear_password((const uint8_t *)"abc", 3, 100, &pw),
	    GW_OK);
	ck_assert(str_is(&pw, "abc"));
	/* Exactly one NUL comes off; others are refused. */
	ck_assert_int_eq(
	    mysql_parse_clear_password((const uint8_t *)"abc\0\0", 5, 100, &pw),
	    GW_ENUL);
	ck_assert_int_eq(
	    mysql_parse_clear_password((const uint8_t *)"a\0bc\0", 5, 100, &pw),
	    GW_ENUL);
	ck_assert_ptr_null(pw.ms_p);
}
END_TEST

START_TEST(auth_data_and_more)
{
	struct mysql_auth_switch as;
	const uint8_t *d;
	struct buf b;
	size_t n;

	ck_assert_int_eq(
	    mysql_parse_auth_data((const uint8_t *)"\x02", 1, 1, &d, &n),
	    GW_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(
	    mysql_parse_auth_data((const uint8_t *)"\x02x", 2, 1, &d, &n),
	    GW_ETOOLONG);
	ck_assert_ptr_null(d);

	/* caching_sha2's "perform full authentication". */
	ck_assert_int_eq(
	    mysql_parse_auth_more((const uint8_t *)"\x01\x04", 2, &as), GW_OK);
	ck_assert_uint_eq(as.as_len, 1);
	ck_assert_uint_eq(as.as_data[0], MYSQL_SHA2_FULL_AUTH);
	ck_assert_int_eq(
	    mysql_parse_auth_more((const uint8_t *)"", 0, &as), GW_ETRUNC);
	ck_assert_int_eq(
	    mysql_parse_auth_more((const uint8_t *)"\x00\x04", 2, &as),
	    GW_ETYPE);

	buf_init(&b, 64);
	ck_assert_int_eq(mysql_build_auth_more(&b, "KEY", 3), GW_OK);
	ck_assert_mem_eq(b.b_data, "\x01KEY", 4);
	ck_assert_int_eq(mysql_parse_auth_more(b.b_data, b.b_len, &as), GW_OK);
	ck_assert_uint_eq(as.as_len, 3);
	ck_assert_mem_eq(as.as_data, "KEY", 3);
	buf_free(&b);
}
END_TEST

START_TEST(auth_switch_client_role)
{
	struct mysql_handshake hs;
	struct mysql_auth_switch as;
	const uint8_t *nonce;
	uint8_t p[128], resp[32], want[MYSQL_NATIVE_LEN];
	size_t n, i;

	/* MariaDB switches the client to native with the greeting's nonce. */
	n = unhex(FX_SW_GREETING, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_handshake(p, n, &hs), GW_OK);
	n = unhex(FX_SW_SWITCH, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_auth_switch(p, n, &as), GW_OK);
	ck_assert(str_is(&as.as_plugin, "mysql_native_password"));
	ck_assert_uint_eq(as.as_len, 21);
	ck_assert_int_eq(
	    mysql_auth_nonce(as.as_data, as.as_len, &nonce), GW_OK);
	ck_assert_mem_eq(nonce, hs.hs_auth, 20);

	/* The client's answer is the native scramble of "wrong". */
	ck_assert_uint_eq(unhex(FX_SW_RESPONSE, resp, sizeof(resp)), 20);
	ck_assert_int_eq(
	    mysql_native_scramble("wrong", 5, nonce, 20, want), GW_OK);
	ck_assert_mem_eq(want, resp, 20);
	/* Cut inside the name it is refused; the data may be any length. */
	for (i = 0; i < n; i++)
		ck_assert_int_eq(parse_switch(p, i) < 0, i < 23);

	/* The old-password request, other headers, no name. */
	ck_assert_int_eq(mysql_parse_auth_switch(p, 1, &as), GW_EPROTO);
	ck_assert_int_eq(mysql_parse_auth_switch(p, 0, &as), GW_ETRUNC);
	ck_assert_int_eq(
	    mysql_parse_auth_switch((const uint8_t *)"\xfe\0abc", 5, &as),
	    GW_EPROTO);
	ck_assert_int_eq(
	    mysql_parse_auth_switch((const uint8_t *)"\x01x\0", 3, &as),
	    GW_ETYPE);
	ck_assert_int_eq(
	    mysql_parse_auth_switch((const uint8_t *)"\xfexyz", 4, &as),
	    GW_ETRUNC);
}
END_TEST

START_TEST(auth_nonce_forms)
{
	static const uint8_t d[22] = "abcdefghijklmnopqrst\0";
	const uint8_t *nonce;

	ck_assert_int_eq(mysql_auth_nonce(d, 20, &nonce), GW_OK);
	ck_assert_ptr_eq(nonce, d);
	ck_assert_int_eq(mysql_auth_nonce(d, 21, &nonce), GW_OK);
	ck_assert_int_eq(mysql_auth_nonce(d, 19, &nonce), GW_EPROTO);
	ck_assert_int_eq(mysql_auth_nonce(d, 22, &nonce), GW_EPROTO);
	ck_assert_int_eq(
	    mysql_auth_nonce(
		(const uint8_t *)"abcdefghijklmnopqrstu", 21, &nonce),
	    GW_EPROTO);
	ck_assert_ptr_null(nonce);
}
END_TEST

START_TEST(ok_fixtures)
{
	struct mysql_ok ok;
	uint8_t p[64];
	size_t n;

	/* USE shop under session tracking: info empty, state 7 bytes. */
	n = unhex(FX_MDB_OK_STATE, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_ok(p, n, MDB_USE, &ok), GW_OK);
	ck_assert(ok.ok_affected == 0 && ok.ok_insert_id == 0);
	ck_assert_uint_eq(ok.ok_status,
	    SERVER_STATUS_AUTOCOMMIT | SERVER_SESSION_STATE_CHANGED);
	ck_assert_uint_eq(ok.ok_warnings, 0);
	ck_assert_uint_eq(ok.ok_info.ms_len, 0);
	ck_assert_uint_eq(ok.ok_state_len, 7);
	ck_assert_mem_eq(ok.ok_state, "\x01\x05\x04shop", 7);
	ck_assert_int_eq(mysql_parse_ok(p, n - 1, MDB_USE, &ok), GW_ETRUNC);
	ck_assert_int_eq(mysql_parse_ok(p, n - 8, MDB_USE, &ok), GW_ETRUNC);
	p[n] = 0;
	ck_assert_int_eq(mysql_parse_ok(p, n + 1, MDB_USE, &ok), GW_ETRAILING);

	/* An INSERT: the info is left out at the end of the packet. */
	n = unhex(FX_MDB_OK_INSERT, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_ok(p, n, MDB_USE, &ok), GW_OK);
	ck_assert(ok.ok_affected == 1 && ok.ok_insert_id == 2);
	ck_assert_uint_eq(ok.ok_status, SERVER_STATUS_AUTOCOMMIT);
	ck_assert_ptr_null(ok.ok_info.ms_p);
	ck_assert_int_eq(mysql_parse_ok(p, n - 1, MDB_USE, &ok), GW_ETRUNC);
	ck_assert_int_eq(mysql_parse_ok(p, 1, MDB_USE, &ok), GW_ETRUNC);

	/* PyMySQL does not track sessions: the rest is info. */
	n = unhex(FX_PY_OK, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_ok(p, n, 0x000aa20dULL, &ok), GW_OK);
	ck_assert_uint_eq(ok.ok_status, SERVER_STATUS_AUTOCOMMIT);
	memcpy(p + n, "hi", 2);
	ck_assert_int_eq(mysql_parse_ok(p, n + 2, 0x000aa20dULL, &ok), GW_OK);
	ck_assert(str_is(&ok.ok_info, "hi"));

	/* Other headers; 0xfe only under CLIENT_DEPRECATE_EOF. */
	p[0] = 0x01;
	ck_assert_int_eq(mysql_parse_ok(p, n, ~0ULL, &ok), GW_ETYPE);
	p[0] = 0xfe;
	ck_assert_int_eq(
	    mysql_parse_ok(p, n, CLIENT_PROTOCOL_41, &ok), GW_ETYPE);
	ck_assert_int_eq(mysql_parse_ok(p, n,
			     CLIENT_PROTOCOL_41 | CLIENT_DEPRECATE_EOF, &ok),
	    GW_OK);
	ck_assert_int_eq(mysql_parse_ok(p, 0, 0, &ok), GW_ETRUNC);
}
END_TEST

START_TEST(ok_build)
{
	static const uint64_t capsets[] = {CLIENT_PROTOCOL_41,
	    CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK, CLIENT_TRANSACTIONS, 0,
	    CLIENT_PROTOCOL_41 | CLIENT_DEPRECATE_EOF | CLIENT_SESSION_TRACK};
	struct mysql_ok ok, back;
	struct buf b;
	size_t i;
	int eof;

	memset(&ok, 0, sizeof(ok));
	ok.ok_affected = 300;
	ok.ok_insert_id = 0x1234567890ULL;
	ok.ok_status = SERVER_STATUS_AUTOCOMMIT | SERVER_STATUS_IN_TRANS;
	ok.ok_warnings = 2;
	ok.ok_info.ms_p = "Rows matched: 1";
	ok.ok_info.ms_len = 15;
	buf_init(&b, 256);
	for (i = 0; i < sizeof(capsets) / sizeof(capsets[0]); i++) {
		eof = (capsets[i] & CLIENT_DEPRECATE_EOF) != 0;
		buf_reset(&b);
		ck_assert_int_eq(
		    mysql_build_ok(&b, &ok, capsets[i], eof), GW_OK);
		ck_assert_uint_eq(b.b_data[0], eof ? 0xfe : 0x00);
		ck_assert_int_eq(
		    mysql_parse_ok(b.b_data, b.b_len, capsets[i], &back),
		    GW_OK);
		ck_assert(back.ok_affected == 300);
		ck_assert(back.ok_insert_id == 0x1234567890ULL);
		if (capsets[i] & (CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS))
			ck_assert_uint_eq(back.ok_status, ok.ok_status);
		if (capsets[i] & CLIENT_PROTOCOL_41)
			ck_assert_uint_eq(back.ok_warnings, 2);
		ck_assert(str_is(&back.ok_info, "Rows matched: 1"));
	}

	/* The plain OK the gateway sends after a login. */
	memset(&ok, 0, sizeof(ok));
	ok.ok_status = SERVER_STATUS_AUTOCOMMIT;
	buf_reset(&b);
	ck_assert_int_eq(mysql_build_ok(&b, &ok, MDB_USE, 0), GW_OK);
	ck_assert_uint_eq(b.b_len, 7);
	ck_assert_mem_eq(b.b_data, "\0\0\0\x02\0\0\0", 7);

	/* Refusals. */
	ck_assert_int_eq(
	    mysql_build_ok(&b, &ok, CLIENT_PROTOCOL_41, 1), GW_ECAPS);
	ok.ok_status |= SERVER_SESSION_STATE_CHANGED;
	ck_assert_int_eq(mysql_build_ok(&b, &ok, MDB_USE, 0), GW_EINVAL);
	ck_assert_uint_eq(b.b_len, 7);
	buf_free(&b);
}
END_TEST

START_TEST(err_fixtures)
{
	struct mysql_err er;
	uint8_t p[128];
	size_t n;

	n = unhex(FX_PY_ERR, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_err(p, n, CLIENT_PROTOCOL_41, &er), GW_OK);
	ck_assert_uint_eq(er.er_code, 1054);
	ck_assert_str_eq(er.er_state, "42S22");
	ck_assert(str_is(&er.er_msg, "Unknown column 'nosuch' in 'SELECT'"));

	n = unhex(FX_SW_DENIED, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_err(p, n, MDB_USE, &er), GW_OK);
	ck_assert_uint_eq(er.er_code, 1045);
	ck_assert_str_eq(er.er_state, "28000");
	ck_assert(str_is(&er.er_msg,
	    "Access denied for user 'gw'@'127.0.0.1' (using password: YES)"));

	/* Before the login is read a server sends no SQL state. */
	ck_assert_int_eq(mysql_parse_err(p, n, 0, &er), GW_OK);
	ck_assert_str_eq(er.er_state, "");
	ck_assert_uint_eq(er.er_msg.ms_len, n - 3);
	ck_assert_int_eq(
	    mysql_parse_err((const uint8_t *)"\xff\x10\x04", 3, ~0ULL, &er),
	    GW_OK);
	ck_assert_uint_eq(er.er_code, 1040);

	/* Truncations, a bad state, other headers, progress reports. */
	ck_assert_int_eq(mysql_parse_err(p, 2, ~0ULL, &er), GW_ETRUNC);
	ck_assert_int_eq(mysql_parse_err(p, 6, ~0ULL, &er), GW_ETRUNC);
	p[5] = 'x';
	ck_assert_int_eq(mysql_parse_err(p, n, ~0ULL, &er), GW_EPROTO);
	p[0] = 0;
	ck_assert_int_eq(mysql_parse_err(p, n, ~0ULL, &er), GW_ETYPE);
	ck_assert_int_eq(
	    mysql_parse_err((const uint8_t *)"\xff\xff\xff\x01", 4, ~0ULL, &er),
	    GW_EPROTO);
}
END_TEST

START_TEST(err_build)
{
	char msg[MYSQL_ERRMSG_MAX + 8];
	struct mysql_err er;
	struct buf b;
	uint8_t p[128];
	size_t n;

	n = unhex(FX_PY_ERR, p, sizeof(p));
	buf_init(&b, 1024);
	ck_assert_int_eq(
	    mysql_build_err(&b, 1054, "42S22",
		"Unknown column 'nosuch' in 'SELECT'", CLIENT_PROTOCOL_41),
	    GW_OK);
	ck_assert_uint_eq(b.b_len, n);
	ck_assert_mem_eq(b.b_data, p, n);

	/* Without 4.1 no state; NULLs are HY000 and "". */
	buf_reset(&b);
	ck_assert_int_eq(mysql_build_err(&b, 1045, NULL, NULL, 0), GW_OK);
	ck_assert_uint_eq(b.b_len, 3);
	buf_reset(&b);
	ck_assert_int_eq(
	    mysql_build_err(&b, 1045, NULL, NULL, CLIENT_PROTOCOL_41), GW_OK);
	ck_assert_mem_eq(b.b_data, "\xff\x15\x04#HY000", 9);

	/* The message is capped, and not inside a UTF-8 character. */
	memset(msg, 'a', sizeof(msg));
	memcpy(msg + MYSQL_ERRMSG_MAX - 1, "\xc3\xa9", 2);
	msg[sizeof(msg) - 1] = '\0';
	buf_reset(&b);
	ck_assert_int_eq(
	    mysql_build_err(&b, 1, "HY000", msg, CLIENT_PROTOCOL_41), GW_OK);
	ck_assert_int_eq(
	    mysql_parse_err(b.b_data, b.b_len, CLIENT_PROTOCOL_41, &er), GW_OK);
	ck_assert_uint_eq(er.er_msg.ms_len, MYSQL_ERRMSG_MAX - 1);
	msg[MYSQL_ERRMSG_MAX] = '\0';
	buf_reset(&b);
	ck_assert_int_eq(
	    mysql_build_err(&b, 1, "HY000", msg, CLIENT_PROTOCOL_41), GW_OK);
	ck_assert_uint_eq(b.b_len, 9 + MYSQL_ERRMSG_MAX);

	/* Bad states and the progress code. */
	buf_reset(&b);
	ck_assert_int_eq(mysql_build_err(&b, 1, "hy000", "x", 0), GW_EINVAL);
	ck_assert_int_eq(mysql_build_err(&b, 1, "HY00", "x", 0), GW_EINVAL);
	ck_assert_int_eq(
	    mysql_build_err(&b, 0xffff, "HY000", "x", 0), GW_EINVAL);
	ck_assert_uint_eq(b.b_len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(eof_packets)
{
	struct buf b;
	uint8_t p[16];
	uint16_t w, s;
	size_t n;

	n = unhex(FX_MDB_EOF, p, sizeof(p));
	ck_assert_int_eq(
	    mysql_parse_eof(p, n, CLIENT_PROTOCOL_41, &w, &s), GW_OK);
	ck_assert_uint_eq(w, 0);
	ck_assert_uint_eq(s, 0x22);
	parse_caps = CLIENT_PROTOCOL_41;
	refuses_cuts(parse_eof, p, n);
	ck_assert_int_eq(mysql_parse_eof(p, 1, 0, &w, &s), GW_OK);

	buf_init(&b, 16);
	ck_assert_int_eq(
	    mysql_build_eof(&b, 0, 0x22, CLIENT_PROTOCOL_41), GW_OK);
	ck_assert_uint_eq(b.b_len, n);
	ck_assert_mem_eq(b.b_data, p, n);
	buf_reset(&b);
	ck_assert_int_eq(mysql_build_eof(&b, 1, 2, 0), GW_OK);
	ck_assert_uint_eq(b.b_len, 1);
	buf_free(&b);

	p[0] = 0;
	ck_assert_int_eq(
	    mysql_parse_eof(p, n, CLIENT_PROTOCOL_41, &w, &s), GW_ETYPE);
}
END_TEST

START_TEST(column_count)
{
	uint64_t count;
	struct buf b;
	uint8_t p[16];
	size_t n;
	int meta;

	/* MariaDB's metadata cache adds a "metadata follows" byte. */
	n = unhex(FX_MDB_COUNT, p, sizeof(p));
	ck_assert_int_eq(
	    mysql_parse_column_count(p, n, MDB_USE, &count, &meta), GW_OK);
	ck_assert(count == 4);
	ck_assert_int_eq(meta, 1);
	ck_assert_int_eq(
	    mysql_parse_column_count(p, n, 0, &count, &meta), GW_ETRAILING);
	n = unhex(FX_PY_COUNT, p, sizeof(p));
	ck_assert_int_eq(
	    mysql_parse_column_count(p, n, CLIENT_PROTOCOL_41, &count, &meta),
	    GW_OK);
	ck_assert(count == 2);
	ck_assert_int_eq(meta, 1);
	ck_assert_int_eq(
	    mysql_parse_column_count(p, n, MDB_USE, &count, &meta), GW_ETRUNC);

	/* Zero, too many, NULL, a bad metadata byte. */
	ck_assert_int_eq(mysql_parse_column_count(
			     (const uint8_t *)"\0", 1, 0, &count, &meta),
	    GW_EPROTO);
	ck_assert_int_eq(
	    mysql_parse_column_count(
		(const uint8_t *)"\xfc\x01\x10", 3, 0, &count, &meta),
	    GW_ETOOLONG);
	ck_assert_int_eq(
	    mysql_parse_column_count(
		(const uint8_t *)"\xfc\x00\x10", 3, 0, &count, &meta),
	    GW_OK);
	ck_assert_int_eq(mysql_parse_column_count(
			     (const uint8_t *)"\xfb", 1, 0, &count, &meta),
	    GW_EPROTO);
	ck_assert_int_eq(mysql_parse_column_count((const uint8_t *)"\x02\x02",
			     2, MDB_USE, &count, &meta),
	    GW_EPROTO);

	buf_init(&b, 16);
	ck_assert_int_eq(mysql_build_column_count(&b, 4, MDB_USE, 0), GW_OK);
	ck_assert_mem_eq(b.b_data, "\x04\x00", 2);
	ck_assert_int_eq(mysql_build_column_count(&b, 0, 0, 1), GW_EINVAL);
	ck_assert_int_eq(mysql_build_column_count(&b, 4097, 0, 1), GW_EINVAL);
	ck_assert_uint_eq(b.b_len, 2);
	buf_free(&b);
}
END_TEST

START_TEST(columns_mariadb)
{
	static const struct {
		const char *hex, *table, *org_table, *name, *org_name;
		uint16_t charset, flags;
		uint32_t length;
		uint8_t type;
	} t[] = {
	    {FX_MDB_COL_ID, "c", "customers", "id", "id", 63, 0x4203, 11,
		MYSQL_TYPE_LONG},
	    {FX_MDB_COL_EMAIL, "c", "customers", "email", "email", 33, 0x1001,
		300, MYSQL_TYPE_VAR_STRING},
	    {FX_MDB_COL_SSN, "c", "customers", "s", "ssn", 33, 0, 33,
		MYSQL_TYPE_STRING},
	    {FX_MDB_COL_EXPR, "", "", "1+1", "", 63, 0x81, 3, MYSQL_TYPE_LONG},
	};
	struct mysql_column co, back;
	struct buf b;
	uint8_t p[128];
	size_t i, n;

	buf_init(&b, 256);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = unhex(t[i].hex, p, sizeof(p));
		ck_assert_int_eq(mysql_parse_column(p, n, MDB_USE, &co), GW_OK);
		ck_assert(str_is(&co.co_catalog, "def"));
		ck_assert(str_is(&co.co_schema, i < 3 ? "shop" : ""));
		ck_assert(str_is(&co.co_table, t[i].table));
		ck_assert(str_is(&co.co_org_table, t[i].org_table));
		ck_assert(str_is(&co.co_name, t[i].name));
		ck_assert(str_is(&co.co_org_name, t[i].org_name));
		ck_assert_uint_eq(co.co_ext_len, 0);
		ck_assert_uint_eq(co.co_charset, t[i].charset);
		ck_assert_uint_eq(co.co_length, t[i].length);
		ck_assert_uint_eq(co.co_type, t[i].type);
		ck_assert_uint_eq(co.co_flags, t[i].flags);
		ck_assert_uint_eq(co.co_decimals, 0);

		/* Without extended metadata the layout does not fit. */
		ck_assert_int_eq(mysql_parse_column(p, n, 0, &back), GW_EPROTO);

		buf_reset(&b);
		ck_assert_int_eq(mysql_build_column(&b, &co, MDB_USE), GW_OK);
		ck_assert_uint_eq(b.b_len, n);
		ck_assert_mem_eq(b.b_data, p, n);
		parse_caps = MDB_USE;
		refuses_cuts(parse_column, p, n);
	}
	buf_free(&b);
}
END_TEST

START_TEST(columns_pymysql)
{
	struct mysql_column co;
	struct buf b;
	uint8_t p[128];
	size_t n;

	n = unhex(FX_PY_COL_EMAIL, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_column(p, n, 0x000aa20dULL, &co), GW_OK);
	ck_assert(str_is(&co.co_schema, "shop"));
	ck_assert(str_is(&co.co_table, "customers"));
	ck_assert(str_is(&co.co_org_table, "customers"));
	ck_assert(str_is(&co.co_name, "email"));
	ck_assert(str_is(&co.co_org_name, "email"));
	ck_assert_uint_eq(co.co_charset, 45);
	ck_assert_uint_eq(co.co_length, 400);
	ck_assert_uint_eq(co.co_type, MYSQL_TYPE_VAR_STRING);
	ck_assert_uint_eq(co.co_flags, MYSQL_FLAG_NOT_NULL | 0x1000);
	buf_init(&b, 256);
	ck_assert_int_eq(mysql_build_column(&b, &co, 0), GW_OK);
	ck_assert_mem_eq(b.b_data, p, n);
	parse_caps = 0;
	refuses_cuts(parse_column, p, n);

	n = unhex(FX_PY_COL_ID, p, sizeof(p));
	ck_assert_int_eq(mysql_parse_column(p, n, 0, &co), GW_OK);
	ck_assert(str_is(&co.co_name, "id"));
	ck_assert_uint_eq(co.co_type, MYSQL_TYPE_LONG);
	ck_assert(co.co_flags & MYSQL_FLAG_PRI_KEY);

	/* The fixed part must say 12 bytes. */
	p[n - 13] = 0x0b;
	ck_assert_int_eq(mysql_parse_column(p, n, 0, &co), GW_EPROTO);
	p[n - 13] = 0xfb;
	ck_assert_int_eq(mysql_parse_column(p, n, 0, &co), GW_EPROTO);

	/* Names over the cap; extension without the capability. */
	co.co_name.ms_len = MYSQL_IDENT_MAX + 1;
	buf_reset(&b);
	ck_assert_int_eq(mysql_build_column(&b, &co, 0), GW_ETOOLONG);
	co.co_name.ms_len = 2;
	co.co_ext = (const uint8_t *)"\0\4json";
	co.co_ext_len = 6;
	ck_assert_int_eq(mysql_build_column(&b, &co, 0), GW_ECAPS);
	ck_assert_uint_eq(b.b_len, 0);
	ck_assert_int_eq(
	    mysql_build_column(&b, &co, MARIADB_CLIENT_EXTENDED_METADATA),
	    GW_OK);
	ck_assert_int_eq(mysql_parse_column(b.b_data, b.b_len,
			     MARIADB_CLIENT_EXTENDED_METADATA, &co),
	    GW_OK);
	ck_assert_uint_eq(co.co_ext_len, 6);
	ck_assert_mem_eq(co.co_ext, "\0\4json", 6);
	buf_free(&b);
}
END_TEST

START_TEST(column_name_cap)
{
	struct mysql_column co;
	struct buf b;
	uint8_t name[MYSQL_IDENT_MAX + 1];

	memset(&co, 0, sizeof(co));
	memset(name, 'n', sizeof(name));
	co.co_name.ms_p = (const char *)name;
	co.co_name.ms_len = MYSQL_IDENT_MAX;
	buf_init(&b, 4096);
	ck_assert_int_eq(mysql_build_column(&b, &co, 0), GW_OK);
	ck_assert_int_eq(mysql_parse_column(b.b_data, b.b_len, 0, &co), GW_OK);
	ck_assert_uint_eq(co.co_name.ms_len, MYSQL_IDENT_MAX);
	/* One byte longer, written by hand: the length goes 0x400 to 0x401. */
	ck_assert_uint_eq(b.b_data[4], 0xfc);
	b.b_data[5] = 0x01;
	ck_assert_int_eq(buf_put_u8(&b, 0), GW_OK);
	memmove(b.b_data + 7 + MYSQL_IDENT_MAX + 1,
	    b.b_data + 7 + MYSQL_IDENT_MAX, b.b_len - 8 - MYSQL_IDENT_MAX);
	ck_assert_int_eq(
	    mysql_parse_column(b.b_data, b.b_len, 0, &co), GW_ETOOLONG);
	buf_free(&b);
}
END_TEST

/*
 * mysql_native_password vectors, from Python:
 *   import hashlib; s = hashlib.sha1
 *   def native(pw, n):
 *       a = s(pw).digest(); b = s(a).digest(); c = s(n + b).digest()
 *       return bytes(x ^ y for x, y in zip(a, c)).hex()
 *   native(b"password", b"abcdefghijklmnopqrst")
 *   native(b"secret", b"'^'FkhIr$Wl9t`cPGTQx")
 * The second is also what the mariadb client sent in FX_MDB_LOGIN.
 */
START_TEST(native_vectors)
{
	uint8_t out[MYSQL_NATIVE_LEN], want[MYSQL_NATIVE_LEN];

	ck_assert_int_eq(mysql_native_scramble("password", 8,
			     (const uint8_t *)"abcdefghijklmnopqrst", 20, out),
	    GW_OK);
	unhex("bfdd49584b917d42c758edd2a7a541f721843041", want, sizeof(want));
	ck_assert_mem_eq(out, want, sizeof(want));
	ck_assert_int_eq(mysql_native_scramble("secret", 6,
			     (const uint8_t *)"'^'FkhIr$Wl9t`cPGTQx", 20, out),
	    GW_OK);
	unhex("4148331c8d2618536e273ffff6a5b328b20dbc82", want, sizeof(want));
	ck_assert_mem_eq(out, want, sizeof(want));

	ck_assert_int_eq(mysql_native_scramble("", 0,
			     (const uint8_t *)"abcdefghijklmnopqrst", 20, out),
	    GW_EINVAL);
	ck_assert_int_eq(mysql_native_scramble("pw", 2,
			     (const uint8_t *)"abcdefghijklmnopqrst", 21, out),
	    GW_EINVAL);
}
END_TEST

/*
 * caching_sha2_password vectors.  The first two are published with the
 * tests of the Eclipse Vert.x MySQL client (password "password"); the
 * last two come from Python:
 *   s = hashlib.sha256
 *   def sha2(pw, n):
 *       a = s(pw).digest(); b = s(a).digest(); c = s(b + n).digest()
 *       return bytes(x ^ y for x, y in zip(a, c)).hex()
 * With the nonce before the hash instead, the first vector would be
 * f082f51e...5dd67c08: that order is wrong.
 */
START_TEST(sha2_vectors)
{
	static const struct {
		const char *pw, *nonce, *want;
	} t[] = {
	    {"password",
		"\x36\x47\x48\x05\x03\x6c\x6e\x60\x54\x73\x50\x61\x2b\x1b\x12"
		"\x04\x6e\x5a\x79\x60",
		"83ad20dc9b0c61f959fb93f451a42fc2"
		"d15ab811b882d667fe8f0fcd0a8acaeb"},
	    {"password",
		"\x6f\x2d\x5c\x6d\x66\x04\x10\x70\x2b\x71\x37\x76\x63\x39\x2a"
		"\x02\x6d\x4a\x25\x47",
		"3d58c194ffdaf1f80a6c5ef67700608b"
		"07f9a29d37c9e2307aaf690c6e5526ab"},
	    {"password", "abcdefghijklmnopqrst",
		"6584c404bc44a3d014cacc4fc823edc0"
		"2991a53d5ae825ea0f91c7a0f1f26653"},
	    {"secret", "'^'FkhIr$Wl9t`cPGTQx",
		"674854b15360259617fa92e9dafe6a31"
		"852edc9c5dbe63c64fc7ace1c715db35"},
	};
	uint8_t out[MYSQL_SHA2_LEN], want[MYSQL_SHA2_LEN];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(mysql_sha2_scramble(t[i].pw, strlen(t[i].pw),
				     (const uint8_t *)t[i].nonce, 20, out),
		    GW_OK);
		unhex(t[i].want, want, sizeof(want));
		ck_assert_mem_eq(out, want, sizeof(want));
	}
	ck_assert_int_eq(mysql_sha2_scramble("", 0,
			     (const uint8_t *)"abcdefghijklmnopqrst", 20, out),
	    GW_EINVAL);
	ck_assert_int_eq(mysql_sha2_scramble("pw", 2,
			     (const uint8_t *)"abcdefghijklmnopqrst", 8, out),
	    GW_EINVAL);
}
END_TEST

/* Decrypt as the server does and undo the XOR with the nonce. */
static size_t
server_decrypt(EVP_PKEY *pk, const uint8_t *in, size_t inlen,
    const uint8_t *nonce, uint8_t *out, size_t outsz)
{
	EVP_PKEY_CTX *ctx;
	size_t n = outsz, i;

	ctx = EVP_PKEY_CTX_new(pk, NULL);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_PKEY_decrypt_init(ctx), 1);
	ck_assert_int_eq(
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
	ck_assert_int_eq(EVP_PKEY_decrypt(ctx, out, &n, in, inlen), 1);
	EVP_PKEY_CTX_free(ctx);
	for (i = 0; i < n; i++)
		out[i] ^= nonce[i % 20];
	return n;
}

START_TEST(sha2_rsa)
{
	static const uint8_t nonce[] = "abcdefghijklmnopqrst";
	uint8_t pem[4096], ct[MYSQL_RSA_MAX], plain[MYSQL_RSA_MAX];
	char pw[300];
	EVP_PKEY *pk, *small, *ec;
	size_t pemlen, ctlen, n;

	pk = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(pk);
	pemlen = pubkey_pem(pk, pem, sizeof(pem));

	ck_assert_int_eq(mysql_sha2_rsa("secret", 6, nonce, 20, pem, pemlen, ct,
			     sizeof(ct), &ctlen),
	    GW_OK);
	ck_assert_uint_eq(ctlen, 256);
	n = server_decrypt(pk, ct, ctlen, nonce, plain, sizeof(plain));
	ck_assert_uint_eq(n, 7);
	ck_assert_mem_eq(plain, "secret", 7);

	/* Longer than the nonce: it repeats.  Then the OAEP limit. */
	memset(pw, 'p', sizeof(pw));
	ck_assert_int_eq(mysql_sha2_rsa(pw, 213, nonce, 20, pem, pemlen, ct,
			     sizeof(ct), &ctlen),
	    GW_OK);
	n = server_decrypt(pk, ct, ctlen, nonce, plain, sizeof(plain));
	ck_assert_uint_eq(n, 214);
	ck_assert_mem_eq(plain, pw, 213);
	ck_assert_uint_eq(plain[213], 0);
	ck_assert_int_eq(mysql_sha2_rsa(pw, 214, nonce, 20, pem, pemlen, ct,
			     sizeof(ct), &ctlen),
	    GW_ETOOLONG);

	/* Output too small, NUL in the password, a bad nonce, no PEM. */
	ck_assert_int_eq(mysql_sha2_rsa("secret", 6, nonce, 20, pem, pemlen, ct,
			     255, &ctlen),
	    GW_ETOOLONG);
	ck_assert_int_eq(mysql_sha2_rsa("se\0ret", 6, nonce, 20, pem, pemlen,
			     ct, sizeof(ct), &ctlen),
	    GW_ENUL);
	ck_assert_int_eq(mysql_sha2_rsa("secret", 6, nonce, 21, pem, pemlen, ct,
			     sizeof(ct), &ctlen),
	    GW_EINVAL);
	ck_assert_int_eq(mysql_sha2_rsa("secret", 6, nonce, 20,
			     (const uint8_t *)"-----BEGIN PUBLIC KEY-----\n",
			     27, ct, sizeof(ct), &ctlen),
	    GW_ECRYPTO);
	ck_assert_int_eq(mysql_sha2_rsa("secret", 6, nonce, 20, pem, 0, ct,
			     sizeof(ct), &ctlen),
	    GW_EINVAL);
	ck_assert_uint_eq(ctlen, 0);

	/* Weak RSA and other key types are refused. */
	small = EVP_RSA_gen(1024);
	ck_assert_ptr_nonnull(small);
	pemlen = pubkey_pem(small, pem, sizeof(pem));
	ck_assert_int_eq(mysql_sha2_rsa("secret", 6, nonce, 20, pem, pemlen, ct,
			     sizeof(ct), &ctlen),
	    GW_EINVAL);
	ec = EVP_EC_gen("P-256");
	ck_assert_ptr_nonnull(ec);
	pemlen = pubkey_pem(ec, pem, sizeof(pem));
	ck_assert_int_eq(mysql_sha2_rsa("secret", 6, nonce, 20, pem, pemlen, ct,
			     sizeof(ct), &ctlen),
	    GW_EINVAL);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(small);
	EVP_PKEY_free(pk);
}
END_TEST

START_TEST(clear_password_out)
{
	struct mysql_str pw;
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(
	    mysql_put_clear_password(&b, TOKEN, strlen(TOKEN)), GW_OK);
	ck_assert_uint_eq(b.b_len, strlen(TOKEN) + 1);
	ck_assert_int_eq(
	    mysql_parse_clear_password(b.b_data, b.b_len, 64, &pw), GW_OK);
	ck_assert(str_is(&pw, TOKEN));
	buf_reset(&b);
	ck_assert_int_eq(mysql_put_clear_password(&b, "a\0b", 3), GW_ENUL);
	ck_assert_uint_eq(b.b_len, 0);
	buf_free(&b);
}
END_TEST

static Suite *
suite_mysql(void)
{
	Suite *s = suite_create("mysql");
	TCase *tc = tcase_create("codec");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, com_names);
	tcase_add_test(tc, lenenc_round_trip);
	tcase_add_test(tc, lenenc_refusals);
	tcase_add_test(tc, lenenc_long_forms);
	tcase_add_test(tc, lenstr_and_null);
	tcase_add_test(tc, nulstr);
	tcase_add_test(tc, header_and_small_frames);
	tcase_add_test(tc, frame_continuation_exact);
	tcase_add_test(tc, frame_continuation_longer);
	tcase_add_test(tc, packet_builders);
	tcase_add_test(tc, reply_kinds);
	tcase_add_test(tc, handshake_mariadb_fixture);
	tcase_add_test(tc, handshake_gateway_fixture);
	tcase_add_test(tc, handshake_round_trip);
	tcase_add_test(tc, handshake_refusals);
	tcase_add_test(tc, login_mariadb_client);
	tcase_add_test(tc, login_pymysql);
	tcase_add_test(tc, login_no_database);
	tcase_add_test(tc, login_to_mariadb);
	tcase_add_test(tc, login_round_trips);
	tcase_add_test(tc, login_refusals);
	tcase_add_test(tc, login_attribute_cap);
	tcase_add_test(tc, ssl_request);
	tcase_add_test(tc, pymysql_to_mariadb);
	tcase_add_test(tc, text_row);
	tcase_add_test(tc, auth_switch_server_role);
	tcase_add_test(tc, clear_password_forms);
	tcase_add_test(tc, auth_data_and_more);
	tcase_add_test(tc, auth_switch_client_role);
	tcase_add_test(tc, auth_nonce_forms);
	tcase_add_test(tc, ok_fixtures);
	tcase_add_test(tc, ok_build);
	tcase_add_test(tc, err_fixtures);
	tcase_add_test(tc, err_build);
	tcase_add_test(tc, eof_packets);
	tcase_add_test(tc, column_count);
	tcase_add_test(tc, columns_mariadb);
	tcase_add_test(tc, columns_pymysql);
	tcase_add_test(tc, column_name_cap);
	tcase_add_test(tc, native_vectors);
	tcase_add_test(tc, sha2_vectors);
	tcase_add_test(tc, sha2_rsa);
	tcase_add_test(tc, clear_password_out);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite_mysql)
