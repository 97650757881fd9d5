/*
 * casedb_ident.c: the contacts graph.  Identities (E.164 numbers,
 * WhatsApp ids, Telegram user ids, e-mail addresses) are taken from
 * named fields of artifact records; the same rules twice: in SQL over
 * case.db (json_each on the stored JSONL lines) and in C over the
 * records of one run (a bounded hash map).  t-case.sh checks that both
 * give the same rows.
 *
 * Rules: a field is read by its key (see the lists below); its role is
 * sender / recipient / chat by key, else by record type (contact,
 * caller, account, participant).  Phone keys count only in E.164
 * ("+" and digits, as plugins normalise them); other keys are lower-
 * cased and count as whatsapp (@s.whatsapp.net), whatsapp-lid (@lid)
 * or email (x@y.z); group and broadcast ids do not.  Telegram keys
 * count only in records of a telegram* plugin, as "telegram:DIGITS".
 * In records of a snapchat*, instagram*, tiktok* or discord* plugin
 * (the phone apps and their download archives) sender_id, user_id and
 * username count as "<platform>:<value in lower case>": usernames and
 * app ids, which such plugins keep in those keys.  Values with bytes
 * that are not UTF-8 are left out.
 */
#include "internal.h"
#include "casedb.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define KEYS_SENDER "'sender_phone','sender','sender_lid','sender_jid'"
#define KEYS_TG "'sender_id','from_id','user_id','peer_id','telegram_id'"
#define KEYS_PHONE "'sender_phone','recipient_phone','phone','number'"
#define KEYS_ALL KEYS_SENDER "," KEYS_TG ",'recipient_phone','recipient'," \
	"'chat_id','phone','number','jid','lid','email','whatsapp_jid'," \
	"'username'"
#define KEYS_APP "'sender_id','user_id','username'"
/* The platform of a plugin whose ids count as "<platform>:<id>". */
#define PLATFORM_OF(col) "CASE WHEN " col " GLOB 'snapchat*' THEN " \
	"'snapchat' WHEN " col " GLOB 'instagram*' THEN 'instagram' " \
	"WHEN " col " GLOB 'tiktok*' THEN 'tiktok' WHEN " col " GLOB " \
	"'discord*' THEN 'discord' END"

static const char *const sender_keys[] = {
	"sender_phone", "sender", "sender_lid", "sender_jid", "sender_id",
	"from_id", NULL,
};
static const char *const tg_keys[] = {
	"sender_id", "from_id", "user_id", "peer_id", "telegram_id", NULL,
};
static const char *const phone_keys[] = {
	"sender_phone", "recipient_phone", "phone", "number", NULL,
};
static const char *const all_keys[] = {
	"sender_phone", "sender", "sender_lid", "sender_jid", "sender_id",
	"from_id", "user_id", "peer_id", "recipient_phone", "recipient",
	"chat_id", "phone", "number", "jid", "lid", "email", "whatsapp_jid",
	"telegram_id", "username", NULL,
};
static const char *const app_keys[] = {
	"sender_id", "user_id", "username", NULL,
};
static const char *const platforms[] = {
	"snapchat", "instagram", "tiktok", "discord", NULL,
};

const char case_identity_keys[] = KEYS_ALL;

