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
 * libFuzzer target for the MySQL codec.  An input is a selector byte,
 * eight bytes of capabilities (little-endian) and a payload.  The
 * selector picks a parser; what it accepts must lie inside the payload,
 * keep to its caps, and, built again, parse back to the same fields.
 * The seeds in corpus/mysql/ are the unit tests' captured packets, each
 * behind its selector and the capabilities it was seen with.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/mysql.h"

enum {
	SEL_VALUES,
	SEL_FRAME,
	SEL_HANDSHAKE,
	SEL_LOGIN,
	SEL_SSL_REQUEST,
	SEL_AUTH_SWITCH,
	SEL_AUTH_REPLY,
	SEL_OK,
	SEL_ERR,
	SEL_EOF,
	SEL_COLUMN,
	SEL_COLUMN_COUNT,
	SEL_ROW,
	SEL_RSA,
	SEL_COUNT
};

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void must(int);
static int error_code(int);
static void inside(const void *, size_t, const uint8_t *, size_t);
static int same(const struct mysql_str *, const struct mysql_str *);
static void values(const uint8_t *, size_t, uint64_t);
static void frame(const uint8_t *, size_t, uint64_t);
static void handshake(const uint8_t *, size_t);
static void login(const uint8_t *, size_t, uint64_t);
static void ssl_request(const uint8_t *, size_t, uint64_t);
static void auth_switch(const uint8_t *, size_t);
static void auth_reply(const uint8_t *, size_t);
static void ok_packet(const uint8_t *, size_t, uint64_t);
static void err_packet(const uint8_t *, size_t, uint64_t);
static void eof_packet(const uint8_t *, size_t, uint64_t);
static void column(const uint8_t *, size_t, uint64_t);
static void column_count(const uint8_t *, size_t, uint64_t);
static void row(const uint8_t *, size_t, uint64_t);
static void rsa(const uint8_t *, size_t);

static void
must(int cond)
{
	if (!cond)
		abort();
}

static int
error_code(int r)
{
	return r <= 0 && r >= GW_ERROR_MIN;
}

/* A parsed field must lie inside the bytes it was parsed from. */
static void
inside(const void *q, size_t len, const uint8_t *p, size_t n)
{
	const uint8_t *s = q;

	if (s == NULL) {
		must(len == 0);
		return;
	}
	must(s >= p && s <= p + n && len <= (size_t)(p + n - s));
}

static int
same(const struct mysql_str *a, const struct mysql_str *b)
{
	return a->ms_len == b->ms_len &&
	    (a->ms_len == 0 || memcmp(a->ms_p, b->ms_p, a->ms_len) == 0);
}

/* The control bytes choose what to read next, until the first error. */
static void
values(const uint8_t *p, size_t n, uint64_t ctl)
{
	struct cursor c;
	const uint8_t *s;
	size_t len, left;
	int i = 0;

	cur_init(&c, p, n);
	while (c.c_err == GW_OK && c.c_left > 0) {
		left = c.c_left;
		switch ((ctl >> (2 * (i++ % 32))) & 3) {
		case 0:
			(void)mysql_cur_lenenc(&c);
			break;
		case 1:
			s = mysql_cur_lenstr(&c, &len, ctl >> 48);
			inside(s, len, p, n);
			must(len <= (ctl >> 48));
			break;
		case 2:
			s = (const uint8_t *)mysql_cur_nulstr(
			    &c, &len, ctl >> 48);
			inside(s, len, p, n);
			must(s == NULL || s[len] == '\0');
			break;
		default:
			if (!mysql_cur_null(&c))
				(void)cur_u8(&c);
			break;
		}
		must(c.c_err != GW_OK || c.c_left < left);
		must(error_code(c.c_err));
	}
}

static void
frame(const uint8_t *p, size_t n, uint64_t ctl)
{
	struct mysql_frame f;
	struct buf b;
	size_t len;
	uint8_t seq;
	int r;

	if (mysql_hdr(p, n, &len, &seq) == GW_OK)
		must(len <= MYSQL_PACKET_MAX);
	r = mysql_frame(p, n, (uint8_t)ctl, (size_t)(ctl >> 8), &f);
	must(r == GW_OK || r == GW_ESEQ || r == GW_ETOOLONG);
	if (r != GW_OK)
		return;
	if (!f.mf_done) {
		must(f.mf_need > n);
		return;
	}
	must(f.mf_wire <= n && f.mf_need == f.mf_wire);
	must(f.mf_payload <= (size_t)(ctl >> 8));
	must(f.mf_wire == f.mf_payload + MYSQL_HDR_LEN * f.mf_packets);
	must(f.mf_next == (uint8_t)(ctl + f.mf_packets));
	buf_init(&b, f.mf_payload + 1);
	must(mysql_frame_join(p, &f, &b) == GW_OK);
	must(b.b_len == f.mf_payload);
	buf_free(&b);
}

