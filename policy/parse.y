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
 * The grammar of gatewayd.conf(5) and its lexer.  conf_parse_buffer()
 * turns the text into a struct conf.  Every syntax and semantic error goes
 * to the caller's callback as "file:line: message" and the parse carries
 * on, so one run shows them all.
 *
 * Each block object is linked into the configuration as soon as its
 * opening line is read and the statements inside fill in the "current"
 * object.  Semantic values are only numbers and strings, so error recovery
 * has nothing to free but strings (see %destructor), and whatever was built
 * before an error is freed by conf_free().  Helpers that take a string
 * take ownership of it, also when they fail.
 */

%{
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/file.h"
#include "policy/conf.h"

/* The Makefile sets these from its installation directories. */
#ifndef GW_LOGDIR
#define GW_LOGDIR	"/var/log/gatewayd"
#endif
#ifndef GW_STATEDIR
#define GW_STATEDIR	"/var/lib/gatewayd"
#endif
#ifndef GW_EMPTYDIR
#define GW_EMPTYDIR	"/var/empty"
#endif
#ifndef GW_CTLSOCK
#define GW_CTLSOCK	"/run/gatewayd.sock"
#endif

#define STRING_MAX	1024		/* bytes in a string or a word */
#define NAME_MAX_LEN	64		/* bytes in an object name */
#define SKEW_MAX	600		/* clock skew, seconds */
#define REFRESH_MIN	60		/* key refresh interval, seconds */
#define KEEP_MAX	64		/* partial mask: kept characters */

struct parser {
	const char *p_name;		/* file name in messages */
	const char *p_buf;
	size_t p_len;
	size_t p_pos;
	int p_line;
	int p_nl;			/* last token was a newline */
	int p_eof;			/* the final newline was returned */
	int p_errors;
	int p_oom;			/* out of memory: stop talking */
	conf_error_fn *p_errfn;
	void *p_arg;
	struct conf *p_conf;

	/* The objects that statements fill in now. */
	struct conf_listen *p_listen;
	struct conf_identity *p_identity;
	int p_jwks;			/* p_identity has its jwks */
	struct conf_approver *p_approver;
	struct conf_connection *p_conn;
	int p_derived;			/* p_conn has "mask derived" */
	struct conf_grant *p_grant;
	struct conf_rule *p_rule;
	struct conf_mask *p_mask;
	struct conf_strings *p_groups;	/* where group names go */

	char p_tok[STRING_MAX + 1];
};

/* The parser's own entry points carry the conf_yy prefix. */
union CONF_YYSTYPE;

static int	 conf_yylex(union CONF_YYSTYPE *, struct parser *);
static void	 conf_yyerror(struct parser *, const char *);
static void	 conf_err(struct parser *, int, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
static void	 conf_oom(struct parser *);

static int	 set_str(struct parser *, char **, char *, const char *);
static int	 set_path(struct parser *, char **, char *, const char *);
static int	 set_sock(struct parser *, char **, char *, const char *);
static void	 set_int(struct parser *, int *, int64_t, int64_t, int64_t,
		    const char *);
static void	 set_dur(struct parser *, int *, int64_t, int, int,
		    const char *);
static void	 set_packet(struct parser *, int64_t);
static int64_t	 duration_num(struct parser *, int64_t);
static int64_t	 duration_word(struct parser *, char *);
static int64_t	 size_word(struct parser *, char *);

static int	 listen_inet(struct parser *, char *, int64_t);
static int	 listen_unix(struct parser *, char *);
static void	 listen_dup(struct parser *, struct conf_listen *);
static void	 listen_check(struct parser *);
static int	 identity_new(struct parser *, char *);
static void	 identity_jwks(struct parser *, enum conf_jwks_kind, char *);
static void	 identity_algs(struct parser *, int64_t);
static void	 identity_check(struct parser *);
static int64_t	 alg_lookup(struct parser *, char *);
static int	 approver_new(struct parser *, char *, int64_t);
static void	 approver_check(struct parser *);
static int	 group_add(struct parser *, char *);
static int	 conn_new(struct parser *, char *);
static void	 conn_server(struct parser *, char *, int64_t);
static void	 conn_socket(struct parser *, char *);
static void	 conn_identity(struct parser *, char *);
static void	 conn_derived(struct parser *, enum conf_derived);
static void	 conn_check(struct parser *);
static int	 grant_new(struct parser *, char *);
static int	 grant_priv(struct parser *, int64_t, char *);
static int	 grant_deny(struct parser *, char *);
static void	 grant_approval(struct parser *, char *, int64_t);
static void	 grant_check(struct parser *);
static int64_t	 priv_lookup(struct parser *, char *);
static int	 rule_new(struct parser *, enum conf_rule_action);
static int	 rule_item(struct parser *, char *, int64_t, char *);
static void	 rule_review(struct parser *, char *, int64_t);
static int	 mask_new(struct parser *, char *);
static void	 mask_method(struct parser *, enum conf_mask_method);
static void	 mask_fixed(struct parser *, char *);
%}

%define api.prefix {conf_yy}
%define api.pure full
%define parse.error verbose
%parse-param { struct parser *p }
%lex-param { struct parser *p }

%union {
	int64_t number;
	char *string;
}

%token ACCEPT "accept" ADMIN "admin" ALGORITHMS "algorithms"
%token ALLOWED "allowed" APPROVAL "approval" APPROVER "approver"
%token AUDIENCE "audience" BLOCK "block" BROKER "broker" BY "by"
%token CA "ca" CERTIFICATE "certificate" CHROOT "chroot" CLAIM "claim"
%token CLOCK "clock" COLUMN "column" CONNECTION "connection"
%token CONNECTIONS "connections" CONTROL "control"
%token CREDENTIALS "credentials" DENY "deny" DERIVED "derived"
%token DIRECTORY "directory" DISCOVERY "discovery" DRAIN "drain"
%token EMAIL "email" FILENAME "file" FIRST "first" FIXED "fixed"
%token GRANT "grant" GROUP "group" GROUPS "groups"
%token HANDSHAKE "handshake" HASH "hash" IDENTITY "identity" IDLE "idle"
%token ISSUER "issuer" JWKS "jwks" KEY "key" LAST "last" LIMIT "limit"
%token LISTEN "listen" LOG "log" MASK "mask" MAX "max" NO "no"
%token NULLVALUE "null" ON "on" PACKET "packet" PARTIAL "partial"
%token PER "per" PLAINTEXT "plaintext" PORT "port" RATE "rate"
%token REDACT "redact" REFRESH "refresh" REFUSE "refuse"
%token RESTART "restart" REVIEW "review" SERVER "server"
%token SESSIONS "sessions" SKEW "skew" SOCKET "socket" SOURCE "source"
%token STATE "state" SUBJECT "subject" TIMEOUT "timeout" TLS "tls"
%token TO "to" UID "uid" URI "uri" USER "user" WAIT "wait"
%token WHERE "where" WITHOUT "without" YES "yes"
%token NL "end of line"
%token <string> STRING "string"
%token <string> WORD "word"
%token <number> NUMBER "number"

%type <number> duration size yesno portopt waitopt facts privs priv
%type <number> algs alg
%type <string> address kind tableopt

%destructor { free($$); } <string>

%%

grammar		: /* empty */
		| grammar NL
		| grammar main NL
		| grammar error NL		{ yyerrok; }
		;

optnl		: /* empty */
		| optnl NL
		;

nl		: NL optnl
		;

optcomma	: /* empty */
		| ','
		;

main		: USER STRING {
			set_str(p, &p->p_conf->cf_user, $2, "user");
		}
		| BROKER USER STRING {
			set_str(p, &p->p_conf->cf_broker_user, $3,
			    "broker user");
		}
		| LOG DIRECTORY STRING {
			set_path(p, &p->p_conf->cf_log_dir, $3,
			    "log directory");
		}
		| STATE DIRECTORY STRING {
			set_path(p, &p->p_conf->cf_state_dir, $3,
			    "state directory");
		}
		| CONTROL SOCKET STRING {
			set_sock(p, &p->p_conf->cf_control_socket, $3,
			    "control socket");
		}
		| CHROOT STRING {
			set_path(p, &p->p_conf->cf_chroot, $2, "chroot");
		}
		| MAX SESSIONS NUMBER {
			set_int(p, &p->p_conf->cf_max_sessions, $3,
			    1, 65535, "max sessions");
		}
		| MAX SESSIONS PER SOURCE NUMBER {
			set_int(p, &p->p_conf->cf_max_per_source, $5,
			    1, 65535, "max sessions per source");
		}
		| ACCEPT RATE NUMBER {
			set_int(p, &p->p_conf->cf_accept_rate, $3,
			    1, 100000, "accept rate");
		}
		| HANDSHAKE TIMEOUT duration {
			set_dur(p, &p->p_conf->cf_handshake_timeout, $3,
			    1, INT_MAX, "handshake timeout");
		}
		| IDLE TIMEOUT duration {
			set_dur(p, &p->p_conf->cf_idle_timeout, $3,
			    1, INT_MAX, "idle timeout");
		}
		| DRAIN TIMEOUT duration {
			set_dur(p, &p->p_conf->cf_drain_timeout, $3,
			    1, INT_MAX, "drain timeout");
		}
		| MAX PACKET size {
			set_packet(p, $3);
		}
		| BROKER RESTART yesno {
			set_int(p, &p->p_conf->cf_broker_restart, $3,
			    0, 1, "broker restart");
		}
		| listen
		| identity
		| approver
		| connection
		;

yesno		: YES				{ $$ = 1; }
		| NO				{ $$ = 0; }
		;

duration	: NUMBER			{ $$ = duration_num(p, $1); }
		| WORD				{ $$ = duration_word(p, $1); }
		;

size		: NUMBER			{ $$ = $1; }
		| WORD				{ $$ = size_word(p, $1); }
		;

portopt		: /* empty */			{ $$ = 0; }
		| PORT NUMBER {
			if ($2 < 1 || $2 > 65535) {
				conf_err(p, p->p_line,
				    "port must be between 1 and 65535");
				$$ = -1;
			} else
				$$ = $2;
		}
		;

waitopt		: /* empty */			{ $$ = 0; }
		| WAIT duration			{ $$ = $2; }
		;

/* listen on ADDRESS [port N] tls { ... } and listen on socket "PATH" */
listen		: listenhead listensec		{ listen_check(p); }
		;

listenhead	: LISTEN ON address portopt {
			if (listen_inet(p, $3, $4) == -1)
				YYABORT;
		}
		| LISTEN ON SOCKET STRING {
			if (listen_unix(p, $4) == -1)
				YYABORT;
		}
		;

address		: STRING
		| WORD
		;

listensec	: /* empty */
		| TLS '{' optnl tlsopts '}'	{ p->p_listen->l_tls = 1; }
		| PLAINTEXT ALLOWED {
			p->p_listen->l_plaintext = 1;
		}
		;

tlsopts		: /* empty */
		| tlsopts tlsopt optnl
		;

tlsopt		: CERTIFICATE STRING {
			set_path(p, &p->p_listen->l_cert, $2, "certificate");
		}
		| KEY STRING {
			set_path(p, &p->p_listen->l_key, $2, "key");
		}
		;

/*
 * identity "NAME" { ... }.  Each block opens with a "head" rule, so the
 * name is off the stack before the block's statements are parsed.
 */
identity	: idhead '{' optnl idstmts '}'	{ identity_check(p); }
		;

idhead		: IDENTITY STRING {
			if (identity_new(p, $2) == -1)
				YYABORT;
		}
		;

idstmts		: /* empty */
		| idstmts idstmt nl
		| idstmts error nl		{ yyerrok; }
		;

idstmt		: ISSUER STRING {
			set_str(p, &p->p_identity->id_issuer, $2, "issuer");
		}
		| AUDIENCE STRING {
			set_str(p, &p->p_identity->id_audience, $2,
			    "audience");
		}
		| JWKS FILENAME STRING {
			identity_jwks(p, CONF_JWKS_FILE, $3);
		}
		| JWKS URI STRING {
			identity_jwks(p, CONF_JWKS_URI, $3);
		}
		| JWKS DISCOVERY {
			identity_jwks(p, CONF_JWKS_DISCOVERY, NULL);
		}
		| ALGORITHMS algs {
			identity_algs(p, $2);
		}
		| GROUPS CLAIM STRING {
			set_str(p, &p->p_identity->id_groups_claim, $3,
			    "groups claim");
		}
		| SUBJECT CLAIM STRING {
			set_str(p, &p->p_identity->id_subject_claim, $3,
			    "subject claim");
		}
		| CLOCK SKEW duration {
			set_dur(p, &p->p_identity->id_clock_skew, $3,
			    1, SKEW_MAX, "clock skew");
		}
		| REFRESH duration {
			set_dur(p, &p->p_identity->id_refresh, $2,
			    REFRESH_MIN, INT_MAX, "refresh");
		}
		;

algs		: alg
		| algs ',' alg			{ $$ = $1 | $3; }
		;

alg		: STRING			{ $$ = alg_lookup(p, $1); }
		| WORD				{ $$ = alg_lookup(p, $1); }
		;

/* approver "NAME" uid N groups { "G" ... } */
approver	: approverhead GROUPS groupset	{ approver_check(p); }
		;

approverhead	: APPROVER STRING UID NUMBER {
			if (approver_new(p, $2, $4) == -1)
				YYABORT;
		}
		;

groupset	: '{' optnl groupitems '}'
		;

groupitems	: /* empty */
		| groupitems STRING optcomma optnl {
			if (group_add(p, $2) == -1)
				YYABORT;
		}
		;

/* connection "NAME" { ... } */
connection	: connhead '{' optnl connstmts '}'	{ conn_check(p); }
		;

connhead	: CONNECTION STRING {
			if (conn_new(p, $2) == -1)
				YYABORT;
		}
		;

connstmts	: /* empty */
		| connstmts connstmt nl
		| connstmts error nl		{ yyerrok; }
		;

connstmt	: SERVER STRING portopt		{ conn_server(p, $2, $3); }
		| SERVER SOCKET STRING		{ conn_socket(p, $3); }
		| ADMIN CREDENTIALS STRING {
			set_path(p, &p->p_conn->cn_credentials, $3,
			    "admin credentials");
		}
		| TLS CA STRING {
			set_path(p, &p->p_conn->cn_tls_ca, $3, "tls ca");
		}
		| IDENTITY STRING		{ conn_identity(p, $2); }
		| grant
		| blockhead ruleitems
		| reviewhead ruleitems BY GROUP STRING waitopt {
			rule_review(p, $5, $6);
		}
		| maskhead maskmethod
		| MASK DERIVED REFUSE {
			conn_derived(p, CONF_DERIVED_REFUSE);
		}
		| MASK DERIVED MASK {
			conn_derived(p, CONF_DERIVED_MASK);
		}
		;

/* grant "NAME" to group "G" { ... } */
grant		: granthead '{' optnl grantstmts '}' {
			grant_check(p);
		}
		;

granthead	: grantname TO grantto
		;

grantname	: GRANT STRING {
			if (grant_new(p, $2) == -1)
				YYABORT;
		}
		;

grantto		: GROUP STRING {
			if (group_add(p, $2) == -1)
				YYABORT;
		}
		| GROUPS groupset
		;

grantstmts	: /* empty */
		| grantstmts grantstmt nl
		| grantstmts error nl		{ yyerrok; }
		;

grantstmt	: privs ON STRING {
			if (grant_priv(p, $1, $3) == -1)
				YYABORT;
		}
		| DENY COLUMN STRING {
			if (grant_deny(p, $3) == -1)
				YYABORT;
		}
		| APPROVAL BY GROUP STRING waitopt {
			grant_approval(p, $4, $5);
		}
		| MAX duration {
			set_dur(p, &p->p_grant->gr_max, $2, 1, INT_MAX,
			    "max");
		}
		| CONNECTIONS NUMBER {
			set_int(p, &p->p_grant->gr_connections, $2, 1, 1000,
			    "connections");
		}
		;

privs		: priv
		| privs ',' priv		{ $$ = $1 | $3; }
		;

priv		: STRING			{ $$ = priv_lookup(p, $1); }
		| WORD				{ $$ = priv_lookup(p, $1); }
		;

/* block ITEM, ... and review ITEM, ... by group "G" [wait D] */
blockhead	: BLOCK {
			if (rule_new(p, CONF_RULE_BLOCK) == -1)
				YYABORT;
		}
		;

reviewhead	: REVIEW {
			if (rule_new(p, CONF_RULE_REVIEW) == -1)
				YYABORT;
		}
		;

ruleitems	: ruleitem
		| ruleitems ',' ruleitem
		;

ruleitem	: kind facts tableopt {
			if (rule_item(p, $1, $2, $3) == -1)
				YYABORT;
		}
		;

kind		: STRING
		| WORD
		| GRANT {
			if (($$ = strdup("grant")) == NULL) {
				conf_oom(p);
				YYABORT;
			}
		}
		;

facts		: /* empty */			{ $$ = 0; }
		| facts WITHOUT WHERE {
			$$ = $1 | CONF_FACT_WITHOUT_WHERE;
		}
		| facts WITHOUT LIMIT {
			$$ = $1 | CONF_FACT_WITHOUT_LIMIT;
		}
		;

tableopt	: /* empty */			{ $$ = NULL; }
		| ON STRING			{ $$ = $2; }
		;

/* mask "PATTERN" METHOD */
maskhead	: MASK STRING {
			if (mask_new(p, $2) == -1)
				YYABORT;
		}
		;

maskmethod	: REDACT		{ mask_method(p, CONF_MASK_REDACT); }
		| NULLVALUE		{ mask_method(p, CONF_MASK_NULL); }
		| PARTIAL keeps		{ mask_method(p, CONF_MASK_PARTIAL); }
		| PARTIAL {
			conf_err(p, p->p_line,
			    "partial needs \"first N\", \"last N\" or both");
		}
		| EMAIL			{ mask_method(p, CONF_MASK_EMAIL); }
		| HASH			{ mask_method(p, CONF_MASK_HASH); }
		| FIXED STRING		{ mask_fixed(p, $2); }
		;

keeps		: keep
		| keeps keep
		;

keep		: FIRST NUMBER {
			set_int(p, &p->p_mask->mk_first, $2, 0, KEEP_MAX,
			    "first");
		}
		| LAST NUMBER {
			set_int(p, &p->p_mask->mk_last, $2, 0, KEEP_MAX,
			    "last");
		}
		;

%%

/*
 * Keywords, sorted for bsearch().  They are case-sensitive; anything
 * that is not a keyword is a WORD or a NUMBER.
 */
struct keyword {
	const char *k_name;
	int k_token;
};

static const struct keyword keywords[] = {
	{ "accept",		ACCEPT },
	{ "admin",		ADMIN },
	{ "algorithms",		ALGORITHMS },
	{ "allowed",		ALLOWED },
	{ "approval",		APPROVAL },
	{ "approver",		APPROVER },
	{ "audience",		AUDIENCE },
	{ "block",		BLOCK },
	{ "broker",		BROKER },
	{ "by",			BY },
	{ "ca",			CA },
	{ "certificate",	CERTIFICATE },
	{ "chroot",		CHROOT },
	{ "claim",		CLAIM },
	{ "clock",		CLOCK },
	{ "column",		COLUMN },
	{ "connection",		CONNECTION },
	{ "connections",	CONNECTIONS },
	{ "control",		CONTROL },
	{ "credentials",	CREDENTIALS },
	{ "deny",		DENY },
	{ "derived",		DERIVED },
	{ "directory",		DIRECTORY },
	{ "discovery",		DISCOVERY },
	{ "drain",		DRAIN },
	{ "email",		EMAIL },
	{ "file",		FILENAME },
	{ "first",		FIRST },
	{ "fixed",		FIXED },
	{ "grant",		GRANT },
	{ "group",		GROUP },
	{ "groups",		GROUPS },
	{ "handshake",		HANDSHAKE },
	{ "hash",		HASH },
	{ "identity",		IDENTITY },
	{ "idle",		IDLE },
	{ "issuer",		ISSUER },
	{ "jwks",		JWKS },
	{ "key",		KEY },
	{ "last",		LAST },
	{ "limit",		LIMIT },
	{ "listen",		LISTEN },
	{ "log",		LOG },
	{ "mask",		MASK },
	{ "max",		MAX },
	{ "no",			NO },
	{ "null",		NULLVALUE },
	{ "on",			ON },
	{ "packet",		PACKET },
	{ "partial",		PARTIAL },
	{ "per",		PER },
	{ "plaintext",		PLAINTEXT },
	{ "port",		PORT },
	{ "rate",		RATE },
	{ "redact",		REDACT },
	{ "refresh",		REFRESH },
	{ "refuse",		REFUSE },
	{ "restart",		RESTART },
	{ "review",		REVIEW },
	{ "server",		SERVER },
	{ "sessions",		SESSIONS },
	{ "skew",		SKEW },
	{ "socket",		SOCKET },
	{ "source",		SOURCE },
	{ "state",		STATE },
	{ "subject",		SUBJECT },
	{ "timeout",		TIMEOUT },
	{ "tls",		TLS },
	{ "to",			TO },
	{ "uid",		UID },
	{ "uri",		URI },
	{ "user",		USER },
	{ "wait",		WAIT },
	{ "where",		WHERE },
	{ "without",		WITHOUT },
	{ "yes",		YES },
};

/*
 * Statement kinds a block or review rule may name, in their canonical
 * spelling.  The classifier in policy/ uses the same names.
 */
static const char *const rule_kinds[] = {
	"alter", "alter user", "call", "change master", "create",
	"create user", "delete", "drop", "drop user", "execute",
	"execute immediate", "flush", "grant", "handler", "insert",
	"install", "into dumpfile", "into outfile", "kill", "load data",
	"load xml", "load_file", "lock", "prepare", "purge", "rename",
	"rename user", "replace", "revoke", "select", "set global",
	"set password", "set persist", "shutdown", "truncate", "uninstall",
	"unparsed", "update",
};

static void
conf_err(struct parser *p, int line, const char *fmt, ...)
{
	char msg[1536], line_msg[2048];
	va_list ap;

	p->p_errors++;
	if (p->p_oom || p->p_errfn == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)snprintf(line_msg, sizeof(line_msg), "%s:%d: %s", p->p_name,
	    line, msg);
	p->p_errfn(p->p_arg, line_msg);
}

static void
conf_oom(struct parser *p)
{
	if (!p->p_oom)
		conf_err(p, p->p_line, "out of memory");
	p->p_oom = 1;
}

static void
conf_yyerror(struct parser *p, const char *msg)
{
	conf_err(p, p->p_line, "%s", msg);
}

/*
 * The lexer.
 */

static int
lex_peek(struct parser *p)
{
	if (p->p_pos >= p->p_len)
		return EOF;
	return (unsigned char)p->p_buf[p->p_pos];
}

static int
lex_getc(struct parser *p)
{
	int c;

	if ((c = lex_peek(p)) != EOF)
		p->p_pos++;
	return c;
}

static int
lex_wordchar(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != EOF && c != '\0' && strchr("_.:*-/$?@+", c) != NULL;
}

/* Report a run of bytes the grammar has no use for, once. */
static void
lex_junk(struct parser *p, int c)
{
	int next;

	if (c > 0x20 && c < 0x7f)
		conf_err(p, p->p_line, "unexpected character '%c'", c);
	else
		conf_err(p, p->p_line, "unexpected byte 0x%02x", c);
	while ((next = lex_peek(p)) != EOF && next != '\n' && next != ' ' &&
	    next != '\t' && next != '"' && next != '#' && next != '{' &&
	    next != '}' && next != ',' && !lex_wordchar(next))
		p->p_pos++;
}

/* A double-quoted string; the opening quote has been read. */
static int
lex_string(union CONF_YYSTYPE *lval, struct parser *p)
{
	int c, bad_escape = 0, bad_byte = 0, too_long = 0;
	size_t len = 0;

	for (;;) {
		c = lex_peek(p);
		if (c == EOF || c == '\n') {
			conf_err(p, p->p_line, "unterminated string");
			break;
		}
		p->p_pos++;
		if (c == '"')
			break;
		if (c == '\\') {
			c = lex_peek(p);
			if (c != '"' && c != '\\') {
				if (!bad_escape)
					conf_err(p, p->p_line, "unknown "
					    "escape in string: only \\\" and "
					    "\\\\ are allowed");
				bad_escape = 1;
				continue;
			}
			p->p_pos++;
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			if (!bad_byte)
				conf_err(p, p->p_line, "control character "
				    "0x%02x in string", c);
			bad_byte = 1;
			continue;
		}
		if (len == STRING_MAX) {
			if (!too_long)
				conf_err(p, p->p_line, "string longer than "
				    "%d bytes", STRING_MAX);
			too_long = 1;
			continue;
		}
		p->p_tok[len++] = c;
	}
	p->p_tok[len] = '\0';
	if ((lval->string = strdup(p->p_tok)) == NULL) {
		conf_oom(p);
		return 0;
	}
	return STRING;
}

static int
keyword_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct keyword *)e)->k_name);
}