const char case_identities_sql[] =
	"WITH raw AS (SELECT r.exhibit AS exhibit, "
	"coalesce(json_extract(r.json, '$.plugin'), '') AS plugin, "
	"r.rtype AS rtype, json_extract(r.json, '$.time') AS t, "
	"j.key AS k, j.type AS jt, CAST(j.value AS TEXT) AS v "
	"FROM records r, json_each(r.json) j WHERE r.rtype <> 'file' "
	"AND j.key IN (" KEYS_ALL ") AND j.type IN ('text', 'integer') "
	"AND instr(CAST(j.value AS TEXT), char(65533)) = 0), "
	"ids AS (SELECT exhibit, plugin, rtype, t, "
	"CASE WHEN k IN (" KEYS_SENDER ", 'sender_id', 'from_id') "
	"THEN 'sender' "
	"WHEN k IN ('recipient_phone', 'recipient') THEN 'recipient' "
	"WHEN k = 'chat_id' THEN 'chat' "
	"WHEN rtype = 'contact' THEN 'contact' "
	"WHEN rtype = 'call' THEN 'caller' "
	"WHEN rtype = 'account' THEN 'account' "
	"ELSE 'participant' END AS role, "
	"CASE WHEN pf IS NOT NULL AND k IN (" KEYS_APP ") THEN "
	"CASE WHEN v <> '' THEN pf END "
	"WHEN k = 'username' THEN NULL "
	"WHEN k IN (" KEYS_TG ") THEN "
	"CASE WHEN plugin GLOB 'telegram*' AND tg <> '' AND "
	"NOT tg GLOB '*[^0-9]*' THEN 'telegram' END "
	"WHEN jt <> 'text' THEN NULL "
	"WHEN k IN (" KEYS_PHONE ") THEN "
	"CASE WHEN v GLOB '+[0-9]*' AND NOT substr(v, 2) GLOB '*[^0-9]*' "
	"THEN 'phone' END "
	"WHEN lower(v) GLOB '*@s.whatsapp.net' THEN 'whatsapp' "
	"WHEN lower(v) GLOB '*@lid' THEN 'whatsapp-lid' "
	"WHEN lower(v) GLOB '*@g.us' OR lower(v) GLOB '*@broadcast' "
	"OR lower(v) GLOB '*@newsletter' THEN NULL "
	"WHEN lower(v) GLOB '?*@?*.?*' AND NOT v GLOB '*[ <>,;]*' "
	"THEN 'email' END AS kind, "
	"CASE WHEN pf IS NOT NULL AND k IN (" KEYS_APP ") THEN "
	"pf || ':' || lower(v) "
	"WHEN k IN (" KEYS_TG ") THEN 'telegram:' || tg "
	"WHEN k IN (" KEYS_PHONE ") THEN v ELSE lower(v) END AS identity "
	"FROM (SELECT *, CASE WHEN v GLOB 'user*' THEN substr(v, 5) "
	"ELSE v END AS tg, " PLATFORM_OF("plugin") " AS pf FROM raw)), "
	"places AS (SELECT identity, kind, exhibit, plugin, rtype, role, "
	"count(*) AS n, min(t) AS first, max(t) AS last FROM ids "
	"WHERE kind IS NOT NULL "
	"GROUP BY identity, kind, exhibit, plugin, rtype, role), "
	"tot AS (SELECT identity, count(DISTINCT exhibit) AS nex, "
	"count(DISTINCT exhibit || char(31) || plugin) AS nsrc "
	"FROM places GROUP BY identity) "
	"SELECT p.identity AS identity, p.kind AS kind, t.nex AS exhibits, "
	"t.nsrc AS sources, p.exhibit AS exhibit, p.plugin AS plugin, "
	"p.rtype AS rtype, p.role AS role, p.n AS count, p.first AS first, "
	"p.last AS last FROM places p JOIN tot t ON t.identity = p.identity "
	"WHERE CASE WHEN ?1 > 0 THEN t.nex >= ?1 "
	"ELSE t.nex >= 2 OR t.nsrc >= 2 END "
	"ORDER BY p.identity, p.exhibit, p.plugin, p.rtype, p.role";

/* ---- the same rules in C ---- */

static bool in(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(k, *list))
			return true;
	return false;
}

static bool ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* x@y.z as the GLOB '?*@?*.?*' sees it */
static bool email_like(const char *v)
{
	size_t n = strlen(v);

	if (strpbrk(v, " <>,;"))
		return false;
	for (size_t a = 1; a < n; a++) {
		if (v[a] != '@')
			continue;
		for (size_t d = a + 2; d + 1 < n; d++)
			if (v[d] == '.')
				return true;
	}
	return false;
}