static void
handshake(const uint8_t *p, size_t n)
{
	struct mysql_handshake hs, back;
	struct buf b;
	int r;

	r = mysql_parse_handshake(p, n, &hs);
	must(error_code(r));
	if (r != GW_OK)
		return;
	inside(hs.hs_version.ms_p, hs.hs_version.ms_len, p, n);
	inside(hs.hs_plugin.ms_p, hs.hs_plugin.ms_len, p, n);
	must(hs.hs_auth_len >= 8 && hs.hs_auth_len <= MYSQL_AUTH_DATA_MAX);
	must(hs.hs_version.ms_len <= MYSQL_VERSION_MAX);
	must(hs.hs_plugin.ms_len <= MYSQL_PLUGIN_MAX);
	must(hs.hs_caps & CLIENT_PROTOCOL_41);

	/* Scrambles with NULs or odd lengths are not built again. */
	buf_init(&b, 1024);
	r = mysql_build_handshake(&b, &hs);
	must(error_code(r));
	if (r == GW_OK) {
		must(mysql_parse_handshake(b.b_data, b.b_len, &back) == GW_OK);
		must(same(&hs.hs_version, &back.hs_version));
		must(hs.hs_conn_id == back.hs_conn_id);
		must(hs.hs_auth_len == back.hs_auth_len);
		must(memcmp(hs.hs_auth, back.hs_auth, hs.hs_auth_len) == 0);
		must(hs.hs_caps == back.hs_caps);
		must(hs.hs_charset == back.hs_charset);
		must(hs.hs_status == back.hs_status);
		must(same(&hs.hs_plugin, &back.hs_plugin));
	}
	buf_free(&b);
}

static void
login(const uint8_t *p, size_t n, uint64_t server)
{
	struct mysql_login ml, back;
	struct buf b;
	size_t i;
	int r;

	r = mysql_parse_login(p, n, server, &ml);
	must(error_code(r));
	if (r != GW_OK)
		return;
	must(ml.ml_use == (ml.ml_caps & server));
	must(ml.ml_use & CLIENT_PROTOCOL_41);
	must(!(ml.ml_caps & CLIENT_SSL) || (server & CLIENT_SSL));
	must(ml.ml_user.ms_len <= MYSQL_USER_MAX);
	must(ml.ml_db.ms_len <= MYSQL_DB_MAX);
	must(ml.ml_plugin.ms_len <= MYSQL_PLUGIN_MAX);
	must(ml.ml_auth_len <= MYSQL_AUTH_MAX);
	must(ml.ml_nattrs <= MYSQL_ATTRS_MAX);
	inside(ml.ml_user.ms_p, ml.ml_user.ms_len, p, n);
	inside(ml.ml_auth, ml.ml_auth_len, p, n);
	inside(ml.ml_db.ms_p, ml.ml_db.ms_len, p, n);
	inside(ml.ml_plugin.ms_p, ml.ml_plugin.ms_len, p, n);
	for (i = 0; i < ml.ml_nattrs; i++) {
		inside(ml.ml_attrs[i].ma_key.ms_p, ml.ml_attrs[i].ma_key.ms_len,
		    p, n);
		inside(ml.ml_attrs[i].ma_value.ms_p,
		    ml.ml_attrs[i].ma_value.ms_len, p, n);
	}

	/* Built as negotiated, it reads back the same. */
	ml.ml_caps = ml.ml_use;
	buf_init(&b, 2 * n + 64);
	must(mysql_build_login(&b, &ml) == GW_OK);
	must(mysql_parse_login(b.b_data, b.b_len, ml.ml_use, &back) == GW_OK);
	must(back.ml_caps == ml.ml_use && back.ml_use == ml.ml_use);
	must(back.ml_max_packet == ml.ml_max_packet);
	must(back.ml_charset == ml.ml_charset);
	must(same(&ml.ml_user, &back.ml_user));
	must(ml.ml_auth_len == back.ml_auth_len);
	must(ml.ml_auth_len == 0 ||
	    memcmp(ml.ml_auth, back.ml_auth, ml.ml_auth_len) == 0);
	must(same(&ml.ml_db, &back.ml_db));
	must(same(&ml.ml_plugin, &back.ml_plugin));
	must(ml.ml_nattrs == back.ml_nattrs);
	for (i = 0; i < ml.ml_nattrs; i++) {
		must(same(&ml.ml_attrs[i].ma_key, &back.ml_attrs[i].ma_key));
		must(
		    same(&ml.ml_attrs[i].ma_value, &back.ml_attrs[i].ma_value));
	}
	must(ml.ml_zstd_level == back.ml_zstd_level);
	buf_free(&b);
}

