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
 * Unit tests for the response state machine: each case feeds the
 * packets a server sends for one or more commands and checks that the
 * machine ends idle, with the right counts, or refuses the packet that
 * breaks the protocol.
 */

#include <string.h>

#include <check.h>

#include "common/error.h"
#include "common/mysql.h"
#include "common/resp.h"
#include "regress/unit/unit.h"

static const uint8_t ok_pkt[] = {0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00};
static const uint8_t ok_more[] = {0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00};
static const uint8_t err_pkt[] = {
    0xff, 0x7a, 0x04, '#', '4', '2', 'S', '0', '2', 'x'};
static const uint8_t eof_pkt[] = {0xfe, 0x00, 0x00, 0x02, 0x00};
static const uint8_t eof_more[] = {0xfe, 0x00, 0x00, 0x0a, 0x00};
static const uint8_t eof_cursor[] = {0xfe, 0x00, 0x00, 0x42, 0x00};
static const uint8_t ok_eof[] = {0xfe, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
static const uint8_t ok_eof_more[] = {0xfe, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00};
static const uint8_t ncols2[] = {0x02};
static const uint8_t coldef[] = {0x03, 'd', 'e', 'f', 0x00};
static const uint8_t row[] = {0x01, '1', 0x01, '2'};
static const uint8_t brow[] = {0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
static const uint8_t prep_ok[] = {
    0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
static const uint8_t infile[] = {0xfb, '/', 'e', 't', 'c'};
static const uint8_t stats[] = {'U', 'p', 't', 'i', 'm', 'e'};

#define FEED(r, pkt)                                                           \
	do {                                                                   \
		const char *why_;                                              \
		ck_assert_msg(resp_packet((r), (pkt), sizeof(pkt),             \
				  sizeof(pkt), &why_) == 0,                    \
		    "refused: %s", why_);                                      \
	} while (0)

START_TEST(simple_replies)
{
	struct resp r;
	const char *why;

	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_busy(&r), 0);
	ck_assert_int_eq(resp_packet(&r, ok_pkt, 7, 7, &why), -1);
	ck_assert_str_eq(why, "a packet no command asked for");

	ck_assert_int_eq(resp_expect(&r, COM_PING), GW_OK);
	ck_assert_int_eq(resp_busy(&r), 1);
	FEED(&r, ok_pkt);
	ck_assert_int_eq(resp_busy(&r), 0);

	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	FEED(&r, ok_pkt);
	ck_assert_uint_eq(r.rs_affected, 2);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	FEED(&r, err_pkt);
	ck_assert_uint_eq(r.rs_error, 1146);
	ck_assert_int_eq(resp_busy(&r), 0);

	/* No answer: not queued.  A bare string: COM_STATISTICS. */
	ck_assert_int_eq(resp_expect(&r, COM_STMT_CLOSE), GW_OK);
	ck_assert_int_eq(resp_expect(&r, COM_QUIT), GW_OK);
	ck_assert_int_eq(resp_busy(&r), 0);
	ck_assert_int_eq(resp_expect(&r, COM_STATISTICS), GW_OK);
	FEED(&r, stats);
	ck_assert_int_eq(resp_busy(&r), 0);
}
END_TEST

static void
result_set(uint64_t caps)
{
	struct resp r;
	int deprecate = (caps & CLIENT_DEPRECATE_EOF) != 0;

	resp_init(&r, caps);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	FEED(&r, ncols2);
	FEED(&r, coldef);
	FEED(&r, coldef);
	if (!deprecate)
		FEED(&r, eof_pkt);
	FEED(&r, row);
	FEED(&r, row);
	FEED(&r, row);
	ck_assert_int_eq(resp_busy(&r), 1);
	if (deprecate)
		FEED(&r, ok_eof);
	else
		FEED(&r, eof_pkt);
	ck_assert_int_eq(resp_busy(&r), 0);
	ck_assert_uint_eq(r.rs_rows, 3);
}

START_TEST(result_sets)
{
	result_set(CLIENT_PROTOCOL_41);
	result_set(CLIENT_PROTOCOL_41 | CLIENT_DEPRECATE_EOF);
}
END_TEST

START_TEST(multi_results)
{
	struct resp r;

	/* SELECT 1; UPDATE ...; SELECT 2 with and without EOF packets. */
	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	FEED(&r, ncols2);
	FEED(&r, coldef);
	FEED(&r, coldef);
	FEED(&r, eof_pkt);
	FEED(&r, row);
	FEED(&r, eof_more);
	FEED(&r, ok_more);
	FEED(&r, ncols2);
	FEED(&r, coldef);
	FEED(&r, coldef);
	FEED(&r, eof_pkt);
	FEED(&r, eof_pkt);
	ck_assert_int_eq(resp_busy(&r), 0);

	resp_init(&r, CLIENT_PROTOCOL_41 | CLIENT_DEPRECATE_EOF);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	ck_assert_int_eq(resp_expect(&r, COM_PING), GW_OK);
	FEED(&r, ncols2);
	FEED(&r, coldef);
	FEED(&r, coldef);
	FEED(&r, row);
	FEED(&r, ok_eof_more);
	FEED(&r, err_pkt);
	/* The ping's answer is next in line. */
	ck_assert_int_eq(resp_busy(&r), 1);
	FEED(&r, ok_pkt);
	ck_assert_int_eq(resp_busy(&r), 0);
}
END_TEST

START_TEST(prepared)
{
	struct resp r;

	/* One parameter, two columns; execute with a cursor; fetch. */
	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_expect(&r, COM_STMT_PREPARE), GW_OK);
	FEED(&r, prep_ok);
	FEED(&r, coldef);
	FEED(&r, eof_pkt);
	FEED(&r, coldef);
	FEED(&r, coldef);
	FEED(&r, eof_pkt);
	ck_assert_int_eq(resp_busy(&r), 0);

	ck_assert_int_eq(resp_expect(&r, COM_STMT_EXECUTE), GW_OK);
	FEED(&r, ncols2);
	FEED(&r, coldef);
	FEED(&r, coldef);
	FEED(&r, eof_cursor);
	ck_assert_int_eq(resp_busy(&r), 0);
	ck_assert_int_eq(r.rs_cursor, 1);
	ck_assert_int_eq(resp_expect(&r, COM_STMT_FETCH), GW_OK);
	FEED(&r, brow);
	FEED(&r, brow);
	FEED(&r, eof_pkt);
	ck_assert_int_eq(resp_busy(&r), 0);
	ck_assert_uint_eq(r.rs_rows, 2);

	/* Without EOF packets the definitions simply end. */
	resp_init(&r, CLIENT_PROTOCOL_41 | CLIENT_DEPRECATE_EOF);
	ck_assert_int_eq(resp_expect(&r, COM_STMT_PREPARE), GW_OK);
	FEED(&r, prep_ok);
	FEED(&r, coldef);
	FEED(&r, coldef);
	FEED(&r, coldef);
	ck_assert_int_eq(resp_busy(&r), 0);
}
END_TEST

START_TEST(field_list)
{
	struct resp r;

	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_expect(&r, COM_FIELD_LIST), GW_OK);
	FEED(&r, coldef);
	FEED(&r, coldef);
	FEED(&r, eof_pkt);
	ck_assert_int_eq(resp_busy(&r), 0);
}
END_TEST

