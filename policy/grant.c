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
 * Grant evaluation.  The rules, in order:
 *
 *	- the user name is "CONNECTION" or "CONNECTION/GRANT", each part
 *	  1 to 64 of [A-Za-z0-9._-], as the configuration's names are;
 *	- with a grant named, that grant must exist and one of the token's
 *	  groups must be among its groups;
 *	- without, the first grant in configuration order whose groups
 *	  meet the token's is taken;
 *	- a window lasts what the agent asked for, capped at the grant's
 *	  maximum; asking for nothing gets the maximum.
 */

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "policy/grant.h"

static int
grant_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= GRANT_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '_' ||
			c == '-'))
			return 0;
	}
	return 1;
}

/* Split a user name; grant is the empty string when none is named. */
int
grant_user_parse(
    const char *user, char *conn, size_t connsz, char *grant, size_t grantsz)
{
	const char *slash = strchr(user, '/');
	size_t clen = slash ? (size_t)(slash - user) : strlen(user);
	size_t glen = slash ? strlen(slash + 1) : 0;

	if (connsz == 0 || grantsz == 0)
		return GW_EINVAL;
	conn[0] = grant[0] = '\0';
	if (!grant_name_ok(user, clen) || clen >= connsz)
		return GW_EINVAL;
	if (slash != NULL &&
	    (!grant_name_ok(slash + 1, glen) || glen >= grantsz))
		return GW_EINVAL;
	memcpy(conn, user, clen);
	conn[clen] = '\0';
	if (slash != NULL) {
		memcpy(grant, slash + 1, glen);
		grant[glen] = '\0';
	}
	return GW_OK;
}

static int
grant_groups_meet(
    const struct conf_grant *gr, const char *const *groups, int ngroups)
{
	const struct conf_string *cs;
	int i;

	TAILQ_FOREACH(cs, &gr->gr_groups, cs_entry)
		for (i = 0; i < ngroups; i++)
			if (strcmp(cs->cs_str, groups[i]) == 0)
				return 1;
	return 0;
}

/*
 * The grant an agent with these groups gets on cn, or NULL with the
 * reason in why (for the log; the agent is told only "access denied").
 */
const struct conf_grant *
grant_match(const struct conf_connection *cn, const char *name,
    const char *const *groups, int ngroups, char *why, size_t whysz)
{
	const struct conf_grant *gr;

	TAILQ_FOREACH(gr, &cn->cn_grants, gr_entry) {
		if (name != NULL && name[0] != '\0' &&
		    strcmp(gr->gr_name, name) != 0)
			continue;
		if (grant_groups_meet(gr, groups, ngroups))
			return gr;
		if (name != NULL && name[0] != '\0') {
			snprintf(why, whysz,
			    "grant %s is not for the "
			    "token's groups",
			    gr->gr_name);
			return NULL;
		}
	}
	if (name != NULL && name[0] != '\0')
		snprintf(why, whysz, "connection %s has no grant %s",
		    cn->cn_name, name);
	else
		snprintf(why, whysz,
		    "no grant of connection %s is for the "
		    "token's groups",
		    cn->cn_name);
	return NULL;
}

/* The window's length in seconds. */
int64_t
grant_window(const struct conf_grant *gr, uint32_t asked)
{
	if (asked == 0 || asked > (uint32_t)gr->gr_max)
		return gr->gr_max;
	return asked;
}
