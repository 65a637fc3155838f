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
 * The configuration parser and the credentials reader.  A table holds
 * one bad snippet for each error the parser can report; fixtures under
 * regress/unit/conf hold good configurations with their canonical output
 * (*.out) and bad ones with the complete list of errors (*.err).  Tests
 * run from the top of the tree.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "common/error.h"
#include "policy/conf.h"
#include "regress/unit/unit.h"

#define FIXTURES   "regress/unit/conf"
#define MAX_ERRORS 64

/* As in policy/parse.y, when the Makefile does not set them. */
#ifndef GW_LOGDIR
#define GW_LOGDIR "/var/log/gatewayd"
#endif
#ifndef GW_STATEDIR
#define GW_STATEDIR "/var/lib/gatewayd"
#endif
#ifndef GW_EMPTYDIR
#define GW_EMPTYDIR "/var/empty"
#endif
#ifndef GW_CTLSOCK
#define GW_CTLSOCK "/run/gatewayd.sock"
#endif

/* A minimal listener, appended to snippets that do not test listeners. */
#define LISTENER "listen on socket \"/run/gw.sock\" plaintext allowed\n"

struct errors {
	char *e_msg[MAX_ERRORS];
	int e_count;
};

static void
errors_add(void *arg, const char *msg)
{
	struct errors *e = arg;

	if (e->e_count < MAX_ERRORS)
		ck_assert_ptr_nonnull(e->e_msg[e->e_count++] = strdup(msg));
}

static void
errors_clear(struct errors *e)
{
	int i;

	for (i = 0; i < e->e_count; i++)
		free(e->e_msg[i]);
	e->e_count = 0;
}

static int
errors_have(const struct errors *e, const char *want)
{
	int i;

	for (i = 0; i < e->e_count; i++)
		if (strstr(e->e_msg[i], want) != NULL)
			return 1;
	return 0;
}

static struct conf *
parse_text(const char *text, struct errors *e)
{
	return conf_parse_buffer("t.conf", text, strlen(text), errors_add, e);
}