/* A bare word: a keyword, a number, or anything else as a WORD. */
static int
lex_word(union CONF_YYSTYPE *lval, struct parser *p, int c)
{
	const struct keyword *kw;
	size_t len = 0, i;
	int too_long = 0, digits = 1;

	for (;;) {
		if (len < STRING_MAX)
			p->p_tok[len++] = c;
		else if (!too_long) {
			conf_err(p, p->p_line, "word longer than %d bytes",
			    STRING_MAX);
			too_long = 1;
		}
		if (!lex_wordchar(lex_peek(p)))
			break;
		c = lex_getc(p);
	}
	p->p_tok[len] = '\0';

	kw = bsearch(p->p_tok, keywords, sizeof(keywords) / sizeof(keywords[0]),
	    sizeof(keywords[0]), keyword_cmp);
	if (kw != NULL)
		return kw->k_token;

	for (i = 0; i < len; i++)
		if (p->p_tok[i] < '0' || p->p_tok[i] > '9')
			digits = 0;
	if (digits) {
		/* Saturate: a range check will report it. */
		lval->number = 0;
		for (i = 0; i < len; i++) {
			if (lval->number > (INT64_MAX - 9) / 10) {
				lval->number = INT64_MAX;
				break;
			}
			lval->number = lval->number * 10 + p->p_tok[i] - '0';
		}
		return NUMBER;
	}

	if ((lval->string = strdup(p->p_tok)) == NULL) {
		conf_oom(p);
		return 0;
	}
	return WORD;
}