START_TEST(refusals)
{
	struct resp r;
	const char *why;
	uint8_t big[8] = {0xfe};
	int i;

	/* LOCAL INFILE was never offered to the server. */
	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	ck_assert_int_eq(resp_packet(&r, infile, 5, 5, &why), -1);
	ck_assert_str_eq(why, "LOCAL INFILE request, which was never offered");

	/* Definitions cut short by an EOF. */
	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	FEED(&r, ncols2);
	FEED(&r, coldef);
	ck_assert_int_eq(resp_packet(&r, eof_pkt, 5, 5, &why), -1);
	ck_assert_str_eq(why, "definitions cut short");

	/* A row, not an EOF, where the EOF belongs. */
	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	FEED(&r, ncols2);
	FEED(&r, coldef);
	FEED(&r, coldef);
	ck_assert_int_eq(resp_packet(&r, row, 4, 4, &why), -1);
	ck_assert_str_eq(why, "no EOF after the definitions");

	/* A column count of zero, and an empty packet. */
	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	big[0] = 0x00;
	ck_assert_int_eq(resp_packet(&r, big, 0, 0, &why), -1);
	ck_assert_str_eq(why, "empty packet");

	/* A 16 MiB row that begins with 0xfe is a row, not the end. */
	resp_init(&r, CLIENT_PROTOCOL_41);
	ck_assert_int_eq(resp_expect(&r, COM_QUERY), GW_OK);
	FEED(&r, ncols2);
	FEED(&r, coldef);
	FEED(&r, coldef);
	FEED(&r, eof_pkt);
	big[0] = 0xfe;
	ck_assert_int_eq(
	    resp_packet(&r, big, sizeof(big), MYSQL_PACKET_MAX, &why), 0);
	ck_assert_uint_eq(r.rs_rows, 1);
	FEED(&r, eof_pkt);
	ck_assert_int_eq(resp_busy(&r), 0);

	/* One answer in progress and RESP_QUEUE more waiting, no more. */
	resp_init(&r, CLIENT_PROTOCOL_41);
	for (i = 0; i <= RESP_QUEUE; i++)
		ck_assert_int_eq(resp_expect(&r, COM_PING), GW_OK);
	ck_assert_int_eq(resp_expect(&r, COM_PING), GW_ETOOLONG);
}
END_TEST

static Suite *
suite_resp(void)
{
	Suite *s = suite_create("resp");
	TCase *tc = tcase_create("resp");

	tcase_add_test(tc, simple_replies);
	tcase_add_test(tc, result_sets);
	tcase_add_test(tc, multi_results);
	tcase_add_test(tc, prepared);
	tcase_add_test(tc, field_list);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite_resp)