/* The kind and identity of value v under key k; NULL kind: none. */
/* The platform whose ids a plugin's records carry, or NULL. */
static const char *platform_of(const char *plugin)
{
	for (size_t i = 0; platforms[i]; i++)
		if (!strncmp(plugin, platforms[i], strlen(platforms[i])))
			return platforms[i];
	return NULL;
}

static const char *classify(const char *k, const char *plugin, bool text,
			    const char *v, struct sbuf *id)
{
	const char *pf = platform_of(plugin);

	sbuf_reset(id);
	if (pf && in(k, app_keys)) {
		if (!*v)
			return NULL;
		sbuf_adds(id, pf);
		sbuf_addc(id, ':');
		for (const char *p = v; *p; p++)
			sbuf_addc(id, *p >= 'A' && *p <= 'Z' ?
				  (char)(*p + 32) : *p);
		return pf;
	}
	if (!strcmp(k, "username"))
		return NULL;
	if (in(k, tg_keys)) {
		const char *tg = !strncmp(v, "user", 4) ? v + 4 : v;

		if (strncmp(plugin, "telegram", 8) || !*tg || !all_digits(tg))
			return NULL;
		sbuf_adds(id, "telegram:");
		sbuf_adds(id, tg);
		return "telegram";
	}
	if (!text)
		return NULL;
	if (in(k, phone_keys)) {
		if (v[0] != '+' || !v[1] || !all_digits(v + 1))
			return NULL;
		sbuf_adds(id, v);
		return "phone";
	}
	for (const char *p = v; *p; p++)
		sbuf_addc(id, *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p);
	v = sbuf_str(id);
	if (ends(v, "@s.whatsapp.net"))
		return "whatsapp";
	if (ends(v, "@lid"))
		return "whatsapp-lid";
	if (ends(v, "@g.us") || ends(v, "@broadcast") ||
	    ends(v, "@newsletter"))
		return NULL;
	return email_like(v) ? "email" : NULL;
}

static const char *role_of(const char *k, const char *rtype)
{
	if (in(k, sender_keys))
		return "sender";
	if (!strcmp(k, "recipient_phone") || !strcmp(k, "recipient"))
		return "recipient";
	if (!strcmp(k, "chat_id"))
		return "chat";
	if (!strcmp(rtype, "contact"))
		return "contact";
	if (!strcmp(rtype, "call"))
		return "caller";
	if (!strcmp(rtype, "account"))
		return "account";
	return "participant";
}

/* ---- the map ---- */

#define NPARTS 6	/* identity, kind, exhibit, plugin, rtype, role */
#define PART_MAX 512	/* bytes kept of each part */

struct place {
	char *key;	/* the parts, each NUL-terminated, one after another */
	size_t key_len;
	const char *part[NPARTS];
	uint64_t n;
	char first[SPOOR_TIME_STR_MAX], last[SPOOR_TIME_STR_MAX];
	uint64_t nex, nsrc;	/* filled by the listing */
};

struct spoor_idmap {
	struct place **slot;
	size_t cap, n, max;
	uint64_t dropped;
	struct sbuf key, id, val;
};

struct spoor_idmap *spoor_idmap_new(size_t max_places)
{
	struct spoor_idmap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->max = max_places ? max_places : 1;
	return m;
}

void spoor_idmap_free(struct spoor_idmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slot[i]) {
			free(m->slot[i]->key);
			free(m->slot[i]);
		}
	free(m->slot);
	sbuf_release(&m->key);
	sbuf_release(&m->id);
	sbuf_release(&m->val);
	free(m);
}

uint64_t spoor_idmap_dropped(const struct spoor_idmap *m)
{
	return m->dropped;
}

static uint64_t fnv(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static int grow(struct spoor_idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct place **s = calloc(cap, sizeof(*s));

	if (!s)
		return SPOOR_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		struct place *p = m->slot[i];
		size_t j;

		if (!p)
			continue;
		j = fnv(p->key, p->key_len) & (cap - 1);
		while (s[j])
			j = (j + 1) & (cap - 1);
		s[j] = p;
	}
	free(m->slot);
	m->slot = s;
	m->cap = cap;
	return SPOOR_OK;
}