static int
conf_yylex(union CONF_YYSTYPE *lval, struct parser *p)
{
	int c;

	if (p->p_oom)
		return 0;

	for (;;) {
		c = lex_getc(p);
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (c == '#') {
			while ((c = lex_peek(p)) != EOF && c != '\n')
				p->p_pos++;
			continue;
		}
		/*
		 * A newline counts once the next token starts, so errors
		 * found at the newline are reported on the statement's
		 * line, and those at the end of the file on its last line.
		 */
		if (p->p_nl && c != EOF) {
			p->p_line++;
			p->p_nl = 0;
		}
		if (c == EOF) {
			/* End the last statement even without a newline. */
			if (p->p_eof)
				return 0;
			p->p_eof = 1;
			return NL;
		}
		if (c == '\n') {
			p->p_nl = 1;
			return NL;
		}
		if (c == '"')
			return lex_string(lval, p);
		if (c == '{' || c == '}' || c == ',')
			return c;
		if (lex_wordchar(c))
			return lex_word(lval, p, c);
		lex_junk(p, c);
	}
}

/*
 * Setters.  Each reports a value given twice or out of range and keeps
 * the first one.  Strings and integers start unset (NULL, -1) and get
 * their defaults when their block closes.
 */

static int
set_str(struct parser *p, char **dst, char *val, const char *what)
{
	if (*dst != NULL) {
		conf_err(p, p->p_line, "%s given twice", what);
		free(val);
		return -1;
	}
	if (*val == '\0') {
		conf_err(p, p->p_line, "%s must not be empty", what);
		free(val);
		return -1;
	}
	*dst = val;
	return 0;
}

