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
 * The configuration, as parsed from gatewayd.conf.  The parent parses the
 * file (conf_parse_file), the broker parses the same text from memory
 * (conf_parse_buffer) once the parent has checked it, and conf_print()
 * writes the effective configuration in canonical form for -T and tests.
 *
 * Lists are TAILQs; every string is owned by the structure that holds it
 * and freed by conf_free().
 */

#ifndef GW_CONF_H
#define GW_CONF_H

#include <sys/queue.h>

#include <stdint.h>
#include <stdio.h>

/* Defaults; gatewayd.conf(5) documents each. */
#define CONF_DEF_USER		   "_gwworker"
#define CONF_DEF_BROKER_USER	   "_gwbroker"
#define CONF_DEF_MAX_SESSIONS	   256
#define CONF_DEF_MAX_PER_SOURCE	   32
#define CONF_DEF_ACCEPT_RATE	   64 /* per second */
#define CONF_DEF_HANDSHAKE_TIMEOUT 10 /* seconds */
#define CONF_DEF_IDLE_TIMEOUT	   3600
#define CONF_DEF_DRAIN_TIMEOUT	   30
#define CONF_DEF_MAX_PACKET	   (64 * 1024 * 1024)
#define CONF_DEF_PORT		   3307
#define CONF_DEF_BACKEND_PORT	   3306
#define CONF_DEF_CLOCK_SKEW	   60
#define CONF_DEF_REFRESH	   3600 /* JWKS refresh, seconds */
#define CONF_DEF_GROUPS_CLAIM	   "groups"
#define CONF_DEF_SUBJECT_CLAIM	   "sub"
#define CONF_DEF_GRANT_MAX	   3600
#define CONF_DEF_GRANT_CONNECTIONS 10
#define CONF_DEF_APPROVAL_WAIT	   300

#define CONF_FILE_MAX (1024 * 1024)

/* Signature algorithms an identity provider may use. */
#define CONF_ALG_RS256	 0x0001
#define CONF_ALG_RS384	 0x0002
#define CONF_ALG_RS512	 0x0004
#define CONF_ALG_PS256	 0x0008
#define CONF_ALG_PS384	 0x0010
#define CONF_ALG_PS512	 0x0020
#define CONF_ALG_ES256	 0x0040
#define CONF_ALG_ES384	 0x0080
#define CONF_ALG_ES512	 0x0100
#define CONF_ALG_DEFAULT (CONF_ALG_RS256 | CONF_ALG_ES256)

/* Privileges a grant may hand out. */
#define CONF_PRIV_SELECT      0x0001
#define CONF_PRIV_INSERT      0x0002
#define CONF_PRIV_UPDATE      0x0004
#define CONF_PRIV_DELETE      0x0008
#define CONF_PRIV_EXECUTE     0x0010
#define CONF_PRIV_SHOW_VIEW   0x0020
#define CONF_PRIV_CREATE_TMP  0x0040 /* "create temporary tables" */
#define CONF_PRIV_LOCK_TABLES 0x0080
#define CONF_PRIV_CREATE      0x0100
#define CONF_PRIV_ALTER	      0x0200
#define CONF_PRIV_INDEX	      0x0400
#define CONF_PRIV_DROP	      0x0800

struct conf_string {
	TAILQ_ENTRY(conf_string) cs_entry;
	char *cs_str;
};
TAILQ_HEAD(conf_strings, conf_string);

enum conf_listen_kind {
	CONF_LISTEN_INET, /* address and port */
	CONF_LISTEN_UNIX, /* a socket path */
};

struct conf_listen {
	TAILQ_ENTRY(conf_listen) l_entry;
	int l_line;
	enum conf_listen_kind l_kind;
	char *l_addr; /* address, or the socket path */
	int l_port;
	int l_tls; /* "tls { ... }" given */
	char *l_cert;
	char *l_key;
	int l_plaintext; /* "plaintext allowed", Unix only */
	char *l_name;	 /* "address:port" or the path */
};
TAILQ_HEAD(conf_listens, conf_listen);

enum conf_jwks_kind {
	CONF_JWKS_FILE,
	CONF_JWKS_URI,
	CONF_JWKS_DISCOVERY, /* from the issuer's metadata */
};

struct conf_identity {
	TAILQ_ENTRY(conf_identity) id_entry;
	int id_line;
	char *id_name;
	char *id_issuer;
	char *id_audience;
	enum conf_jwks_kind id_jwks_kind;
	char *id_jwks;	  /* file or URI; NULL for discovery */
	uint32_t id_algs; /* CONF_ALG_* */
	char *id_groups_claim;
	char *id_subject_claim;
	int id_clock_skew; /* seconds */
	int id_refresh;	   /* key refresh interval, seconds */
};
TAILQ_HEAD(conf_identities, conf_identity);

struct conf_approver {
	TAILQ_ENTRY(conf_approver) ap_entry;
	int ap_line;
	char *ap_name;
	uint32_t ap_uid;
	struct conf_strings ap_groups;
};
TAILQ_HEAD(conf_approvers, conf_approver);