static void key_part(struct sbuf *k, const char *s)
{
	size_t n = strlen(s);

	sbuf_add(k, s, n < PART_MAX ? n : PART_MAX);
	sbuf_addc(k, '\0');
}

static int add_place(struct spoor_idmap *m, const char *const parts[NPARTS],
		     const char *t, struct spoor_err *err)
{
	struct place *p;
	size_t j;
	uint64_t h;

	sbuf_reset(&m->key);
	for (int i = 0; i < NPARTS; i++)
		key_part(&m->key, parts[i]);
	if (m->key.failed)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if ((m->n + 1) * 10 > m->cap * 7 && grow(m))
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	h = fnv(m->key.buf, m->key.len);
	for (j = h & (m->cap - 1); (p = m->slot[j]);
	     j = (j + 1) & (m->cap - 1))
		if (p->key_len == m->key.len &&
		    !memcmp(p->key, m->key.buf, m->key.len))
			break;
	if (!p) {
		const char *q;

		if (m->n >= m->max) {
			m->dropped++;
			return SPOOR_OK;
		}
		p = calloc(1, sizeof(*p));
		if (!p || !(p->key = malloc(m->key.len))) {
			free(p);
			return spoor_err_set(err, SPOOR_ENOMEM, 0,
					     "out of memory");
		}
		memcpy(p->key, m->key.buf, m->key.len);
		p->key_len = m->key.len;
		q = p->key;
		for (int i = 0; i < NPARTS; i++) {
			p->part[i] = q;
			q += strlen(q) + 1;
		}
		m->slot[j] = p;
		m->n++;
	}
	p->n++;
	if (t && (!p->first[0] || strcmp(t, p->first) < 0))
		spoor_strlcpy(p->first, t, sizeof(p->first));
	if (t && strcmp(t, p->last) > 0)
		spoor_strlcpy(p->last, t, sizeof(p->last));
	return SPOOR_OK;
}

static const char *field_str(const struct spoor_record *r, const char *k,
			     struct sbuf *b)
{
	const struct spoor_field *f = spoor_record_get(r, k);

	sbuf_reset(b);
	if (!f || f->kind != SPOOR_F_STR ||
	    memchr(f->v.str.ptr, '\0', f->v.str.len) ||
	    !spoor_utf8_valid(f->v.str.ptr, f->v.str.len))
		return NULL;
	sbuf_add(b, f->v.str.ptr, f->v.str.len);
	return b->failed ? NULL : sbuf_str(b);
}

int spoor_idmap_add(struct spoor_idmap *m, const struct spoor_record *r,
		    struct spoor_err *err)
{
	char tbuf[SPOOR_TIME_STR_MAX], num[32], exhibit[PART_MAX + 1];
	char plugin[PART_MAX + 1];
	const struct spoor_field *tf = spoor_record_get(r, "time");
	const char *t = NULL, *s;
	struct sbuf tmp = SBUF_INIT;
	int rc = SPOOR_OK;