static int
set_path(struct parser *p, char **dst, char *val, const char *what)
{
	if (*val != '/') {
		conf_err(p, p->p_line, "%s \"%s\" is not an absolute path",
		    what, val);
		free(val);
		return -1;
	}
	return set_str(p, dst, val, what);
}

static int
set_sock(struct parser *p, char **dst, char *val, const char *what)
{
	struct sockaddr_un sun;

	if (strlen(val) >= sizeof(sun.sun_path)) {
		conf_err(p, p->p_line, "%s \"%s\" is too long for a socket "
		    "path", what, val);
		free(val);
		return -1;
	}
	return set_path(p, dst, val, what);
}

/* A negative value was already reported where it was read. */
static void
set_int(struct parser *p, int *dst, int64_t val, int64_t lo, int64_t hi,
    const char *what)
{
	if (val < 0)
		return;
	if (*dst != -1)
		conf_err(p, p->p_line, "%s given twice", what);
	else if (val < lo || val > hi)
		conf_err(p, p->p_line, "%s must be between %lld and %lld",
		    what, (long long)lo, (long long)hi);
	else
		*dst = val;
}

static void
set_dur(struct parser *p, int *dst, int64_t val, int lo, int hi,
    const char *what)
{
	if (val < 0)
		return;
	if (*dst != -1)
		conf_err(p, p->p_line, "%s given twice", what);
	else if (val < lo)
		conf_err(p, p->p_line, "%s must be at least %ds", what, lo);
	else if (val > hi)
		conf_err(p, p->p_line, "%s must be at most %ds", what, hi);
	else
		*dst = val;
}

