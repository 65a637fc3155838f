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
 * Everything about a parsed configuration except the parsing: freeing it,
 * looking things up, the names of its enumerations, and conf_print(),
 * which writes the effective configuration in canonical form.  The
 * canonical form parses back to an equal configuration: every setting is
 * explicit, in a fixed order, strings are quoted, durations are seconds
 * and sizes are bytes.
 */

#include <sys/queue.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/conf.h"

static void conf_strings_free(struct conf_strings *);
static void conf_connection_free(struct conf_connection *);
static void conf_grant_free(struct conf_grant *);
static void conf_rule_free(struct conf_rule *);
static void print_str(FILE *, const char *);
static void print_groups(FILE *, const struct conf_strings *);
static void print_listen(FILE *, const struct conf_listen *);
static void print_identity(FILE *, const struct conf_identity *);
static void print_approver(FILE *, const struct conf_approver *);
static void print_connection(FILE *, const struct conf_connection *);
static void print_grant(FILE *, const struct conf_grant *);
static void print_rule(FILE *, const struct conf_rule *);
static void print_mask(FILE *, const struct conf_mask *);

/* Indexed by bit number: CONF_ALG_RS256 is bit 0. */
static const char *const alg_names[] = {
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
};

/* Indexed by bit number: CONF_PRIV_SELECT is bit 0. */
static const char *const priv_names[] = {
    "select",
    "insert",
    "update",
    "delete",
    "execute",
    "show view",
    "create temporary tables",
    "lock tables",
    "create",
    "alter",
    "index",
    "drop",
};

static const char *const mask_names[] = {
    [CONF_MASK_REDACT] = "redact",
    [CONF_MASK_NULL] = "null",
    [CONF_MASK_PARTIAL] = "partial",
    [CONF_MASK_EMAIL] = "email",
    [CONF_MASK_HASH] = "hash",
    [CONF_MASK_FIXED] = "fixed",
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The name of one bit of a table indexed by bit number, or "unknown". */
static const char *
bit_name(const char *const *names, size_t n, uint32_t bit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bit == (uint32_t)1 << i)
			return names[i];
	return "unknown";
}

const char *
conf_alg_name(uint32_t alg)
{
	return bit_name(alg_names, NITEMS(alg_names), alg);
}

const char *
conf_priv_name(uint32_t priv)
{
	return bit_name(priv_names, NITEMS(priv_names), priv);
}

const char *
conf_mask_method_name(enum conf_mask_method method)
{
	if ((unsigned int)method >= NITEMS(mask_names))
		return "unknown";
	return mask_names[method];
}

struct conf_connection *
conf_connection_find(const struct conf *cf, const char *name)
{
	struct conf_connection *cn;

	for (cn = TAILQ_FIRST(&cf->cf_connections); cn != NULL;
	     cn = TAILQ_NEXT(cn, cn_entry))
		if (strcmp(cn->cn_name, name) == 0)
			return cn;
	return NULL;
}

/*
 * Freeing.
 */

static void
conf_strings_free(struct conf_strings *list)
{
	struct conf_string *cs;

	while ((cs = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, cs, cs_entry);
		free(cs->cs_str);
		free(cs);
	}
}

static void
conf_grant_free(struct conf_grant *gr)
{
	struct conf_priv *pv;

	conf_strings_free(&gr->gr_groups);
	while ((pv = TAILQ_FIRST(&gr->gr_privs)) != NULL) {
		TAILQ_REMOVE(&gr->gr_privs, pv, pv_entry);
		free(pv->pv_object);
		free(pv);
	}
	conf_strings_free(&gr->gr_deny_columns);
	free(gr->gr_name);
	free(gr->gr_approval_group);
	free(gr);
}

static void
conf_rule_free(struct conf_rule *ru)
{
	struct conf_rule_item *ri;

	while ((ri = TAILQ_FIRST(&ru->ru_items)) != NULL) {
		TAILQ_REMOVE(&ru->ru_items, ri, ri_entry);
		free(ri->ri_what);
		free(ri->ri_table);
		free(ri);
	}
	free(ru->ru_group);
	free(ru);
}