	if (!strcmp(r->type, "file"))
		return SPOOR_OK;
	if (tf && tf->kind == SPOOR_F_TIME)
		t = spoor_time_iso(&tf->v.t, tbuf);
	else if (tf && tf->kind == SPOOR_F_STR &&
		 (s = field_str(r, "time", &tmp)))
		t = spoor_strlcpy(tbuf, s, sizeof(tbuf)) < sizeof(tbuf)
			? tbuf : NULL;
	s = field_str(r, "exhibit", &tmp);
	spoor_strlcpy(exhibit, s ? s : "", sizeof(exhibit));
	s = field_str(r, "plugin", &tmp);
	spoor_strlcpy(plugin, s ? s : "", sizeof(plugin));
	for (size_t i = 0; i < r->n && !rc; i++) {
		const struct spoor_field *f = &r->f[i];
		const char *kind, *v = NULL, *parts[NPARTS];
		bool text = f->kind == SPOOR_F_STR;

		if (!in(f->key, all_keys))
			continue;
		if (text) {
			v = field_str(r, f->key, &m->val);
		} else if (f->kind == SPOOR_F_INT || f->kind == SPOOR_F_UINT) {
			if (f->kind == SPOOR_F_INT)
				snprintf(num, sizeof(num), "%lld",
					 (long long)f->v.i);
			else
				snprintf(num, sizeof(num), "%llu",
					 (unsigned long long)f->v.u);
			v = num;
		}
		if (!v)
			continue;
		kind = classify(f->key, plugin, text, v, &m->id);
		if (!kind)
			continue;
		parts[0] = sbuf_str(&m->id);
		parts[1] = kind;
		parts[2] = exhibit;
		parts[3] = plugin;
		parts[4] = r->type;
		parts[5] = role_of(f->key, r->type);
		rc = add_place(m, parts, t, err);
	}
	sbuf_release(&tmp);
	return rc;
}

static int cmp_place(const void *a, const void *b)
{
	const struct place *x = *(struct place *const *)a;
	const struct place *y = *(struct place *const *)b;
	int c;

	for (int i = 0; i < NPARTS; i++)
		if (i != 1 && (c = strcmp(x->part[i], y->part[i])))
			return c;
	return strcmp(x->part[1], y->part[1]);
}

/* exhibits and sources of the identity in v[lo..hi) (sorted) */
static void count_group(struct place **v, size_t lo, size_t hi)
{
	uint64_t nex = 0, nsrc = 0;

	for (size_t i = lo; i < hi; i++) {
		bool new_ex = i == lo || strcmp(v[i]->part[2],
						v[i - 1]->part[2]);

		nex += new_ex;
		nsrc += new_ex || strcmp(v[i]->part[3], v[i - 1]->part[3]);
	}
	for (size_t i = lo; i < hi; i++) {
		v[i]->nex = nex;
		v[i]->nsrc = nsrc;
	}
}

int spoor_idmap_list(struct spoor_idmap *m, int64_t min_exhibits,
		     spoor_artifact_cb *cb, void *ud, struct spoor_err *err)
{
	struct place **v = m->n ? malloc(m->n * sizeof(*v)) : NULL;
	size_t n = 0, lo = 0;
	int rc = SPOOR_OK;

	if (m->n && !v)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < m->cap; i++)
		if (m->slot[i])
			v[n++] = m->slot[i];
	if (n)
		qsort(v, n, sizeof(*v), cmp_place);
	for (size_t i = 1; i <= n; i++)
		if (i == n || strcmp(v[i]->part[0], v[lo]->part[0])) {
			count_group(v, lo, i);
			lo = i;
		}
	for (size_t i = 0; i < n && !rc; i++) {
		struct place *p = v[i];
		struct spoor_record r;

		if (min_exhibits > 0 ? p->nex < (uint64_t)min_exhibits
		    : p->nex < 2 && p->nsrc < 2)
			continue;
		spoor_record_init(&r, "identity");
		spoor_record_str(&r, "identity", p->part[0]);
		spoor_record_str(&r, "kind", p->part[1]);
		spoor_record_int(&r, "exhibits", (int64_t)p->nex);
		spoor_record_int(&r, "sources", (int64_t)p->nsrc);
		spoor_record_str(&r, "exhibit", p->part[2]);
		spoor_record_str(&r, "plugin", p->part[3]);
		spoor_record_str(&r, "rtype", p->part[4]);
		spoor_record_str(&r, "role", p->part[5]);
		spoor_record_int(&r, "count", (int64_t)p->n);
		spoor_record_str(&r, "first", p->first[0] ? p->first : NULL);
		spoor_record_str(&r, "last", p->last[0] ? p->last : NULL);
		if (cb(ud, &r))
			rc = spoor_err_set(err, SPOOR_ESTOPPED, 0, "stopped");
	}
	free(v);
	return rc;
}