static void
set_packet(struct parser *p, int64_t val)
{
	struct conf *cf = p->p_conf;

	if (val < 0)
		return;
	if (cf->cf_max_packet != 0)
		conf_err(p, p->p_line, "max packet given twice");
	else if (val < 1024 || val > 1024 * 1024 * 1024)
		conf_err(p, p->p_line, "max packet must be between 1K and "
		    "1G");
	else
		cf->cf_max_packet = val;
}

/* Durations are seconds, more than zero, and fit an int. */
static int64_t
duration_num(struct parser *p, int64_t val)
{
	if (val == 0) {
		conf_err(p, p->p_line, "duration must be more than 0s");
		return -1;
	}
	if (val < 0 || val > INT_MAX) {
		conf_err(p, p->p_line, "duration must be at most %ds",
		    INT_MAX);
		return -1;
	}
	return val;
}

/* N followed by a unit; the return value is -1 after an error. */
static int64_t
number_unit(const char *s, const char *units, const int64_t *scale)
{
	const char *u;
	int64_t val = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		val = val * 10 + (*s - '0');
		if (val > INT32_MAX)
			return -2;
	}
	if (*s == '\0')
		return val;
	if (s[1] != '\0' || (u = strchr(units, *s)) == NULL)
		return -1;
	return val * scale[u - units];
}

static int64_t
duration_word(struct parser *p, char *word)
{
	static const int64_t scale[] = { 1, 60, 3600, 86400 };
	int64_t val;

	val = number_unit(word, "smhd", scale);
	if (val == -1)
		conf_err(p, p->p_line, "invalid duration \"%s\": use a "
		    "number with s, m, h or d", word);
	else
		val = duration_num(p, val == -2 ? INT64_MAX : val);
	free(word);
	return val;
}

static int64_t
size_word(struct parser *p, char *word)
{
	static const int64_t scale[] = { 1024, 1024 * 1024,
	    1024 * 1024 * 1024 };
	int64_t val;

	val = number_unit(word, "KMG", scale);
	if (val == -1)
		conf_err(p, p->p_line, "invalid size \"%s\": use a number "
		    "with K, M or G", word);
	else if (val == -2)
		val = INT64_MAX;	/* the caller's range check says why */
	free(word);
	return val;
}

/* Object names: also used in user names and gatewayctl output. */
static int
name_check(struct parser *p, const char *what, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < len; i++) {
		if ((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '_' || name[i] == '-' || name[i] == '.')
			continue;
		break;
	}
	if (len == 0 || len > NAME_MAX_LEN || i != len) {
		conf_err(p, p->p_line, "invalid %s name \"%s\": use 1 to %d "
		    "letters, digits, '.', '-' or '_'", what, name,
		    NAME_MAX_LEN);
		return -1;
	}
	return 0;
}

static int
ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* One part of a pattern: identifier characters, and * ? with glob. */
static int
part_ok(const char *s, size_t len, int glob)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!ident_char(s[i]) &&
		    !(glob && (s[i] == '*' || s[i] == '?')))
			return 0;
	return len > 0;
}

/*
 * "a.b" or "a.b.c": nparts parts separated by dots.  With glob, parts
 * may hold * and ? anywhere; without, a part may still be a lone * where
 * the bit for its index is set in star.
 */
static int
pattern_ok(const char *s, int nparts, int glob, int star)
{
	size_t len;
	int part;

	for (part = 0; part < nparts; part++) {
		len = strcspn(s, ".");
		if (!part_ok(s, len, glob) &&
		    !(len == 1 && *s == '*' && (star & (1 << part))))
			return 0;
		s += len;
		if (*s == '\0')
			return part == nparts - 1;
		s++;
	}
	return 0;
}

/*
 * Listeners.
 */

static struct conf_listen *
listen_alloc(struct parser *p, enum conf_listen_kind kind)
{
	struct conf_listen *l;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		conf_oom(p);
		return NULL;
	}
	l->l_line = p->p_line;
	l->l_kind = kind;
	TAILQ_INSERT_TAIL(&p->p_conf->cf_listens, l, l_entry);
	p->p_listen = l;
	return l;
}

static int
listen_inet(struct parser *p, char *addr, int64_t port)
{
	struct conf_listen *l;
	unsigned char bin[sizeof(struct in6_addr)];
	char canon[INET6_ADDRSTRLEN], name[STRING_MAX + 16];
	int family = 0;

	if ((l = listen_alloc(p, CONF_LISTEN_INET)) == NULL) {
		free(addr);
		return -1;
	}
	l->l_port = port > 0 ? port : CONF_DEF_PORT;

	/* Keep addresses in one spelling so duplicates show. */
	if (inet_pton(AF_INET, addr, bin) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, addr, bin) == 1)
		family = AF_INET6;
	if (family != 0 &&
	    inet_ntop(family, bin, canon, sizeof(canon)) != NULL) {
		free(addr);
		addr = strdup(canon);
	} else if (strcmp(addr, "*") != 0 && strcmp(addr, "localhost") != 0)
		conf_err(p, p->p_line, "invalid listen address \"%s\": use "
		    "an IPv4 or IPv6 address, \"localhost\" or \"*\"", addr);
	if ((l->l_addr = addr) == NULL) {
		conf_oom(p);
		return -1;
	}

	(void)snprintf(name, sizeof(name), family == AF_INET6 ?
	    "[%s]:%d" : "%s:%d", l->l_addr, l->l_port);
	if ((l->l_name = strdup(name)) == NULL) {
		conf_oom(p);
		return -1;
	}
	listen_dup(p, l);
	return 0;
}

static int
listen_unix(struct parser *p, char *path)
{
	struct conf_listen *l;

	if ((l = listen_alloc(p, CONF_LISTEN_UNIX)) == NULL) {
		free(path);
		return -1;
	}
	if (set_sock(p, &l->l_addr, path, "listen socket") == -1)
		return 0;
	if ((l->l_name = strdup(l->l_addr)) == NULL) {
		conf_oom(p);
		return -1;
	}
	listen_dup(p, l);
	return 0;
}

/* l is on the list already: look for an earlier one with its name. */
static void
listen_dup(struct parser *p, struct conf_listen *l)
{
	struct conf_listen *o;

	TAILQ_FOREACH(o, &p->p_conf->cf_listens, l_entry) {
		if (o == l)
			break;
		if (o->l_name != NULL && strcmp(o->l_name, l->l_name) == 0) {
			conf_err(p, p->p_line, "listener %s is already "
			    "defined on line %d", l->l_name, o->l_line);
			break;
		}
	}
}