/* "select, insert on "shop.*"": privileges on one object pattern. */
struct conf_priv {
	TAILQ_ENTRY(conf_priv) pv_entry;
	uint32_t pv_privs; /* CONF_PRIV_* */
	char *pv_object;   /* "schema.*", "schema.table" */
};
TAILQ_HEAD(conf_privs, conf_priv);

struct conf_grant {
	TAILQ_ENTRY(conf_grant) gr_entry;
	int gr_line;
	char *gr_name;
	struct conf_strings gr_groups; /* "to group X" or "to groups {}" */
	struct conf_privs gr_privs;
	struct conf_strings gr_deny_columns; /* "schema.table.column" */
	int gr_approval;		     /* approval required */
	char *gr_approval_group;
	int gr_approval_wait; /* seconds */
	int gr_max;	      /* longest window, seconds */
	int gr_connections;   /* MAX_USER_CONNECTIONS */
};
TAILQ_HEAD(conf_grants, conf_grant);

enum conf_rule_action {
	CONF_RULE_BLOCK,
	CONF_RULE_REVIEW,
};

/* Facts a rule item may require of a statement. */
#define CONF_FACT_WITHOUT_WHERE 0x0001
#define CONF_FACT_WITHOUT_LIMIT 0x0002

/*
 * One item of a block or review rule: a statement kind or a phrase
 * ("into outfile", "load data", "set global"), optional facts, and an
 * optional table pattern.
 */
struct conf_rule_item {
	TAILQ_ENTRY(conf_rule_item) ri_entry;
	char *ri_what;	   /* canonical lower-case spelling */
	uint32_t ri_facts; /* CONF_FACT_* */
	char *ri_table;	   /* "schema.table" pattern or NULL */
};
TAILQ_HEAD(conf_rule_items, conf_rule_item);

struct conf_rule {
	TAILQ_ENTRY(conf_rule) ru_entry;
	int ru_line;
	enum conf_rule_action ru_action;
	struct conf_rule_items ru_items;
	char *ru_group; /* review: approver group */
	int ru_wait;	/* review: seconds */
};
TAILQ_HEAD(conf_rules, conf_rule);

enum conf_mask_method {
	CONF_MASK_REDACT,
	CONF_MASK_NULL,
	CONF_MASK_PARTIAL,
	CONF_MASK_EMAIL,
	CONF_MASK_HASH,
	CONF_MASK_FIXED,
};

struct conf_mask {
	TAILQ_ENTRY(conf_mask) mk_entry;
	int mk_line;
	char *mk_pattern; /* "schema.table.column" glob */
	enum conf_mask_method mk_method;
	int mk_first;	/* partial: keep this many leading */
	int mk_last;	/* partial: keep this many trailing */
	char *mk_value; /* fixed: the value */
};
TAILQ_HEAD(conf_masks, conf_mask);

enum conf_derived {
	CONF_DERIVED_REFUSE,
	CONF_DERIVED_MASK,
};

struct conf_connection {
	TAILQ_ENTRY(conf_connection) cn_entry;
	int cn_line;
	char *cn_name;
	char *cn_host; /* NULL when cn_socket is set */
	int cn_port;
	char *cn_socket;      /* Unix socket path */
	char *cn_credentials; /* admin credentials file */
	char *cn_tls_ca;      /* verify the backend with this CA */
	char *cn_identity;    /* identity provider, NULL for any */
	struct conf_grants cn_grants;
	struct conf_rules cn_rules;
	struct conf_masks cn_masks;
	enum conf_derived cn_derived;
};
TAILQ_HEAD(conf_connections, conf_connection);

struct conf {
	char *cf_user; /* workers run as this user */
	char *cf_broker_user;
	char *cf_log_dir;
	char *cf_state_dir;
	char *cf_control_socket;
	char *cf_chroot; /* the workers' empty root */
	int cf_max_sessions;
	int cf_max_per_source;
	int cf_accept_rate;
	int cf_handshake_timeout;
	int cf_idle_timeout;
	int cf_drain_timeout;
	uint32_t cf_max_packet;
	int cf_broker_restart; /* restart a dead broker */
	struct conf_listens cf_listens;
	struct conf_identities cf_identities;
	struct conf_approvers cf_approvers;
	struct conf_connections cf_connections;
};

/*
 * Admin credentials of one connection, read from a MySQL option file:
 *
 *	[client]
 *	user = gwadmin
 *	password = secret
 */
struct conf_creds {
	char cc_user[128];
	char cc_password[1024];
};

/* Where errors go: each is "file:line: message". */
typedef void conf_error_fn(void *, const char *);

struct conf *conf_parse_file(const char *, conf_error_fn *, void *);
struct conf *
conf_parse_buffer(const char *, const char *, size_t, conf_error_fn *, void *);
void conf_free(struct conf *);
void conf_print(FILE *, const struct conf *);
struct conf_connection *conf_connection_find(const struct conf *, const char *);

int conf_creds_read(const char *, struct conf_creds *, char *, size_t);
int conf_creds_parse(const char *, size_t, struct conf_creds *, char *, size_t);

const char *conf_mask_method_name(enum conf_mask_method);
const char *conf_alg_name(uint32_t);
const char *conf_priv_name(uint32_t);

#endif /* GW_CONF_H */