static void
conf_connection_free(struct conf_connection *cn)
{
	struct conf_grant *gr;
	struct conf_rule *ru;
	struct conf_mask *mk;

	while ((gr = TAILQ_FIRST(&cn->cn_grants)) != NULL) {
		TAILQ_REMOVE(&cn->cn_grants, gr, gr_entry);
		conf_grant_free(gr);
	}
	while ((ru = TAILQ_FIRST(&cn->cn_rules)) != NULL) {
		TAILQ_REMOVE(&cn->cn_rules, ru, ru_entry);
		conf_rule_free(ru);
	}
	while ((mk = TAILQ_FIRST(&cn->cn_masks)) != NULL) {
		TAILQ_REMOVE(&cn->cn_masks, mk, mk_entry);
		free(mk->mk_pattern);
		free(mk->mk_value);
		free(mk);
	}
	free(cn->cn_name);
	free(cn->cn_host);
	free(cn->cn_socket);
	free(cn->cn_credentials);
	free(cn->cn_tls_ca);
	free(cn->cn_identity);
	free(cn);
}

void
conf_free(struct conf *cf)
{
	struct conf_listen *l;
	struct conf_identity *id;
	struct conf_approver *ap;
	struct conf_connection *cn;

	if (cf == NULL)
		return;
	while ((l = TAILQ_FIRST(&cf->cf_listens)) != NULL) {
		TAILQ_REMOVE(&cf->cf_listens, l, l_entry);
		free(l->l_addr);
		free(l->l_cert);
		free(l->l_key);
		free(l->l_name);
		free(l);
	}
	while ((id = TAILQ_FIRST(&cf->cf_identities)) != NULL) {
		TAILQ_REMOVE(&cf->cf_identities, id, id_entry);
		free(id->id_name);
		free(id->id_issuer);
		free(id->id_audience);
		free(id->id_jwks);
		free(id->id_groups_claim);
		free(id->id_subject_claim);
		free(id);
	}
	while ((ap = TAILQ_FIRST(&cf->cf_approvers)) != NULL) {
		TAILQ_REMOVE(&cf->cf_approvers, ap, ap_entry);
		conf_strings_free(&ap->ap_groups);
		free(ap->ap_name);
		free(ap);
	}
	while ((cn = TAILQ_FIRST(&cf->cf_connections)) != NULL) {
		TAILQ_REMOVE(&cf->cf_connections, cn, cn_entry);
		conf_connection_free(cn);
	}
	free(cf->cf_user);
	free(cf->cf_broker_user);
	free(cf->cf_log_dir);
	free(cf->cf_state_dir);
	free(cf->cf_control_socket);
	free(cf->cf_chroot);
	free(cf);
}

/*
 * Printing.
 */

/* A double-quoted string; the lexer accepts \" and \\ and nothing else. */
static void
print_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* "group "G"" for one group, "groups { "A" "B" }" for more. */
static void
print_groups(FILE *f, const struct conf_strings *list)
{
	const struct conf_string *cs, *first = TAILQ_FIRST(list);

	if (first != NULL && TAILQ_NEXT(first, cs_entry) == NULL) {
		fputs("group ", f);
		print_str(f, first->cs_str);
		return;
	}
	fputs("groups {", f);
	for (cs = TAILQ_FIRST(list); cs != NULL;
	     cs = TAILQ_NEXT(cs, cs_entry)) {
		fputc(' ', f);
		print_str(f, cs->cs_str);
	}
	fputs(" }", f);
}

static void
print_listen(FILE *f, const struct conf_listen *l)
{
	fputs("listen on ", f);
	if (l->l_kind == CONF_LISTEN_UNIX) {
		fputs("socket ", f);
		print_str(f, l->l_addr);
	} else {
		print_str(f, l->l_addr);
		fprintf(f, " port %d", l->l_port);
	}
	if (l->l_tls) {
		fputs(" tls {\n\tcertificate ", f);
		print_str(f, l->l_cert);
		fputs("\n\tkey ", f);
		print_str(f, l->l_key);
		fputs("\n}\n", f);
	} else
		fputs(" plaintext allowed\n", f);
}