static void
listen_check(struct parser *p)
{
	struct conf_listen *l = p->p_listen;

	if (l->l_kind == CONF_LISTEN_INET && !l->l_tls)
		conf_err(p, l->l_line,
		    "plaintext is only allowed on a Unix socket");
	else if (!l->l_tls && !l->l_plaintext)
		conf_err(p, l->l_line, "socket listener needs \"tls { ... }\" "
		    "or \"plaintext allowed\"");
	if (l->l_tls && l->l_cert == NULL)
		conf_err(p, l->l_line, "tls needs a certificate");
	if (l->l_tls && l->l_key == NULL)
		conf_err(p, l->l_line, "tls needs a key");
	p->p_listen = NULL;
}

/*
 * Identity providers.
 */

static int
identity_new(struct parser *p, char *name)
{
	struct conf_identity *id, *o;

	if ((id = calloc(1, sizeof(*id))) == NULL) {
		free(name);
		conf_oom(p);
		return -1;
	}
	id->id_line = p->p_line;
	id->id_name = name;
	id->id_clock_skew = -1;
	id->id_refresh = -1;
	p->p_identity = id;
	p->p_jwks = 0;

	if (name_check(p, "identity", name) == 0) {
		TAILQ_FOREACH(o, &p->p_conf->cf_identities, id_entry)
			if (strcmp(o->id_name, name) == 0) {
				conf_err(p, p->p_line, "identity \"%s\" is "
				    "already defined on line %d", name,
				    o->id_line);
				break;
			}
	}
	TAILQ_INSERT_TAIL(&p->p_conf->cf_identities, id, id_entry);
	return 0;
}

static void
identity_jwks(struct parser *p, enum conf_jwks_kind kind, char *where)
{
	struct conf_identity *id = p->p_identity;

	if (p->p_jwks) {
		conf_err(p, p->p_line, "jwks given twice");
		free(where);
		return;
	}
	p->p_jwks = 1;
	id->id_jwks_kind = kind;
	if (kind == CONF_JWKS_FILE)
		set_path(p, &id->id_jwks, where, "jwks file");
	else if (kind == CONF_JWKS_URI) {
		if (strncmp(where, "https://", 8) != 0 || where[8] == '\0') {
			conf_err(p, p->p_line, "jwks uri \"%s\" must start "
			    "with https://", where);
			free(where);
			return;
		}
		set_str(p, &id->id_jwks, where, "jwks uri");
	}
}

static void
identity_algs(struct parser *p, int64_t algs)
{
	if (p->p_identity->id_algs != 0)
		conf_err(p, p->p_line, "algorithms given twice");
	else
		p->p_identity->id_algs = algs;
}

static int64_t
alg_lookup(struct parser *p, char *name)
{
	uint32_t bit;

	for (bit = CONF_ALG_RS256; bit <= CONF_ALG_ES512; bit <<= 1)
		if (strcasecmp(name, conf_alg_name(bit)) == 0) {
			free(name);
			return bit;
		}
	if (strcasecmp(name, "none") == 0)
		conf_err(p, p->p_line, "algorithm \"%s\" is refused: tokens "
		    "must be signed", name);
	else if (strncasecmp(name, "HS", 2) == 0)
		conf_err(p, p->p_line, "algorithm \"%s\" is refused: shared "
		    "secret (HMAC) algorithms let anyone holding the key mint "
		    "tokens", name);
	else
		conf_err(p, p->p_line, "unknown algorithm \"%s\"", name);
	free(name);
	return 0;
}

static void
identity_check(struct parser *p)
{
	struct conf_identity *id = p->p_identity;

	if (id->id_issuer == NULL)
		conf_err(p, id->id_line, "identity \"%s\" needs an issuer",
		    id->id_name);
	if (id->id_audience == NULL)
		conf_err(p, id->id_line, "identity \"%s\" needs an audience",
		    id->id_name);
	if (!p->p_jwks)
		conf_err(p, id->id_line, "identity \"%s\" needs jwks file, "
		    "jwks uri or jwks discovery", id->id_name);
	else if (id->id_jwks_kind == CONF_JWKS_DISCOVERY &&
	    id->id_issuer != NULL &&
	    strncmp(id->id_issuer, "https://", 8) != 0)
		conf_err(p, id->id_line, "identity \"%s\": jwks discovery "
		    "needs an https:// issuer", id->id_name);

	if (id->id_algs == 0)
		id->id_algs = CONF_ALG_DEFAULT;
	if (id->id_groups_claim == NULL &&
	    (id->id_groups_claim = strdup(CONF_DEF_GROUPS_CLAIM)) == NULL)
		conf_oom(p);
	if (id->id_subject_claim == NULL &&
	    (id->id_subject_claim = strdup(CONF_DEF_SUBJECT_CLAIM)) == NULL)
		conf_oom(p);
	if (id->id_clock_skew == -1)
		id->id_clock_skew = CONF_DEF_CLOCK_SKEW;
	if (id->id_refresh == -1)
		id->id_refresh = CONF_DEF_REFRESH;
	p->p_identity = NULL;
}

/*
 * Approvers.
 */

static int
approver_new(struct parser *p, char *name, int64_t uid)
{
	struct conf_approver *ap, *o;

	if ((ap = calloc(1, sizeof(*ap))) == NULL) {
		free(name);
		conf_oom(p);
		return -1;
	}
	ap->ap_line = p->p_line;
	ap->ap_name = name;
	TAILQ_INIT(&ap->ap_groups);
	p->p_approver = ap;
	p->p_groups = &ap->ap_groups;

	if (uid > UINT32_MAX - 1) {
		conf_err(p, p->p_line, "uid must be between 0 and %u",
		    UINT32_MAX - 1);
		uid = UINT32_MAX;
	}
	ap->ap_uid = uid;
	if (name_check(p, "approver", name) == 0) {
		TAILQ_FOREACH(o, &p->p_conf->cf_approvers, ap_entry)
			if (strcmp(o->ap_name, name) == 0) {
				conf_err(p, p->p_line, "approver \"%s\" is "
				    "already defined on line %d", name,
				    o->ap_line);
				break;
			}
	}
	if (ap->ap_uid != UINT32_MAX) {
		TAILQ_FOREACH(o, &p->p_conf->cf_approvers, ap_entry)
			if (o->ap_uid == ap->ap_uid) {
				conf_err(p, p->p_line, "uid %u is already "
				    "used by approver \"%s\"", ap->ap_uid,
				    o->ap_name);
				break;
			}
	}
	TAILQ_INSERT_TAIL(&p->p_conf->cf_approvers, ap, ap_entry);
	return 0;
}

static void
approver_check(struct parser *p)
{
	struct conf_approver *ap = p->p_approver;

	if (TAILQ_EMPTY(&ap->ap_groups))
		conf_err(p, ap->ap_line, "approver \"%s\" needs at least one "
		    "group", ap->ap_name);
	p->p_approver = NULL;
	p->p_groups = NULL;
}

static int
group_add(struct parser *p, char *group)
{
	struct conf_string *cs;

	if (*group == '\0') {
		conf_err(p, p->p_line, "group must not be empty");
		free(group);
		return 0;
	}
	if ((cs = calloc(1, sizeof(*cs))) == NULL) {
		free(group);
		conf_oom(p);
		return -1;
	}
	cs->cs_str = group;
	TAILQ_INSERT_TAIL(p->p_groups, cs, cs_entry);
	return 0;
}

/*
 * Connections.
 */