static void
ssl_request(const uint8_t *p, size_t n, uint64_t server)
{
	struct mysql_login ml, back;
	struct buf b;
	int r;

	r = mysql_parse_ssl_request(p, n, server, &ml);
	must(error_code(r));
	if (r != GW_OK)
		return;
	must(mysql_is_ssl_request(p, n));
	must(ml.ml_use & CLIENT_SSL);
	ml.ml_caps = ml.ml_use;
	buf_init(&b, 64);
	must(mysql_build_ssl_request(&b, &ml) == GW_OK);
	must(mysql_parse_ssl_request(b.b_data, b.b_len, ml.ml_use, &back) ==
	    GW_OK);
	must(back.ml_caps == ml.ml_use);
	must(back.ml_max_packet == ml.ml_max_packet);
	must(back.ml_charset == ml.ml_charset);
	buf_free(&b);
}

static void
auth_switch(const uint8_t *p, size_t n)
{
	struct mysql_auth_switch as;
	const uint8_t *nonce;
	struct buf b;
	int r;

	buf_init(&b, n + 1);
	r = mysql_parse_auth_switch(p, n, &as);
	must(error_code(r));
	if (r == GW_OK) {
		inside(as.as_plugin.ms_p, as.as_plugin.ms_len, p, n);
		inside(as.as_data, as.as_len, p, n);
		must(as.as_plugin.ms_len > 0);
		must(mysql_build_auth_switch(&b, as.as_plugin.ms_p, as.as_data,
			 as.as_len) == GW_OK);
		must(b.b_len == n && memcmp(b.b_data, p, n) == 0);
		if (mysql_auth_nonce(as.as_data, as.as_len, &nonce) == GW_OK)
			must(nonce == as.as_data);
	}
	buf_reset(&b);
	r = mysql_parse_auth_more(p, n, &as);
	must(error_code(r));
	if (r == GW_OK) {
		must(mysql_build_auth_more(&b, as.as_data, as.as_len) == GW_OK);
		must(b.b_len == n && memcmp(b.b_data, p, n) == 0);
	}
	buf_free(&b);
}

static void
auth_reply(const uint8_t *p, size_t n)
{
	struct mysql_str pw, back;
	const uint8_t *d;
	struct buf b;
	size_t len;
	int r;

	r = mysql_parse_auth_data(p, n, 64, &d, &len);
	must(r == GW_OK ? d == p && len == n : r == GW_ETOOLONG);

	r = mysql_parse_clear_password(p, n, 1024, &pw);
	must(r == GW_OK || r == GW_ENUL || r == GW_ETOOLONG);
	if (r != GW_OK)
		return;
	inside(pw.ms_p, pw.ms_len, p, n);
	must(pw.ms_len == 0 || memchr(pw.ms_p, '\0', pw.ms_len) == NULL);
	buf_init(&b, 2048);
	must(mysql_put_clear_password(&b, pw.ms_p, pw.ms_len) == GW_OK);
	must(mysql_parse_clear_password(b.b_data, b.b_len, 1024, &back) ==
	    GW_OK);
	must(same(&pw, &back));
	buf_free(&b);
}