/* The whole of a file, NUL-terminated. */
static char *
slurp(const char *path, size_t *lenp)
{
	char *buf;
	FILE *f;
	long n;

	ck_assert_msg(
	    (f = fopen(path, "r")) != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	ck_assert_int_ge(n = ftell(f), 0);
	rewind(f);
	ck_assert_ptr_nonnull(buf = malloc(n + 1));
	ck_assert_uint_eq(fread(buf, 1, n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = n;
	return buf;
}

static char *
print_conf(const struct conf *cf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	conf_print(f, cf);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

/*
 * The table of bad snippets in FIXTURES/errors.txt: every error message
 * of the parser, once.  Each case is parsed on its own.
 */
START_TEST(test_error_table)
{
	struct errors e = {.e_count = 0};
	char *table, *line, *next, *want = NULL, *text = NULL;
	size_t len = 0, cases = 0, n;
	int listener = 0, blank = 0;
	FILE *f = NULL;
	struct conf *cf;

	table = slurp(FIXTURES "/errors.txt", NULL);
	for (line = table; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (f != NULL &&
		    (next == NULL || strncmp(line, "===", 3) == 0 ||
			strncmp(line, "=!=", 3) == 0)) {
			/* The case so far is complete. */
			if (listener)
				fputs(LISTENER, f);
			ck_assert_int_eq(fclose(f), 0);
			f = NULL;
			cf = parse_text(text, &e);
			ck_assert_msg(cf == NULL, "accepted:\n%s", text);
			ck_assert_msg(errors_have(&e, want),
			    "want \"%s\", got \"%s\"", want,
			    e.e_count > 0 ? e.e_msg[0] : "(nothing)");
			errors_clear(&e);
			free(text);
			cases++;
		}
		if (strncmp(line, "===", 3) == 0 ||
		    strncmp(line, "=!=", 3) == 0) {
			listener = line[1] == '=';
			want = line + 4;
			blank = 0;
			ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
		} else if (f != NULL && (n = strlen(line)) == 0)
			blank++;
		else if (f != NULL) {
			/* Blank lines count, except at the end of a case. */
			for (; blank > 0; blank--)
				fputc('\n', f);
			ck_assert_uint_eq(fwrite(line, 1, n, f), n);
			fputc('\n', f);
		}
	}
	ck_assert_ptr_null(f);
	ck_assert_uint_ge(cases, 90);
	free(table);
}
END_TEST

START_TEST(test_bytes)
{
	static const char text[] = "user \"a\0b\"\n\0\0\0\n"
				   "broker user \"a\x7f\"\n"
				   "max sessions 5 \x01\x02\n" LISTENER;
	struct errors e = {.e_count = 0};

	ck_assert_ptr_null(conf_parse_buffer(
	    "t.conf", text, sizeof(text) - 1, errors_add, &e));
	ck_assert(
	    errors_have(&e, "t.conf:1: control character 0x00 in string"));
	ck_assert(errors_have(&e, "t.conf:2: unexpected byte 0x00"));
	ck_assert(
	    errors_have(&e, "t.conf:3: control character 0x7f in string"));
	ck_assert(errors_have(&e, "t.conf:4: unexpected byte 0x01"));
	ck_assert_int_eq(e.e_count, 4);
	errors_clear(&e);

	/* Without a callback nothing is reported, and nothing breaks. */
	ck_assert_ptr_null(
	    conf_parse_buffer(NULL, text, sizeof(text) - 1, NULL, NULL));
}
END_TEST

START_TEST(test_long_tokens)
{
	struct errors e = {.e_count = 0};
	char text[3000];

	/* A 1024-byte string is fine, 1025 is not. */
	memset(text, 'x', sizeof(text));
	memcpy(text, "user \"", 6);
	memcpy(text + 6 + 1024, "\"\n" LISTENER, sizeof("\"\n" LISTENER));
	{
		struct conf *cf = parse_text(text, &e);

		ck_assert_ptr_nonnull(cf);
		ck_assert_uint_eq(strlen(cf->cf_user), 1024);
		conf_free(cf);
	}

	memset(text, 'x', sizeof(text));
	memcpy(text, "user \"", 6);
	memcpy(text + 6 + 1025, "\"\n", 3);
	ck_assert_ptr_null(parse_text(text, &e));
	ck_assert(errors_have(&e, "t.conf:1: string longer than 1024 bytes"));
	errors_clear(&e);

	memset(text, 'x', sizeof(text));
	memcpy(text + 2000, "\n", 2);
	ck_assert_ptr_null(parse_text(text, &e));
	ck_assert(errors_have(&e, "t.conf:1: word longer than 1024 bytes"));
	errors_clear(&e);
}
END_TEST

START_TEST(test_too_large)
{
	struct errors e = {.e_count = 0};
	char *buf;

	ck_assert_ptr_nonnull(buf = malloc(CONF_FILE_MAX + 1));
	memset(buf, '\n', CONF_FILE_MAX + 1);
	ck_assert_ptr_null(conf_parse_buffer(
	    "t.conf", buf, CONF_FILE_MAX + 1, errors_add, &e));
	ck_assert_int_eq(e.e_count, 1);
	ck_assert_str_eq(
	    e.e_msg[0], "t.conf:1: file is larger than 1048576 bytes");
	errors_clear(&e);
	free(buf);
}
END_TEST

START_TEST(test_parse_file_errors)
{
	struct errors e = {.e_count = 0};

	ck_assert_ptr_null(
	    conf_parse_file(FIXTURES "/missing.conf", errors_add, &e));
	ck_assert_int_eq(e.e_count, 1);
	ck_assert_str_eq(
	    e.e_msg[0], FIXTURES "/missing.conf: No such file or directory");
	errors_clear(&e);

	ck_assert_ptr_null(conf_parse_file(FIXTURES, errors_add, &e));
	ck_assert_str_eq(e.e_msg[0], FIXTURES ": not a regular file");
	errors_clear(&e);
}
END_TEST

/* Bad fixtures: all errors, in order, in one run. */
static const char *const bad_files[] = {"bad-many", "bad-syntax"};

START_TEST(test_bad_files)
{
	struct errors e = {.e_count = 0};
	char path[256], name[64], *text, *want, *line, *next;
	size_t len;
	int i = 0;

	snprintf(name, sizeof(name), "%s.conf", bad_files[_i]);
	snprintf(path, sizeof(path), FIXTURES "/%s.conf", bad_files[_i]);
	text = slurp(path, &len);
	snprintf(path, sizeof(path), FIXTURES "/%s.err", bad_files[_i]);
	want = slurp(path, NULL);

	ck_assert_ptr_null(conf_parse_buffer(name, text, len, errors_add, &e));
	for (line = want; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		ck_assert_ptr_nonnull(next);
		*next++ = '\0';
		ck_assert_int_lt(i, e.e_count);
		ck_assert_str_eq(e.e_msg[i], line);
		i++;
	}
	ck_assert_int_eq(i, e.e_count);
	ck_assert_int_ge(i, 5);
	errors_clear(&e);
	free(text);
	free(want);
}
END_TEST

/* Good fixtures: golden canonical output, and it parses back the same. */
static const char *const good_files[] = {"good-design", "good-full"};

START_TEST(test_good_files)
{
	struct errors e = {.e_count = 0};
	struct conf *cf, *again;
	char path[256], *text, *want, *out, *out2;
	size_t len;

	snprintf(path, sizeof(path), FIXTURES "/%s.conf", good_files[_i]);
	text = slurp(path, &len);
	snprintf(path, sizeof(path), FIXTURES "/%s.out", good_files[_i]);
	want = slurp(path, NULL);

	cf = conf_parse_buffer(path, text, len, errors_add, &e);
	ck_assert_msg(cf != NULL, "%s", e.e_count > 0 ? e.e_msg[0] : "?");
	out = print_conf(cf);
	ck_assert_str_eq(out, want);

	again = conf_parse_buffer("printed", out, strlen(out), errors_add, &e);
	ck_assert_msg(again != NULL, "%s", e.e_count > 0 ? e.e_msg[0] : "?");
	out2 = print_conf(again);
	ck_assert_str_eq(out2, out);

	conf_free(cf);
	conf_free(again);
	free(text);
	free(want);
	free(out);
	free(out2);
}
END_TEST

START_TEST(test_defaults)
{
	struct errors e = {.e_count = 0};
	const struct conf_listen *l;
	struct conf *cf;

	cf = parse_text(
	    "# nothing but a listener\n"
	    "listen on 127.0.0.1 tls { certificate \"/c\" key \"/k\" }",
	    &e);
	ck_assert_ptr_nonnull(cf);
	ck_assert_str_eq(cf->cf_user, CONF_DEF_USER);
	ck_assert_str_eq(cf->cf_broker_user, CONF_DEF_BROKER_USER);
	ck_assert_str_eq(cf->cf_log_dir, GW_LOGDIR);
	ck_assert_str_eq(cf->cf_state_dir, GW_STATEDIR);
	ck_assert_str_eq(cf->cf_control_socket, GW_CTLSOCK);
	ck_assert_str_eq(cf->cf_chroot, GW_EMPTYDIR);
	ck_assert_int_eq(cf->cf_max_sessions, CONF_DEF_MAX_SESSIONS);
	ck_assert_int_eq(cf->cf_max_per_source, CONF_DEF_MAX_PER_SOURCE);
	ck_assert_int_eq(cf->cf_accept_rate, CONF_DEF_ACCEPT_RATE);
	ck_assert_int_eq(cf->cf_handshake_timeout, CONF_DEF_HANDSHAKE_TIMEOUT);
	ck_assert_int_eq(cf->cf_idle_timeout, CONF_DEF_IDLE_TIMEOUT);
	ck_assert_int_eq(cf->cf_drain_timeout, CONF_DEF_DRAIN_TIMEOUT);
	ck_assert_uint_eq(cf->cf_max_packet, CONF_DEF_MAX_PACKET);
	ck_assert_int_eq(cf->cf_broker_restart, 0);

	l = TAILQ_FIRST(&cf->cf_listens);
	ck_assert_int_eq(l->l_kind, CONF_LISTEN_INET);
	ck_assert_str_eq(l->l_addr, "127.0.0.1");
	ck_assert_int_eq(l->l_port, CONF_DEF_PORT);
	ck_assert_str_eq(l->l_name, "127.0.0.1:3307");
	ck_assert_int_eq(l->l_tls, 1);
	ck_assert_str_eq(l->l_cert, "/c");
	ck_assert_str_eq(l->l_key, "/k");
	ck_assert_ptr_null(TAILQ_NEXT(l, l_entry));
	ck_assert_int_eq(e.e_count, 0);
	conf_free(cf);
}
END_TEST

START_TEST(test_model)
{
	struct errors e = {.e_count = 0};
	const struct conf_connection *cn;
	const struct conf_identity *id;
	const struct conf_grant *gr;
	const struct conf_rule *ru;
	const struct conf_rule_item *ri;
	const struct conf_mask *mk;
	struct conf *cf;
	char *text;
	size_t len;

	text = slurp(FIXTURES "/good-design.conf", &len);
	ck_assert_ptr_nonnull(
	    cf = conf_parse_buffer("d", text, len, errors_add, &e));

	id = TAILQ_FIRST(&cf->cf_identities);
	ck_assert_int_eq(id->id_jwks_kind, CONF_JWKS_URI);
	ck_assert_uint_eq(id->id_algs, CONF_ALG_RS256 | CONF_ALG_ES256);
	ck_assert_int_eq(id->id_clock_skew, 60);
	ck_assert_int_eq(id->id_refresh, CONF_DEF_REFRESH);

	ck_assert_ptr_null(conf_connection_find(cf, "nope"));
	ck_assert_ptr_nonnull(cn = conf_connection_find(cf, "shop"));
	ck_assert_str_eq(cn->cn_host, "127.0.0.1");
	ck_assert_int_eq(cn->cn_port, 3306);
	ck_assert_ptr_null(cn->cn_socket);
	ck_assert_ptr_null(cn->cn_identity);
	ck_assert_int_eq(cn->cn_derived, CONF_DERIVED_REFUSE);

	gr = TAILQ_LAST(&cn->cn_grants, conf_grants);
	ck_assert_str_eq(gr->gr_name, "orders");
	ck_assert_uint_eq(TAILQ_FIRST(&gr->gr_privs)->pv_privs,
	    CONF_PRIV_SELECT | CONF_PRIV_INSERT | CONF_PRIV_UPDATE |
		CONF_PRIV_DELETE);
	ck_assert_int_eq(gr->gr_approval, 1);
	ck_assert_str_eq(gr->gr_approval_group, "dba");
	ck_assert_int_eq(gr->gr_approval_wait, 300);
	ck_assert_int_eq(gr->gr_max, 1800);
	ck_assert_int_eq(gr->gr_connections, CONF_DEF_GRANT_CONNECTIONS);
	gr = TAILQ_FIRST(&cn->cn_grants);
	ck_assert_int_eq(gr->gr_approval, 0);
	ck_assert_ptr_null(gr->gr_approval_group);

	/* The third rule: delete without where, update without where. */
	ru = TAILQ_FIRST(&cn->cn_rules);
	ru = TAILQ_NEXT(TAILQ_NEXT(ru, ru_entry), ru_entry);
	ck_assert_int_eq(ru->ru_action, CONF_RULE_BLOCK);
	ri = TAILQ_FIRST(&ru->ru_items);
	ck_assert_str_eq(ri->ri_what, "delete");
	ck_assert_uint_eq(ri->ri_facts, CONF_FACT_WITHOUT_WHERE);
	ck_assert_ptr_null(ri->ri_table);
	ru = TAILQ_LAST(&cn->cn_rules, conf_rules);
	ck_assert_int_eq(ru->ru_action, CONF_RULE_REVIEW);
	ck_assert_str_eq(ru->ru_group, "dba");
	ck_assert_int_eq(ru->ru_wait, 120);

	mk = TAILQ_NEXT(
	    TAILQ_NEXT(TAILQ_FIRST(&cn->cn_masks), mk_entry), mk_entry);
	ck_assert_int_eq(mk->mk_method, CONF_MASK_PARTIAL);
	ck_assert_int_eq(mk->mk_first, 0);
	ck_assert_int_eq(mk->mk_last, 4);

	conf_free(cf);
	free(text);
}
END_TEST

START_TEST(test_lexical)
{
	struct errors e = {.e_count = 0};
	struct conf *cf;

	/* Comments, blank lines, CRLF, escapes, no final newline. */
	cf = parse_text("\r\n"
			"  # comment \"not a string\n"
			"user \"a\\\"b\\\\c\" # trailing comment\r\n"
			"\n"
			"\n"
			"listen on socket \"/s\" plaintext allowed",
	    &e);
	ck_assert_ptr_nonnull(cf);
	ck_assert_str_eq(cf->cf_user, "a\"b\\c");
	conf_free(cf);

	/* Rule kinds: any case, any spacing. */
	cf = parse_text("connection \"c\" {\n"
			"\tserver \"h\"\n"
			"\tadmin credentials \"/c\"\n"
			"\tblock \"  LOAD \t data \", GRANT, Set_Global\n"
			"}\n" LISTENER,
	    &e);
	ck_assert_ptr_null(cf);
	ck_assert(
	    errors_have(&e, "t.conf:4: unknown statement kind \"set_global\""));
	ck_assert_int_eq(e.e_count, 1);
	errors_clear(&e);
}
END_TEST

START_TEST(test_names)
{
	uint32_t bit;
	int n;

	ck_assert_str_eq(conf_alg_name(CONF_ALG_RS256), "RS256");
	ck_assert_str_eq(conf_alg_name(CONF_ALG_ES512), "ES512");
	ck_assert_str_eq(conf_alg_name(CONF_ALG_DEFAULT), "unknown");
	ck_assert_str_eq(conf_alg_name(0), "unknown");
	ck_assert_str_eq(conf_priv_name(CONF_PRIV_SHOW_VIEW), "show view");
	ck_assert_str_eq(conf_priv_name(CONF_PRIV_DROP), "drop");
	ck_assert_str_eq(conf_priv_name(CONF_PRIV_DROP << 1), "unknown");
	ck_assert_str_eq(conf_mask_method_name(CONF_MASK_REDACT), "redact");
	ck_assert_str_eq(conf_mask_method_name(CONF_MASK_FIXED), "fixed");
	ck_assert_str_eq(
	    conf_mask_method_name((enum conf_mask_method)99), "unknown");

	for (n = 0, bit = 1; bit != 0; bit <<= 1)
		n += strcmp(conf_alg_name(bit), "unknown") != 0;
	ck_assert_int_eq(n, 9);
	for (n = 0, bit = 1; bit != 0; bit <<= 1)
		n += strcmp(conf_priv_name(bit), "unknown") != 0;
	ck_assert_int_eq(n, 12);
}
END_TEST

/*
 * Credentials.
 */

static int
creds(const char *text, struct conf_creds *cc, char *err, size_t errlen)
{
	return conf_creds_parse(text, strlen(text), cc, err, errlen);
}

START_TEST(test_creds_good)
{
	struct conf_creds cc;
	char err[256];

	ck_assert_int_eq(creds("[client]\nuser = gw\npassword = s3cret\n", &cc,
			     err, sizeof(err)),
	    GW_OK);
	ck_assert_str_eq(cc.cc_user, "gw");
	ck_assert_str_eq(cc.cc_password, "s3cret");

	/* Other sections and options are skipped; the last value wins. */
	ck_assert_int_eq(creds("# admin\n"
			       "; also a comment\n"
			       "[mysqld]\n"
			       "user = mysql\n"
			       "[ client ]\n"
			       "host=db\n"
			       "user=first\n"
			       "user=gwadmin\r\n"
			       "password=pw\n"
			       "skip-ssl\n"
			       "[mysqldump]\n"
			       "password = other",
			     &cc, err, sizeof(err)),
	    GW_OK);
	ck_assert_str_eq(cc.cc_user, "gwadmin");
	ck_assert_str_eq(cc.cc_password, "pw");

	/* An empty password is a password. */
	ck_assert_int_eq(
	    creds("[client]\nuser=u\npassword=\n", &cc, err, sizeof(err)),
	    GW_OK);
	ck_assert_str_eq(cc.cc_password, "");
}
END_TEST

START_TEST(test_creds_quotes)
{
	struct conf_creds cc;
	char err[256];

	ck_assert_int_eq(creds("[client]\n"
			       "user = \"gw admin\"\n"
			       "password = \"a b#c\"  # comment\n",
			     &cc, err, sizeof(err)),
	    GW_OK);
	ck_assert_str_eq(cc.cc_user, "gw admin");
	ck_assert_str_eq(cc.cc_password, "a b#c");

	ck_assert_int_eq(creds("[client]\nuser='u'\npassword='it\\'s \"x\"'\n",
			     &cc, err, sizeof(err)),
	    GW_OK);
	ck_assert_str_eq(cc.cc_password, "it's \"x\"");

	/* Unquoted: '#' starts a comment, escapes still apply. */
	ck_assert_int_eq(
	    creds("[client]\nuser=u\npassword = ab\\scd\\\\e # note\n", &cc,
		err, sizeof(err)),
	    GW_OK);
	ck_assert_str_eq(cc.cc_password, "ab cd\\e");

	ck_assert_int_eq(
	    creds("[client]\nuser=u\npassword=\\q\\t\n", &cc, err, sizeof(err)),
	    GW_OK);
	ck_assert_str_eq(cc.cc_password, "\\q\t");

	ck_assert_int_eq(creds("[client]\nuser=u\npassword=\"secret\n", &cc,
			     err, sizeof(err)),
	    GW_EINVAL);
	ck_assert_str_eq(err, "line 3: unterminated quote in password");
	ck_assert_str_eq(cc.cc_password, "");

	ck_assert_int_eq(creds("[client]\nuser=u\npassword=\"secret\" x\n", &cc,
			     err, sizeof(err)),
	    GW_EINVAL);
	ck_assert_ptr_null(strstr(err, "secret"));
}
END_TEST

START_TEST(test_creds_bad)
{
	static const char nul[] = "[client]\nuser=a\0b\npassword=x\n";
	struct conf_creds cc;
	char err[256];

	ck_assert_int_eq(
	    creds("[client]\nuser = gw\n", &cc, err, sizeof(err)), GW_EINVAL);
	ck_assert_str_eq(err, "no password in the [client] section");

	ck_assert_int_eq(
	    creds("[client]\npassword = hunter2\n", &cc, err, sizeof(err)),
	    GW_EINVAL);
	ck_assert_str_eq(err, "no user in the [client] section");
	ck_assert_str_eq(cc.cc_password, "");

	ck_assert_int_eq(creds("[mysqld]\nuser = gw\npassword = hunter2\n", &cc,
			     err, sizeof(err)),
	    GW_EINVAL);
	ck_assert_str_eq(err, "no user in the [client] section");

	ck_assert_int_eq(creds("[client\nuser = gw\npassword = hunter2\n", &cc,
			     err, sizeof(err)),
	    GW_EINVAL);
	ck_assert_str_eq(err, "line 1: malformed section header");

	ck_assert_int_eq(
	    creds("user = gw\n[client]\n", &cc, err, sizeof(err)), GW_EINVAL);
	ck_assert_str_eq(err, "line 1: option outside a section");

	ck_assert_int_eq(
	    creds("[client]\n!include /etc/other.cnf\n", &cc, err, sizeof(err)),
	    GW_EINVAL);
	ck_assert_str_eq(err, "line 2: include directives are not supported");

	ck_assert_int_eq(
	    conf_creds_parse(nul, sizeof(nul) - 1, &cc, err, sizeof(err)),
	    GW_ENUL);
	ck_assert_str_eq(err, "the file holds a NUL byte");

	ck_assert_int_eq(creds("", &cc, NULL, 0), GW_EINVAL);
}
END_TEST

START_TEST(test_creds_too_long)
{
	struct conf_creds cc;
	char text[4096], err[256];

	/* 127 bytes of user fit, 128 do not. */
	memset(text, 0, sizeof(text));
	strcpy(text, "[client]\npassword=x\nuser=");
	memset(text + strlen(text), 'u', 127);
	ck_assert_int_eq(creds(text, &cc, err, sizeof(err)), GW_OK);
	ck_assert_uint_eq(strlen(cc.cc_user), 127);
	strcat(text, "u");
	ck_assert_int_eq(creds(text, &cc, err, sizeof(err)), GW_ETOOLONG);
	ck_assert_str_eq(err, "line 3: user is longer than 127 bytes");

	memset(text, 0, sizeof(text));
	strcpy(text, "[client]\nuser=u\npassword=");
	memset(text + strlen(text), 'p', 1023);
	ck_assert_int_eq(creds(text, &cc, err, sizeof(err)), GW_OK);
	ck_assert_uint_eq(strlen(cc.cc_password), 1023);
	strcat(text, "p");
	ck_assert_int_eq(creds(text, &cc, err, sizeof(err)), GW_ETOOLONG);
	ck_assert_str_eq(err, "line 3: password is longer than 1023 bytes");
	ck_assert_str_eq(cc.cc_password, "");
}
END_TEST

static char *
creds_file(const char *text, mode_t mode)
{
	char *path;
	int fd;

	ck_assert_ptr_nonnull(path = strdup("/tmp/test_conf.XXXXXX"));
	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

START_TEST(test_creds_read)
{
	static const char good[] = "[client]\nuser=gw\npassword=hunter2\n";
	struct conf_creds cc;
	char err[512], want[512], link[64], *path;

	path = creds_file(good, 0644);
	ck_assert_int_eq(
	    conf_creds_read(path, &cc, err, sizeof(err)), GW_EPERM);
	snprintf(want, sizeof(want),
	    "%s: group or others can read it; chmod 600", path);
	ck_assert_str_eq(err, want);
	ck_assert_str_eq(cc.cc_password, "");

	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(
	    conf_creds_read(path, &cc, err, sizeof(err)), GW_EPERM);

	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(conf_creds_read(path, &cc, err, sizeof(err)), GW_OK);
	ck_assert_str_eq(cc.cc_user, "gw");
	ck_assert_str_eq(cc.cc_password, "hunter2");

	/* Symbolic links are not followed. */
	snprintf(link, sizeof(link), "%s.link", path);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(conf_creds_read(link, &cc, err, sizeof(err)), GW_ESYS);
	unlink(link);
	unlink(path);
	free(path);

	ck_assert_int_eq(
	    conf_creds_read("/nonexistent/x.cnf", &cc, err, sizeof(err)),
	    GW_ESYS);
	ck_assert_str_eq(err, "/nonexistent/x.cnf: No such file or directory");
	ck_assert_int_eq(
	    conf_creds_read("/", &cc, err, sizeof(err)), GW_EINVAL);
	ck_assert_str_eq(err, "/: not a regular file");

	/* Parse errors name the file. */
	path = creds_file("[client]\nuser=gw\n", 0600);
	ck_assert_int_eq(
	    conf_creds_read(path, &cc, err, sizeof(err)), GW_EINVAL);
	snprintf(want, sizeof(want), "%s: no password in the [client] section",
	    path);
	ck_assert_str_eq(err, want);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_creds_read_large)
{
	struct conf_creds cc;
	char err[512], *text, *path;

	ck_assert_ptr_nonnull(text = malloc(64 * 1024 + 2));
	memset(text, '#', 64 * 1024 + 1);
	text[64 * 1024 + 1] = '\0';
	path = creds_file(text, 0600);
	ck_assert_int_eq(
	    conf_creds_read(path, &cc, err, sizeof(err)), GW_ETOOLONG);
	unlink(path);
	free(path);
	free(text);
}
END_TEST

static Suite *
suite_conf(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, test_error_table);
	tcase_add_test(tc, test_long_tokens);
	tcase_add_test(tc, test_bytes);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_parse_file_errors);
	tcase_add_loop_test(
	    tc, test_bad_files, 0, sizeof(bad_files) / sizeof(bad_files[0]));
	tcase_add_loop_test(
	    tc, test_good_files, 0, sizeof(good_files) / sizeof(good_files[0]));
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_model);
	tcase_add_test(tc, test_lexical);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("creds");
	tcase_add_test(tc, test_creds_good);
	tcase_add_test(tc, test_creds_quotes);
	tcase_add_test(tc, test_creds_bad);
	tcase_add_test(tc, test_creds_too_long);
	tcase_add_test(tc, test_creds_read);
	tcase_add_test(tc, test_creds_read_large);
	suite_add_tcase(s, tc);

	return s;
}

UNIT_MAIN(suite_conf)