static int
conn_new(struct parser *p, char *name)
{
	struct conf_connection *cn, *o;

	if ((cn = calloc(1, sizeof(*cn))) == NULL) {
		free(name);
		conf_oom(p);
		return -1;
	}
	cn->cn_line = p->p_line;
	cn->cn_name = name;
	TAILQ_INIT(&cn->cn_grants);
	TAILQ_INIT(&cn->cn_rules);
	TAILQ_INIT(&cn->cn_masks);
	cn->cn_derived = CONF_DERIVED_REFUSE;
	p->p_conn = cn;
	p->p_derived = 0;

	if (name_check(p, "connection", name) == 0 &&
	    (o = conf_connection_find(p->p_conf, name)) != NULL)
		conf_err(p, p->p_line, "connection \"%s\" is already defined "
		    "on line %d", name, o->cn_line);
	TAILQ_INSERT_TAIL(&p->p_conf->cf_connections, cn, cn_entry);
	return 0;
}

static void
conn_server(struct parser *p, char *host, int64_t port)
{
	struct conf_connection *cn = p->p_conn;

	if (cn->cn_socket != NULL) {
		conf_err(p, p->p_line, "server given twice");
		free(host);
		return;
	}
	if (set_str(p, &cn->cn_host, host, "server") == 0)
		cn->cn_port = port > 0 ? port : CONF_DEF_BACKEND_PORT;
}

static void
conn_socket(struct parser *p, char *path)
{
	struct conf_connection *cn = p->p_conn;

	if (cn->cn_host != NULL) {
		conf_err(p, p->p_line, "server given twice");
		free(path);
		return;
	}
	(void)set_sock(p, &cn->cn_socket, path, "server");
}

static void
conn_identity(struct parser *p, char *name)
{
	struct conf_identity *id;

	TAILQ_FOREACH(id, &p->p_conf->cf_identities, id_entry)
		if (strcmp(id->id_name, name) == 0)
			break;
	if (id == NULL) {
		conf_err(p, p->p_line, "identity \"%s\" is not defined "
		    "(define it before the connection)", name);
		free(name);
		return;
	}
	(void)set_str(p, &p->p_conn->cn_identity, name, "identity");
}

static void
conn_derived(struct parser *p, enum conf_derived derived)
{
	if (p->p_derived)
		conf_err(p, p->p_line, "mask derived given twice");
	p->p_derived = 1;
	p->p_conn->cn_derived = derived;
}

static void
conn_check(struct parser *p)
{
	struct conf_connection *cn = p->p_conn;

	if (cn->cn_host == NULL && cn->cn_socket == NULL)
		conf_err(p, cn->cn_line, "connection \"%s\" needs a server",
		    cn->cn_name);
	if (cn->cn_credentials == NULL)
		conf_err(p, cn->cn_line, "connection \"%s\" needs admin "
		    "credentials", cn->cn_name);
	p->p_conn = NULL;
}

/*
 * Grants.
 */

static int
grant_new(struct parser *p, char *name)
{
	struct conf_grant *gr, *o;

	if ((gr = calloc(1, sizeof(*gr))) == NULL) {
		free(name);
		conf_oom(p);
		return -1;
	}
	gr->gr_line = p->p_line;
	gr->gr_name = name;
	TAILQ_INIT(&gr->gr_groups);
	TAILQ_INIT(&gr->gr_privs);
	TAILQ_INIT(&gr->gr_deny_columns);
	gr->gr_max = -1;
	gr->gr_connections = -1;
	p->p_grant = gr;
	p->p_groups = &gr->gr_groups;

	if (name_check(p, "grant", name) == 0) {
		TAILQ_FOREACH(o, &p->p_conn->cn_grants, gr_entry)
			if (strcmp(o->gr_name, name) == 0) {
				conf_err(p, p->p_line, "grant \"%s\" is "
				    "already defined on line %d", name,
				    o->gr_line);
				break;
			}
	}
	TAILQ_INSERT_TAIL(&p->p_conn->cn_grants, gr, gr_entry);
	return 0;
}

static int64_t
priv_lookup(struct parser *p, char *name)
{
	uint32_t bit;

	for (bit = CONF_PRIV_SELECT; bit <= CONF_PRIV_DROP; bit <<= 1)
		if (strcasecmp(name, conf_priv_name(bit)) == 0) {
			free(name);
			return bit;
		}
	conf_err(p, p->p_line, "unknown privilege \"%s\"", name);
	free(name);
	return 0;
}

static int
grant_priv(struct parser *p, int64_t privs, char *object)
{
	struct conf_priv *pv;

	/* The schema may be "*" only when the table is "*" too. */
	if (!pattern_ok(object, 2, 0, 2) &&
	    strcmp(object, "*.*") != 0) {
		conf_err(p, p->p_line, "invalid object \"%s\": use "
		    "\"schema.*\", \"schema.table\" or \"*.*\"", object);
		free(object);
		return 0;
	}
	if (privs == 0) {
		free(object);
		return 0;
	}
	if ((pv = calloc(1, sizeof(*pv))) == NULL) {
		free(object);
		conf_oom(p);
		return -1;
	}
	pv->pv_privs = privs;
	pv->pv_object = object;
	TAILQ_INSERT_TAIL(&p->p_grant->gr_privs, pv, pv_entry);
	return 0;
}

static int
grant_deny(struct parser *p, char *column)
{
	struct conf_string *cs;

	if (!pattern_ok(column, 3, 0, 0)) {
		conf_err(p, p->p_line, "invalid column \"%s\": use "
		    "\"schema.table.column\"", column);
		free(column);
		return 0;
	}
	if ((cs = calloc(1, sizeof(*cs))) == NULL) {
		free(column);
		conf_oom(p);
		return -1;
	}
	cs->cs_str = column;
	TAILQ_INSERT_TAIL(&p->p_grant->gr_deny_columns, cs, cs_entry);
	return 0;
}

static void
grant_approval(struct parser *p, char *group, int64_t wait)
{
	struct conf_grant *gr = p->p_grant;

	if (gr->gr_approval) {
		conf_err(p, p->p_line, "approval given twice");
		free(group);
		return;
	}
	if (set_str(p, &gr->gr_approval_group, group, "approval group") == 0)
		gr->gr_approval = 1;
	gr->gr_approval_wait = wait > 0 ? wait : CONF_DEF_APPROVAL_WAIT;
}

static void
grant_check(struct parser *p)
{
	struct conf_grant *gr = p->p_grant;

	if (TAILQ_EMPTY(&gr->gr_groups))
		conf_err(p, gr->gr_line, "grant \"%s\" needs at least one "
		    "group", gr->gr_name);
	if (TAILQ_EMPTY(&gr->gr_privs))
		conf_err(p, gr->gr_line, "grant \"%s\" needs at least one "
		    "privilege line", gr->gr_name);
	if (gr->gr_max == -1)
		gr->gr_max = CONF_DEF_GRANT_MAX;
	if (gr->gr_connections == -1)
		gr->gr_connections = CONF_DEF_GRANT_CONNECTIONS;
	p->p_grant = NULL;
	p->p_groups = NULL;
}

/*
 * Statement rules.
 */

static int
rule_new(struct parser *p, enum conf_rule_action action)
{
	struct conf_rule *ru;

	if ((ru = calloc(1, sizeof(*ru))) == NULL) {
		conf_oom(p);
		return -1;
	}
	ru->ru_line = p->p_line;
	ru->ru_action = action;
	TAILQ_INIT(&ru->ru_items);
	TAILQ_INSERT_TAIL(&p->p_conn->cn_rules, ru, ru_entry);
	p->p_rule = ru;
	return 0;
}