static void
ok_packet(const uint8_t *p, size_t n, uint64_t caps)
{
	struct mysql_ok ok, back;
	struct buf b;
	int r, eof;

	r = mysql_parse_ok(p, n, caps, &ok);
	must(error_code(r));
	if (r != GW_OK)
		return;
	inside(ok.ok_info.ms_p, ok.ok_info.ms_len, p, n);
	inside(ok.ok_state, ok.ok_state_len, p, n);
	eof = p[0] == MYSQL_EOF_HDR;
	must(!eof || (caps & CLIENT_DEPRECATE_EOF));
	if (ok.ok_status & SERVER_SESSION_STATE_CHANGED)
		return; /* not generated */
	buf_init(&b, 2 * n + 64);
	r = mysql_build_ok(&b, &ok, caps, eof);
	must(r == GW_OK || r == GW_ETOOLONG);
	if (r == GW_OK) {
		must(mysql_parse_ok(b.b_data, b.b_len, caps, &back) == GW_OK);
		must(back.ok_affected == ok.ok_affected);
		must(back.ok_insert_id == ok.ok_insert_id);
		must(back.ok_status == ok.ok_status);
		must(back.ok_warnings == ok.ok_warnings);
		must(same(&back.ok_info, &ok.ok_info));
	}
	buf_free(&b);
}

static void
err_packet(const uint8_t *p, size_t n, uint64_t caps)
{
	char msg[MYSQL_ERRMSG_MAX + 1];
	struct mysql_err er, back;
	struct buf b;
	int r;

	r = mysql_parse_err(p, n, caps, &er);
	must(error_code(r));
	if (r != GW_OK)
		return;
	inside(er.er_msg.ms_p, er.er_msg.ms_len, p, n);
	must(strlen(er.er_state) == 0 || strlen(er.er_state) == 5);
	must(er.er_code != 0xffff);

	/* Messages that fit as C strings come back whole. */
	if (er.er_msg.ms_len > MYSQL_ERRMSG_MAX ||
	    (er.er_msg.ms_len > 0 &&
		memchr(er.er_msg.ms_p, '\0', er.er_msg.ms_len) != NULL))
		return;
	if (er.er_msg.ms_len > 0)
		memcpy(msg, er.er_msg.ms_p, er.er_msg.ms_len);
	msg[er.er_msg.ms_len] = '\0';
	if (er.er_state[0] == '\0')
		caps &= ~(uint64_t)CLIENT_PROTOCOL_41;
	buf_init(&b, 1024);
	must(mysql_build_err(&b, er.er_code,
		 er.er_state[0] ? er.er_state : NULL, msg, caps) == GW_OK);
	must(mysql_parse_err(b.b_data, b.b_len, caps, &back) == GW_OK);
	must(back.er_code == er.er_code);
	must(strcmp(back.er_state, er.er_state) == 0);
	must(same(&back.er_msg, &er.er_msg));
	buf_free(&b);
}

static void
eof_packet(const uint8_t *p, size_t n, uint64_t caps)
{
	uint16_t warnings, status;
	struct buf b;
	int r;

	r = mysql_parse_eof(p, n, caps, &warnings, &status);
	must(error_code(r));
	if (r != GW_OK)
		return;
	must(mysql_reply_kind(p, n, caps, 1) == MYSQL_REPLY_EOF);
	buf_init(&b, 16);
	must(mysql_build_eof(&b, warnings, status, caps) == GW_OK);
	must(b.b_len == n && memcmp(b.b_data, p, n) == 0);
	buf_free(&b);
}

static void
column(const uint8_t *p, size_t n, uint64_t caps)
{
	struct mysql_column co, back;
	struct buf b;
	int r;

	r = mysql_parse_column(p, n, caps, &co);
	must(error_code(r));
	if (r != GW_OK)
		return;
	inside(co.co_catalog.ms_p, co.co_catalog.ms_len, p, n);
	inside(co.co_schema.ms_p, co.co_schema.ms_len, p, n);
	inside(co.co_table.ms_p, co.co_table.ms_len, p, n);
	inside(co.co_org_table.ms_p, co.co_org_table.ms_len, p, n);
	inside(co.co_name.ms_p, co.co_name.ms_len, p, n);
	inside(co.co_org_name.ms_p, co.co_org_name.ms_len, p, n);
	inside(co.co_ext, co.co_ext_len, p, n);
	must(co.co_name.ms_len <= MYSQL_IDENT_MAX);

	buf_init(&b, n + 64);
	must(mysql_build_column(&b, &co, caps) == GW_OK);
	must(b.b_len <= n);
	must(mysql_parse_column(b.b_data, b.b_len, caps, &back) == GW_OK);
	must(same(&co.co_catalog, &back.co_catalog));
	must(same(&co.co_schema, &back.co_schema));
	must(same(&co.co_table, &back.co_table));
	must(same(&co.co_org_table, &back.co_org_table));
	must(same(&co.co_name, &back.co_name));
	must(same(&co.co_org_name, &back.co_org_name));
	must(co.co_ext_len == back.co_ext_len);
	must(co.co_charset == back.co_charset);
	must(co.co_length == back.co_length);
	must(co.co_type == back.co_type);
	must(co.co_flags == back.co_flags);
	must(co.co_decimals == back.co_decimals);
	buf_free(&b);
}