static void
print_identity(FILE *f, const struct conf_identity *id)
{
	const char *sep = "";
	uint32_t bit;

	fputs("identity ", f);
	print_str(f, id->id_name);
	fputs(" {\n\tissuer ", f);
	print_str(f, id->id_issuer);
	fputs("\n\taudience ", f);
	print_str(f, id->id_audience);
	switch (id->id_jwks_kind) {
	case CONF_JWKS_FILE:
		fputs("\n\tjwks file ", f);
		print_str(f, id->id_jwks);
		break;
	case CONF_JWKS_URI:
		fputs("\n\tjwks uri ", f);
		print_str(f, id->id_jwks);
		break;
	case CONF_JWKS_DISCOVERY:
		fputs("\n\tjwks discovery", f);
		break;
	}
	fputs("\n\talgorithms ", f);
	for (bit = 1; bit <= CONF_ALG_ES512; bit <<= 1) {
		if ((id->id_algs & bit) == 0)
			continue;
		fprintf(f, "%s%s", sep, conf_alg_name(bit));
		sep = ", ";
	}
	fputs("\n\tgroups claim ", f);
	print_str(f, id->id_groups_claim);
	fputs("\n\tsubject claim ", f);
	print_str(f, id->id_subject_claim);
	fprintf(f, "\n\tclock skew %ds\n", id->id_clock_skew);
	fprintf(f, "\trefresh %ds\n}\n", id->id_refresh);
}

static void
print_approver(FILE *f, const struct conf_approver *ap)
{
	const struct conf_string *cs;

	fputs("approver ", f);
	print_str(f, ap->ap_name);
	fprintf(f, " uid %u groups {", ap->ap_uid);
	for (cs = TAILQ_FIRST(&ap->ap_groups); cs != NULL;
	     cs = TAILQ_NEXT(cs, cs_entry)) {
		fputc(' ', f);
		print_str(f, cs->cs_str);
	}
	fputs(" }\n", f);
}

static void
print_grant(FILE *f, const struct conf_grant *gr)
{
	const struct conf_priv *pv;
	const struct conf_string *cs;
	const char *name, *sep;
	uint32_t bit;

	fputs("\tgrant ", f);
	print_str(f, gr->gr_name);
	fputs(" to ", f);
	print_groups(f, &gr->gr_groups);
	fputs(" {\n", f);
	for (pv = TAILQ_FIRST(&gr->gr_privs); pv != NULL;
	     pv = TAILQ_NEXT(pv, pv_entry)) {
		fputs("\t\t", f);
		sep = "";
		for (bit = 1; bit <= CONF_PRIV_DROP; bit <<= 1) {
			if ((pv->pv_privs & bit) == 0)
				continue;
			fputs(sep, f);
			name = conf_priv_name(bit);
			if (strchr(name, ' ') != NULL)
				print_str(f, name);
			else
				fputs(name, f);
			sep = ", ";
		}
		fputs(" on ", f);
		print_str(f, pv->pv_object);
		fputc('\n', f);
	}
	for (cs = TAILQ_FIRST(&gr->gr_deny_columns); cs != NULL;
	     cs = TAILQ_NEXT(cs, cs_entry)) {
		fputs("\t\tdeny column ", f);
		print_str(f, cs->cs_str);
		fputc('\n', f);
	}
	if (gr->gr_approval) {
		fputs("\t\tapproval by group ", f);
		print_str(f, gr->gr_approval_group);
		fprintf(f, " wait %ds\n", gr->gr_approval_wait);
	}
	fprintf(f, "\t\tmax %ds\n", gr->gr_max);
	fprintf(f, "\t\tconnections %d\n\t}\n", gr->gr_connections);
}

static void
print_rule(FILE *f, const struct conf_rule *ru)
{
	const struct conf_rule_item *ri;
	const char *sep = " ";

	fputs(ru->ru_action == CONF_RULE_BLOCK ? "\tblock" : "\treview", f);
	for (ri = TAILQ_FIRST(&ru->ru_items); ri != NULL;
	     ri = TAILQ_NEXT(ri, ri_entry)) {
		fputs(sep, f);
		if (strchr(ri->ri_what, ' ') != NULL)
			print_str(f, ri->ri_what);
		else
			fputs(ri->ri_what, f);
		if (ri->ri_facts & CONF_FACT_WITHOUT_WHERE)
			fputs(" without where", f);
		if (ri->ri_facts & CONF_FACT_WITHOUT_LIMIT)
			fputs(" without limit", f);
		if (ri->ri_table != NULL) {
			fputs(" on ", f);
			print_str(f, ri->ri_table);
		}
		sep = ", ";
	}
	if (ru->ru_action == CONF_RULE_REVIEW) {
		fputs(" by group ", f);
		print_str(f, ru->ru_group);
		fprintf(f, " wait %ds", ru->ru_wait);
	}
	fputc('\n', f);
}