/* Lower case, one space between words: "Load  DATA" is "load data". */
static void
kind_canon(char *s)
{
	char *w = s, *r = s;

	while (*r == ' ' || *r == '\t')
		r++;
	for (; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\t') {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = (*r >= 'A' && *r <= 'Z') ? *r - 'A' + 'a' : *r;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

static int
kind_cmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

static int
rule_item(struct parser *p, char *kind, int64_t facts, char *table)
{
	struct conf_rule_item *ri;
	int ok = 1;

	kind_canon(kind);
	if (bsearch(kind, rule_kinds, sizeof(rule_kinds) /
	    sizeof(rule_kinds[0]), sizeof(rule_kinds[0]), kind_cmp) == NULL) {
		conf_err(p, p->p_line, "unknown statement kind \"%s\"", kind);
		ok = 0;
	} else if (facts != 0 && strcmp(kind, "delete") != 0 &&
	    strcmp(kind, "update") != 0) {
		conf_err(p, p->p_line, "\"%s\" only applies to delete and "
		    "update", (facts & CONF_FACT_WITHOUT_WHERE) ?
		    "without where" : "without limit");
		ok = 0;
	}
	if (table != NULL && !pattern_ok(table, 2, 1, 0)) {
		conf_err(p, p->p_line, "invalid table pattern \"%s\": use "
		    "\"schema.table\" with * and ? as wildcards", table);
		ok = 0;
	}
	if (!ok || (ri = calloc(1, sizeof(*ri))) == NULL) {
		free(kind);
		free(table);
		if (!ok)
			return 0;
		conf_oom(p);
		return -1;
	}
	ri->ri_what = kind;
	ri->ri_facts = facts;
	ri->ri_table = table;
	TAILQ_INSERT_TAIL(&p->p_rule->ru_items, ri, ri_entry);
	return 0;
}

static void
rule_review(struct parser *p, char *group, int64_t wait)
{
	struct conf_rule *ru = p->p_rule;

	(void)set_str(p, &ru->ru_group, group, "review group");
	ru->ru_wait = wait > 0 ? wait : CONF_DEF_APPROVAL_WAIT;
}

/*
 * Masks.
 */

static int
mask_new(struct parser *p, char *pattern)
{
	struct conf_mask *mk;

	if ((mk = calloc(1, sizeof(*mk))) == NULL) {
		free(pattern);
		conf_oom(p);
		return -1;
	}
	mk->mk_line = p->p_line;
	mk->mk_pattern = pattern;
	mk->mk_first = -1;
	mk->mk_last = -1;
	TAILQ_INSERT_TAIL(&p->p_conn->cn_masks, mk, mk_entry);
	p->p_mask = mk;

	if (!pattern_ok(pattern, 3, 1, 0))
		conf_err(p, p->p_line, "invalid mask pattern \"%s\": use "
		    "\"schema.table.column\" with * and ? as wildcards",
		    pattern);
	return 0;
}

static void
mask_method(struct parser *p, enum conf_mask_method method)
{
	struct conf_mask *mk = p->p_mask;

	mk->mk_method = method;
	if (mk->mk_first == -1)
		mk->mk_first = 0;
	if (mk->mk_last == -1)
		mk->mk_last = 0;
}

static void
mask_fixed(struct parser *p, char *value)
{
	mask_method(p, CONF_MASK_FIXED);
	p->p_mask->mk_value = value;
}

/*
 * Entry points.
 */

static struct conf *
conf_new(void)
{
	struct conf *cf;

	if ((cf = calloc(1, sizeof(*cf))) == NULL)
		return NULL;
	cf->cf_max_sessions = -1;
	cf->cf_max_per_source = -1;
	cf->cf_accept_rate = -1;
	cf->cf_handshake_timeout = -1;
	cf->cf_idle_timeout = -1;
	cf->cf_drain_timeout = -1;
	cf->cf_broker_restart = -1;
	TAILQ_INIT(&cf->cf_listens);
	TAILQ_INIT(&cf->cf_identities);
	TAILQ_INIT(&cf->cf_approvers);
	TAILQ_INIT(&cf->cf_connections);
	return cf;
}

static int
default_str(char **dst, const char *val)
{
	if (*dst == NULL && (*dst = strdup(val)) == NULL)
		return -1;
	return 0;
}

static void
default_int(int *dst, int val)
{
	if (*dst == -1)
		*dst = val;
}

static void
conf_defaults(struct parser *p)
{
	struct conf *cf = p->p_conf;

	if (default_str(&cf->cf_user, CONF_DEF_USER) == -1 ||
	    default_str(&cf->cf_broker_user, CONF_DEF_BROKER_USER) == -1 ||
	    default_str(&cf->cf_log_dir, GW_LOGDIR) == -1 ||
	    default_str(&cf->cf_state_dir, GW_STATEDIR) == -1 ||
	    default_str(&cf->cf_control_socket, GW_CTLSOCK) == -1 ||
	    default_str(&cf->cf_chroot, GW_EMPTYDIR) == -1)
		conf_oom(p);
	default_int(&cf->cf_max_sessions, CONF_DEF_MAX_SESSIONS);
	default_int(&cf->cf_max_per_source, CONF_DEF_MAX_PER_SOURCE);
	default_int(&cf->cf_accept_rate, CONF_DEF_ACCEPT_RATE);
	default_int(&cf->cf_handshake_timeout, CONF_DEF_HANDSHAKE_TIMEOUT);
	default_int(&cf->cf_idle_timeout, CONF_DEF_IDLE_TIMEOUT);
	default_int(&cf->cf_drain_timeout, CONF_DEF_DRAIN_TIMEOUT);
	default_int(&cf->cf_broker_restart, 0);
	if (cf->cf_max_packet == 0)
		cf->cf_max_packet = CONF_DEF_MAX_PACKET;
}

struct conf *
conf_parse_buffer(const char *name, const char *buf, size_t len,
    conf_error_fn *errfn, void *arg)
{
	struct parser *p;
	struct conf *cf = NULL;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		if (errfn != NULL)
			errfn(arg, "out of memory");
		return NULL;
	}
	p->p_name = name != NULL ? name : "-";
	p->p_buf = buf;
	p->p_len = len;
	p->p_line = 1;
	p->p_errfn = errfn;
	p->p_arg = arg;

	if (len > CONF_FILE_MAX) {
		conf_err(p, 1, "file is larger than %d bytes", CONF_FILE_MAX);
		goto out;
	}
	if ((p->p_conf = conf_new()) == NULL) {
		conf_oom(p);
		goto out;
	}

	(void)conf_yyparse(p);
	if (!p->p_oom && TAILQ_EMPTY(&p->p_conf->cf_listens))
		conf_err(p, p->p_line, "no listener: at least one "
		    "\"listen on\" is required");
	conf_defaults(p);

	if (p->p_errors == 0) {
		cf = p->p_conf;
		p->p_conf = NULL;
	}
 out:
	conf_free(p->p_conf);
	free(p);
	return cf;
}

struct conf *
conf_parse_file(const char *path, conf_error_fn *errfn, void *arg)
{
	struct conf *cf;
	char *buf, msg[1024];
	size_t len;

	if (file_read(path, CONF_FILE_MAX, 0, &buf, &len, msg,
	    sizeof(msg)) != GW_OK) {
		if (errfn != NULL)
			errfn(arg, msg);
		return NULL;
	}
	cf = conf_parse_buffer(path, buf, len, errfn, arg);
	free(buf);
	return cf;
}