static void
column_count(const uint8_t *p, size_t n, uint64_t caps)
{
	uint64_t count, count2;
	struct buf b;
	int r, meta, meta2;

	r = mysql_parse_column_count(p, n, caps, &count, &meta);
	must(error_code(r));
	if (r != GW_OK)
		return;
	must(count >= 1 && count <= MYSQL_COLUMNS_MAX);
	must(meta == 0 || meta == 1);
	buf_init(&b, 16);
	must(mysql_build_column_count(&b, count, caps, meta) == GW_OK);
	must(mysql_parse_column_count(
		 b.b_data, b.b_len, caps, &count2, &meta2) == GW_OK);
	must(count == count2 && meta == meta2);
	buf_free(&b);
}

/* A text row: NULLs and length-encoded strings to the end. */
static void
row(const uint8_t *p, size_t n, uint64_t caps)
{
	enum mysql_reply k0, k1;
	const uint8_t *s;
	struct cursor c;
	size_t len;

	k0 = mysql_reply_kind(p, n, caps, 0);
	k1 = mysql_reply_kind(p, n, caps, 1);
	must(k0 <= MYSQL_REPLY_BAD && k1 <= MYSQL_REPLY_BAD);
	must(k1 != MYSQL_REPLY_OK && k1 != MYSQL_REPLY_INFILE);
	must((k0 == MYSQL_REPLY_BAD) == (k1 == MYSQL_REPLY_BAD));
	if (k1 != MYSQL_REPLY_DATA)
		return;
	cur_init(&c, p, n);
	while (c.c_err == GW_OK && c.c_left > 0) {
		if (mysql_cur_null(&c))
			continue;
		s = mysql_cur_lenstr(&c, &len, MYSQL_PACKET_MAX);
		inside(s, len, p, n);
	}
	must(error_code(cur_end(&c)));
}

/* The server's public key, as caching_sha2 full authentication gets it. */
static void
rsa(const uint8_t *p, size_t n)
{
	static const uint8_t nonce[] = "abcdefghijklmnopqrst";
	uint8_t out[MYSQL_RSA_MAX];
	size_t len;
	int r;

	r = mysql_sha2_rsa(
	    "password", 8, nonce, 20, p, n, out, sizeof(out), &len);
	must(error_code(r));
	must(r != GW_OK || (len >= 256 && len <= sizeof(out)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p;
	uint64_t caps = 0;
	uint8_t *copy;
	size_t n;
	int i;

	if (size < 9)
		return 0;
	for (i = 8; i >= 1; i--)
		caps = caps << 8 | data[i];
	n = size - 9;

	/* An exact-size copy, so that reads past the payload are seen. */
	if ((copy = malloc(n + 1)) == NULL)
		abort();
	memcpy(copy, data + 9, n);
	p = copy;

	switch (data[0] % SEL_COUNT) {
	case SEL_VALUES:
		values(p, n, caps);
		break;
	case SEL_FRAME:
		frame(p, n, caps);
		break;
	case SEL_HANDSHAKE:
		handshake(p, n);
		break;
	case SEL_LOGIN:
		login(p, n, caps);
		break;
	case SEL_SSL_REQUEST:
		ssl_request(p, n, caps);
		break;
	case SEL_AUTH_SWITCH:
		auth_switch(p, n);
		break;
	case SEL_AUTH_REPLY:
		auth_reply(p, n);
		break;
	case SEL_OK:
		ok_packet(p, n, caps);
		break;
	case SEL_ERR:
		err_packet(p, n, caps);
		break;
	case SEL_EOF:
		eof_packet(p, n, caps);
		break;
	case SEL_COLUMN:
		column(p, n, caps);
		break;
	case SEL_COLUMN_COUNT:
		column_count(p, n, caps);
		break;
	case SEL_ROW:
		row(p, n, caps);
		break;
	default:
		rsa(p, n);
		break;
	}
	free(copy);
	return 0;
}