static void
print_mask(FILE *f, const struct conf_mask *mk)
{
	fputs("\tmask ", f);
	print_str(f, mk->mk_pattern);
	fprintf(f, " %s", conf_mask_method_name(mk->mk_method));
	if (mk->mk_method == CONF_MASK_PARTIAL)
		fprintf(f, " first %d last %d", mk->mk_first, mk->mk_last);
	else if (mk->mk_method == CONF_MASK_FIXED) {
		fputc(' ', f);
		print_str(f, mk->mk_value);
	}
	fputc('\n', f);
}

static void
print_connection(FILE *f, const struct conf_connection *cn)
{
	const struct conf_grant *gr;
	const struct conf_rule *ru;
	const struct conf_mask *mk;

	fputs("connection ", f);
	print_str(f, cn->cn_name);
	fputs(" {\n", f);
	if (cn->cn_socket != NULL) {
		fputs("\tserver socket ", f);
		print_str(f, cn->cn_socket);
	} else {
		fputs("\tserver ", f);
		print_str(f, cn->cn_host);
		fprintf(f, " port %d", cn->cn_port);
	}
	fputs("\n\tadmin credentials ", f);
	print_str(f, cn->cn_credentials);
	fputc('\n', f);
	if (cn->cn_tls_ca != NULL) {
		fputs("\ttls ca ", f);
		print_str(f, cn->cn_tls_ca);
		fputc('\n', f);
	}
	if (cn->cn_identity != NULL) {
		fputs("\tidentity ", f);
		print_str(f, cn->cn_identity);
		fputc('\n', f);
	}
	for (gr = TAILQ_FIRST(&cn->cn_grants); gr != NULL;
	     gr = TAILQ_NEXT(gr, gr_entry))
		print_grant(f, gr);
	for (ru = TAILQ_FIRST(&cn->cn_rules); ru != NULL;
	     ru = TAILQ_NEXT(ru, ru_entry))
		print_rule(f, ru);
	for (mk = TAILQ_FIRST(&cn->cn_masks); mk != NULL;
	     mk = TAILQ_NEXT(mk, mk_entry))
		print_mask(f, mk);
	fprintf(f, "\tmask derived %s\n}\n",
	    cn->cn_derived == CONF_DERIVED_MASK ? "mask" : "refuse");
}

/*
 * The effective configuration.  Credentials files are named, never
 * read: nothing secret is printed.
 */
void
conf_print(FILE *f, const struct conf *cf)
{
	const struct conf_listen *l;
	const struct conf_identity *id;
	const struct conf_approver *ap;
	const struct conf_connection *cn;

	fputs("user ", f);
	print_str(f, cf->cf_user);
	fputs("\nbroker user ", f);
	print_str(f, cf->cf_broker_user);
	fputs("\nlog directory ", f);
	print_str(f, cf->cf_log_dir);
	fputs("\nstate directory ", f);
	print_str(f, cf->cf_state_dir);
	fputs("\ncontrol socket ", f);
	print_str(f, cf->cf_control_socket);
	fputs("\nchroot ", f);
	print_str(f, cf->cf_chroot);
	fprintf(f, "\nmax sessions %d\n", cf->cf_max_sessions);
	fprintf(f, "max sessions per source %d\n", cf->cf_max_per_source);
	fprintf(f, "accept rate %d\n", cf->cf_accept_rate);
	fprintf(f, "handshake timeout %ds\n", cf->cf_handshake_timeout);
	fprintf(f, "idle timeout %ds\n", cf->cf_idle_timeout);
	fprintf(f, "drain timeout %ds\n", cf->cf_drain_timeout);
	fprintf(f, "max packet %u\n", cf->cf_max_packet);
	fprintf(f, "broker restart %s\n", cf->cf_broker_restart ? "yes" : "no");

	for (l = TAILQ_FIRST(&cf->cf_listens); l != NULL;
	     l = TAILQ_NEXT(l, l_entry)) {
		fputc('\n', f);
		print_listen(f, l);
	}
	for (id = TAILQ_FIRST(&cf->cf_identities); id != NULL;
	     id = TAILQ_NEXT(id, id_entry)) {
		fputc('\n', f);
		print_identity(f, id);
	}
	if (!TAILQ_EMPTY(&cf->cf_approvers))
		fputc('\n', f);
	for (ap = TAILQ_FIRST(&cf->cf_approvers); ap != NULL;
	     ap = TAILQ_NEXT(ap, ap_entry))
		print_approver(f, ap);
	for (cn = TAILQ_FIRST(&cf->cf_connections); cn != NULL;
	     cn = TAILQ_NEXT(cn, cn_entry)) {
		fputc('\n', f);
		print_connection(f, cn);
	}
}
